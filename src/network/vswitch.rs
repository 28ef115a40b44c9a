//! vSwitches: their blocks inside their VPC, the addresses each hands out, where they are found
//! (owner, VPC, registration), and the model's changes to them.

use super::{
    block_range, default_ipv6_block, in_vpc_key, owner_key, Attributes, IpPool, RegionNetwork, Registration,
    VSWITCH_PREFIX_LEN,
};
use ipnet::{Ipv4Net, Ipv6Net};
use serde::Serialize;
use std::net::Ipv4Addr;

/// A vSwitch and the addresses it has handed out.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VSwitch {
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: Ipv4Net,
    /// Registered because a request named it.
    pub auto_registered: bool,
    /// Where its groups' IPv6 addresses come from: one per IPv4 address, at the same offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<Ipv6Net>,
    pub api: Attributes,
    /// Made by `CreateDefaultVSwitch`: its zone's default vSwitch in its owner's default VPC.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub zone_default: bool,
    /// Shown in the state dump as the number of addresses in use.
    #[serde(rename = "ipsInUse", serialize_with = "addresses_in_use")]
    pub(super) pool: IpPool,
}

/// What a vSwitch is found under: its owner, its VPC, and whom it was registered for.
pub(super) fn vswitch_keys(vpc_id: &str, api: &Attributes, auto_registered: bool) -> Vec<crate::store::IndexKey> {
    let owner = api.owner.as_deref();
    let mut keys = vec![owner_key(owner), in_vpc_key(vpc_id)];
    if auto_registered {
        keys.push(registered_key(owner));
    }
    keys
}

impl VSwitch {
    /// Whether the VPC and ECS calls show it to `account`: one it may see, and not one registered on
    /// first use by a call of no account (the region's, which nobody manages).
    pub fn shown_to(&self, account: &str) -> bool {
        self.api.visible_to(account) && !(self.auto_registered && self.api.owner.is_none())
    }

    /// What declares it, without the addresses handed out.
    pub(super) fn declaration(&self) -> SavedVSwitch {
        SavedVSwitch {
            v_switch_id: self.v_switch_id.clone(),
            vpc_id: self.vpc_id.clone(),
            zone_id: self.zone_id.clone(),
            cidr_block: self.cidr_block,
            auto_registered: self.auto_registered,
            ipv6_cidr_block: self.ipv6_cidr_block,
            api: self.api.clone(),
            zone_default: self.zone_default,
        }
    }

    /// How many of its addresses are held.
    pub fn addresses_in_use(&self) -> usize {
        self.pool.in_use()
    }

    /// How many of its addresses are free to hand out: the block less the four reserved and those
    /// held.
    pub fn addresses_free(&self) -> u64 {
        let size = 1u64 << (32 - u32::from(self.cidr_block.prefix_len()));
        size.saturating_sub(4).saturating_sub(self.pool.in_use() as u64)
    }
}

fn addresses_in_use<S: serde::Serializer>(pool: &IpPool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(pool.in_use() as u64)
}

/// What declares a vSwitch: how one is made, and how the durable state keeps it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedVSwitch {
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: Ipv4Net,
    pub auto_registered: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<Ipv6Net>,
    #[serde(default)]
    pub api: Attributes,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub zone_default: bool,
}

/// The index entry of what was registered on first use for `owner` (none: the region's).
pub fn registered_key(owner: Option<&str>) -> crate::store::IndexKey {
    crate::store::IndexKey::new("registered", owner.unwrap_or_default())
}

impl RegionNetwork {
    /// A vSwitch in the default VPC, with the next free block: one of the region's own, or one a
    /// create named, registered on first use for its caller.
    pub(super) fn add_default_vswitch(
        &mut self,
        id: String,
        zone_id: &str,
        registered: Registration<'_>,
    ) -> Option<usize> {
        let vpc = self.vpcs.get(&self.default_vpc_id)?.cidr_block;
        let cidr = vpc
            .subnets(VSWITCH_PREFIX_LEN)
            .ok()?
            .nth(usize::try_from(self.next_block).ok()?)?;
        let ipv6_cidr_block = Some(default_ipv6_block(self.region, self.next_block));
        self.next_block += 1;
        self.touched.meta = true;
        let (auto_registered, owner) = registered.registered_and_owner();
        let api = Attributes {
            owner,
            ..Attributes::default()
        };
        Some(self.add_vswitch(SavedVSwitch {
            v_switch_id: id,
            vpc_id: self.default_vpc_id.clone(),
            zone_id: zone_id.to_owned(),
            cidr_block: cidr,
            auto_registered,
            ipv6_cidr_block,
            api,
            zone_default: false,
        }))
    }

    /// A zone's default vSwitch in `vpc_id` (an account's own default VPC), with `cidr_block` (the
    /// VPC's `first_free_block`).
    pub fn add_zone_default_vswitch(
        &mut self,
        id: String,
        vpc_id: &str,
        zone_id: &str,
        cidr_block: Ipv4Net,
        api: Attributes,
        ipv6_cidr_block: Option<Ipv6Net>,
    ) -> usize {
        self.add_vswitch(SavedVSwitch {
            v_switch_id: id,
            vpc_id: vpc_id.to_owned(),
            zone_id: zone_id.to_owned(),
            cidr_block,
            auto_registered: false,
            ipv6_cidr_block,
            api,
            zone_default: true,
        })
    }

    /// The first `/20` of `vpc`'s block (or the block itself, when smaller) that no vSwitch of it
    /// overlaps.
    pub fn first_free_block(&self, vpc: &super::Vpc) -> Option<Ipv4Net> {
        vpc.cidr_block
            .subnets(VSWITCH_PREFIX_LEN.max(vpc.cidr_block.prefix_len()))
            .ok()?
            .find(|block| self.overlapping(&vpc.vpc_id, *block).is_none())
    }

    /// The default vSwitches of `account`'s own default VPC (in `zone`, when given).
    pub fn own_default_vswitches(&self, account: &str, zone: Option<&str>) -> Vec<&VSwitch> {
        let Some(vpc) = self.own_default_vpc(account) else {
            return Vec::new();
        };
        self.vswitches_under(&in_vpc_key(&vpc.vpc_id))
            .filter(|v| v.zone_default && zone.is_none_or(|z| v.zone_id == z))
            .collect()
    }

    pub fn add_vswitch(&mut self, declared: SavedVSwitch) -> usize {
        self.touched.vswitches.push(declared.v_switch_id.clone());
        self.vswitch_index.add(
            &declared.v_switch_id,
            vswitch_keys(&declared.vpc_id, &declared.api, declared.auto_registered),
        );
        let index = self.v_switches.len();
        self.by_id.insert(declared.v_switch_id.clone(), index);
        let (first, last) = block_range(declared.cidr_block);
        self.blocks
            .entry(declared.vpc_id.clone())
            .or_default()
            .insert((first, index), last);
        self.v_switches.push(VSwitch {
            pool: IpPool::for_cidr(declared.cidr_block),
            v_switch_id: declared.v_switch_id,
            vpc_id: declared.vpc_id,
            zone_id: declared.zone_id,
            cidr_block: declared.cidr_block,
            auto_registered: declared.auto_registered,
            ipv6_cidr_block: declared.ipv6_cidr_block,
            api: declared.api,
            zone_default: declared.zone_default,
        });
        index
    }

    pub fn vswitch(&self, id: &str) -> Option<&VSwitch> {
        self.by_id.get(id).and_then(|i| self.v_switches.get(*i))
    }

    /// The vSwitches under `key` (`owner_key`, `in_vpc_key`), in id order.
    pub fn vswitches_under<'a>(&'a self, key: &crate::store::IndexKey) -> impl Iterator<Item = &'a VSwitch> + 'a {
        self.vswitch_index.under(key).filter_map(|id| self.vswitch(id))
    }

    /// The vSwitches `account` may see: the region's and fixtures', then its own.
    pub fn vswitches_visible_to<'a>(&'a self, account: &'a str) -> impl Iterator<Item = &'a VSwitch> + 'a {
        self.vswitches_under(&owner_key(None))
            .chain(self.vswitches_under(&owner_key(Some(account))))
            .filter(move |v| v.shown_to(account))
    }

    /// Whether `vswitch` is a default vSwitch as `account` sees it (`IsDefault`): one it made with
    /// `CreateDefaultVSwitch` in its own default VPC, or, while the region's default VPC stands in for
    /// its own, one of the region's vSwitches in it.
    pub fn is_default_vswitch(&self, vswitch: &VSwitch, account: &str) -> bool {
        match self.own_default_vpc(account) {
            Some(own) => vswitch.vpc_id == own.vpc_id && vswitch.zone_default,
            None => vswitch.vpc_id == self.default_vpc_id && vswitch.api.owner.is_none(),
        }
    }

    pub fn visible_vswitch(&self, id: &str, account: &str) -> Option<&VSwitch> {
        self.vswitch(id).filter(|v| v.shown_to(account))
    }

    /// Takes the vSwitch at `index` out; the last one moves into its place.
    pub(super) fn remove_vswitch(&mut self, index: usize) {
        let last = self.v_switches.len().saturating_sub(1);
        let Some(gone) = self.v_switches.get(index) else { return };
        let (first, _) = block_range(gone.cidr_block);
        let (gone_id, gone_vpc) = (gone.v_switch_id.clone(), gone.vpc_id.clone());
        let keys = vswitch_keys(&gone.vpc_id, &gone.api, gone.auto_registered);
        self.vswitch_index.remove(&gone_id, &keys);
        if let Some(blocks) = self.blocks.get_mut(&gone_vpc) {
            blocks.remove(&(first, index));
        }
        self.by_id.remove(&gone_id);
        if index != last {
            if let Some(moved) = self.v_switches.get(last) {
                let (moved_first, moved_last) = block_range(moved.cidr_block);
                self.by_id.insert(moved.v_switch_id.clone(), index);
                if let Some(blocks) = self.blocks.get_mut(&moved.vpc_id) {
                    blocks.remove(&(moved_first, last));
                    blocks.insert((moved_first, index), moved_last);
                }
            }
        }
        self.v_switches.swap_remove(index);
        self.touched.vswitches.push(gone_id);
        if let Some(moved) = self.v_switches.get(index) {
            // Its place changed: the store keeps it.
            self.touched.vswitches.push(moved.v_switch_id.clone());
        }
    }

    /// A vSwitch whose name, description or tags are to change (nothing it is found under), marked to
    /// be written.
    pub fn vswitch_mut(&mut self, id: &str) -> Option<&mut VSwitch> {
        let index = *self.by_id.get(id)?;
        self.touched.vswitches.push(id.to_owned());
        self.v_switches.get_mut(index)
    }

    /// Deletes a vSwitch: it goes, and its id is never registered on first use again.
    pub fn forget_vswitch(&mut self, id: &str) {
        if let Some(index) = self.by_id.get(id).copied() {
            self.remove_vswitch(index);
            self.deleted.remember(id);
        }
    }

    /// Declares a vSwitch inside its VPC's CIDR, in a zone of this region, overlapping no other.
    pub fn declare_vswitch(
        &mut self,
        id: &str,
        vpc_id: &str,
        zone_id: &str,
        cidr: Ipv4Net,
        ipv6: Option<Ipv6Net>,
        name: &str,
    ) -> Result<(), String> {
        if let Some(existing) = self.vswitch(id) {
            let same = existing.vpc_id == vpc_id && existing.zone_id == zone_id && existing.cidr_block == cidr;
            return if same {
                Ok(())
            } else {
                Err(format!("vSwitch {id} is already declared differently"))
            };
        }
        self.check_vswitch(id, vpc_id, zone_id, cidr)?;
        if ipv6.is_some_and(|block| block.prefix_len() > 64) {
            return Err(format!("vSwitch {id}: an IPv6 block must be a /64 or larger"));
        }
        self.add_vswitch(SavedVSwitch {
            v_switch_id: id.to_owned(),
            vpc_id: vpc_id.to_owned(),
            zone_id: zone_id.to_owned(),
            cidr_block: cidr,
            auto_registered: false,
            ipv6_cidr_block: ipv6,
            api: Attributes {
                name: name.to_owned(),
                ..Attributes::default()
            },
            zone_default: false,
        });
        Ok(())
    }

    /// Whether a vSwitch may be declared (or loaded) as given: its VPC known, its zone the region's,
    /// its block inside the VPC's and overlapping no sibling's.
    pub(super) fn check_vswitch(&self, id: &str, vpc_id: &str, zone_id: &str, cidr: Ipv4Net) -> Result<(), String> {
        let vpc = self
            .vpcs
            .get(vpc_id)
            .ok_or_else(|| format!("vSwitch {id}: unknown VPC {vpc_id}"))?;
        if !self.region.zones.iter().any(|z| z == zone_id) {
            return Err(format!(
                "vSwitch {id}: zone {zone_id} is not in region {}",
                self.region_id
            ));
        }
        if !vpc.cidr_block.contains(&cidr) {
            return Err(format!(
                "vSwitch {id}: {cidr} is not inside the VPC's {}",
                vpc.cidr_block
            ));
        }
        if let Some(other) = self.overlapping(vpc_id, cidr) {
            return Err(format!(
                "vSwitch {id}: {cidr} overlaps vSwitch {} ({})",
                other.v_switch_id, other.cidr_block
            ));
        }
        Ok(())
    }

    /// Whether `ip` is an address of the vSwitch a holder may have: inside its block, not one of
    /// the block's reserved addresses.
    pub fn usable_address(&self, vswitch_id: &str, ip: Ipv4Addr) -> bool {
        self.vswitch(vswitch_id)
            .is_some_and(|v| v.cidr_block.contains(&ip) && v.pool.usable(ip))
    }

    /// The vSwitch of `vpc_id` whose block overlaps `cidr`, if one does: the block starting last at
    /// or before `cidr`'s end is the only one that can, since the blocks are disjoint.
    pub fn overlapping(&self, vpc_id: &str, cidr: Ipv4Net) -> Option<&VSwitch> {
        let (first, last) = block_range(cidr);
        let (&(_, index), &other_last) = self.blocks.get(vpc_id)?.range(..=(last, usize::MAX)).next_back()?;
        (other_last >= first).then(|| self.v_switches.get(index)).flatten()
    }
}
