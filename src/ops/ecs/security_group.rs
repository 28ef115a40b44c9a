//! `CreateSecurityGroup`, `DescribeSecurityGroups`, `DescribeSecurityGroupAttribute`,
//! `ModifySecurityGroupAttribute`, `ModifySecurityGroupPolicy`, `AuthorizeSecurityGroup[Egress]`,
//! `RevokeSecurityGroup[Egress]`, `DeleteSecurityGroup`.

use super::rules::RuleSpec;
use crate::error::ApiError;
use crate::error::CompanionCode;
use crate::network::{SecurityGroup, SecurityRule, Tag};
use crate::ops::vpc::common::{
    change, filter_matches, has_tags, network_of, page_of, tags_in, token_page, KeyValue, Stated,
};
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateSecurityGroupRequest {
    pub region_id: String,
    pub vpc_id: Option<String>,
    pub security_group_name: Option<String>,
    pub description: Option<String>,
    pub security_group_type: Option<String>,
    pub client_token: Option<String>,
    pub resource_group_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

pub fn create(ctx: &Ctx<'_>, req: CreateSecurityGroupRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let tags = tags_in(&req.tags)?;
    let stated = Stated {
        client_token: req.client_token.as_deref(),
        name: req.security_group_name.as_deref(),
        description: req.description.as_deref(),
        tags: &tags,
        resource_group_id: req.resource_group_id.as_deref(),
    };
    let made = change(ctx, "CreateSecurityGroup", stated);
    let id = network
        .lock()
        .create_security_group(&made, req.vpc_id.as_deref(), req.security_group_type.as_deref())?;
    JsonBody::of(&json!({ "SecurityGroupId": id }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeSecurityGroupsRequest {
    pub region_id: String,
    pub vpc_id: Option<String>,
    pub security_group_id: Option<String>,
    /// A JSON array of ids.
    pub security_group_ids: Option<String>,
    pub security_group_name: Option<String>,
    pub security_group_type: Option<String>,
    pub resource_group_id: Option<String>,
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
    pub next_token: Option<String>,
    pub max_results: Option<u32>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<KeyValue>,
}

/// The most ids `SecurityGroupIds` may name, as the service documents.
const MAX_IDS: usize = 100;

pub fn describe(ctx: &Ctx<'_>, req: DescribeSecurityGroupsRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let wanted_tags = tags_in(&req.tags)?;
    let mut ids: Vec<String> = match req.security_group_ids.as_deref().filter(|s| !s.is_empty()) {
        None => Vec::new(),
        Some(list) => serde_json::from_str(list)
            .map_err(|_| ApiError::invalid("SecurityGroupIds", "it must be a JSON array of ids"))?,
    };
    if ids.len() > MAX_IDS {
        return Err(ApiError::invalid(
            "SecurityGroupIds",
            "it may name at most 100 security groups",
        ));
    }
    ids.extend(req.security_group_id.iter().filter(|s| !s.is_empty()).cloned());
    ids.sort_unstable();
    ids.dedup();
    let net = network.read();
    let account = ctx.caller.account.as_str();
    // Named groups are looked up, not found by a walk of the region's.
    let candidates: Box<dyn Iterator<Item = &SecurityGroup>> = if ids.is_empty() {
        Box::new(net.security_groups.visible_to(account))
    } else {
        Box::new(ids.iter().filter_map(|id| net.security_groups.get(id)))
    };
    let mut found: Vec<&SecurityGroup> = candidates
        .filter(|g| g.api.visible_to(account))
        .filter(|g| filter_matches(&req.vpc_id, &g.vpc_id) && filter_matches(&req.security_group_name, &g.api.name))
        .filter(|g| filter_matches(&req.security_group_type, group_type(g)))
        .filter(|g| {
            filter_matches(
                &req.resource_group_id,
                g.api.resource_group_id.as_deref().unwrap_or_default(),
            )
        })
        .filter(|g| has_tags(&g.api.tags, &wanted_tags))
        .collect();
    found.sort_by(|a, b| (a.api.created_at, &a.security_group_id).cmp(&(b.api.created_at, &b.security_group_id)));
    let by_token = req.next_token.is_some() || req.max_results.is_some();
    let (items, total, number, size, next) = if by_token {
        let size = req.max_results.unwrap_or(10).clamp(1, 100);
        let total = found.len();
        let (items, next) = token_page(found, req.next_token.as_deref(), size as usize)?;
        (items, total, 1, size, next)
    } else {
        let page = page_of(found, req.page_number, req.page_size, 50)?;
        (page.items, page.total, page.number, page.size, String::new())
    };
    let rendered: Vec<Value> = items.iter().map(|g| summary(g)).collect();
    JsonBody::of(&json!({
        "RegionId": net.region_id,
        "TotalCount": total,
        "PageNumber": number,
        "PageSize": size,
        "NextToken": next,
        "SecurityGroups": {"SecurityGroup": rendered},
    }))
}

fn group_type(group: &SecurityGroup) -> &str {
    group.security_group_type.as_deref().unwrap_or("normal")
}

/// ECS answers tags of a security group listing as `TagKey`/`TagValue`.
fn ecs_tags(tags: &[Tag]) -> Value {
    let list: Vec<Value> = tags
        .iter()
        .map(|t| json!({"TagKey": t.key, "TagValue": t.value}))
        .collect();
    json!({ "Tag": list })
}

fn summary(group: &SecurityGroup) -> Value {
    json!({
        "SecurityGroupId": group.security_group_id,
        "SecurityGroupName": group.api.name,
        "Description": group.api.description,
        "VpcId": group.vpc_id,
        "SecurityGroupType": group_type(group),
        "CreationTime": group.api.creation_time(),
        "ResourceGroupId": group.api.resource_group_id.clone().unwrap_or_default(),
        "EcsCount": group.holders,
        "AvailableInstanceAmount": 2000usize.saturating_sub(group.holders),
        "RuleCount": group.rules.len(),
        "GroupToGroupRuleCount": group.rules.iter().filter(|r| !r.group_id.is_empty()).count(),
        "ServiceManaged": false,
        "Tags": ecs_tags(&group.api.tags),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SecurityGroupIdRequest {
    pub region_id: String,
    pub security_group_id: String,
    pub security_group_name: Option<String>,
    pub description: Option<String>,
    pub inner_access_policy: Option<String>,
    /// `ingress`, `egress` or `all` (the default), for `DescribeSecurityGroupAttribute`.
    pub direction: Option<String>,
}

pub fn attribute(ctx: &Ctx<'_>, req: SecurityGroupIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let net = network.read();
    let group = net
        .visible_security_group(&req.security_group_id, &ctx.caller.account)
        .ok_or_else(|| {
            crate::error::catalogue::documented_error(
                "DescribeSecurityGroupAttribute",
                CompanionCode::InvalidSecurityGroupIdNotFound,
                None,
            )
        })?;
    let direction = req.direction.as_deref().filter(|d| !d.is_empty()).unwrap_or("all");
    if !matches!(direction, "all" | "ingress" | "egress") {
        return Err(ApiError::invalid("Direction", "it must be ingress, egress or all"));
    }
    let permissions: Vec<Value> = group
        .rules
        .iter()
        .filter(|r| direction == "all" || r.direction == direction)
        .map(|r| permission(&net, r))
        .collect();
    JsonBody::of(&json!({
        "RegionId": net.region_id,
        "SecurityGroupId": group.security_group_id,
        "SecurityGroupName": group.api.name,
        "Description": group.api.description,
        "VpcId": group.vpc_id,
        "InnerAccessPolicy": group.inner_access_policy.as_deref().unwrap_or("Accept"),
        "NextToken": "",
        "Permissions": {"Permission": permissions},
    }))
}

fn permission(net: &crate::network::RegionNetwork, rule: &SecurityRule) -> Value {
    let ingress = rule.direction == "ingress";
    let pick = |value: &str, mine: bool| if mine { value.to_owned() } else { String::new() };
    let group_name = net
        .security_group(&rule.group_id)
        .map(|g| g.api.name.clone())
        .unwrap_or_default();
    json!({
        "SecurityGroupRuleId": rule.rule_id,
        "Direction": rule.direction,
        "IpProtocol": rule.ip_protocol,
        "PortRange": rule.port_range,
        "SourcePortRange": rule.source_port_range,
        "Policy": rule.policy,
        "Priority": rule.priority.to_string(),
        "NicType": rule.nic_type,
        "SourceCidrIp": pick(&rule.cidr_ip, ingress),
        "DestCidrIp": pick(&rule.cidr_ip, !ingress),
        "Ipv6SourceCidrIp": pick(&rule.ipv6_cidr_ip, ingress),
        "Ipv6DestCidrIp": pick(&rule.ipv6_cidr_ip, !ingress),
        "SourceGroupId": pick(&rule.group_id, ingress),
        "DestGroupId": pick(&rule.group_id, !ingress),
        "SourceGroupName": pick(&group_name, ingress),
        "DestGroupName": pick(&group_name, !ingress),
        "SourceGroupOwnerAccount": "",
        "DestGroupOwnerAccount": "",
        "SourcePrefixListId": "",
        "DestPrefixListId": "",
        "SourcePrefixListName": "",
        "DestPrefixListName": "",
        "PortRangeListId": "",
        "PortRangeListName": "",
        "Description": rule.description,
        "CreateTime": crate::util::format_rfc3339_seconds(rule.created_at),
    })
}

pub fn modify(ctx: &Ctx<'_>, req: SecurityGroupIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let stated = Stated {
        name: req.security_group_name.as_deref(),
        description: req.description.as_deref(),
        ..Stated::default()
    };
    let made = change(ctx, "ModifySecurityGroupAttribute", stated);
    network
        .lock()
        .modify_security_group(&made, &req.security_group_id, None)?;
    JsonBody::of(&json!({}))
}

pub fn modify_policy(ctx: &Ctx<'_>, req: SecurityGroupIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let policy = req
        .inner_access_policy
        .as_deref()
        .ok_or_else(|| ApiError::missing("InnerAccessPolicy"))?;
    let made = change(ctx, "ModifySecurityGroupPolicy", Stated::default());
    network
        .lock()
        .modify_security_group(&made, &req.security_group_id, Some(policy))?;
    JsonBody::of(&json!({}))
}

pub fn delete(ctx: &Ctx<'_>, req: SecurityGroupIdRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    network
        .lock()
        .delete_security_group(&ctx.caller.account, &req.security_group_id)?;
    JsonBody::of(&json!({}))
}

/// A rule's terms as `Authorize*`/`Revoke*` send them, at the top level or in `Permissions.N`.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleTerms {
    pub ip_protocol: Option<String>,
    pub port_range: Option<String>,
    pub source_port_range: Option<String>,
    pub policy: Option<String>,
    pub priority: Option<String>,
    pub nic_type: Option<String>,
    pub source_cidr_ip: Option<String>,
    pub dest_cidr_ip: Option<String>,
    pub ipv6_source_cidr_ip: Option<String>,
    pub ipv6_dest_cidr_ip: Option<String>,
    pub source_group_id: Option<String>,
    pub dest_group_id: Option<String>,
    pub description: Option<String>,
}

impl RuleTerms {
    fn is_empty(&self) -> bool {
        self.ip_protocol.is_none() && self.port_range.is_none()
    }

    fn spec(&self, ingress: bool) -> RuleSpec {
        let (cidr, ipv6, group) = if ingress {
            (&self.source_cidr_ip, &self.ipv6_source_cidr_ip, &self.source_group_id)
        } else {
            (&self.dest_cidr_ip, &self.ipv6_dest_cidr_ip, &self.dest_group_id)
        };
        let given = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        RuleSpec {
            ip_protocol: given(&self.ip_protocol),
            port_range: given(&self.port_range),
            source_port_range: given(&self.source_port_range),
            policy: given(&self.policy),
            priority: given(&self.priority),
            nic_type: given(&self.nic_type),
            cidr_ip: given(cidr),
            ipv6_cidr_ip: given(ipv6),
            group_id: given(group),
            description: given(&self.description),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleRequest {
    pub region_id: String,
    pub security_group_id: String,
    pub client_token: Option<String>,
    #[serde(flatten)]
    pub terms: RuleTerms,
    #[serde(default)]
    pub permissions: Vec<RuleTerms>,
    #[serde(default, rename = "SecurityGroupRuleId")]
    pub rule_ids: Vec<String>,
}

impl RuleRequest {
    fn specs(&self, ingress: bool) -> Vec<RuleSpec> {
        let top = (!self.terms.is_empty()).then(|| self.terms.spec(ingress));
        top.into_iter()
            .chain(self.permissions.iter().map(|p| p.spec(ingress)))
            .collect()
    }
}

pub fn authorize(ctx: &Ctx<'_>, action: &'static str, req: RuleRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let ingress = action == "AuthorizeSecurityGroup";
    let specs = req.specs(ingress);
    if specs.is_empty() {
        return Err(ApiError::missing("IpProtocol"));
    }
    let made = change(ctx, action, Stated::default());
    let direction = if ingress { "ingress" } else { "egress" };
    network
        .lock()
        .authorize(&made, &req.security_group_id, direction, &specs)?;
    JsonBody::of(&json!({}))
}

pub fn revoke(ctx: &Ctx<'_>, action: &'static str, req: RuleRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let ingress = action == "RevokeSecurityGroup";
    let specs = req.specs(ingress);
    if specs.is_empty() && req.rule_ids.is_empty() {
        return Err(ApiError::missing("SecurityGroupRuleId.N"));
    }
    let made = change(ctx, action, Stated::default());
    let direction = if ingress { "ingress" } else { "egress" };
    network
        .lock()
        .revoke(&made, &req.security_group_id, direction, &req.rule_ids, &specs)?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ModifyRuleRequest {
    pub region_id: String,
    pub security_group_id: String,
    #[serde(rename = "SecurityGroupRuleId")]
    pub rule_id: Option<String>,
    #[serde(flatten)]
    pub terms: RuleTerms,
}

/// `ModifySecurityGroupRule` and `ModifySecurityGroupEgressRule`.
pub fn modify_rule(ctx: &Ctx<'_>, action: &'static str, req: ModifyRuleRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let ingress = action == "ModifySecurityGroupRule";
    let rule_id = req.rule_id.as_deref().filter(|r| !r.is_empty());
    if rule_id.is_none() && req.terms.is_empty() {
        return Err(ApiError::missing("SecurityGroupRuleId"));
    }
    let made = change(ctx, action, Stated::default());
    let direction = if ingress { "ingress" } else { "egress" };
    network.lock().modify_rule(
        &made,
        &req.security_group_id,
        direction,
        rule_id,
        &req.terms.spec(ingress),
    )?;
    JsonBody::of(&json!({}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeTagsRequest {
    pub region_id: String,
    pub resource_type: Option<String>,
    pub resource_id: Option<String>,
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
}

/// ECS's older `DescribeTags`: the tags of one security group (`ResourceType` `securitygroup`).
/// Other ECS resources (images, instances, disks) are not made here, so they have none.
pub fn describe_tags(ctx: &Ctx<'_>, req: DescribeTagsRequest) -> Result<JsonBody, ApiError> {
    let (_, network) = network_of(ctx, &req.region_id)?;
    let net = network.read();
    let is_group = req
        .resource_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("securitygroup"));
    let tags: Vec<&Tag> = match req.resource_id.as_deref().filter(|id| is_group && !id.is_empty()) {
        Some(id) => net
            .visible_security_group(id, &ctx.caller.account)
            .map(|g| g.api.tags.iter().collect())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let page = page_of(tags, req.page_number, req.page_size, 100)?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|t| json!({"TagKey": t.key, "TagValue": t.value, "ResourceTypeCount": {"Securitygroup": 1}}))
        .collect();
    JsonBody::of(&json!({
        "TotalCount": page.total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "Tags": {"Tag": items},
    }))
}
