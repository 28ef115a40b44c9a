//! An account's own default network through the API: `CreateDefaultVpc` and `CreateDefaultVSwitch`,
//! what `IsDefault` shows each account, where a security group named into no VPC goes, and the
//! region's default VPC standing in again once the account's own is deleted.

use crate::common::*;
use serde_json::Value;

const VPC: &str = "2016-04-28";
const ECS: &str = "2014-05-26";
const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

async fn ok(app: &axum::Router, version: &str, ak: &str, action: &str, pairs: &[(&str, &str)]) -> Value {
    let reply = rpc_at(app, version, ak, action, pairs).await;
    assert_eq!(reply.status.as_u16(), 200, "{action}: {}", reply.text);
    reply.json()
}

/// The ids of the VPCs `ak` is shown as default.
async fn default_vpcs(app: &axum::Router, ak: &str) -> Vec<Value> {
    let listed = ok(app, VPC, ak, "DescribeVpcs", &[REGION, ("IsDefault", "true")]).await;
    listed["Vpcs"]["Vpc"].as_array().cloned().unwrap_or_default()
}

async fn default_vswitches(app: &axum::Router, ak: &str) -> Vec<Value> {
    let pairs = [REGION, ("IsDefault", "true"), ("PageSize", "50")];
    let listed = ok(app, VPC, ak, "DescribeVSwitches", &pairs).await;
    listed["VSwitches"]["VSwitch"].as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn an_accounts_own_default_vpc_and_vswitch_are_its_defaults_and_no_one_elses() {
    let app = open_app();
    let region_vpc = default_vpcs(&app, "LTAIa").await[0]["VpcId"].clone();
    let standing = default_vswitches(&app, "LTAIa").await.len();
    assert!(standing > 1, "the region's vSwitches are shown as default");

    let made = ok(
        &app,
        VPC,
        "LTAIa",
        "CreateDefaultVpc",
        &[REGION, ("EnableIpv6", "true")],
    )
    .await;
    let own = made["VpcId"].as_str().unwrap().to_owned();
    assert_eq!(made["RouteTableId"], format!("vtb-{}", own.trim_start_matches("vpc-")));
    assert_eq!(made["VRouterId"], format!("vrt-{}", own.trim_start_matches("vpc-")));
    let shown = default_vpcs(&app, "LTAIa").await;
    assert_eq!(shown.len(), 1);
    assert_eq!(
        (shown[0]["VpcId"].as_str(), &shown[0]["EnabledIpv6"]),
        (Some(own.as_str()), &Value::Bool(true))
    );
    assert_eq!(shown[0]["CidrBlock"], "172.16.0.0/12");
    assert_eq!(default_vpcs(&app, "LTAIb").await[0]["VpcId"], region_vpc);
    assert!(
        default_vswitches(&app, "LTAIa").await.is_empty(),
        "its own default VPC has none yet"
    );

    let again = rpc_at(&app, VPC, "LTAIa", "CreateDefaultVpc", &[REGION]).await;
    assert_eq!(again.status.as_u16(), 400);
    assert_eq!(again.json()["Code"], "OperationFailed.DefaultVpcExist");

    let zone = [
        REGION,
        ("ZoneId", "cn-hangzhou-b"),
        ("Ipv6CidrBlock", "8"),
        ("ClientToken", "t-1"),
    ];
    let vsw = ok(&app, VPC, "LTAIa", "CreateDefaultVSwitch", &zone).await["VSwitchId"].clone();
    let replayed = ok(&app, VPC, "LTAIa", "CreateDefaultVSwitch", &zone).await["VSwitchId"].clone();
    assert_eq!(
        vsw, replayed,
        "a replayed token answers the vSwitch its first call made"
    );
    let mine = default_vswitches(&app, "LTAIa").await;
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (&mine[0]["VSwitchId"], mine[0]["VpcId"].as_str()),
        (&vsw, Some(own.as_str()))
    );
    assert_eq!(mine[0]["CidrBlock"], "172.16.0.0/20");
    assert!(
        mine[0]["Ipv6CidrBlock"]
            .as_str()
            .is_some_and(|b| b.ends_with("08::/64")),
        "{}",
        mine[0]
    );
    assert_eq!(default_vswitches(&app, "LTAIb").await.len(), standing);
    let twice = rpc_at(
        &app,
        VPC,
        "LTAIa",
        "CreateDefaultVSwitch",
        &[REGION, ("ZoneId", "cn-hangzhou-b")],
    )
    .await;
    assert_eq!(twice.json()["Code"], "OperationFailed.DefaultVSwitchExist");

    let group = ok(&app, ECS, "LTAIa", "CreateSecurityGroup", &[REGION]).await["SecurityGroupId"].clone();
    let group = group.as_str().unwrap();
    let attribute = ok(
        &app,
        ECS,
        "LTAIa",
        "DescribeSecurityGroupAttribute",
        &[REGION, ("SecurityGroupId", group)],
    )
    .await;
    assert_eq!(
        attribute["VpcId"], own,
        "a group named into no VPC is in the caller's default VPC"
    );

    let blocked = rpc_at(&app, VPC, "LTAIa", "DeleteVpc", &[REGION, ("VpcId", &own)]).await;
    assert_eq!(blocked.json()["Code"], "DependencyViolation.VSwitch");
    ok(
        &app,
        ECS,
        "LTAIa",
        "DeleteSecurityGroup",
        &[REGION, ("SecurityGroupId", group)],
    )
    .await;
    ok(
        &app,
        VPC,
        "LTAIa",
        "DeleteVSwitch",
        &[REGION, ("VSwitchId", vsw.as_str().unwrap())],
    )
    .await;
    ok(&app, VPC, "LTAIa", "DeleteVpc", &[REGION, ("VpcId", &own)]).await;
    assert_eq!(default_vpcs(&app, "LTAIa").await[0]["VpcId"], region_vpc);
    assert_eq!(default_vswitches(&app, "LTAIa").await.len(), standing);
}

#[tokio::test]
async fn a_default_vswitch_with_no_default_vpc_makes_one_and_a_refused_one_makes_nothing() {
    let app = open_app();
    let unknown = rpc_at(
        &app,
        VPC,
        "LTAIc",
        "CreateDefaultVSwitch",
        &[REGION, ("ZoneId", "cn-hangzhou-zz")],
    )
    .await;
    assert_eq!(
        (unknown.status.as_u16(), unknown.json()["Code"].clone()),
        (404, "InvalidZoneId.NotFound".into())
    );
    let missing = rpc_at(&app, VPC, "LTAIc", "CreateDefaultVSwitch", &[REGION]).await;
    assert_eq!(missing.json()["Code"], "MissingParameter");
    let before = ok(&app, VPC, "LTAIc", "DescribeVpcs", &[REGION]).await["TotalCount"].clone();
    assert_eq!(before, 1, "only the region's: the refused calls made no VPC");

    let pairs = [REGION, ("ZoneId", "cn-hangzhou-g")];
    let vsw = ok(&app, VPC, "LTAIc", "CreateDefaultVSwitch", &pairs).await["VSwitchId"].clone();
    let vpc = default_vpcs(&app, "LTAIc").await.remove(0);
    assert_eq!(vpc["VSwitchIds"]["VSwitchId"], serde_json::json!([vsw]));
    assert_eq!(
        vpc["EnabledIpv6"], true,
        "made for a default vSwitch, it has an IPv6 block"
    );
    let made = rpc_at(&app, VPC, "LTAIc", "CreateDefaultVpc", &[REGION]).await;
    assert_eq!(made.json()["Code"], "OperationFailed.DefaultVpcExist");
}

/// The `VSwitchId`, `VpcId` and `SecurityGroupId` a group of `AK-TEST` was placed on.
async fn placed_on(app: &axum::Router, group: &str) -> (String, String, String) {
    let ids = format!("[\"{group}\"]");
    let listed = rpc_ok(app, "DescribeContainerGroups", &[REGION, ("ContainerGroupIds", &ids)]).await;
    let found = &listed.json()["ContainerGroups"][0];
    let field = |name: &str| found[name].as_str().unwrap_or_default().to_owned();
    (field("VSwitchId"), field("VpcId"), field("SecurityGroupId"))
}

#[tokio::test]
async fn a_group_naming_no_vswitch_goes_to_the_default_vswitch_of_the_callers_own_default_vpc() {
    let app = open_app();
    let region_vpc = default_vpcs(&app, "AK-TEST").await[0]["VpcId"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = create_group(&app, "before", &[]).await;
    assert_eq!(
        placed_on(&app, &before).await.1,
        region_vpc,
        "the region's default VPC stands in"
    );

    let own = ok(&app, VPC, "AK-TEST", "CreateDefaultVpc", &[REGION]).await["VpcId"].clone();
    let own = own.as_str().unwrap();
    let dry = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ContainerGroupName", "dry"),
            ("ZoneId", "cn-hangzhou-i"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
            ("DryRun", "true"),
        ],
    )
    .await;
    assert_eq!(dry.json()["Code"], "DryRunOperation");
    assert!(
        default_vswitches(&app, "AK-TEST").await.is_empty(),
        "a dry run leaves no default vSwitch"
    );

    let first = create_group(&app, "first", &[("ZoneId", "cn-hangzhou-h")]).await;
    let (vsw, vpc, group) = placed_on(&app, &first).await;
    assert_eq!(vpc, own);
    let made = default_vswitches(&app, "AK-TEST").await;
    assert_eq!(made.len(), 1);
    assert_eq!(
        (made[0]["VSwitchId"].as_str(), made[0]["ZoneId"].as_str()),
        (Some(vsw.as_str()), Some("cn-hangzhou-h"))
    );
    let dated = made[0]["CreationTime"].as_str().unwrap_or_default();
    assert!(dated.ends_with('Z'), "dated when made: {}", made[0]);
    let second = create_group(&app, "second", &[("ZoneId", "cn-hangzhou-h")]).await;
    assert_eq!(
        placed_on(&app, &second).await.0,
        vsw,
        "the zone's default vSwitch is used again"
    );

    let mine = ok(
        &app,
        ECS,
        "AK-TEST",
        "DescribeSecurityGroups",
        &[REGION, ("VpcId", own)],
    )
    .await;
    assert_eq!(
        mine["SecurityGroups"]["SecurityGroup"][0]["SecurityGroupId"],
        group.as_str()
    );
    let theirs = ok(
        &app,
        ECS,
        "LTAIother",
        "DescribeSecurityGroups",
        &[REGION, ("PageSize", "50")],
    )
    .await;
    let ids: Vec<&str> = theirs["SecurityGroups"]["SecurityGroup"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["SecurityGroupId"].as_str())
        .collect();
    assert!(
        !ids.contains(&group.as_str()),
        "another account never sees the group of a VPC it cannot see: {ids:?}"
    );
}
