//! What `TagResources`, `UntagResources` and `ListTagResources` of VPC and ECS check and change: tag
//! sets as the services take them, on resources the caller owns.

use super::owned;
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, CompanionCode};
use crate::network::{owner_key, Attributes, RegionNetwork, Tag, Taggable};

const TAG_QUOTA: usize = 20;

/// A tag set as the services accept it: at most 20, keys 1–128 characters not starting with
/// `aliyun` or `acs:`, values at most 128.
pub fn check_tags(tags: &[Tag]) -> Result<(), ApiError> {
    if tags.len() > TAG_QUOTA {
        return Err(documented_error(
            "TagResources",
            CompanionCode::QuotaExceededTagNum,
            None,
        ));
    }
    for tag in tags {
        let key_len = tag.key.chars().count();
        let reserved = tag.key.starts_with("aliyun") || tag.key.starts_with("acs:");
        if key_len == 0 || key_len > 128 || reserved || tag.value.chars().count() > 128 {
            return Err(documented_error(
                "TagResources",
                CompanionCode::InvalidTagKeyMalformed,
                None,
            ));
        }
    }
    Ok(())
}

/// Merges tags by key: a new value replaces the old one, new keys are appended.
fn merge_tags(into: &mut Vec<Tag>, tags: &[Tag]) {
    for tag in tags {
        match into.iter_mut().find(|t| t.key == tag.key) {
            Some(existing) => existing.value = tag.value.clone(),
            None => into.push(tag.clone()),
        }
    }
}

impl RegionNetwork {
    /// The tags of a resource the caller sees, for `ListTagResources`; `None` when it does not.
    pub fn tags_of(&self, kind: Taggable, id: &str, account: &str) -> Option<&[Tag]> {
        let api = match kind {
            Taggable::Vpc => &self.visible_vpc(id, account)?.api,
            Taggable::RouteTable => return self.vpc_of_route_table(id, account).map(|_| &[][..]),
            Taggable::VSwitch => &self.visible_vswitch(id, account)?.api,
            Taggable::Eip => &self.visible_eip(id, account)?.api,
            Taggable::SecurityGroup => &self.visible_security_group(id, account)?.api,
        };
        Some(&api.tags)
    }

    /// Every resource of `kind` the caller owns, with its tags, for a `ListTagResources` naming none.
    pub fn tagged(&self, kind: Taggable, account: &str) -> Vec<(String, Vec<Tag>)> {
        let own = owner_key(Some(account));
        let tagged = |api: &Attributes| !api.tags.is_empty();
        let mut all: Vec<(String, Vec<Tag>)> = match kind {
            Taggable::Vpc => self
                .vpcs
                .under(&own)
                .filter(|v| tagged(&v.api))
                .map(|v| (v.vpc_id.clone(), v.api.tags.clone()))
                .collect(),
            Taggable::VSwitch => self
                .vswitches_under(&own)
                .filter(|v| tagged(&v.api))
                .map(|v| (v.v_switch_id.clone(), v.api.tags.clone()))
                .collect(),
            Taggable::Eip => self
                .eips
                .under(&own)
                .filter(|e| tagged(&e.api))
                .map(|e| (e.allocation_id.clone(), e.api.tags.clone()))
                .collect(),
            Taggable::SecurityGroup => self
                .security_groups
                .under(&own)
                .filter(|g| tagged(&g.api))
                .map(|g| (g.security_group_id.clone(), g.api.tags.clone()))
                .collect(),
            Taggable::RouteTable => Vec::new(),
        };
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }

    fn own_attributes_mut(&mut self, kind: Taggable, id: &str, account: &str) -> Result<&mut Attributes, ApiError> {
        let not_found = || documented_error("TagResources", CompanionCode::InvalidResourceIdNotFound, None);
        let api = match kind {
            Taggable::Vpc => self.vpcs.get_mut(id).map(|v| &mut v.api),
            Taggable::VSwitch => self.vswitch_mut(id).map(|v| &mut v.api),
            Taggable::Eip => self.eips.get_mut(id).filter(|e| !e.auto_created).map(|e| &mut e.api),
            Taggable::SecurityGroup => self.security_groups.get_mut(id).map(|g| &mut g.api),
            Taggable::RouteTable => None,
        };
        let api = api.filter(|a| a.visible_to(account)).ok_or_else(not_found)?;
        owned(api)?;
        Ok(api)
    }

    /// `TagResources`: every named resource must be the caller's; all get the tags or none does.
    pub fn tag(&mut self, kind: Taggable, ids: &[String], tags: &[Tag], account: &str) -> Result<(), ApiError> {
        check_tags(tags)?;
        for id in ids {
            let api = self.own_attributes_mut(kind, id, account)?;
            let mut merged = api.tags.clone();
            merge_tags(&mut merged, tags);
            check_tags(&merged)?;
        }
        for id in ids {
            let api = self.own_attributes_mut(kind, id, account)?;
            merge_tags(&mut api.tags, tags);
        }
        Ok(())
    }

    /// `UnTagResources`: the keys named (or all with `all`) go from every named resource.
    pub fn untag(
        &mut self,
        kind: Taggable,
        ids: &[String],
        keys: &[String],
        all: bool,
        account: &str,
    ) -> Result<(), ApiError> {
        for id in ids {
            self.own_attributes_mut(kind, id, account)?;
        }
        for id in ids {
            let api = self.own_attributes_mut(kind, id, account)?;
            api.tags.retain(|t| !all && !keys.contains(&t.key));
        }
        Ok(())
    }
}
