//! Free addresses of one vSwitch CIDR; the first address and the last three are reserved, as VPC does.

use ipnet::Ipv4Net;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;

/// Why a named address cannot be taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimError {
    Reserved,
    InUse,
}

#[derive(Debug, Clone, Default)]
pub struct IpPool {
    network: u32,
    /// Usable host offsets are `1..=last`.
    last: u32,
    used: BTreeSet<u32>,
    cursor: u32,
}

impl IpPool {
    pub fn for_cidr(cidr: Ipv4Net) -> Self {
        let size = 1u64 << (32 - u32::from(cidr.prefix_len()));
        let last = u32::try_from(size.saturating_sub(4)).unwrap_or(0);
        IpPool {
            network: u32::from(cidr.network()),
            last,
            used: BTreeSet::new(),
            cursor: 1,
        }
    }

    /// The next free address after the last one handed out, wrapping around.
    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        if self.last == 0 || self.used.len() >= self.last as usize {
            return None;
        }
        let start = self.cursor.clamp(1, self.last);
        let mut offset = start;
        loop {
            if !self.used.contains(&offset) {
                self.used.insert(offset);
                self.cursor = if offset >= self.last { 1 } else { offset + 1 };
                return Some(Ipv4Addr::from(self.network.wrapping_add(offset)));
            }
            offset = if offset >= self.last { 1 } else { offset + 1 };
            if offset == start {
                return None;
            }
        }
    }

    /// Takes one named address; it must be usable and free.
    pub fn claim(&mut self, ip: Ipv4Addr) -> Result<(), ClaimError> {
        let offset = u32::from(ip).wrapping_sub(self.network);
        if offset == 0 || offset > self.last {
            return Err(ClaimError::Reserved);
        }
        if self.used.insert(offset) {
            Ok(())
        } else {
            Err(ClaimError::InUse)
        }
    }

    /// Frees an address; `false` if it was not handed out.
    pub fn release(&mut self, ip: Ipv4Addr) -> bool {
        let offset = u32::from(ip).wrapping_sub(self.network);
        self.used.remove(&offset)
    }

    pub fn in_use(&self) -> usize {
        self.used.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slash_29_has_four_usable_addresses() {
        let mut pool = IpPool::for_cidr("10.0.0.0/29".parse().unwrap());
        let got: Vec<Ipv4Addr> = std::iter::from_fn(|| pool.allocate()).collect();
        assert_eq!(got, (1..=4).map(|i| Ipv4Addr::new(10, 0, 0, i)).collect::<Vec<_>>());
        assert!(pool.release(Ipv4Addr::new(10, 0, 0, 2)));
        assert!(!pool.release(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(pool.allocate(), Some(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(pool.allocate(), None);
        assert_eq!(pool.in_use(), 4);
    }

    #[test]
    fn named_addresses_are_claimed_once_and_reserved_ones_refused() {
        let mut pool = IpPool::for_cidr("10.0.0.0/29".parse().unwrap());
        assert_eq!(pool.claim(Ipv4Addr::new(10, 0, 0, 3)), Ok(()));
        assert_eq!(pool.claim(Ipv4Addr::new(10, 0, 0, 3)), Err(ClaimError::InUse));
        for reserved in [0, 5, 6, 7] {
            assert_eq!(
                pool.claim(Ipv4Addr::new(10, 0, 0, reserved)),
                Err(ClaimError::Reserved),
                "{reserved}"
            );
        }
        let got: Vec<Ipv4Addr> = std::iter::from_fn(|| pool.allocate()).collect();
        assert_eq!(got, [1, 2, 4].map(|i| Ipv4Addr::new(10, 0, 0, i)));
    }
}
