//! Account standing and quotas, declared per AccessKeyId in fixture documents. An account nobody
//! declared is in good standing with no quota.

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
}
