//! Validation of container-group inputs, in the documented order; the first failure wins.

use super::dto::{CreateContainerGroupRequest, GroupFilter};
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::GroupStatus;
use std::collections::HashSet;

/// Documented most vSwitch ids in one `VSwitchId`.
pub const MAX_VSWITCHES: usize = 10;
/// Documented most ids in `ContainerGroupIds`.
pub const MAX_GROUP_IDS: usize = 20;
/// Documented most `Tag.N` filters.
pub const MAX_TAG_FILTERS: usize = 10;

/// The rules of `CreateContainerGroup` this build enforces.
pub fn check_create(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    check_group_name(&req.container_group_name)?;
    if req.containers.is_empty() {
        return Err(ApiError::missing("Container.1.Name"));
    }
    check_unique_container_names(req)?;
    check_unique_volume_names(req)?;
    vswitch_ids(req)?;
    Ok(())
}

/// 2–128 characters of lower-case letters, digits and `-`, not starting or ending with `-`.
pub fn check_group_name(name: &str) -> Result<(), ApiError> {
    let allowed = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let len = name.chars().count();
    if !(2..=128).contains(&len) || !allowed || name.starts_with('-') || name.ends_with('-') {
        return Err(ApiError::invalid(
            "ContainerGroupName",
            "2 to 128 characters of lower-case letters, digits and hyphens, not starting or ending with a hyphen",
        ));
    }
    Ok(())
}

fn check_unique_container_names(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    let mut seen = HashSet::new();
    let all = req.containers.iter().chain(req.init_containers.iter());
    if all.map(|c| c.name.as_str()).all(|n| seen.insert(n)) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::DuplicatedName))
    }
}

fn check_unique_volume_names(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    let mut seen = HashSet::new();
    let names = req.volumes.iter().filter_map(|v| v.name.as_deref());
    if names.into_iter().all(|n| seen.insert(n)) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::DuplicatedVolumeName))
    }
}

/// The vSwitch ids of `VSwitchId`, in the order given.
pub fn vswitch_ids(req: &CreateContainerGroupRequest) -> Result<Vec<&str>, ApiError> {
    let ids: Vec<&str> = req
        .vswitch_id
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.len() > MAX_VSWITCHES {
        return Err(ApiError::invalid("VSwitchId", "at most 10 vSwitch ids may be given"));
    }
    Ok(ids)
}

/// The shared describe filter: id and tag counts, a known status.
pub fn check_filter(filter: &GroupFilter) -> Result<(), ApiError> {
    if filter
        .container_group_ids
        .as_ref()
        .is_some_and(|ids| ids.len() > MAX_GROUP_IDS)
    {
        return Err(ApiError::invalid("ContainerGroupIds", "at most 20 ids may be given"));
    }
    if filter.tags.len() > MAX_TAG_FILTERS {
        return Err(ApiError::invalid("Tag", "at most 10 tags may be given"));
    }
    if let Some(status) = filter.status.as_deref() {
        if GroupStatus::parse(status).is_none() {
            return Err(ApiError::invalid("Status", "not a container group status"));
        }
    }
    Ok(())
}

/// `Limit` of `DescribeContainerGroups`: default 20; values above 20 return at most 20 (the documented
/// "fewer may be returned"); values below 1 are refused.
pub fn describe_limit(limit: Option<i64>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(20),
        Some(n) if n < 1 => Err(ApiError::invalid("Limit", "must be at least 1")),
        Some(n) => Ok(usize::try_from(n.min(20)).unwrap_or(20)),
    }
}

/// `Limit` of `DescribeContainerGroupStatus`: 1–200, default 50 (the metadata's schema).
pub fn status_limit(limit: Option<i64>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(usize::try_from(n).unwrap_or(50)),
        Some(_) => Err(ApiError::invalid("Limit", "must be between 1 and 200")),
    }
}

/// `SinceSecond`: 60–3600 (the metadata's schema).
pub fn since_second(value: Option<i64>) -> Result<Option<i64>, ApiError> {
    match value {
        None => Ok(None),
        Some(n @ 60..=3600) => Ok(Some(n)),
        Some(_) => Err(ApiError::invalid("SinceSecond", "must be between 60 and 3600")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::dto::{ContainerSpec, VolumeSpec};
    use super::*;

    fn request() -> CreateContainerGroupRequest {
        CreateContainerGroupRequest {
            region_id: "cn-hangzhou".into(),
            container_group_name: "ok-name".into(),
            containers: vec![ContainerSpec {
                name: "a".into(),
                image: "nginx".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn group_name_bounds() {
        let long = "a".repeat(128);
        for ok in ["ab", "a-b", "0a", long.as_str()] {
            assert!(check_group_name(ok).is_ok(), "{ok}");
        }
        let too_long = "a".repeat(129);
        for bad in ["a", "-ab", "ab-", "aB", "a_b", "a b", too_long.as_str(), "中文"] {
            let err = check_group_name(bad).unwrap_err();
            assert!(err.message.contains("ContainerGroupName"), "{bad}");
        }
    }

    #[test]
    fn duplicate_container_and_volume_names() {
        let mut req = request();
        req.init_containers.push(ContainerSpec {
            name: "a".into(),
            image: "busybox".into(),
            ..Default::default()
        });
        assert_eq!(
            check_create(&req).unwrap_err().code(),
            "InvalidParameter.DuplicatedName"
        );
        let mut req = request();
        let vol = VolumeSpec {
            name: Some("v".into()),
            ..Default::default()
        };
        req.volumes = vec![vol.clone(), vol];
        let err = check_create(&req).unwrap_err();
        assert_eq!(
            (err.code(), err.message.as_str()),
            (
                "InvalidParameter.DuplicatedVolumeName",
                "The container group includes volumes with duplicate names."
            )
        );
    }

    #[test]
    fn vswitch_list_bounds() {
        let mut req = request();
        req.vswitch_id = Some((1..=10).map(|i| format!("vsw-{i}")).collect::<Vec<_>>().join(","));
        assert_eq!(vswitch_ids(&req).unwrap().len(), 10);
        req.vswitch_id = Some((1..=11).map(|i| format!("vsw-{i}")).collect::<Vec<_>>().join(","));
        assert!(check_create(&req).is_err());
    }

    #[test]
    fn limits() {
        assert_eq!(describe_limit(None).unwrap(), 20);
        assert_eq!(describe_limit(Some(1)).unwrap(), 1);
        assert_eq!(describe_limit(Some(50)).unwrap(), 20);
        assert!(describe_limit(Some(0)).is_err());
        assert_eq!(status_limit(Some(200)).unwrap(), 200);
        assert!(status_limit(Some(201)).is_err());
        assert!(status_limit(Some(0)).is_err());
        assert_eq!(since_second(Some(60)).unwrap(), Some(60));
        assert!(since_second(Some(59)).is_err());
        assert!(since_second(Some(3601)).is_err());
    }

    #[test]
    fn filter_bounds() {
        let mut f = GroupFilter {
            container_group_ids: Some(vec!["x".into(); 20]),
            ..Default::default()
        };
        assert!(check_filter(&f).is_ok());
        f.container_group_ids = Some(vec!["x".into(); 21]);
        assert!(check_filter(&f).is_err());
        let f = GroupFilter {
            status: Some("Runing".into()),
            ..Default::default()
        };
        assert!(check_filter(&f).is_err());
    }
}
