//! The names of ECI 2018-08-08's 36 operations: the one list that fault rules, rate limits and the
//! command line check action names against (the operation table is held to it by a test), and the
//! closest name to suggest for a misspelt one.

/// Every operation of the API, as its `Action` is spelt.
pub const ACTIONS: [&str; 36] = [
    "CreateContainerGroup",
    "DescribeContainerGroups",
    "DescribeContainerGroupStatus",
    "DeleteContainerGroup",
    "DescribeContainerGroupEvents",
    "RestartContainerGroup",
    "UpdateContainerGroup",
    "DescribeContainerLog",
    "ExecContainerCommand",
    "DescribeRegions",
    "TagResources",
    "UntagResources",
    "ListTagResources",
    "CreateImageCache",
    "UpdateImageCache",
    "DeleteImageCache",
    "DescribeImageCaches",
    "CreateDataCache",
    "UpdateDataCache",
    "CopyDataCache",
    "DeleteDataCache",
    "DescribeDataCaches",
    "CreateVirtualNode",
    "UpdateVirtualNode",
    "DeleteVirtualNode",
    "DescribeVirtualNodes",
    "DescribeContainerGroupPrice",
    "DescribeAvailableResource",
    "DescribeContainerGroupMetric",
    "DescribeMultiContainerGroupMetric",
    "CommitContainer",
    "DescribeCommitContainerTask",
    "CreateInstanceOpsTask",
    "DescribeInstanceOpsRecords",
    "ResizeContainerGroupVolume",
    "ListUsage",
];

/// What stands for every action in a fault rule or a rate limit.
pub const ANY_ACTION: &str = "*";

/// `Ok` for one of the 36 actions or `*`; otherwise a sentence naming the closest action.
pub fn check_action(action: &str, field: &str) -> Result<(), String> {
    if action == ANY_ACTION || ACTIONS.contains(&action) {
        return Ok(());
    }
    Err(format!(
        "{field} \"{}\" is not an ECI operation; did you mean \"{}\"? (or \"*\" for every action)",
        action.chars().take(64).collect::<String>(),
        closest(action)
    ))
}

/// The action whose spelling is nearest to `text`.
pub fn closest(text: &str) -> &'static str {
    let probe: String = text.chars().take(64).collect();
    ACTIONS
        .iter()
        .copied()
        .max_by(|a, b| strsim::jaro_winkler(&probe, a).total_cmp(&strsim::jaro_winkler(&probe, b)))
        .unwrap_or("CreateContainerGroup")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspelt_actions_are_refused_with_the_closest_name() {
        assert!(check_action("*", "action").is_ok());
        assert!(check_action("ListUsage", "action").is_ok());
        let err = check_action("DescribeContainerGroup", "action").unwrap_err();
        assert!(err.contains("did you mean \"DescribeContainerGroups\""), "{err}");
        assert_eq!(closest("createcontainergroup"), "CreateContainerGroup");
        assert_eq!(closest("NoSuch"), closest("NoSuch"));
        assert!(check_action("", "action").is_err());
    }
}
