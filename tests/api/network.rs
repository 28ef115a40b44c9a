//! The network model through the wire: declared VPCs and vSwitches, mismatches, a filling /29,
//! fall-through, private IPs, EIPs, disks, image caches and strict mode.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

const FIXTURES: &str = r#"{
  "vpcs": [{"vpcId": "vpc-1", "regionId": "cn-hangzhou", "cidrBlock": "10.20.0.0/16"},
           {"vpcId": "vpc-2", "regionId": "cn-hangzhou", "cidrBlock": "10.30.0.0/16"}],
  "vSwitches": [{"vSwitchId": "vsw-tiny", "vpcId": "vpc-1", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.20.1.0/29"},
                {"vSwitchId": "vsw-big", "vpcId": "vpc-1", "zoneId": "cn-hangzhou-h", "cidrBlock": "10.20.2.0/24"},
                {"vSwitchId": "vsw-other", "vpcId": "vpc-2", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.30.1.0/24"}],
  "securityGroups": [{"securityGroupId": "sg-1", "vpcId": "vpc-1"}, {"securityGroupId": "sg-2", "vpcId": "vpc-2"}],
  "eips": [{"allocationId": "eip-1", "regionId": "cn-hangzhou", "ipAddress": "47.0.0.10"}],
  "disks": [{"diskId": "d-1", "zoneId": "cn-hangzhou-h", "size": 40}],
  "imageCaches": [{"imageCacheId": "imc-1", "regionId": "cn-hangzhou"}]
}"#;

async fn create(app: &axum::Router, name: &str, extra: &[(&str, &str)]) -> Reply {
    let mut pairs = vec![
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", name),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
    ];
    pairs.extend_from_slice(extra);
    rpc_get(app, "CreateContainerGroup", &pairs).await
}

async fn group(app: &axum::Router, id: &str) -> Value {
    let ids = format!("[\"{id}\"]");
    let body = rpc_get(
        app,
        "DescribeContainerGroups",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &ids)],
    )
    .await
    .json();
    body["ContainerGroups"][0].clone()
}

fn id_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["ContainerGroupId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn declared_vswitches_and_groups_are_used_and_mismatches_refused() {
    let app = app_with_fixtures(FIXTURES, false);
    let id = id_of(&create(&app, "in-vpc", &[("VSwitchId", "vsw-big"), ("SecurityGroupId", "sg-1")]).await);
    let g = group(&app, &id).await;
    assert_eq!(
        (g["VpcId"].as_str(), g["ZoneId"].as_str(), g["IntranetIp"].as_str()),
        (Some("vpc-1"), Some("cn-hangzhou-h"), Some("10.20.2.1"))
    );
    let no_sg = id_of(&create(&app, "vpc-default-sg", &[("VSwitchId", "vsw-other")]).await);
    assert_eq!(group(&app, &no_sg).await["SecurityGroupId"], "sg-default-vpc-2");
    let wrong_vpc = create(&app, "x1", &[("VSwitchId", "vsw-big"), ("SecurityGroupId", "sg-2")]).await;
    assert_error(
        &wrong_vpc,
        403,
        "OperationDenied.SecurityGroupMisMatch",
        "The specified VSwitchId and SecurityGroupId are not in the same VPC.",
    );
    let wrong_zone = create(&app, "x2", &[("VSwitchId", "vsw-big"), ("ZoneId", "cn-hangzhou-b")]).await;
    assert_error(
        &wrong_zone,
        403,
        "OperationDenied.VswZoneMisMatch",
        "The specified VSwitchId is not in the specified Zone.",
    );
}

#[tokio::test]
async fn a_slash_29_fills_falls_through_and_frees_on_delete() {
    let app = app_with_fixtures(FIXTURES, false);
    let mut tiny = Vec::new();
    for i in 0..4 {
        tiny.push(id_of(
            &create(&app, &format!("t{i}"), &[("VSwitchId", "vsw-tiny")]).await,
        ));
    }
    let ips: Vec<String> = futures_ips(&app, &tiny).await;
    assert_eq!(ips, ["10.20.1.1", "10.20.1.2", "10.20.1.3", "10.20.1.4"]);
    let full = create(&app, "t4", &[("VSwitchId", "vsw-tiny")]).await;
    assert_error(
        &full,
        403,
        "InvalidVSwitchId.IpNotEnough",
        "The specified VSwitch does not have enough IP addresses.",
    );
    let spilled = id_of(&create(&app, "t5", &[("VSwitchId", "vsw-tiny,vsw-big")]).await);
    assert_eq!(group(&app, &spilled).await["VSwitchId"], "vsw-big");
    let delete = rpc_get(
        &app,
        "DeleteContainerGroup",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupId", &tiny[1])],
    )
    .await;
    assert_eq!(delete.status, StatusCode::OK);
    let reused = id_of(&create(&app, "t6", &[("VSwitchId", "vsw-tiny")]).await);
    assert_eq!(group(&app, &reused).await["IntranetIp"], "10.20.1.2");
}

async fn futures_ips(app: &axum::Router, ids: &[String]) -> Vec<String> {
    let mut ips = Vec::new();
    for id in ids {
        ips.push(group(app, id).await["IntranetIp"].as_str().unwrap().to_owned());
    }
    ips
}

#[tokio::test]
async fn private_ip_addresses_are_honoured_once() {
    let app = app_with_fixtures(FIXTURES, false);
    let id = id_of(
        &create(
            &app,
            "p1",
            &[("VSwitchId", "vsw-big"), ("PrivateIpAddress", "10.20.2.77")],
        )
        .await,
    );
    assert_eq!(group(&app, &id).await["IntranetIp"], "10.20.2.77");
    let taken = create(
        &app,
        "p2",
        &[("VSwitchId", "vsw-big"), ("PrivateIpAddress", "10.20.2.77")],
    )
    .await;
    assert_error(
        &taken,
        400,
        "PrivateIpAddress.Already.InUse",
        "The specific PrivateIpAddress already in use.",
    );
    let outside = create(
        &app,
        "p3",
        &[("VSwitchId", "vsw-big"), ("PrivateIpAddress", "10.99.0.1")],
    )
    .await;
    assert_error(&outside, 400, "InvalidParameter", "The specified parameter \"PrivateIpAddress\" is not valid: the address is not in the CIDR block of the vSwitch");
}

#[tokio::test]
async fn eips_are_bound_created_and_released() {
    let app = app_with_fixtures(FIXTURES, false);
    let bound = id_of(&create(&app, "e1", &[("EipInstanceId", "eip-1")]).await);
    assert_eq!(group(&app, &bound).await["InternetIp"], "47.0.0.10");
    let again = create(&app, "e2", &[("EipInstanceId", "eip-1")]).await;
    assert_error(
        &again,
        400,
        "IncorrectEipStatus",
        "The current status of the EIP does not support this operation.",
    );
    let unknown = create(&app, "e3", &[("EipInstanceId", "eip-nope")]).await;
    assert_error(
        &unknown,
        404,
        "InvalidEipInstanceId.NotFound",
        "The specified EipInstanceId does not exist.",
    );
    let auto = id_of(&create(&app, "e4", &[("AutoCreateEip", "true")]).await);
    assert_eq!(group(&app, &auto).await["InternetIp"], "47.96.0.1");
    rpc_get(
        &app,
        "DeleteContainerGroup",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupId", &bound)],
    )
    .await;
    let rebound = id_of(&create(&app, "e5", &[("EipInstanceId", "eip-1")]).await);
    assert_eq!(group(&app, &rebound).await["InternetIp"], "47.0.0.10");
}

#[tokio::test]
async fn disks_and_image_caches_must_exist_and_disks_share_the_zone() {
    let app = app_with_fixtures(FIXTURES, false);
    let disk = [
        ("Volume.1.Name", "data"),
        ("Volume.1.Type", "DiskVolume"),
        ("Volume.1.DiskVolume.DiskId", "d-1"),
    ];
    let id = id_of(&create(&app, "d1", &disk).await);
    assert_eq!(
        group(&app, &id).await["ZoneId"],
        "cn-hangzhou-h",
        "a group with no zone goes where its disk is"
    );
    let mut elsewhere = disk.to_vec();
    elsewhere.push(("ZoneId", "cn-hangzhou-b"));
    let reply = create(&app, "d2", &elsewhere).await;
    assert_error(
        &reply,
        400,
        "DiskVolume.NotInSameZone",
        "The instance to be created and the disk are not in the same zone.",
    );
    let flex = [
        ("Volume.1.Name", "data"),
        ("Volume.1.Type", "FlexVolume"),
        ("Volume.1.FlexVolume.Driver", "alicloud/disk"),
        ("Volume.1.FlexVolume.Options", "{\"volumeId\":\"d-9\"}"),
    ];
    assert_error(
        &create(&app, "d3", &flex).await,
        404,
        "InvalidDiskId.NotFound",
        "The specified disk does not exist.",
    );
    assert_eq!(
        create(&app, "i1", &[("ImageSnapshotId", "imc-1")]).await.status,
        StatusCode::OK
    );
    assert_error(
        &create(&app, "i2", &[("ImageSnapshotId", "imc-9")]).await,
        404,
        "ImageSnapshot.NotFound",
        "The specified snapshot does not exist.",
    );
}

#[tokio::test]
async fn strict_network_refuses_unknown_ids() {
    let app = app_with_fixtures(FIXTURES, true);
    assert_eq!(
        create(&app, "s1", &[("VSwitchId", "vsw-big"), ("SecurityGroupId", "sg-1")])
            .await
            .status,
        StatusCode::OK
    );
    let vsw = create(&app, "s2", &[("VSwitchId", "vsw-made-up")]).await;
    assert_error(
        &vsw,
        404,
        "InvalidVSwitchId.NotFound",
        "The specified VSwitchId does not exist.",
    );
    let sg = create(&app, "s3", &[("SecurityGroupId", "sg-made-up")]).await;
    assert_error(
        &sg,
        404,
        "InvalidSecurityGroupId.NotFound",
        "The specified SecurityGroupId does not exist.",
    );
}

#[tokio::test]
async fn dry_run_checks_the_network_and_takes_nothing() {
    let app = app_with_fixtures(FIXTURES, false);
    let mut dry = vec![("VSwitchId", "vsw-tiny"), ("DryRun", "true")];
    assert_eq!(create(&app, "dry", &dry).await.json()["Code"], "DryRunOperation");
    dry.push(("ZoneId", "cn-hangzhou-k"));
    assert_eq!(
        create(&app, "dry", &dry).await.json()["Code"],
        "OperationDenied.VswZoneMisMatch"
    );
    let id = id_of(&create(&app, "real", &[("VSwitchId", "vsw-tiny")]).await);
    assert_eq!(
        group(&app, &id).await["IntranetIp"],
        "10.20.1.1",
        "the dry run took no address"
    );
}

#[tokio::test]
async fn the_fixture_endpoint_merges_whole_documents_or_nothing() {
    let app = open_app();
    let post = |body: &str| {
        Request::post("/_emulator/fixtures")
            .body(Body::from(body.to_owned()))
            .unwrap()
    };
    let ok = send(&app, post(FIXTURES)).await;
    assert_eq!(
        (ok.status, ok.json()["applied"].clone()),
        (StatusCode::OK, Value::Bool(true))
    );
    assert_eq!(
        send(&app, post(FIXTURES)).await.status,
        StatusCode::OK,
        "the same document again is a no-op"
    );
    let half_bad = r#"{"vpcs": [{"vpcId": "vpc-9", "regionId": "cn-hangzhou", "cidrBlock": "10.90.0.0/16"}],
        "vSwitches": [{"vSwitchId": "vsw-9", "vpcId": "vpc-9", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.91.0.0/24"}]}"#;
    let refused = send(&app, post(half_bad)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.json()["error"].as_str().unwrap().contains("not inside the VPC"),
        "{}",
        refused.text
    );
    let state = send(&app, Request::get("/_emulator/state").body(Body::empty()).unwrap())
        .await
        .json();
    assert!(
        state["networks"][0]["vpcs"].get("vpc-9").is_none(),
        "nothing of a refused document is kept"
    );
    for bad in [
        r#"{"vpcs": [{"vpcId": "v", "regionId": "mars-1", "cidrBlock": "10.0.0.0/16"}]}"#,
        r#"{"vSwitches": [{"vSwitchId": "s", "vpcId": "vpc-nope", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.0.0.0/24"}]}"#,
        r#"{"vpcs": [{"vpcId": "vpc-1", "regionId": "cn-hangzhou", "cidrBlock": "10.21.0.0/16"}]}"#,
        r#"{"vSwitches": [{"vSwitchId": "s", "vpcId": "vpc-1", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.20.2.128/25"}]}"#,
        r#"{"unknownKind": []}"#,
        "not json",
    ] {
        assert_eq!(send(&app, post(bad)).await.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn ipv6_addresses_come_from_the_vswitch_block_one_per_group() {
    let fixtures = r#"{"vpcs": [{"vpcId": "vpc-6", "regionId": "cn-hangzhou", "cidrBlock": "10.6.0.0/16"}],
        "vSwitches": [{"vSwitchId": "vsw-six", "vpcId": "vpc-6", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.6.1.0/24", "ipv6CidrBlock": "2408:4001:10:6::/64"},
                      {"vSwitchId": "vsw-four", "vpcId": "vpc-6", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.6.2.0/24"}]}"#;
    let app = app_with_fixtures(fixtures, false);
    let describe = |id: String| {
        let app = app.clone();
        async move {
            let ids = format!("[\"{id}\"]");
            rpc_ok(
                &app,
                "DescribeContainerGroups",
                &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &ids)],
            )
            .await
            .json()["ContainerGroups"][0]
                .clone()
        }
    };
    let a = create_group(&app, "six-a", &[("VSwitchId", "vsw-six"), ("Ipv6AddressCount", "1")]).await;
    let b = create_group(&app, "six-b", &[("VSwitchId", "vsw-six"), ("Ipv6AddressCount", "1")]).await;
    let (a, b) = (describe(a).await, describe(b).await);
    let address = |g: &serde_json::Value| {
        g["Ipv6Address"]
            .as_str()
            .unwrap_or_default()
            .parse::<std::net::Ipv6Addr>()
            .unwrap()
    };
    let block: ipnet::Ipv6Net = "2408:4001:10:6::/64".parse().unwrap();
    assert!(block.contains(&address(&a)) && block.contains(&address(&b)), "{a} {b}");
    assert_ne!(address(&a), address(&b));
    let plain = describe(create_group(&app, "four", &[("VSwitchId", "vsw-six")]).await).await;
    assert!(plain.get("Ipv6Address").is_none(), "only when asked for: {plain}");
    let refused = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "no-six"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx"),
            ("VSwitchId", "vsw-four"),
            ("Ipv6AddressCount", "1"),
        ],
    )
    .await;
    assert_eq!(refused.status.as_u16(), 400, "{}", refused.text);
    assert!(refused.text.contains("has no IPv6 CIDR block"), "{}", refused.text);
    assert_eq!(
        addresses_in_use(&app, Some("vpc-6")).await,
        3,
        "the refused create holds no address"
    );
    // The default network's vSwitches have IPv6 blocks.
    let default = describe(create_group(&app, "default-six", &[("Ipv6AddressCount", "1")]).await).await;
    assert!(
        default["Ipv6Address"]
            .as_str()
            .is_some_and(|a| a.starts_with("2408:4000:")),
        "{default}"
    );
}
