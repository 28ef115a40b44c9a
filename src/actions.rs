//! The products served on the one listener (ECI and its companions VPC, ECS, STS and Resource
//! Manager), each with its
//! API version and the names of its operations: the one list that fault rules, rate limits, metrics and
//! the command line check action names against (the operation table is held to it by a test), and the
//! closest name to suggest for a misspelt one.

/// A product whose API this build serves, told apart by the `Version` of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Product {
    Eci,
    Vpc,
    Ecs,
    Sts,
    ResourceManager,
}

impl Product {
    pub const ALL: [Product; 5] = [
        Product::Eci,
        Product::Vpc,
        Product::Ecs,
        Product::Sts,
        Product::ResourceManager,
    ];

    /// The API version a call must name.
    pub fn version(self) -> &'static str {
        match self {
            Product::Eci => "2018-08-08",
            Product::Vpc => "2016-04-28",
            Product::Ecs => "2014-05-26",
            Product::Sts => "2015-04-01",
            Product::ResourceManager => "2020-03-31",
        }
    }

    /// The product code, as endpoints and the SDKs spell it.
    pub fn code(self) -> &'static str {
        match self {
            Product::Eci => "eci",
            Product::Vpc => "vpc",
            Product::Ecs => "ecs",
            Product::Sts => "sts",
            Product::ResourceManager => "resourcemanager",
        }
    }

    /// The product as people write it: `ECI`, `Resource Manager`.
    pub fn name(self) -> &'static str {
        match self {
            Product::Eci => "ECI",
            Product::Vpc => "VPC",
            Product::Ecs => "ECS",
            Product::Sts => "STS",
            Product::ResourceManager => "Resource Manager",
        }
    }

    /// The product whose code (`Product::code`) this is.
    pub fn from_code(code: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.code() == code)
    }

    /// The service's host, as errors report it in `HostId`.
    pub fn host(self) -> &'static str {
        match self {
            Product::Eci => "eci.aliyuncs.com",
            Product::Vpc => "vpc.aliyuncs.com",
            Product::Ecs => "ecs.aliyuncs.com",
            Product::Sts => "sts.aliyuncs.com",
            Product::ResourceManager => "resourcemanager.aliyuncs.com",
        }
    }

    /// The product as the troubleshooting links of `Recommend` name it.
    pub fn troubleshoot_name(self) -> &'static str {
        match self {
            Product::Eci => "Eci",
            Product::Vpc => "Vpc",
            Product::Ecs => "Ecs",
            Product::Sts => "Sts",
            Product::ResourceManager => "ResourceManager",
        }
    }

    pub fn from_version(version: &str) -> Option<Product> {
        Product::ALL.into_iter().find(|p| p.version() == version)
    }

    /// The names of its operations.
    pub fn actions(self) -> &'static [&'static str] {
        match self {
            Product::Eci => &ACTIONS,
            Product::Vpc => &VPC_ACTIONS,
            Product::Ecs => &ECS_ACTIONS,
            Product::Sts => &STS_ACTIONS,
            Product::ResourceManager => &RESOURCE_MANAGER_ACTIONS,
        }
    }
}

/// VPC 2016-04-28: the VPCs, vSwitches, route tables and EIPs every ECI flow makes first.
pub const VPC_ACTIONS: [&str; 30] = [
    "CreateVpc",
    "CreateDefaultVpc",
    "DescribeVpcs",
    "DescribeVpcAttribute",
    "ModifyVpcAttribute",
    "DeleteVpc",
    "CreateVSwitch",
    "CreateDefaultVSwitch",
    "DescribeVSwitches",
    "DescribeVSwitchAttributes",
    "ModifyVSwitchAttribute",
    "DeleteVSwitch",
    "DescribeRouteTableList",
    "ModifyRouteTableAttributes",
    "AllocateEipAddress",
    "DescribeEipAddresses",
    "ModifyEipAddressAttribute",
    "AssociateEipAddress",
    "UnassociateEipAddress",
    "ReleaseEipAddress",
    "TagResources",
    "UnTagResources",
    "ListTagResources",
    "DescribeZones",
    "DescribeRegions",
    "MoveResourceGroup",
    "AssociateVpcCidrBlock",
    "UnassociateVpcCidrBlock",
    "DeletionProtection",
    "ModifyEipForwardMode",
];

/// ECS 2014-05-26: security groups and their rules, zones, regions, instance types and images.
pub const ECS_ACTIONS: [&str; 22] = [
    "CreateSecurityGroup",
    "DescribeSecurityGroups",
    "DescribeSecurityGroupAttribute",
    "ModifySecurityGroupAttribute",
    "ModifySecurityGroupPolicy",
    "AuthorizeSecurityGroup",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroup",
    "RevokeSecurityGroupEgress",
    "DeleteSecurityGroup",
    "DescribeZones",
    "DescribeRegions",
    "TagResources",
    "UntagResources",
    "ListTagResources",
    "DescribeAvailableResource",
    "DescribeInstanceTypes",
    "DescribeImages",
    "JoinResourceGroup",
    "ModifySecurityGroupRule",
    "ModifySecurityGroupEgressRule",
    "DescribeTags",
];

/// STS 2015-04-01: who the caller is.
pub const STS_ACTIONS: [&str; 1] = ["GetCallerIdentity"];

/// Resource Manager 2020-03-31: the resource groups an account's resources are in.
pub const RESOURCE_MANAGER_ACTIONS: [&str; 2] = ["ListResourceGroups", "GetResourceGroup"];

/// Every action name of every product, each once (several products share `DescribeZones`,
/// `DescribeRegions` and the tag operations), made once.
pub fn every_action() -> impl Iterator<Item = &'static str> {
    static ALL: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static str> = Vec::new();
        for action in Product::ALL.into_iter().flat_map(|p| p.actions().iter().copied()) {
            if !all.contains(&action) {
                all.push(action);
            }
        }
        all
    })
    .iter()
    .copied()
}

/// Every operation of ECI 2018-08-08, as its `Action` is spelt.
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

/// `Ok` for an action of a served product or `*`; otherwise a sentence naming the closest action.
pub fn check_action(action: &str, field: &str) -> Result<(), String> {
    if action == ANY_ACTION || every_action().any(|a| a == action) {
        return Ok(());
    }
    Err(format!(
        "{field} \"{}\" is not an operation of ECI, VPC, ECS, STS or Resource Manager; did you mean \"{}\"? (or \"*\" for every action)",
        action.chars().take(64).collect::<String>(),
        closest(action)
    ))
}

/// The action whose spelling is nearest to `text`.
pub fn closest(text: &str) -> &'static str {
    let probe: String = text.chars().take(64).collect();
    every_action()
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
        assert!(check_action("CreateVpc", "action").is_ok());
        assert_eq!(closest("createvswitch"), "CreateVSwitch");
    }

    #[test]
    fn each_product_has_its_own_version_and_every_action_is_listed_once() {
        for product in Product::ALL {
            assert_eq!(Product::from_version(product.version()), Some(product));
        }
        assert_eq!(Product::from_version("2019-01-01"), None);
        let all: Vec<_> = every_action().collect();
        let unique: std::collections::HashSet<_> = all.iter().collect();
        assert_eq!(all.len(), unique.len());
        assert!(all.contains(&"GetCallerIdentity") && all.contains(&"UnTagResources"));
    }
}
