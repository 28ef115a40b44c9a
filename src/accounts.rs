//! Account standing and quotas, declared per AccessKeyId in fixture documents, and the resource
//! groups accounts organise what they make in. An account nobody declared is in good standing with no
//! quota, and has its default resource group.

use crate::error::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};

fn yes() -> bool {
    true
}

/// Per account and region; absent means unlimited (the service's own default is about 1000 vCPUs, but
/// a test double that refuses a load test by default would surprise more than it helps).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quota {
    pub container_groups: Option<u64>,
    pub vcpus: Option<f64>,
}

/// One account as a fixture document declares it.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Account {
    pub access_key_id: String,
    #[serde(default)]
    pub quota: Quota,
    /// Overdue bills: `Account.Arrearage`.
    #[serde(default)]
    pub arrears: bool,
    #[serde(default = "yes")]
    pub real_name_verified: bool,
    #[serde(default)]
    pub closed: bool,
    /// No payment method or balance: `InvalidPaymentMethod.InsufficientBalance`.
    #[serde(default)]
    pub insufficient_balance: bool,
    /// The RAM roles instances may take; absent means any.
    #[serde(default)]
    pub ram_roles: Option<Vec<String>>,
    /// Whether the caller may pass a RAM role to an instance at all.
    #[serde(default = "yes")]
    pub pass_role_allowed: bool,
    /// Whitelisted for the large vCPU/memory specifications.
    #[serde(default)]
    pub cpu_mem_whitelist: bool,
}

impl Account {
    pub fn in_good_standing(access_key_id: &str) -> Self {
        Account {
            access_key_id: access_key_id.to_owned(),
            quota: Quota::default(),
            arrears: false,
            real_name_verified: true,
            closed: false,
            insufficient_balance: false,
            ram_roles: None,
            pass_role_allowed: true,
            cpu_mem_whitelist: false,
        }
    }

    /// Whether this account may create an instance (with this RAM role) at all.
    pub fn check_may_create(&self, ram_role: Option<&str>) -> Result<(), ApiError> {
        let standing = [
            (self.closed, ErrorCode::AccountClosed),
            (self.arrears, ErrorCode::AccountArrearage),
            (!self.real_name_verified, ErrorCode::UserNotRealName),
            (self.insufficient_balance, ErrorCode::InsufficientBalance),
        ];
        if let Some((_, code)) = standing.iter().find(|(failing, _)| *failing) {
            return Err(ApiError::new(*code));
        }
        let Some(role) = ram_role.filter(|r| !r.is_empty()) else {
            return Ok(());
        };
        if !self.pass_role_allowed {
            return Err(ApiError::new(ErrorCode::PassRoleForbidden));
        }
        match &self.ram_roles {
            Some(roles) if !roles.iter().any(|r| r == role) => Err(ApiError::new(ErrorCode::RamRoleNotSupport)),
            _ => Ok(()),
        }
    }

    /// Whether one more group of `cpu` vCPUs fits next to `groups` groups using `used_cpu`.
    pub fn check_quota(&self, groups: usize, used_cpu: f64, cpu: f64) -> Result<(), ApiError> {
        if self.quota.container_groups.is_some_and(|max| groups as u64 >= max) {
            return Err(ApiError::with_detail(ErrorCode::QuotaExceeded, "ContainerGroup"));
        }
        if self.quota.vcpus.is_some_and(|max| used_cpu + cpu > max + 1e-9) {
            return Err(ApiError::with_detail(ErrorCode::QuotaExceeded, "vCPU"));
        }
        Ok(())
    }
}

/// Every declared account, by AccessKeyId.
#[derive(Debug, Default)]
pub struct Accounts {
    by_key: crate::util::FastDashMap<String, Account>,
    /// Counts changes, so the durable state knows when to write the accounts.
    revision: std::sync::atomic::AtomicU64,
}

impl Accounts {
    pub fn get(&self, access_key_id: &str) -> Account {
        self.by_key
            .get(access_key_id)
            .map(|a| a.value().clone())
            .unwrap_or_else(|| Account::in_good_standing(access_key_id))
    }

    pub fn upsert(&self, account: Account) {
        self.by_key.insert(account.access_key_id.clone(), account);
        self.bump();
    }

    pub fn clear(&self) {
        self.by_key.clear();
        self.bump();
    }

    fn bump(&self) {
        self.revision.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub fn revision(&self) -> u64 {
        self.revision.load(std::sync::atomic::Ordering::Acquire)
    }

    pub fn all(&self) -> Vec<Account> {
        let mut all: Vec<Account> = self.by_key.iter().map(|a| a.value().clone()).collect();
        all.sort_by(|a, b| a.access_key_id.cmp(&b.access_key_id));
        all
    }
}

/// A resource group: each account's default one, and those fixture documents declare (which every
/// account has beside its default one, as the network fixtures declare is everyone's).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceGroup {
    pub resource_group_id: String,
    pub name: String,
    #[serde(default)]
    pub display_name: String,
}

/// The name of every account's default resource group, as Resource Manager makes it.
pub const DEFAULT_GROUP_NAME: &str = "default";

impl ResourceGroup {
    /// `account`'s default resource group: the group whatever the account makes without naming one is
    /// in. Its id is the account's own, the same on every start (`rg-acfm` and 11 characters, as the
    /// service's ids are).
    pub fn default_of(account: &str) -> ResourceGroup {
        ResourceGroup {
            resource_group_id: default_group_id(account),
            name: DEFAULT_GROUP_NAME.to_owned(),
            display_name: "default resource group".to_owned(),
        }
    }
}

/// The id of `account`'s default resource group.
pub fn default_group_id(account: &str) -> String {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut n = crate::util::fnv1a(account, crate::util::FNV_OFFSET);
    let mut id = String::from("rg-acfm");
    for _ in 0..11 {
        id.push(char::from(DIGITS[(n % 36) as usize]));
        n /= 36;
    }
    id
}

/// The resource group a resource is in: the one its call named, else its owner's default one (the
/// caller's, for what the defaults and fixtures declare).
pub fn group_or_default(named: Option<&str>, owner: Option<&str>, caller: &str) -> String {
    match named.filter(|g| !g.is_empty()) {
        Some(group) => group.to_owned(),
        None => default_group_id(owner.unwrap_or(caller)),
    }
}

/// The resource groups fixture documents declared, in the order declared.
#[derive(Debug, Default)]
pub struct ResourceGroups {
    declared: parking_lot::RwLock<Vec<ResourceGroup>>,
    revision: std::sync::atomic::AtomicU64,
}

impl ResourceGroups {
    /// Whether `groups` could be declared: ids and names that are not empty, none twice, none the
    /// default group's name.
    pub fn check(groups: &[ResourceGroup]) -> Result<(), String> {
        let mut ids = std::collections::HashSet::new();
        for group in groups {
            let id = &group.resource_group_id;
            if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(format!(
                    "resourceGroups: id {:?} must be 1 to 64 letters, digits and hyphens",
                    id.chars().take(40).collect::<String>()
                ));
            }
            if group.name.is_empty() || group.name.len() > 50 || group.name == DEFAULT_GROUP_NAME {
                return Err(format!(
                    "resourceGroups: {id}: name must be 1 to 50 characters, and not \"{DEFAULT_GROUP_NAME}\" (every account's own)"
                ));
            }
            if !ids.insert(id.as_str()) {
                return Err(format!("resourceGroups: {id} is declared twice"));
            }
        }
        Ok(())
    }

    /// Declares `groups` (checked): a known id takes the new definition, a new one goes last.
    pub fn declare(&self, groups: &[ResourceGroup]) {
        if groups.is_empty() {
            return;
        }
        let mut declared = self.declared.write();
        for group in groups {
            match declared
                .iter_mut()
                .find(|g| g.resource_group_id == group.resource_group_id)
            {
                Some(known) => *known = group.clone(),
                None => declared.push(group.clone()),
            }
        }
        self.bump();
    }

    pub fn clear(&self) {
        self.declared.write().clear();
        self.bump();
    }

    pub fn declared(&self) -> Vec<ResourceGroup> {
        self.declared.read().clone()
    }

    /// `account`'s groups: its default one first, then the declared ones.
    pub fn of(&self, account: &str) -> Vec<ResourceGroup> {
        let declared = self.declared.read();
        let mut groups = Vec::with_capacity(declared.len() + 1);
        groups.push(ResourceGroup::default_of(account));
        groups.extend(declared.iter().cloned());
        groups
    }

    fn bump(&self) {
        self.revision.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    pub fn revision(&self) -> u64 {
        self.revision.load(std::sync::atomic::Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standing_is_checked_in_order() {
        let mut a = Account::in_good_standing("ak");
        assert!(a.check_may_create(None).is_ok());
        a.insufficient_balance = true;
        assert_eq!(
            a.check_may_create(None).unwrap_err().code(),
            "InvalidPaymentMethod.InsufficientBalance"
        );
        a.real_name_verified = false;
        assert_eq!(
            a.check_may_create(None).unwrap_err().code(),
            "Forbidden.UserNotRealNameAuthentication"
        );
        a.arrears = true;
        assert_eq!(a.check_may_create(None).unwrap_err().code(), "Account.Arrearage");
        a.closed = true;
        assert_eq!(a.check_may_create(None).unwrap_err().status(), 403);
    }

    #[test]
    fn ram_roles() {
        let mut a = Account::in_good_standing("ak");
        a.ram_roles = Some(vec!["role-a".into()]);
        assert!(a.check_may_create(Some("role-a")).is_ok());
        assert_eq!(
            a.check_may_create(Some("role-b")).unwrap_err().code(),
            "RamRole.NotSupport"
        );
        a.pass_role_allowed = false;
        assert_eq!(
            a.check_may_create(Some("role-a")).unwrap_err().code(),
            "InvalidUser.PassRoleForbidden"
        );
        assert!(a.check_may_create(None).is_ok());
    }

    #[test]
    fn quotas() {
        let mut a = Account::in_good_standing("ak");
        assert!(a.check_quota(1_000_000, 1e9, 64.0).is_ok());
        a.quota = Quota {
            container_groups: Some(2),
            vcpus: Some(8.0),
        };
        assert!(a.check_quota(1, 4.0, 4.0).is_ok());
        let err = a.check_quota(2, 0.0, 1.0).unwrap_err();
        assert_eq!(
            (err.code(), err.status(), err.message.as_str()),
            ("QuotaExceeded", 403, "ContainerGroup quota exceeded.")
        );
        assert_eq!(a.check_quota(1, 4.5, 4.0).unwrap_err().message, "vCPU quota exceeded.");
    }

    #[test]
    fn every_account_has_its_own_default_group_then_the_declared_ones() {
        let groups = ResourceGroups::default();
        let a = groups.of("LTAIa");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].name, "default");
        assert_eq!(a[0].resource_group_id, default_group_id("LTAIa"));
        assert_eq!(a[0].resource_group_id.len(), 18);
        assert_ne!(default_group_id("LTAIa"), default_group_id("LTAIb"));
        let declared = ResourceGroup {
            resource_group_id: "rg-test".into(),
            name: "test".into(),
            display_name: String::new(),
        };
        ResourceGroups::check(std::slice::from_ref(&declared)).unwrap();
        groups.declare(std::slice::from_ref(&declared));
        groups.declare(std::slice::from_ref(&declared));
        assert_eq!(groups.of("LTAIb")[1], declared);
        assert_eq!(groups.of("LTAIb").len(), 2);
        let twice = [declared.clone(), declared.clone()];
        assert!(ResourceGroups::check(&twice).unwrap_err().contains("twice"));
        let named_default = ResourceGroup {
            name: "default".into(),
            ..declared
        };
        assert!(ResourceGroups::check(&[named_default]).is_err());
        assert_eq!(group_or_default(Some(""), None, "LTAIa"), default_group_id("LTAIa"));
        assert_eq!(group_or_default(Some("rg-x"), None, "LTAIa"), "rg-x");
        assert_eq!(
            group_or_default(None, Some("LTAIb"), "LTAIa"),
            default_group_id("LTAIb")
        );
    }
}
