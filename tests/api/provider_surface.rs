//! What the alicloud provider's own acceptance tests look up before they make anything: Resource
//! Manager's resource groups (each account's default one, and those a fixture declares), the group a
//! resource made without one is in, ECS's instance types and public images (the same types
//! `DescribeAvailableResource` offers), standing VPCs found by name, and the route table's own
//! success fields.

use crate::common::*;
use serde_json::Value;

const VPC: &str = "2016-04-28";
const ECS: &str = "2014-05-26";
const RM: &str = "2020-03-31";
const ECI: &str = "2018-08-08";

const STANDING: &str = r#"{
  "vpcs": [{"vpcId": "vpc-standing", "regionId": "cn-hangzhou", "cidrBlock": "172.16.0.0/12", "vpcName": "default-NODELETING"}],
  "vSwitches": [{"vSwitchId": "vsw-standing", "vpcId": "vpc-standing", "zoneId": "cn-hangzhou-k",
                 "cidrBlock": "172.31.250.0/24", "vSwitchName": "default-NODELETING"}],
  "resourceGroups": [{"resourceGroupId": "rg-acfmstanding0001", "name": "standing", "displayName": "Standing"}]
}"#;

async fn ok(app: &axum::Router, version: &str, ak: &str, action: &str, pairs: &[(&str, &str)]) -> Value {
    let reply = rpc_at(app, version, ak, action, pairs).await;
    assert_eq!(reply.status.as_u16(), 200, "{action}: {}", reply.text);
    reply.json()
}

fn ids(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| i[field].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn each_account_lists_its_own_default_group_first_then_the_declared_ones() {
    let app = app_with_fixtures(STANDING, false);
    let a = ok(&app, RM, "LTAIa", "ListResourceGroups", &[]).await;
    let b = ok(&app, RM, "LTAIb", "ListResourceGroups", &[]).await;
    let a_groups = &a["ResourceGroups"]["ResourceGroup"];
    assert_eq!(a["TotalCount"], 2, "{a}");
    assert_eq!(a_groups[0]["Name"], "default");
    assert_eq!(a_groups[0]["Status"], "OK");
    assert_eq!(a_groups[1]["Id"], "rg-acfmstanding0001");
    assert_eq!(a_groups[1]["DisplayName"], "Standing");
    let b_default = &b["ResourceGroups"]["ResourceGroup"][0];
    assert_ne!(
        a_groups[0]["Id"], b_default["Id"],
        "each account has its own default group"
    );
    assert_eq!(a_groups[0]["AccountId"].as_str().map(str::len), Some(16));

    let default_id = a_groups[0]["Id"].as_str().unwrap();
    let got = ok(
        &app,
        RM,
        "LTAIa",
        "GetResourceGroup",
        &[("ResourceGroupId", default_id)],
    )
    .await;
    assert_eq!(got["ResourceGroup"]["Name"], "default");
    assert!(got["ResourceGroup"]["RegionStatuses"]["RegionStatus"]
        .as_array()
        .is_some_and(|r| r.iter().any(|s| s["RegionId"] == "cn-hangzhou" && s["Status"] == "OK")));

    let named = ok(&app, RM, "LTAIa", "ListResourceGroups", &[("Name", "standing")]).await;
    assert_eq!(
        ids(&named["ResourceGroups"]["ResourceGroup"], "Id"),
        ["rg-acfmstanding0001"]
    );
    let paged = ok(
        &app,
        RM,
        "LTAIa",
        "ListResourceGroups",
        &[("PageSize", "1"), ("PageNumber", "2")],
    )
    .await;
    assert_eq!(
        ids(&paged["ResourceGroups"]["ResourceGroup"], "Id"),
        ["rg-acfmstanding0001"]
    );

    let others = rpc_at(
        &app,
        RM,
        "LTAIa",
        "GetResourceGroup",
        &[("ResourceGroupId", b_default["Id"].as_str().unwrap())],
    )
    .await;
    assert_eq!(others.status.as_u16(), 404, "{}", others.text);
    let body = others.json();
    assert_eq!(body["Code"], "EntityNotExists.ResourceGroup");
    assert_eq!(body["Message"], "The resource group does not exist.");
    assert_eq!(body["HostId"], "resourcemanager.aliyuncs.com");
}

#[tokio::test]
async fn what_names_no_group_is_in_the_callers_default_one_and_is_found_by_it() {
    let app = app_with_fixtures(STANDING, false);
    let rgs = ok(&app, RM, "LTAIa", "ListResourceGroups", &[]).await;
    let default_id = rgs["ResourceGroups"]["ResourceGroup"][0]["Id"]
        .as_str()
        .unwrap()
        .to_owned();

    let vpc = ok(
        &app,
        VPC,
        "LTAIa",
        "CreateVpc",
        &[("RegionId", "cn-hangzhou"), ("CidrBlock", "10.0.0.0/16")],
    )
    .await;
    let vpc_id = vpc["VpcId"].as_str().unwrap();
    let attribute = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeVpcAttribute",
        &[("RegionId", "cn-hangzhou"), ("VpcId", vpc_id)],
    )
    .await;
    assert_eq!(attribute["ResourceGroupId"], default_id.as_str());
    let in_default = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeVpcs",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ResourceGroupId", &default_id),
            ("VpcId", vpc_id),
        ],
    )
    .await;
    assert_eq!(in_default["TotalCount"], 1, "{in_default}");
    let elsewhere = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeVpcs",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ResourceGroupId", "rg-acfmstanding0001"),
            ("VpcId", vpc_id),
        ],
    )
    .await;
    assert_eq!(elsewhere["TotalCount"], 0, "{elsewhere}");

    let eip = ok(&app, VPC, "LTAIa", "AllocateEipAddress", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(eip["ResourceGroupId"], default_id.as_str());
    let eips = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeEipAddresses",
        &[("RegionId", "cn-hangzhou")],
    )
    .await;
    let listed = &eips["EipAddresses"]["EipAddress"][0];
    assert_eq!(listed["ResourceGroupId"], default_id.as_str());
    assert_eq!(listed["AvailableRegions"]["AvailableRegion"][0], "cn-hangzhou");

    let group = ok(
        &app,
        ECI,
        "LTAIa",
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("VSwitchId", "vsw-standing"),
            ("ContainerGroupName", "web"),
            ("Container.1.Name", "web"),
            ("Container.1.Image", "nginx"),
        ],
    )
    .await;
    let groups = ok(
        &app,
        ECI,
        "LTAIa",
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ResourceGroupId", &default_id)],
    )
    .await;
    assert_eq!(
        groups["ContainerGroups"][0]["ContainerGroupId"],
        group["ContainerGroupId"]
    );
    assert_eq!(groups["ContainerGroups"][0]["ResourceGroupId"], default_id.as_str());
}

#[tokio::test]
async fn standing_vpcs_and_vswitches_are_found_by_the_names_their_fixture_gives() {
    let app = app_with_fixtures(STANDING, false);
    let vpcs = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeVpcs",
        &[("RegionId", "cn-hangzhou"), ("VpcName", "default-NODELETING")],
    )
    .await;
    assert_eq!(ids(&vpcs["Vpcs"]["Vpc"], "VpcId"), ["vpc-standing"]);
    let vswitches = ok(
        &app,
        VPC,
        "LTAIb",
        "DescribeVSwitches",
        &[("RegionId", "cn-hangzhou"), ("VpcId", "vpc-standing")],
    )
    .await;
    assert_eq!(
        vswitches["VSwitches"]["VSwitch"][0]["VSwitchName"],
        "default-NODELETING"
    );
    let tables = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeRouteTableList",
        &[("RegionId", "cn-hangzhou"), ("VpcId", "vpc-standing")],
    )
    .await;
    assert_eq!(
        (&tables["Code"], &tables["Success"]),
        (&Value::from("200"), &Value::from(true))
    );
    assert_eq!(
        tables["RouterTableList"]["RouterTableListType"][0]["VpcId"],
        "vpc-standing"
    );
}

#[tokio::test]
async fn instance_types_are_the_ones_available_resource_offers_with_their_sizes() {
    let app = app_with_fixtures("{}", false);
    let types = ok(&app, ECS, "LTAIa", "DescribeInstanceTypes", &[]).await;
    let listed = types["InstanceTypes"]["InstanceType"].as_array().unwrap().clone();
    assert!(listed.len() > 5, "{types}");
    let large = listed
        .iter()
        .find(|t| t["InstanceTypeId"] == "ecs.c6.large")
        .expect("ecs.c6.large");
    assert_eq!(
        (large["CpuCoreCount"].as_i64(), large["MemorySize"].as_f64()),
        (Some(2), Some(4.0))
    );
    assert_eq!(large["InstanceTypeFamily"], "ecs.c6");

    let offered = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeAvailableResource",
        &[
            ("RegionId", "cn-hangzhou"),
            ("DestinationResource", "InstanceType"),
            ("ZoneId", "cn-hangzhou-k"),
        ],
    )
    .await;
    let values = ids(
        &offered["AvailableZones"]["AvailableZone"][0]["AvailableResources"]["AvailableResource"][0]
            ["SupportedResources"]["SupportedResource"],
        "Value",
    );
    let mut type_ids = ids(&types["InstanceTypes"]["InstanceType"], "InstanceTypeId");
    type_ids.sort();
    let mut sorted = values.clone();
    sorted.sort();
    assert_eq!(sorted, type_ids);

    let two_four = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeAvailableResource",
        &[
            ("RegionId", "cn-hangzhou"),
            ("DestinationResource", "InstanceType"),
            ("Cores", "2"),
            ("Memory", "4"),
        ],
    )
    .await;
    let first_zone = &two_four["AvailableZones"]["AvailableZone"][0];
    let sized = ids(
        &first_zone["AvailableResources"]["AvailableResource"][0]["SupportedResources"]["SupportedResource"],
        "Value",
    );
    assert!(
        !sized.is_empty() && sized.iter().all(|t| t.ends_with(".large")),
        "{sized:?}"
    );
    let none = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeAvailableResource",
        &[
            ("RegionId", "cn-hangzhou"),
            ("DestinationResource", "InstanceType"),
            ("Cores", "3"),
        ],
    )
    .await;
    assert_eq!(
        none["AvailableZones"]["AvailableZone"].as_array().map(Vec::len),
        Some(0),
        "{none}"
    );

    let page = ok(&app, ECS, "LTAIa", "DescribeInstanceTypes", &[("MaxResults", "2")]).await;
    let next = page["NextToken"].as_str().unwrap().to_owned();
    assert_eq!(page["InstanceTypes"]["InstanceType"].as_array().map(Vec::len), Some(2));
    let rest = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeInstanceTypes",
        &[("MaxResults", "2"), ("NextToken", &next)],
    )
    .await;
    assert_eq!(
        rest["InstanceTypes"]["InstanceType"][0]["InstanceTypeId"],
        listed[2]["InstanceTypeId"]
    );
    let bad = rpc_at(&app, ECS, "LTAIa", "DescribeInstanceTypes", &[("NextToken", "x")]).await;
    assert_eq!(bad.status.as_u16(), 400);
}

#[tokio::test]
async fn public_images_are_listed_to_everyone_and_nobody_owns_one() {
    let app = app_with_fixtures("{}", false);
    let system = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeImages",
        &[("RegionId", "cn-hangzhou"), ("ImageOwnerAlias", "system")],
    )
    .await;
    let names = ids(&system["Images"]["Image"], "ImageName");
    assert!(
        names.iter().any(|n| n.starts_with("ubuntu_18") && n.contains("64")),
        "{names:?}"
    );
    assert_eq!(system["TotalCount"].as_u64(), Some(names.len() as u64));
    let image = &system["Images"]["Image"][0];
    assert_eq!(image["ImageId"], image["ImageName"]);
    assert_eq!(image["Status"], "Available");
    let own = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeImages",
        &[("RegionId", "cn-hangzhou"), ("ImageOwnerAlias", "self")],
    )
    .await;
    assert_eq!(own["TotalCount"], 0);
    let one = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeImages",
        &[("RegionId", "cn-hangzhou"), ("ImageId", &names[1])],
    )
    .await;
    assert_eq!(ids(&one["Images"]["Image"], "ImageId"), [names[1].clone()]);
    let windows = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeImages",
        &[("RegionId", "cn-hangzhou"), ("OSType", "windows")],
    )
    .await;
    assert!(ids(&windows["Images"]["Image"], "ImageName")
        .iter()
        .all(|n| n.starts_with("win")));
    let unknown = rpc_at(&app, ECS, "LTAIa", "DescribeImages", &[("RegionId", "xx-nowhere")]).await;
    assert_eq!(unknown.status.as_u16(), 400, "{}", unknown.text);
}

#[tokio::test]
async fn a_vpc_takes_ipv6_dns_names_secondary_blocks_and_a_new_block_as_the_provider_changes_them() {
    let app = app_with_fixtures(STANDING, false);
    let region = ("RegionId", "cn-hangzhou");
    let made = ok(
        &app,
        VPC,
        "LTAIa",
        "CreateVpc",
        &[
            region,
            ("CidrBlock", "172.16.0.0/16"),
            ("EnableIpv6", "true"),
            ("EnableDnsHostname", "true"),
        ],
    )
    .await;
    let vpc = made["VpcId"].as_str().unwrap().to_owned();
    let read = |app: axum::Router, vpc: String| async move {
        ok(
            &app,
            VPC,
            "LTAIa",
            "DescribeVpcAttribute",
            &[("RegionId", "cn-hangzhou"), ("VpcId", &vpc)],
        )
        .await
    };
    let shown = read(app.clone(), vpc.clone()).await;
    let block = shown["Ipv6CidrBlock"].as_str().unwrap().to_owned();
    assert!(block.ends_with("/56") && shown["EnabledIpv6"] == true, "{shown}");
    assert_eq!(
        shown["Ipv6CidrBlocks"]["Ipv6CidrBlock"][0]["Ipv6CidrBlock"],
        block.as_str()
    );
    assert_eq!(shown["DnsHostnameStatus"], "ENABLED");

    let vsw = ok(
        &app,
        VPC,
        "LTAIa",
        "CreateVSwitch",
        &[
            region,
            ("VpcId", &vpc),
            ("ZoneId", "cn-hangzhou-k"),
            ("CidrBlock", "172.16.1.0/24"),
            ("Ipv6CidrBlock", "7"),
        ],
    )
    .await["VSwitchId"]
        .as_str()
        .unwrap()
        .to_owned();
    let attrs = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeVSwitchAttributes",
        &[region, ("VSwitchId", &vsw)],
    )
    .await;
    let subnet = attrs["Ipv6CidrBlock"].as_str().unwrap();
    assert!(subnet.ends_with("07::/64") && attrs["EnabledIpv6"] == true, "{attrs}");
    ok(
        &app,
        VPC,
        "LTAIa",
        "ModifyVSwitchAttribute",
        &[region, ("VSwitchId", &vsw), ("EnableIPv6", "false")],
    )
    .await;
    let attrs = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeVSwitchAttributes",
        &[region, ("VSwitchId", &vsw)],
    )
    .await;
    assert_eq!(attrs["Ipv6CidrBlock"], "");

    ok(
        &app,
        VPC,
        "LTAIa",
        "AssociateVpcCidrBlock",
        &[region, ("VpcId", &vpc), ("SecondaryCidrBlock", "10.0.0.0/8")],
    )
    .await;
    let overlap = rpc_at(
        &app,
        VPC,
        "LTAIa",
        "AssociateVpcCidrBlock",
        &[region, ("VpcId", &vpc), ("SecondaryCidrBlock", "10.2.0.0/16")],
    )
    .await;
    assert_eq!(
        overlap.json()["Code"],
        "InvalidCidrBlock.Overlapped",
        "{}",
        overlap.text
    );
    let modified = ok(
        &app,
        VPC,
        "LTAIa",
        "ModifyVpcAttribute",
        &[
            region,
            ("VpcId", &vpc),
            ("CidrBlock", "172.16.0.0/12"),
            ("EnableIPv6", "false"),
            ("EnableDnsHostname", "false"),
        ],
    )
    .await;
    assert!(modified.get("RequestId").is_some());
    let shown = read(app.clone(), vpc.clone()).await;
    assert_eq!(shown["CidrBlock"], "172.16.0.0/12");
    assert_eq!(shown["SecondaryCidrBlocks"]["SecondaryCidrBlock"][0], "10.0.0.0/8");
    assert_eq!(
        (&shown["EnabledIpv6"], &shown["DnsHostnameStatus"]),
        (&Value::from(false), &Value::from("DISABLED"))
    );
    let outside = rpc_at(
        &app,
        VPC,
        "LTAIa",
        "ModifyVpcAttribute",
        &[region, ("VpcId", &vpc), ("CidrBlock", "192.168.0.0/16")],
    )
    .await;
    assert_eq!(
        outside.status.as_u16(),
        400,
        "the vSwitch would fall outside: {}",
        outside.text
    );
    ok(
        &app,
        VPC,
        "LTAIa",
        "UnassociateVpcCidrBlock",
        &[region, ("VpcId", &vpc), ("SecondaryCidrBlock", "10.0.0.0/8")],
    )
    .await;
    let shown = read(app.clone(), vpc.clone()).await;
    assert_eq!(
        shown["SecondaryCidrBlocks"]["SecondaryCidrBlock"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[tokio::test]
async fn resources_move_between_the_callers_groups_and_a_protected_eip_is_not_released() {
    let app = app_with_fixtures(STANDING, false);
    let region = ("RegionId", "cn-hangzhou");
    let vpc = ok(&app, VPC, "LTAIa", "CreateVpc", &[region, ("CidrBlock", "10.0.0.0/16")]).await["VpcId"]
        .as_str()
        .unwrap()
        .to_owned();
    let moved = [
        region,
        ("ResourceId", vpc.as_str()),
        ("ResourceType", "VPC"),
        ("NewResourceGroupId", "rg-acfmstanding0001"),
    ];
    ok(&app, VPC, "LTAIa", "MoveResourceGroup", &moved).await;
    let in_standing = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeVpcs",
        &[region, ("ResourceGroupId", "rg-acfmstanding0001")],
    )
    .await;
    assert_eq!(ids(&in_standing["Vpcs"]["Vpc"], "VpcId"), std::slice::from_ref(&vpc));
    let elsewhere = [
        region,
        ("ResourceId", vpc.as_str()),
        ("ResourceType", "VPC"),
        ("NewResourceGroupId", "rg-nobody"),
    ];
    let refused = rpc_at(&app, VPC, "LTAIa", "MoveResourceGroup", &elsewhere).await;
    assert_eq!(
        refused.json()["Code"],
        "EntityNotExists.ResourceGroup",
        "{}",
        refused.text
    );
    let not_mine = rpc_at(&app, VPC, "LTAIb", "MoveResourceGroup", &moved).await;
    assert_eq!(not_mine.json()["Code"], "InvalidVpcId.NotFound", "{}", not_mine.text);

    let sg = ok(&app, ECS, "LTAIa", "CreateSecurityGroup", &[region, ("VpcId", &vpc)]).await["SecurityGroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let tagged = [
        region,
        ("ResourceType", "securitygroup"),
        ("ResourceId.1", sg.as_str()),
        ("Tag.1.Key", "team"),
        ("Tag.1.Value", "web"),
    ];
    ok(&app, ECS, "LTAIa", "TagResources", &tagged).await;
    let old_style = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeTags",
        &[region, ("ResourceType", "securitygroup"), ("ResourceId", &sg)],
    )
    .await;
    assert_eq!(old_style["Tags"]["Tag"][0]["TagKey"], "team", "{old_style}");
    assert_eq!(old_style["Tags"]["Tag"][0]["TagValue"], "web");
    let image = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeTags",
        &[region, ("ResourceType", "image"), ("ResourceId", "x")],
    )
    .await;
    assert_eq!(image["TotalCount"], 0);
    let join = [
        region,
        ("ResourceId", sg.as_str()),
        ("ResourceType", "securitygroup"),
        ("ResourceGroupId", "rg-acfmstanding0001"),
    ];
    ok(&app, ECS, "LTAIa", "JoinResourceGroup", &join).await;
    let groups = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeSecurityGroups",
        &[region, ("ResourceGroupId", "rg-acfmstanding0001")],
    )
    .await;
    assert_eq!(
        groups["SecurityGroups"]["SecurityGroup"][0]["SecurityGroupId"],
        sg.as_str()
    );

    let eip = ok(&app, VPC, "LTAIa", "AllocateEipAddress", &[region]).await["AllocationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let protect = |on: &'static str| [region, ("InstanceId", ""), ("ProtectionEnable", on), ("Type", "EIP")];
    let mut on = protect("true");
    on[1].1 = &eip;
    ok(&app, VPC, "LTAIa", "DeletionProtection", &on).await;
    let listed = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeEipAddresses",
        &[region, ("AllocationId", &eip)],
    )
    .await;
    assert_eq!(listed["EipAddresses"]["EipAddress"][0]["DeletionProtection"], true);
    let release = rpc_at(
        &app,
        VPC,
        "LTAIa",
        "ReleaseEipAddress",
        &[region, ("AllocationId", &eip)],
    )
    .await;
    assert_eq!(
        release.json()["Code"],
        "OperationDenied.DeletionProtection",
        "{}",
        release.text
    );
    let mut off = protect("false");
    off[1].1 = &eip;
    ok(&app, VPC, "LTAIa", "DeletionProtection", &off).await;
    ok(
        &app,
        VPC,
        "LTAIa",
        "ReleaseEipAddress",
        &[region, ("AllocationId", &eip)],
    )
    .await;
}

#[tokio::test]
async fn a_rule_found_by_its_terms_or_its_id_takes_what_the_modify_gives() {
    let app = app_with_fixtures(STANDING, false);
    let region = ("RegionId", "cn-hangzhou");
    let sg = ok(&app, ECS, "LTAIa", "CreateSecurityGroup", &[region]).await["SecurityGroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let terms = [
        region,
        ("SecurityGroupId", sg.as_str()),
        ("IpProtocol", "tcp"),
        ("PortRange", "22/22"),
        ("SourceCidrIp", "0.0.0.0/0"),
        ("Policy", "drop"),
        ("Priority", "100"),
        ("NicType", "intranet"),
    ];
    ok(&app, ECS, "LTAIa", "AuthorizeSecurityGroup", &terms).await;
    let mut described: Vec<(&str, &str)> = terms.to_vec();
    described.push(("Description", "ssh closed"));
    ok(&app, ECS, "LTAIa", "ModifySecurityGroupRule", &described).await;
    let rules = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeSecurityGroupAttribute",
        &[region, ("SecurityGroupId", &sg)],
    )
    .await;
    let rule = &rules["Permissions"]["Permission"][0];
    assert_eq!(
        (&rule["Description"], &rule["Policy"]),
        (&Value::from("ssh closed"), &Value::from("Drop"))
    );
    let rule_id = rule["SecurityGroupRuleId"].as_str().unwrap().to_owned();
    let by_id = [
        region,
        ("SecurityGroupId", sg.as_str()),
        ("SecurityGroupRuleId", rule_id.as_str()),
        ("PortRange", "2222/2222"),
    ];
    ok(&app, ECS, "LTAIa", "ModifySecurityGroupRule", &by_id).await;
    let rules = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeSecurityGroupAttribute",
        &[region, ("SecurityGroupId", &sg)],
    )
    .await;
    let rule = &rules["Permissions"]["Permission"][0];
    assert_eq!(
        (&rule["PortRange"], &rule["Description"]),
        (&Value::from("2222/2222"), &Value::from("ssh closed"))
    );
    assert_eq!(rule["SecurityGroupRuleId"], rule_id.as_str());
    let missing = rpc_at(&app, ECS, "LTAIa", "ModifySecurityGroupEgressRule", &by_id).await;
    assert_eq!(
        missing.status.as_u16(),
        400,
        "an ingress rule is not an egress one: {}",
        missing.text
    );
}

#[tokio::test]
async fn regions_are_named_in_chinese_unless_another_language_is_asked_for() {
    let app = app_with_fixtures("{}", false);
    let chinese = ok(&app, ECS, "LTAIa", "DescribeRegions", &[]).await;
    let beijing = |answer: &Value| {
        answer["Regions"]["Region"]
            .as_array()
            .and_then(|r| r.iter().find(|r| r["RegionId"] == "cn-beijing").cloned())
            .unwrap_or_default()
    };
    assert_eq!(beijing(&chinese)["LocalName"], "华北2（北京）");
    let english = ok(&app, VPC, "LTAIa", "DescribeRegions", &[("AcceptLanguage", "en-US")]).await;
    assert_eq!(beijing(&english)["LocalName"], "China (Beijing)");
}

#[tokio::test]
async fn an_eip_keeps_its_line_and_zone_and_a_replayed_token_changes_neither() {
    let app = app_with_fixtures(STANDING, false);
    let region = ("RegionId", "cn-hangzhou");
    let first = [
        region,
        ("ClientToken", "t-1"),
        ("ISP", "BGP_PRO"),
        ("Zone", "cn-hangzhou-i"),
    ];
    let made = ok(&app, VPC, "LTAIa", "AllocateEipAddress", &first).await;
    let id = made["AllocationId"].as_str().unwrap().to_owned();
    let again = [
        region,
        ("ClientToken", "t-1"),
        ("ISP", "ChinaTelecom"),
        ("Zone", "cn-hangzhou-b"),
        ("ResourceGroupId", "rg-acfmstanding0001"),
    ];
    let replayed = ok(&app, VPC, "LTAIa", "AllocateEipAddress", &again).await;
    assert_eq!(replayed["AllocationId"], id.as_str());
    assert_eq!(
        replayed["ResourceGroupId"], made["ResourceGroupId"],
        "the group its first call put it in"
    );
    assert!(made["ResourceGroupId"]
        .as_str()
        .is_some_and(|g| g.starts_with("rg-acfm") && g != "rg-acfmstanding0001"));
    let listed = ok(
        &app,
        VPC,
        "LTAIa",
        "DescribeEipAddresses",
        &[region, ("AllocationId", &id)],
    )
    .await;
    let eip = &listed["EipAddresses"]["EipAddress"][0];
    assert_eq!(
        (&eip["ISP"], &eip["Zone"]),
        (&Value::from("BGP_PRO"), &Value::from("cn-hangzhou-i"))
    );
    let bad_line = rpc_at(&app, VPC, "LTAIa", "AllocateEipAddress", &[region, ("ISP", "Nowhere")]).await;
    assert_eq!(bad_line.status.as_u16(), 400, "{}", bad_line.text);
    let all = ok(&app, VPC, "LTAIa", "DescribeEipAddresses", &[region]).await;
    assert_eq!(all["TotalCount"], 1, "a refused allocation leaves no EIP: {all}");
}
