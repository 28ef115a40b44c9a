//! VPCs: their blocks, their system route table's name, and what the model does with them.

use super::{owner_key, Attributes, Indexed, RegionNetwork};
use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: Ipv4Net,
    #[serde(default)]
    pub api: Attributes,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_cidrs: Vec<String>,
    /// Its system route table's name and description (the table itself has no other state).
    #[serde(default)]
    pub route_table: RouteTable,
    /// Its IPv6 /56 while IPv6 is enabled (`EnableIpv6`); its vSwitches take /64s of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr_block: Option<Ipv6Net>,
    /// Its secondary IPv4 blocks (`AssociateVpcCidrBlock`); its vSwitches may lie in them too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_cidrs: Vec<Ipv4Net>,
    /// Whether its instances get DNS host names (`EnableDnsHostname`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dns_hostname: bool,
    /// Whether it is its owner's default VPC in the region (`CreateDefaultVpc`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub account_default: bool,
}

impl Vpc {
    /// A VPC as the defaults and fixtures declare it: nobody's, available from the start.
    pub fn declared(vpc_id: &str, cidr_block: Ipv4Net) -> Self {
        Vpc {
            vpc_id: vpc_id.to_owned(),
            cidr_block,
            api: Attributes::default(),
            user_cidrs: Vec::new(),
            route_table: RouteTable::default(),
            ipv6_cidr_block: None,
            secondary_cidrs: Vec::new(),
            dns_hostname: false,
            account_default: false,
        }
    }

    /// Whether `block` lies inside its primary block or one of its secondary ones.
    pub fn holds(&self, block: &Ipv4Net) -> bool {
        self.cidr_block.contains(block) || self.secondary_cidrs.iter().any(|c| c.contains(block))
    }

    /// The IPv6 /56 the VPC gets when IPv6 is enabled: inside 2408:4005::/32, drawn from its id, so the
    /// same VPC gets the same block again.
    pub fn ipv6_block_for(vpc_id: &str) -> Ipv6Net {
        let hash = crate::util::fnv1a(vpc_id, crate::util::FNV_OFFSET);
        let [a, b, c, ..] = hash.to_be_bytes();
        let address = std::net::Ipv6Addr::new(
            0x2408,
            0x4005,
            u16::from_be_bytes([a, b]),
            u16::from(c) << 8,
            0,
            0,
            0,
            0,
        );
        Ipv6Net::new(address, 56).unwrap_or_default()
    }

    /// The /64 numbered `index` (0–255) of its IPv6 block, as `CreateVSwitch`'s `Ipv6CidrBlock` names it.
    pub fn ipv6_subnet(&self, index: u8) -> Option<Ipv6Net> {
        let block = self.ipv6_cidr_block?;
        let base = u128::from(block.network()) | (u128::from(index) << 64);
        Ipv6Net::new(std::net::Ipv6Addr::from(base), 64).ok()
    }
}

/// The name and description of a VPC's system route table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteTable {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

impl Indexed for Vpc {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        let owner = self.api.owner.as_deref();
        let mut keys = vec![owner_key(owner)];
        if let (true, Some(owner)) = (self.account_default, owner) {
            keys.push(default_vpc_key(owner));
        }
        keys
    }
}

/// The index entry of `account`'s own default VPC.
fn default_vpc_key(account: &str) -> crate::store::IndexKey {
    crate::store::IndexKey::new("default-vpc", account)
}

/// The index entry of a security group placed in `vpc_id`.
pub fn in_vpc_key(vpc_id: &str) -> crate::store::IndexKey {
    crate::store::IndexKey::new("vpc", vpc_id)
}

impl RegionNetwork {
    /// The default VPC `account` made for itself (`CreateDefaultVpc`, `CreateDefaultVSwitch`), if any.
    pub fn own_default_vpc(&self, account: &str) -> Option<&Vpc> {
        self.vpcs.under(&default_vpc_key(account)).next()
    }

    /// The VPC that is `account`'s default: its own once it made one, else the region's, which
    /// stands in for the default VPC of every account that has none of its own.
    pub fn default_vpc_of(&self, account: &str) -> &str {
        self.own_default_vpc(account)
            .map_or(self.default_vpc_id.as_str(), |v| v.vpc_id.as_str())
    }

    /// Whether `vpc` is the default VPC as `account` sees it (`IsDefault`).
    pub fn is_default_vpc(&self, vpc: &Vpc, account: &str) -> bool {
        vpc.vpc_id == self.default_vpc_of(account)
    }

    pub fn visible_vpc(&self, id: &str, account: &str) -> Option<&Vpc> {
        self.vpcs.get(id).filter(|v| v.api.visible_to(account))
    }

    /// The VPC whose system route table has `route_table_id`.
    pub fn vpc_of_route_table(&self, route_table_id: &str, account: &str) -> Option<&Vpc> {
        let suffix = route_table_id.strip_prefix("vtb-")?;
        self.visible_vpc(&format!("vpc-{suffix}"), account)
    }

    /// Declares a VPC; the same definition again is a no-op.
    pub fn declare_vpc(&mut self, vpc: Vpc) -> Result<(), String> {
        match self.vpcs.get(&vpc.vpc_id) {
            Some(existing) if existing.cidr_block == vpc.cidr_block => Ok(()),
            Some(_) => Err(format!("VPC {} is already declared differently", vpc.vpc_id)),
            None => {
                self.vpcs.insert(vpc.vpc_id.clone(), vpc);
                Ok(())
            }
        }
    }

    /// How many vSwitches `vpc_id` holds.
    pub fn vswitch_count(&self, vpc_id: &str) -> usize {
        self.blocks.get(vpc_id).map_or(0, BTreeMap::len)
    }

    /// The security group the model made for `vpc_id` on first need, if it has one.
    pub fn default_group_of(&self, vpc_id: &str) -> Option<&str> {
        self.default_groups.get(vpc_id).map(String::as_str)
    }

    /// Takes a VPC out, with the security group made for it; whatever else it held is gone already.
    pub fn remove_vpc(&mut self, id: &str) {
        if let Some(group) = self.default_groups.remove(id) {
            self.security_groups.remove(&group);
            self.touched.meta = true;
        }
        self.vpcs.remove(id);
        self.blocks.remove(id);
    }
}
