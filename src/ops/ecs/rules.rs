//! The checks and error choices of ECS's security-group calls: names, types, rules as
//! `Authorize`/`Revoke` take them, the quotas and what still depends on a group; each then changes
//! the network model (`crate::network`).

use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode, ErrorCode};
use crate::network::{names_key, owner_key, NetworkChange, RegionNetwork, SecurityGroup, SecurityRule};
use crate::ops::vpc::rules::{check_tags, owned, text_fits};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

const SECURITY_GROUP_QUOTA: usize = 100;

const RULE_QUOTA: usize = 200;

/// A rule as a call states it, before it is checked.
#[derive(Debug, Default, Clone)]
pub struct RuleSpec {
    pub ip_protocol: Option<String>,
    pub port_range: Option<String>,
    pub source_port_range: Option<String>,
    pub policy: Option<String>,
    pub priority: Option<String>,
    pub nic_type: Option<String>,
    pub cidr_ip: Option<String>,
    pub ipv6_cidr_ip: Option<String>,
    pub group_id: Option<String>,
    pub description: Option<String>,
}

impl RegionNetwork {
    /// `CreateSecurityGroup` in a VPC the caller sees (the caller's default VPC when none is named).
    pub fn create_security_group(
        &mut self,
        change: &NetworkChange<'_>,
        vpc_id: Option<&str>,
        group_type: Option<&str>,
    ) -> Result<String, ApiError> {
        if let Some(id) = self.replayed(change, |n, id| n.security_groups.contains_key(id)) {
            return Ok(id);
        }
        let action = change.action;
        let vpc_id = vpc_id
            .filter(|v| !v.is_empty())
            .unwrap_or(self.default_vpc_of(change.account))
            .to_owned();
        if self.visible_vpc(&vpc_id, change.account).is_none() {
            return Err(documented_error(action, CompanionCode::InvalidVpcIdNotFound, None));
        }
        check_length(change.name, 2, 128, "SecurityGroupName")?;
        check_length(change.description, 2, 256, "Description")?;
        check_tags(change.tags)?;
        let group_type = match group_type.filter(|t| !t.is_empty()) {
            None => None,
            Some(t @ ("normal" | "enterprise")) => Some(t.to_owned()),
            Some(_) => {
                return Err(ApiError::invalid(
                    "SecurityGroupType",
                    "it must be normal or enterprise",
                ))
            }
        };
        if self.security_groups.count_under(&owner_key(Some(change.account))) >= SECURITY_GROUP_QUOTA {
            return Err(documented_error(action, CompanionCode::QuotaExceedSecurityGroup, None));
        }
        let id = change
            .ids
            .unused_resource_id("sg", &self.region().id_code, |id| self.security_groups.contains_key(id))
            .ok_or_else(|| ApiError::new(ErrorCode::InternalError))?;
        let group = SecurityGroup {
            security_group_id: id.clone(),
            vpc_id,
            api: change.attributes(false),
            security_group_type: group_type,
            inner_access_policy: None,
            rules: Vec::new(),
            holders: 0,
            auto_registered: false,
        };
        self.security_groups.insert(id.clone(), group);
        self.remember_token(change, &id);
        Ok(id)
    }

    fn own_security_group_mut(
        &mut self,
        id: &str,
        account: &str,
        action: &str,
    ) -> Result<&mut SecurityGroup, ApiError> {
        let group = self
            .security_groups
            .get_mut(id)
            .filter(|g| g.api.visible_to(account))
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidSecurityGroupIdNotFound, None))?;
        owned(&group.api)?;
        Ok(group)
    }

    pub fn modify_security_group(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        inner_access_policy: Option<&str>,
    ) -> Result<(), ApiError> {
        check_length(change.name, 2, 128, "SecurityGroupName")?;
        check_length(change.description, 2, 256, "Description")?;
        let policy = match inner_access_policy {
            None => None,
            Some(p) if p.eq_ignore_ascii_case("accept") => Some("Accept"),
            Some(p) if p.eq_ignore_ascii_case("drop") => Some("Drop"),
            Some(_) => return Err(ApiError::invalid("InnerAccessPolicy", "it must be Accept or Drop")),
        };
        let group = self.own_security_group_mut(id, change.account, change.action)?;
        if let Some(name) = change.name {
            group.api.name = name.to_owned();
        }
        if let Some(description) = change.description {
            group.api.description = description.to_owned();
        }
        if let Some(policy) = policy {
            group.inner_access_policy = Some(policy.to_owned());
        }
        Ok(())
    }

    /// `DeleteSecurityGroup`: refused while a group or node is placed in it, or another group's
    /// rule names it.
    pub fn delete_security_group(&mut self, account: &str, id: &str) -> Result<(), ApiError> {
        let action = "DeleteSecurityGroup";
        let group = self.own_security_group_mut(id, account, action)?;
        if group.holders > 0 {
            return Err(documented_error(action, CompanionCode::DependencyViolation, None));
        }
        if self.security_groups.count_under(&names_key(id)) > 0 {
            let detail = "the specified security group has been authorized in another one.";
            return Err(documented_error(
                action,
                CompanionCode::DependencyViolation,
                Some(detail),
            ));
        }
        self.forget_security_group(id);
        Ok(())
    }

    /// `AuthorizeSecurityGroup[Egress]`: each rule checked, then added unless the group has it.
    pub fn authorize(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        direction: &str,
        specs: &[RuleSpec],
    ) -> Result<(), ApiError> {
        let action = change.action;
        let mut rules = Vec::with_capacity(specs.len());
        for spec in specs {
            let rule_id = change.ids.resource_id("sgr", &self.region().id_code);
            rules.push(self.checked_rule(spec, direction, action, rule_id, change)?);
        }
        let group = self.own_security_group_mut(id, change.account, action)?;
        let mut added: Vec<SecurityRule> = Vec::with_capacity(rules.len());
        for rule in rules {
            if !group.rules.iter().chain(&added).any(|r| r.same_as(&rule)) {
                added.push(rule);
            }
        }
        // All or nothing: a call whose rules would pass the quota adds none of them.
        if group.rules.len() + added.len() > RULE_QUOTA {
            // Egress has no row of its own for this code: the ingress one is the same answer.
            return Err(documented_error(
                "AuthorizeSecurityGroup",
                CompanionCode::AuthorizationLimitExceed,
                None,
            ));
        }
        group.rules.extend(added);
        // A rule may name another group: the group is found under it from now on.
        self.security_groups.reindex(id);
        Ok(())
    }

    /// `RevokeSecurityGroup[Egress]`: the rules named by id or by their terms go; a rule the group
    /// does not have is no error (as the service answers).
    pub fn revoke(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        direction: &str,
        rule_ids: &[String],
        specs: &[RuleSpec],
    ) -> Result<(), ApiError> {
        let action = change.action;
        let mut terms = Vec::with_capacity(specs.len());
        for spec in specs {
            terms.push(self.checked_rule(spec, direction, action, String::new(), change)?);
        }
        let group = self.own_security_group_mut(id, change.account, action)?;
        group.rules.retain(|rule| {
            let named = rule.direction == direction && rule_ids.contains(&rule.rule_id);
            !(named || terms.iter().any(|t| t.same_as(rule)))
        });
        self.security_groups.reindex(id);
        Ok(())
    }

    /// `ModifySecurityGroupRule[Egress]`: the rule `rule_id` names takes the terms given (those not
    /// given stay as they were); with no id, the rule whose terms these are takes the description
    /// given, as the service's older form of the call does.
    pub fn modify_rule(
        &mut self,
        change: &NetworkChange<'_>,
        id: &str,
        direction: &str,
        rule_id: Option<&str>,
        spec: &RuleSpec,
    ) -> Result<(), ApiError> {
        let action = change.action;
        let group = self
            .visible_security_group(id, change.account)
            .ok_or_else(|| documented_error(action, CompanionCode::InvalidSecurityGroupIdNotFound, None))?;
        let found = match rule_id {
            Some(rule_id) => group
                .rules
                .iter()
                .find(|r| r.direction == direction && r.rule_id == rule_id),
            None => {
                let terms = self.checked_rule(spec, direction, action, String::new(), change)?;
                group.rules.iter().find(|r| r.same_as(&terms))
            }
        };
        let old = found.cloned().ok_or_else(|| {
            ApiError::with_detail(
                ErrorCode::InvalidParameter,
                "The specified security group rule does not exist.",
            )
        })?;
        let merged = RuleSpec {
            ip_protocol: spec.ip_protocol.clone().or(Some(old.ip_protocol.clone())),
            port_range: spec.port_range.clone().or(Some(old.port_range.clone())),
            source_port_range: spec.source_port_range.clone().or(Some(old.source_port_range.clone())),
            policy: spec.policy.clone().or(Some(old.policy.clone())),
            priority: spec.priority.clone().or(Some(old.priority.to_string())),
            nic_type: spec.nic_type.clone(),
            cidr_ip: spec
                .cidr_ip
                .clone()
                .or(Some(old.cidr_ip.clone()).filter(|c| !c.is_empty())),
            ipv6_cidr_ip: spec
                .ipv6_cidr_ip
                .clone()
                .or(Some(old.ipv6_cidr_ip.clone()).filter(|c| !c.is_empty())),
            group_id: spec
                .group_id
                .clone()
                .or(Some(old.group_id.clone()).filter(|g| !g.is_empty())),
            description: spec.description.clone().or(Some(old.description.clone())),
        };
        let mut rule = self.checked_rule(&merged, direction, action, old.rule_id.clone(), change)?;
        rule.created_at = old.created_at;
        let group = self.own_security_group_mut(id, change.account, action)?;
        if let Some(slot) = group
            .rules
            .iter_mut()
            .find(|r| r.rule_id == old.rule_id && r.same_as(&old))
        {
            *slot = rule;
        }
        self.security_groups.reindex(id);
        Ok(())
    }

    fn checked_rule(
        &self,
        spec: &RuleSpec,
        direction: &str,
        action: &str,
        rule_id: String,
        change: &NetworkChange<'_>,
    ) -> Result<SecurityRule, ApiError> {
        let authorize = if direction == "ingress" {
            "AuthorizeSecurityGroup"
        } else {
            "AuthorizeSecurityGroupEgress"
        };
        let protocol = spec
            .ip_protocol
            .as_deref()
            .ok_or_else(|| ApiError::missing("IpProtocol"))?;
        let protocol = protocol.to_ascii_uppercase();
        if !matches!(protocol.as_str(), "TCP" | "UDP" | "ICMP" | "ICMPV6" | "GRE" | "ALL") {
            return Err(documented_error(
                "AuthorizeSecurityGroup",
                CompanionCode::InvalidIpProtocolMalformed,
                None,
            ));
        }
        let port_range = spec
            .port_range
            .as_deref()
            .ok_or_else(|| ApiError::missing("PortRange"))?;
        if !port_range_fits(&protocol, port_range) {
            return Err(documented_error(
                "AuthorizeSecurityGroup",
                CompanionCode::InvalidPortRangeMalformed,
                None,
            ));
        }
        let policy = match spec.policy.as_deref() {
            None => "Accept",
            Some(p) if p.eq_ignore_ascii_case("accept") => "Accept",
            Some(p) if p.eq_ignore_ascii_case("drop") => "Drop",
            Some(_) => {
                return Err(documented_error(
                    "AuthorizeSecurityGroup",
                    CompanionCode::InvalidPolicyMalformed,
                    None,
                ))
            }
        };
        let priority = match spec.priority.as_deref() {
            None => 1,
            Some(p) => p
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|p| (1..=100).contains(p))
                .ok_or_else(|| {
                    documented_error("AuthorizeSecurityGroup", CompanionCode::InvalidPriorityMalformed, None)
                })?,
        };
        let cidr_code = if direction == "ingress" {
            CompanionCode::InvalidSourceCidrIpMalformed
        } else {
            CompanionCode::InvalidDestCidrIpMalformed
        };
        let cidr_ip = spec.cidr_ip.clone().unwrap_or_default();
        if !cidr_ip.is_empty() && cidr_ip.parse::<Ipv4Net>().is_err() && cidr_ip.parse::<Ipv4Addr>().is_err() {
            return Err(documented_error(authorize, cidr_code, None));
        }
        let ipv6_cidr_ip = spec.ipv6_cidr_ip.clone().unwrap_or_default();
        if !ipv6_cidr_ip.is_empty()
            && ipv6_cidr_ip.parse::<ipnet::Ipv6Net>().is_err()
            && ipv6_cidr_ip.parse::<std::net::Ipv6Addr>().is_err()
        {
            return Err(documented_error(authorize, cidr_code, None));
        }
        let group_id = spec.group_id.clone().unwrap_or_default();
        if !group_id.is_empty() && self.visible_security_group(&group_id, change.account).is_none() {
            return Err(documented_error(
                action,
                CompanionCode::InvalidSecurityGroupIdNotFound,
                None,
            ));
        }
        if cidr_ip.is_empty() && ipv6_cidr_ip.is_empty() && group_id.is_empty() {
            let named = if direction == "ingress" {
                "SourceCidrIp"
            } else {
                "DestCidrIp"
            };
            return Err(ApiError::missing(named));
        }
        Ok(SecurityRule {
            rule_id,
            direction: direction.to_owned(),
            ip_protocol: protocol,
            port_range: port_range.to_owned(),
            source_port_range: spec.source_port_range.clone().unwrap_or_default(),
            policy: policy.to_owned(),
            priority,
            // A group in a VPC has only the intranet side.
            nic_type: "intranet".to_owned(),
            cidr_ip,
            ipv6_cidr_ip,
            group_id,
            description: spec.description.clone().unwrap_or_default(),
            created_at: change.now,
        })
    }
}

/// Whether a port range suits its protocol: `a/b` within 1–65535 for TCP and UDP, `-1/-1` for the
/// others.
fn port_range_fits(protocol: &str, range: &str) -> bool {
    let Some((from, to)) = range.split_once('/') else {
        return false;
    };
    match protocol {
        "TCP" | "UDP" => match (from.parse::<u32>(), to.parse::<u32>()) {
            (Ok(from), Ok(to)) => (1..=65535).contains(&from) && (from..=65535).contains(&to),
            _ => false,
        },
        _ => from == "-1" && to == "-1",
    }
}

/// A name or description as ECS checks it, refused as `InvalidParameter` naming `param`.
fn check_length(text: Option<&str>, min: usize, max: usize, param: &str) -> Result<(), ApiError> {
    if text_fits(text, min, max) {
        return Ok(());
    }
    let why = format!("it must be {min} to {max} characters long and must not start with http:// or https://");
    Err(ApiError::invalid(param, &why))
}
