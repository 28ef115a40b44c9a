//! Free addresses of one CIDR block as a bitmap; the first address and the last three are reserved, as
//! VPC does. Allocation walks on from the last address handed out, so it is O(1) until the block is
//! nearly full, and a million addresses cost 128 KiB.

use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Blocks larger than this many addresses are capped (a /8 is more than any test needs).
const MAX_ADDRESSES: u64 = 1 << 24;

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
    used: Vec<u64>,
    in_use: usize,
    cursor: u32,
}

impl IpPool {
    pub fn for_cidr(cidr: Ipv4Net) -> Self {
        let size = (1u64 << (32 - u32::from(cidr.prefix_len()))).min(MAX_ADDRESSES);
        let last = u32::try_from(size.saturating_sub(4)).unwrap_or(0);
        IpPool {
            network: u32::from(cidr.network()),
            last,
            used: vec![0; (last as usize / 64) + 1],
            in_use: 0,
            cursor: 1,
        }
    }

    fn is_used(&self, offset: u32) -> bool {
        self.used
            .get(offset as usize / 64)
            .is_some_and(|w| w & (1 << (offset % 64)) != 0)
    }

    fn set(&mut self, offset: u32, used: bool) {
        if let Some(word) = self.used.get_mut(offset as usize / 64) {
            if used {
                *word |= 1 << (offset % 64);
            } else {
                *word &= !(1 << (offset % 64));
            }
        }
    }

    /// The next free address after the last one handed out, wrapping around.
    pub fn allocate(&mut self) -> Option<Ipv4Addr> {
        if self.last == 0 || self.in_use >= self.last as usize {
            return None;
        }
        let mut offset = self.cursor.clamp(1, self.last);
        for _ in 0..=self.last {
            if !self.is_used(offset) {
                self.set(offset, true);
                self.in_use += 1;
                self.cursor = if offset >= self.last { 1 } else { offset + 1 };
                return Some(Ipv4Addr::from(self.network.wrapping_add(offset)));
            }
            offset = if offset >= self.last { 1 } else { offset + 1 };
        }
        None
    }

    /// Whether `ip` is one of the addresses the pool hands out (not a reserved one).
    pub fn usable(&self, ip: Ipv4Addr) -> bool {
        let offset = u32::from(ip).wrapping_sub(self.network);
        offset != 0 && offset <= self.last
    }

    /// Takes one named address; it must be usable and free.
    pub fn claim(&mut self, ip: Ipv4Addr) -> Result<(), ClaimError> {
        let offset = u32::from(ip).wrapping_sub(self.network);
        if offset == 0 || offset > self.last {
            return Err(ClaimError::Reserved);
        }
        if self.is_used(offset) {
            return Err(ClaimError::InUse);
        }
        self.set(offset, true);
        self.in_use += 1;
        Ok(())
    }

    /// Frees an address; `false` if it was not handed out.
    pub fn release(&mut self, ip: Ipv4Addr) -> bool {
        let offset = u32::from(ip).wrapping_sub(self.network);
        if offset == 0 || offset > self.last || !self.is_used(offset) {
            return false;
        }
        self.set(offset, false);
        self.in_use -= 1;
        true
    }

    /// Frees the address `allocate` just handed out and moves the cursor back to it, so the next
    /// allocation is what it would have been without this one (a dry run's).
    pub fn undo_allocate(&mut self, ip: Ipv4Addr) {
        if self.release(ip) {
            self.cursor = u32::from(ip).wrapping_sub(self.network);
        }
    }

    pub fn in_use(&self) -> usize {
        self.in_use
    }

    pub fn has_free(&self) -> bool {
        self.last != 0 && self.in_use < self.last as usize
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

    #[test]
    fn large_blocks_allocate_across_words_and_wrap() {
        let mut pool = IpPool::for_cidr("10.0.0.0/16".parse().unwrap());
        let all: Vec<Ipv4Addr> = std::iter::from_fn(|| pool.allocate()).collect();
        assert_eq!(all.len(), 65532);
        assert_eq!(all.last(), Some(&Ipv4Addr::new(10, 0, 255, 252)));
        assert!(pool.release(Ipv4Addr::new(10, 0, 100, 7)));
        assert_eq!(pool.allocate(), Some(Ipv4Addr::new(10, 0, 100, 7)));
    }
}
