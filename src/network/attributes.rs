//! What every network resource carries beyond its shape (owner, name, description, tags, when it was
//! made and is available), who makes one and how (`NetworkChange`), and the owner number the services
//! show.

use crate::util::IdGenerator;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One tag of a network resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

/// What the API shows of a network resource beyond its shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attributes {
    /// The account that made it through the API; none for what the defaults and fixtures declare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// `Pending` until then, `Available` from then on; none is available from the start.
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub available_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
}

impl Attributes {
    /// Whether `account` sees it: its own, or declared for everyone.
    pub fn visible_to(&self, account: &str) -> bool {
        self.owner.as_deref().is_none_or(|owner| owner == account)
    }

    pub fn status(&self, now: OffsetDateTime) -> &'static str {
        match self.available_at {
            Some(at) if at > now => "Pending",
            _ => "Available",
        }
    }

    /// The resource group it is in, as `caller` is shown it: the one its call named, else its
    /// owner's default one (`accounts::group_or_default`).
    pub fn resource_group(&self, caller: &str) -> String {
        crate::accounts::group_or_default(self.resource_group_id.as_deref(), self.owner.as_deref(), caller)
    }

    pub fn creation_time(&self) -> String {
        self.created_at
            .map(crate::util::format_rfc3339_seconds)
            .unwrap_or_default()
    }
}

/// Who makes a resource, when, and what the call said about it.
pub struct NetworkChange<'a> {
    pub action: &'static str,
    pub account: &'a str,
    pub now: OffsetDateTime,
    /// How long a new VPC or vSwitch stays `Pending` (zero: `Available` at once).
    pub pending_for: time::Duration,
    pub ids: &'a IdGenerator,
    pub client_token: Option<&'a str>,
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub tags: &'a [Tag],
    pub resource_group_id: Option<&'a str>,
}

impl NetworkChange<'_> {
    /// What a resource this change makes shows: the caller's, `Pending` for `pending_for` when
    /// `pending`.
    pub fn attributes(&self, pending: bool) -> Attributes {
        Attributes {
            owner: Some(self.account.to_owned()),
            name: self.name.unwrap_or_default().to_owned(),
            description: self.description.unwrap_or_default().to_owned(),
            tags: self.tags.to_vec(),
            created_at: Some(self.now),
            available_at: (pending && self.pending_for > time::Duration::ZERO).then(|| self.now + self.pending_for),
            resource_group_id: self.resource_group_id.map(str::to_owned),
        }
    }

    /// `account/action/token`, when the call gave a token.
    pub fn token_key(&self) -> Option<String> {
        let token = self.client_token.filter(|t| !t.is_empty())?;
        Some(format!("{}/{}/{token}", self.account, self.action))
    }
}

/// What a resource type of `TagResources` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taggable {
    Vpc,
    VSwitch,
    RouteTable,
    Eip,
    SecurityGroup,
}

/// A stable number for an account, as the services show `OwnerId`: the account itself when it is a
/// number, else one derived from its name.
pub fn account_number(account: &str) -> u64 {
    if let Ok(number) = account.parse::<u64>() {
        return number;
    }
    let hash = crate::util::fnv1a(account, crate::util::FNV_OFFSET);
    1_000_000_000_000_000 + hash % 9_000_000_000_000_000
}
