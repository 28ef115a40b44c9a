//! Security groups: their rules, how many holders are placed in each, where they are found (owner,
//! VPC, registration, the groups their rules name), and the model's changes to them.

use super::{in_vpc_key, owner_key, registered_key, Attributes, Indexed, RegionNetwork, Registration};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroup {
    pub security_group_id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub api: Attributes,
    /// `normal` or `enterprise`; `normal` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_type: Option<String>,
    /// `Accept` or `Drop`; `Accept` when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inner_access_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<SecurityRule>,
    /// How many groups and virtual nodes are placed in it (counted again when they are loaded).
    #[serde(skip)]
    pub holders: usize,
    /// Registered on first use by a create that named it (`registration`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub auto_registered: bool,
}

/// One rule of a security group, as `AuthorizeSecurityGroup[Egress]` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityRule {
    pub rule_id: String,
    /// `ingress` or `egress`.
    pub direction: String,
    /// Upper case, as the service shows it: `TCP`, `UDP`, `ICMP`, `ICMPV6`, `GRE`, `ALL`.
    pub ip_protocol: String,
    pub port_range: String,
    #[serde(default)]
    pub source_port_range: String,
    /// `Accept` or `Drop`.
    pub policy: String,
    pub priority: u32,
    pub nic_type: String,
    /// The other end: a CIDR block (IPv4 or IPv6) or another group, in the rule's direction.
    #[serde(default)]
    pub cidr_ip: String,
    #[serde(default)]
    pub ipv6_cidr_ip: String,
    #[serde(default)]
    pub group_id: String,
    #[serde(default)]
    pub description: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl SecurityRule {
    /// Whether two rules are the same rule (a second `Authorize` of it adds nothing).
    pub fn same_as(&self, other: &SecurityRule) -> bool {
        (
            &self.direction,
            &self.ip_protocol,
            &self.port_range,
            &self.source_port_range,
            &self.policy,
            self.priority,
            &self.nic_type,
            &self.cidr_ip,
            &self.ipv6_cidr_ip,
            &self.group_id,
        ) == (
            &other.direction,
            &other.ip_protocol,
            &other.port_range,
            &other.source_port_range,
            &other.policy,
            other.priority,
            &other.nic_type,
            &other.cidr_ip,
            &other.ipv6_cidr_ip,
            &other.group_id,
        )
    }
}

/// The index entry of a security group one of whose rules names group `id`.
pub fn names_key(id: &str) -> crate::store::IndexKey {
    crate::store::IndexKey::new("names", id)
}

impl Indexed for SecurityGroup {
    fn index_keys(&self) -> Vec<crate::store::IndexKey> {
        let mut keys = vec![owner_key(self.api.owner.as_deref()), in_vpc_key(&self.vpc_id)];
        if self.auto_registered {
            keys.push(registered_key(self.api.owner.as_deref()));
        }
        let mut named: Vec<&str> = self
            .rules
            .iter()
            .map(|r| r.group_id.as_str())
            .filter(|g| !g.is_empty() && *g != self.security_group_id)
            .collect();
        named.sort_unstable();
        named.dedup();
        keys.extend(named.into_iter().map(names_key));
        keys
    }
}

impl RegionNetwork {
    pub fn default_security_group_id(&self) -> &str {
        self.default_groups
            .get(&self.default_vpc_id)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub(super) fn add_security_group(&mut self, id: &str, vpc_id: &str) {
        self.insert_security_group(id, vpc_id, Registration::Default);
    }

    /// A security group as the defaults, fixtures and first use make it, with no rules.
    pub(super) fn insert_security_group(&mut self, id: &str, vpc_id: &str, registered: Registration<'_>) {
        let (auto_registered, owner) = registered.registered_and_owner();
        let sg = SecurityGroup {
            security_group_id: id.to_owned(),
            vpc_id: vpc_id.to_owned(),
            api: Attributes {
                owner,
                ..Attributes::default()
            },
            security_group_type: None,
            inner_access_policy: None,
            rules: Vec::new(),
            holders: 0,
            auto_registered,
        };
        self.security_groups.insert(id.to_owned(), sg);
    }

    /// A security group a create named, registered for `owner` on first use.
    pub(super) fn register_security_group(&mut self, id: &str, vpc_id: &str, owner: Option<&str>) {
        self.insert_security_group(id, vpc_id, Registration::For(owner));
        self.note_registered_security_group(id);
    }

    /// The security group a request names must be in the VPC of its vSwitch.
    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.security_groups.get(id)
    }

    pub fn visible_security_group(&self, id: &str, account: &str) -> Option<&SecurityGroup> {
        self.security_groups.get(id).filter(|g| g.api.visible_to(account))
    }

    pub fn declare_security_group(&mut self, id: &str, vpc_id: &str) -> Result<(), String> {
        match self.security_groups.get(id) {
            Some(existing) if existing.vpc_id == vpc_id => Ok(()),
            Some(_) => Err(format!("security group {id} is already declared in another VPC")),
            None => {
                self.add_security_group(id, vpc_id);
                Ok(())
            }
        }
    }

    /// Deletes a security group: it goes, no VPC keeps it as its default, and its id is never
    /// registered on first use again.
    pub fn forget_security_group(&mut self, id: &str) {
        self.security_groups.remove(id);
        self.default_groups.retain(|_, group| group != id);
        self.touched.meta = true;
        self.deleted.remember(id);
    }
}
