//! The companion products through `app()`: their statuses by the clock, XML, errors in each product's
//! envelope, accounts kept apart in the one network model, reset and snapshots, metrics.

use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use eci_emulator::lifecycle::machine::PolicyKind;
use serde_json::Value;

const VPC: &str = "2016-04-28";
const ECS: &str = "2014-05-26";

use crate::common::rpc_at as call;

async fn ok(app: &axum::Router, version: &str, ak: &str, action: &str, pairs: &[(&str, &str)]) -> Value {
    let reply = call(app, version, ak, action, pairs).await;
    assert_eq!(reply.status.as_u16(), 200, "{action}: {}", reply.text);
    reply.json()
}

/// The error's code and status, and that its envelope names `host`.
fn refusal(reply: &Reply, host: &str) -> (String, u16) {
    let body = reply.json();
    assert_eq!(body["HostId"], host, "{}", reply.text);
    let product = host.split('.').next().unwrap_or_default();
    let recommend = body["Recommend"].as_str().unwrap_or_default().to_ascii_lowercase();
    assert!(recommend.contains(&format!("product={product}")), "{}", reply.text);
    (
        body["Code"].as_str().unwrap_or_default().to_owned(),
        reply.status.as_u16(),
    )
}

async fn make_vpc(app: &axum::Router, ak: &str, cidr: &str) -> String {
    let made = ok(
        app,
        VPC,
        ak,
        "CreateVpc",
        &[("RegionId", "cn-hangzhou"), ("CidrBlock", cidr)],
    )
    .await;
    made["VpcId"].as_str().unwrap().to_owned()
}

async fn make_vswitch(app: &axum::Router, ak: &str, vpc: &str, cidr: &str) -> String {
    let pairs = [
        ("RegionId", "cn-hangzhou"),
        ("VpcId", vpc),
        ("ZoneId", "cn-hangzhou-b"),
        ("CidrBlock", cidr),
    ];
    ok(app, VPC, ak, "CreateVSwitch", &pairs).await["VSwitchId"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_vpc_and_a_vswitch_are_pending_until_the_clock_passes_and_a_vswitch_waits_for_its_vpc() {
    let (app, clock) = app_with_policy(PolicyKind::Time);
    let vpc = make_vpc(&app, "AK1", "10.0.0.0/16").await;
    let status = |body: Value| body["Status"].as_str().unwrap().to_owned();
    let attribute = [("RegionId", "cn-hangzhou"), ("VpcId", vpc.as_str())];
    assert_eq!(
        status(ok(&app, VPC, "AK1", "DescribeVpcAttribute", &attribute).await),
        "Pending"
    );
    let early = call(
        &app,
        VPC,
        "AK1",
        "CreateVSwitch",
        &[
            ("RegionId", "cn-hangzhou"),
            ("VpcId", &vpc),
            ("ZoneId", "cn-hangzhou-b"),
            ("CidrBlock", "10.0.1.0/24"),
        ],
    )
    .await;
    assert_eq!(refusal(&early, "vpc.aliyuncs.com"), ("IncorrectVpcStatus".into(), 400));
    clock.advance(1);
    assert_eq!(
        status(ok(&app, VPC, "AK1", "DescribeVpcAttribute", &attribute).await),
        "Available"
    );
    let vsw = make_vswitch(&app, "AK1", &vpc, "10.0.1.0/24").await;
    let of_vsw = [("RegionId", "cn-hangzhou"), ("VSwitchId", vsw.as_str())];
    assert_eq!(
        status(ok(&app, VPC, "AK1", "DescribeVSwitchAttributes", &of_vsw).await),
        "Pending"
    );
    let busy = call(&app, VPC, "AK1", "DeleteVSwitch", &of_vsw).await;
    assert_eq!(
        refusal(&busy, "vpc.aliyuncs.com"),
        ("IncorrectVSwitchStatus".into(), 400)
    );
    clock.advance(1);
    assert_eq!(
        status(ok(&app, VPC, "AK1", "DescribeVSwitchAttributes", &of_vsw).await),
        "Available"
    );
    ok(&app, VPC, "AK1", "DeleteVSwitch", &of_vsw).await;
}

#[tokio::test]
async fn xml_lists_each_item_and_errors_come_in_the_products_envelope() {
    let app = open_app();
    let vpc = make_vpc(&app, "AK1", "192.168.0.0/16").await;
    let reply = call(
        &app,
        VPC,
        "AK1",
        "DescribeVpcs",
        &[("RegionId", "cn-hangzhou"), ("Format", "XML")],
    )
    .await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    assert!(reply.text.starts_with("<?xml"), "{}", reply.text);
    assert!(reply.text.contains("<DescribeVpcsResponse>"), "{}", reply.text);
    assert_eq!(
        reply.text.matches("<Vpc>").count(),
        2,
        "the default VPC and the one made: {}",
        reply.text
    );
    assert!(reply.text.contains(&format!("<VpcId>{vpc}</VpcId>")), "{}", reply.text);
    let missing = call(
        &app,
        VPC,
        "AK1",
        "DescribeVpcAttribute",
        &[("RegionId", "cn-hangzhou"), ("VpcId", "vpc-none")],
    )
    .await;
    assert_eq!(
        refusal(&missing, "vpc.aliyuncs.com"),
        ("InvalidVpcId.NotFound".into(), 404)
    );
    assert_eq!(missing.json()["Message"], "Specified VPC does not exist.");
    let sg = call(
        &app,
        ECS,
        "AK1",
        "DescribeSecurityGroupAttribute",
        &[("RegionId", "cn-hangzhou"), ("SecurityGroupId", "sg-none")],
    )
    .await;
    assert_eq!(
        refusal(&sg, "ecs.aliyuncs.com"),
        ("InvalidSecurityGroupId.NotFound".into(), 404)
    );
    let unknown = call(&app, VPC, "AK1", "CreateNatGateway", &[("RegionId", "cn-hangzhou")]).await;
    assert_eq!(
        refusal(&unknown, "vpc.aliyuncs.com"),
        ("InvalidAction.NotFound".into(), 404)
    );
    let xml_error = call(
        &app,
        ECS,
        "AK1",
        "DeleteSecurityGroup",
        &[
            ("RegionId", "cn-hangzhou"),
            ("SecurityGroupId", "sg-none"),
            ("Format", "XML"),
        ],
    )
    .await;
    assert!(
        xml_error.text.contains("<HostId>ecs.aliyuncs.com</HostId>"),
        "{}",
        xml_error.text
    );
}

#[tokio::test]
async fn another_accounts_network_is_unknown_to_a_create() {
    let app = open_app();
    let vpc = make_vpc(&app, "AK-A", "10.0.0.0/16").await;
    let vsw = make_vswitch(&app, "AK-A", &vpc, "10.0.1.0/24").await;
    let sg = ok(
        &app,
        ECS,
        "AK-A",
        "CreateSecurityGroup",
        &[("RegionId", "cn-hangzhou"), ("VpcId", &vpc)],
    )
    .await;
    let sg = sg["SecurityGroupId"].as_str().unwrap().to_owned();
    let eip = ok(&app, VPC, "AK-A", "AllocateEipAddress", &[("RegionId", "cn-hangzhou")]).await;
    let eip = eip["AllocationId"].as_str().unwrap().to_owned();
    let create = |extra: Vec<(&'static str, String)>| {
        let app = app.clone();
        async move {
            let mut pairs: Vec<(&str, &str)> = vec![
                ("Action", "CreateContainerGroup"),
                ("Version", "2018-08-08"),
                ("AccessKeyId", "AK-B"),
                ("RegionId", "cn-hangzhou"),
                ("ContainerGroupName", "intruder"),
                ("Container.1.Name", "app"),
                ("Container.1.Image", "nginx"),
            ];
            pairs.extend(extra.iter().map(|(k, v)| (*k, v.as_str())));
            send(
                &app,
                Request::get(format!("/?{}", query_of(&pairs)))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
        }
    };
    let on_vsw = create(vec![("VSwitchId", vsw.clone())]).await;
    assert_eq!(
        (on_vsw.json()["Code"].clone(), on_vsw.status.as_u16()),
        ("InvalidVSwitchId.NotFound".into(), 404)
    );
    let in_sg = create(vec![("SecurityGroupId", sg.clone())]).await;
    assert_eq!(
        in_sg.json()["Code"],
        "InvalidSecurityGroupId.NotFound",
        "{}",
        in_sg.text
    );
    let with_eip = create(vec![("EipInstanceId", eip.clone())]).await;
    assert_eq!(
        with_eip.json()["Code"],
        "InvalidEipInstanceId.NotFound",
        "{}",
        with_eip.text
    );
    let mine = create_group_as(&app, "AK-A", &vsw, &sg).await;
    assert!(mine.starts_with("eci-"));
    let listed = ok(
        &app,
        VPC,
        "AK-B",
        "DescribeVSwitches",
        &[("RegionId", "cn-hangzhou"), ("VpcId", &vpc)],
    )
    .await;
    assert_eq!(listed["TotalCount"], 0);
}

async fn create_group_as(app: &axum::Router, ak: &str, vsw: &str, sg: &str) -> String {
    let pairs = create_pairs("cn-hangzhou", vsw, sg);
    let reply = call(app, "2018-08-08", ak, "CreateContainerGroup", &pairs).await;
    assert_eq!(reply.status.as_u16(), 200, "{}", reply.text);
    reply.json()["ContainerGroupId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn reset_drops_what_the_api_made_and_a_snapshot_brings_it_back() {
    let app = open_app();
    let vpc = make_vpc(&app, "AK1", "10.0.0.0/16").await;
    make_vswitch(&app, "AK1", &vpc, "10.0.1.0/24").await;
    let snapshot = send(&app, Request::get("/_emulator/snapshot").body(Body::empty()).unwrap()).await;
    assert_eq!(snapshot.status.as_u16(), 200);
    send(&app, Request::post("/_emulator/reset").body(Body::empty()).unwrap()).await;
    let count = |app: axum::Router| async move {
        let all = ok(&app, VPC, "AK1", "DescribeVpcs", &[("RegionId", "cn-hangzhou")]).await;
        all["TotalCount"].as_u64().unwrap()
    };
    assert_eq!(count(app.clone()).await, 1, "only the default VPC after a reset");
    let load = Request::post("/_emulator/snapshot")
        .header("content-type", "application/x-ndjson")
        .body(Body::from(snapshot.text))
        .unwrap();
    let loaded = send(&app, load).await;
    assert_eq!(loaded.status.as_u16(), 200, "{}", loaded.text);
    assert_eq!(count(app.clone()).await, 2);
    let vswitches = ok(
        &app,
        VPC,
        "AK1",
        "DescribeVSwitches",
        &[("RegionId", "cn-hangzhou"), ("VpcId", &vpc)],
    )
    .await;
    assert_eq!(vswitches["VSwitches"]["VSwitch"][0]["CidrBlock"], "10.0.1.0/24");
}

#[tokio::test]
async fn metrics_faults_and_throttling_know_the_companion_actions() {
    let app = open_app();
    make_vpc(&app, "AK1", "10.0.0.0/16").await;
    let metrics = send(&app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert!(metrics.text.contains("action=\"CreateVpc\""), "{}", metrics.text);
    let rule = serde_json::json!({"action": "DescribeSecurityGroups", "code": "Throttling.User"});
    let request = Request::post("/_emulator/faults")
        .header("content-type", "application/json")
        .body(Body::from(rule.to_string()))
        .unwrap();
    let added = send(&app, request).await;
    assert_eq!(added.status.as_u16(), 201, "{}", added.text);
    let throttled = call(
        &app,
        ECS,
        "AK1",
        "DescribeSecurityGroups",
        &[("RegionId", "cn-hangzhou")],
    )
    .await;
    assert_eq!(refusal(&throttled, "ecs.aliyuncs.com"), ("Throttling.User".into(), 400));
}

#[tokio::test]
async fn a_vswitch_security_group_and_eip_are_free_once_their_group_is_gone_by_the_clock() {
    let (app, clock) = app_with_policy(PolicyKind::Time);
    let vpc = make_vpc(&app, "AK1", "10.0.0.0/16").await;
    clock.advance(1);
    let vsw = make_vswitch(&app, "AK1", &vpc, "10.0.1.0/24").await;
    let sg = ok(
        &app,
        ECS,
        "AK1",
        "CreateSecurityGroup",
        &[("RegionId", "cn-hangzhou"), ("VpcId", &vpc)],
    )
    .await;
    let sg = sg["SecurityGroupId"].as_str().unwrap().to_owned();
    let eip = ok(&app, VPC, "AK1", "AllocateEipAddress", &[("RegionId", "cn-hangzhou")]).await;
    let eip = eip["AllocationId"].as_str().unwrap().to_owned();
    clock.advance(1);
    let group = create_group_as(&app, "AK1", &vsw, &sg).await;
    let bind = [
        ("RegionId", "cn-hangzhou"),
        ("AllocationId", eip.as_str()),
        ("InstanceId", group.as_str()),
    ];
    ok(&app, VPC, "AK1", "AssociateEipAddress", &bind).await;
    let delete = [("RegionId", "cn-hangzhou"), ("ContainerGroupId", group.as_str())];
    let deleted = call(&app, "2018-08-08", "AK1", "DeleteContainerGroup", &delete).await;
    assert_eq!(deleted.status.as_u16(), 200, "{}", deleted.text);
    // Nothing reads the group again: the network calls themselves see that it is gone by the clock.
    clock.advance(60);
    ok(
        &app,
        VPC,
        "AK1",
        "ReleaseEipAddress",
        &[("RegionId", "cn-hangzhou"), ("AllocationId", &eip)],
    )
    .await;
    ok(
        &app,
        VPC,
        "AK1",
        "DeleteVSwitch",
        &[("RegionId", "cn-hangzhou"), ("VSwitchId", &vsw)],
    )
    .await;
    ok(
        &app,
        ECS,
        "AK1",
        "DeleteSecurityGroup",
        &[("RegionId", "cn-hangzhou"), ("SecurityGroupId", &sg)],
    )
    .await;
}

/// A refused authorization adds none of its rules: three rules on a group holding 199 are one past
/// the quota of 200, so the group keeps 199, in memory as in a snapshot.
#[tokio::test]
async fn an_authorization_past_the_rule_quota_adds_none_of_its_rules() {
    let app = open_app();
    let made = ok(&app, ECS, "AK1", "CreateSecurityGroup", &[("RegionId", "cn-hangzhou")]).await;
    let group = made["SecurityGroupId"].as_str().unwrap().to_owned();
    for port in 1..=199 {
        let range = format!("{port}/{port}");
        let pairs = [
            ("RegionId", "cn-hangzhou"),
            ("SecurityGroupId", group.as_str()),
            ("IpProtocol", "tcp"),
            ("PortRange", range.as_str()),
            ("SourceCidrIp", "10.0.0.0/8"),
        ];
        ok(&app, ECS, "AK1", "AuthorizeSecurityGroup", &pairs).await;
    }
    let mut pairs = vec![
        ("RegionId".to_owned(), "cn-hangzhou".to_owned()),
        ("SecurityGroupId".to_owned(), group.clone()),
    ];
    for (n, port) in [(1, 1000), (2, 1001), (3, 1002)] {
        pairs.push((format!("Permissions.{n}.IpProtocol"), "tcp".into()));
        pairs.push((format!("Permissions.{n}.PortRange"), format!("{port}/{port}")));
        pairs.push((format!("Permissions.{n}.SourceCidrIp"), "10.0.0.0/8".into()));
    }
    let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = call(&app, ECS, "AK1", "AuthorizeSecurityGroup", &borrowed).await;
    assert_eq!(
        refusal(&refused, "ecs.aliyuncs.com"),
        ("AuthorizationLimitExceed".to_owned(), 403)
    );
    let described = ok(
        &app,
        ECS,
        "AK1",
        "DescribeSecurityGroupAttribute",
        &[("RegionId", "cn-hangzhou"), ("SecurityGroupId", group.as_str())],
    )
    .await;
    let rules = described["Permissions"]["Permission"].as_array().map(Vec::len);
    assert_eq!(rules, Some(199), "the refused call kept some of its rules");
    // One more fits, and a rule the group has already is no new rule.
    let first = borrowed.iter().take(5).copied().collect::<Vec<_>>();
    ok(&app, ECS, "AK1", "AuthorizeSecurityGroup", &first).await;
    let again = call(&app, ECS, "AK1", "AuthorizeSecurityGroup", &first).await;
    assert_eq!(again.status.as_u16(), 200, "{}", again.text);
}

/// The ids in `/_emulator/state`'s networks: every vSwitch's and security group's.
async fn network_ids(app: &axum::Router) -> Vec<String> {
    let state = send(app, Request::get("/_emulator/state").body(Body::empty()).unwrap())
        .await
        .json();
    let mut ids = Vec::new();
    for network in state["networks"].as_array().into_iter().flatten() {
        for (list, field) in [("vSwitches", "vSwitchId"), ("securityGroups", "securityGroupId")] {
            let items = network[list].as_array().into_iter().flatten();
            ids.extend(items.filter_map(|item| item[field].as_str().map(str::to_owned)));
        }
    }
    ids
}

fn create_pairs<'a>(region: &'a str, vsw: &'a str, sg: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("RegionId", region),
        ("ContainerGroupName", "named"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
        ("VSwitchId", vsw),
        ("SecurityGroupId", sg),
    ]
}

/// Unknown ids a create names (default, not strict, mode) are registered only when the create
/// succeeds, for its caller alone, who may delete them; a deleted id and another region's id are
/// never registered.
#[tokio::test]
async fn unknown_ids_a_create_names_are_its_callers_only_when_it_succeeds_and_never_come_back() {
    let (app, _) = app_with_policy(PolicyKind::Immediate);
    let mut failing = create_pairs("cn-hangzhou", "vsw-made-up", "sg-made-up");
    failing.push(("PrivateIpAddress", "1.2.3.4"));
    for _ in 0..20 {
        let refused = call(&app, "2018-08-08", "AK1", "CreateContainerGroup", &failing).await;
        assert_eq!(refused.status.as_u16(), 400, "{}", refused.text);
    }
    let ids = network_ids(&app).await;
    assert!(
        !ids.iter().any(|id| id.ends_with("made-up")),
        "a refused create left {ids:?}"
    );

    let group = create_group_as(&app, "AK1", "vsw-made-up", "sg-made-up").await;
    let pairs = create_pairs("cn-hangzhou", "vsw-made-up", "sg-made-up");
    let stranger = call(&app, "2018-08-08", "AK2", "CreateContainerGroup", &pairs).await;
    assert_eq!(stranger.status.as_u16(), 404, "{}", stranger.text);
    let not_theirs = call(
        &app,
        ECS,
        "AK2",
        "DeleteSecurityGroup",
        &[("RegionId", "cn-hangzhou"), ("SecurityGroupId", "sg-made-up")],
    )
    .await;
    assert_eq!(not_theirs.status.as_u16(), 404, "{}", not_theirs.text);

    ok(
        &app,
        "2018-08-08",
        "AK1",
        "DeleteContainerGroup",
        &[("RegionId", "cn-hangzhou"), ("ContainerGroupId", group.as_str())],
    )
    .await;
    ok(
        &app,
        ECS,
        "AK1",
        "DeleteSecurityGroup",
        &[("RegionId", "cn-hangzhou"), ("SecurityGroupId", "sg-made-up")],
    )
    .await;
    ok(
        &app,
        VPC,
        "AK1",
        "DeleteVSwitch",
        &[("RegionId", "cn-hangzhou"), ("VSwitchId", "vsw-made-up")],
    )
    .await;
    let again = call(&app, "2018-08-08", "AK1", "CreateContainerGroup", &pairs).await;
    assert_eq!(again.json()["Code"], "InvalidVSwitchId.NotFound", "{}", again.text);
    let fresh_vswitch = create_pairs("cn-hangzhou", "vsw-other", "sg-made-up");
    let again = call(&app, "2018-08-08", "AK1", "CreateContainerGroup", &fresh_vswitch).await;
    assert_eq!(
        again.json()["Code"],
        "InvalidSecurityGroupId.NotFound",
        "{}",
        again.text
    );
    let ids = network_ids(&app).await;
    assert!(
        !ids.iter().any(|id| id == "vsw-other"),
        "the refused create kept its vSwitch: {ids:?}"
    );

    let hangzhou_form = create_pairs("cn-beijing", "vsw-bp1anotherregion", "sg-beijing");
    let crossed = call(&app, "2018-08-08", "AK1", "CreateContainerGroup", &hangzhou_form).await;
    assert_eq!(crossed.json()["Code"], "InvalidVSwitchId.NotFound", "{}", crossed.text);
}

/// A deleted vSwitch made through the API is not brought back by a create naming it, however the
/// two race.
#[tokio::test]
async fn a_deleted_vswitch_is_not_registered_again() {
    let (app, _) = app_with_policy(PolicyKind::Immediate);
    let vpc = make_vpc(&app, "AK1", "10.9.0.0/16").await;
    let vsw = make_vswitch(&app, "AK1", &vpc, "10.9.1.0/24").await;
    ok(
        &app,
        VPC,
        "AK1",
        "DeleteVSwitch",
        &[("RegionId", "cn-hangzhou"), ("VSwitchId", vsw.as_str())],
    )
    .await;
    let pairs = create_pairs("cn-hangzhou", &vsw, "sg-any");
    let revived = call(&app, "2018-08-08", "AK1", "CreateContainerGroup", &pairs).await;
    assert_eq!(revived.json()["Code"], "InvalidVSwitchId.NotFound", "{}", revived.text);
    assert!(!network_ids(&app).await.contains(&vsw));
    ok(
        &app,
        VPC,
        "AK1",
        "DeleteVpc",
        &[("RegionId", "cn-hangzhou"), ("VpcId", vpc.as_str())],
    )
    .await;
}

/// Registration is bounded: an account gets at most 100 made-up vSwitches in a region.
#[tokio::test]
async fn an_account_gets_a_bounded_number_of_registered_ids() {
    let (app, _) = app_with_policy(PolicyKind::Immediate);
    for n in 0..100 {
        let vsw = format!("vsw-mine-{n}");
        create_group_as(&app, "AK1", &vsw, "sg-mine").await;
    }
    let pairs = create_pairs("cn-hangzhou", "vsw-mine-100", "sg-mine");
    let past = call(&app, "2018-08-08", "AK1", "CreateContainerGroup", &pairs).await;
    assert_eq!(past.json()["Code"], "InvalidVSwitchId.NotFound", "{}", past.text);
    let another_account = call(
        &app,
        "2018-08-08",
        "AK2",
        "CreateContainerGroup",
        &create_pairs("cn-hangzhou", "vsw-theirs", "sg-theirs"),
    )
    .await;
    assert_eq!(another_account.status.as_u16(), 200, "{}", another_account.text);
}

/// `SecurityGroupIds` names at most 100 groups (as the SDK documents it), each looked up: the same
/// id twice is one group, and another account's id is none.
#[tokio::test]
async fn security_groups_named_by_id_are_looked_up_and_at_most_100_are_named() {
    let app = open_app();
    let mine = ok(&app, ECS, "AK1", "CreateSecurityGroup", &[("RegionId", "cn-hangzhou")]).await["SecurityGroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let theirs = ok(&app, ECS, "AK2", "CreateSecurityGroup", &[("RegionId", "cn-hangzhou")]).await["SecurityGroupId"]
        .as_str()
        .unwrap()
        .to_owned();
    let named = serde_json::json!([mine, mine, theirs, "sg-none"]).to_string();
    let found = ok(
        &app,
        ECS,
        "AK1",
        "DescribeSecurityGroups",
        &[("RegionId", "cn-hangzhou"), ("SecurityGroupIds", named.as_str())],
    )
    .await;
    let ids: Vec<&str> = found["SecurityGroups"]["SecurityGroup"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["SecurityGroupId"].as_str())
        .collect();
    assert_eq!(ids, [mine.as_str()]);
    let too_many = serde_json::json!((0..101).map(|n| format!("sg-{n}")).collect::<Vec<_>>()).to_string();
    let refused = call(
        &app,
        ECS,
        "AK1",
        "DescribeSecurityGroups",
        &[("RegionId", "cn-hangzhou"), ("SecurityGroupIds", too_many.as_str())],
    )
    .await;
    assert_eq!(
        refusal(&refused, "ecs.aliyuncs.com"),
        ("InvalidParameter".to_owned(), 400)
    );
}

/// A network create's ClientToken answers the same id for a day, then makes a new one; one
/// account's tokens past its bound push out its own oldest, never another account's.
#[tokio::test]
async fn network_client_tokens_age_out_and_are_bounded_per_account() {
    let (app, clock) = open_app_with_clock();
    let made = |ak: &'static str, token: String| {
        let app = app.clone();
        async move {
            let pairs = [("RegionId", "cn-hangzhou"), ("ClientToken", token.as_str())];
            ok(&app, ECS, ak, "CreateSecurityGroup", &pairs).await["SecurityGroupId"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    let first = made("AK1", "kept".into()).await;
    assert_eq!(
        made("AK1", "kept".into()).await,
        first,
        "a retry answers the same group"
    );
    // Made and deleted again, to stay within the security-group quota; the tokens stay.
    let mut sprayed = Vec::new();
    for n in 0..1_050 {
        let id = made("AK2", format!("spray-{n}")).await;
        if n > 0 && n < 1_049 {
            ok(
                &app,
                ECS,
                "AK2",
                "DeleteSecurityGroup",
                &[("RegionId", "cn-hangzhou"), ("SecurityGroupId", id.as_str())],
            )
            .await;
        }
        sprayed.push(id);
    }
    assert_eq!(
        made("AK1", "kept".into()).await,
        first,
        "another account's tokens pushed it out"
    );
    assert_ne!(
        made("AK2", "spray-0".into()).await,
        sprayed[0],
        "the oldest of the spray is forgotten"
    );
    assert_eq!(
        made("AK2", "spray-1049".into()).await,
        sprayed[1049],
        "the newest is remembered"
    );
    clock.advance(24 * 3600 + 1);
    assert_ne!(
        made("AK1", "kept".into()).await,
        first,
        "a day later the token makes a new group"
    );
}
