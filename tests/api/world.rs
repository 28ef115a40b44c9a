//! The world a suite tests against: zone capacity that fills and gives back, multi-zone and
//! multi-type creates that move on, and a spot market that lets groups go on the virtual clock.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use eci_emulator::lifecycle::machine::PolicyKind;
use eci_emulator::util::Clock;
use serde_json::{json, Value};

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");
const NO_STOCK: &str = "Sales of this resource are temporarily suspended in the specified zone. We recommend that you use the multi-zone creation function to avoid the risk of insufficient resource. For more information, see https://help.aliyun.com/document_detail/157290.html";

/// A VPC with one vSwitch in zone b and one in zone e, and a security group.
const NETWORK: &str = r#"{
  "vpcs": [{"vpcId": "vpc-world", "regionId": "cn-hangzhou", "cidrBlock": "10.0.0.0/8"}],
  "vSwitches": [
    {"vSwitchId": "vsw-b", "vpcId": "vpc-world", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.1.0.0/24"},
    {"vSwitchId": "vsw-e", "vpcId": "vpc-world", "zoneId": "cn-hangzhou-e", "cidrBlock": "10.2.0.0/24"}
  ],
  "securityGroups": [{"securityGroupId": "sg-world", "vpcId": "vpc-world"}]
}"#;

fn world() -> (Router, std::sync::Arc<eci_emulator::util::VirtualClock>) {
    app_with_policy_and_fixtures(PolicyKind::Immediate, Some(NETWORK))
}

async fn put(app: &Router, path: &str, body: Value) -> Reply {
    let request = Request::put(path).body(Body::from(body.to_string())).unwrap();
    send(app, request).await
}

async fn get(app: &Router, path: &str) -> Reply {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

fn placed(vswitches: &'static str, extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut pairs = vec![
        REGION,
        ("ContainerGroupName", "world"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx:1.25"),
        ("VSwitchId", vswitches),
        ("SecurityGroupId", "sg-world"),
    ];
    pairs.extend_from_slice(extra);
    pairs
}

async fn create(app: &Router, vswitches: &'static str, extra: &[(&'static str, &'static str)]) -> Reply {
    rpc_get(app, "CreateContainerGroup", &placed(vswitches, extra)).await
}

async fn group(app: &Router, id: &str) -> Value {
    let ids = format!("[\"{id}\"]");
    let reply = rpc_ok(
        app,
        "DescribeContainerGroups",
        &[REGION, ("ContainerGroupIds", &ids), ("WithEvent", "true")],
    )
    .await;
    reply.json()["ContainerGroups"][0].clone()
}

fn id_of(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["ContainerGroupId"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_full_zone_refuses_the_next_create_a_multi_zone_create_moves_on_and_a_delete_gives_back() {
    let (app, _) = world();
    let declared = put(
        &app,
        "/_emulator/capacity",
        json!({"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4", "groups": 2}]}),
    )
    .await;
    assert_eq!(declared.status, StatusCode::OK, "{}", declared.text);
    let first = id_of(&create(&app, "vsw-b", &[]).await);
    id_of(&create(&app, "vsw-b", &[]).await);
    assert_error(
        &create(&app, "vsw-b", &[]).await,
        403,
        "OperationDenied.NoStock",
        NO_STOCK,
    );

    let moved = id_of(&create(&app, "vsw-b,vsw-e", &[]).await);
    assert_eq!(group(&app, &moved).await["ZoneId"], "cn-hangzhou-e");
    let slots = get(&app, "/_emulator/capacity").await.json();
    assert_eq!(slots["slots"][0]["inUse"], 2);
    assert_eq!(slots["slots"][0]["remaining"], 0);

    rpc_ok(&app, "DeleteContainerGroup", &[REGION, ("ContainerGroupId", &first)]).await;
    let again = id_of(&create(&app, "vsw-b,vsw-e", &[]).await);
    assert_eq!(
        group(&app, &again).await["ZoneId"],
        "cn-hangzhou-b",
        "the deleted group gave its room back"
    );

    // A smaller size is another slot: zone b still has room for it.
    id_of(&create(&app, "vsw-b", &[("Cpu", "1"), ("Memory", "2")]).await);
    // Only a zone-wide declaration bounds every size.
    put(
        &app,
        "/_emulator/capacity",
        json!({"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "groups": 3}]}),
    )
    .await;
    assert_error(
        &create(&app, "vsw-b", &[("Cpu", "1"), ("Memory", "2")]).await,
        403,
        "OperationDenied.NoStock",
        NO_STOCK,
    );
}

#[tokio::test]
async fn a_list_of_instance_types_falls_back_to_the_next_type_with_room() {
    let (app, _) = world();
    put(
        &app,
        "/_emulator/capacity",
        json!({"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "ecs.c5.large", "groups": 0}]}),
    )
    .await;
    let id = id_of(&create(&app, "vsw-b", &[("InstanceType", "ecs.c5.large,ecs.g5.large")]).await);
    assert_eq!(group(&app, &id).await["InstanceType"], "ecs.g5.large");
    let only = create(&app, "vsw-b", &[("InstanceType", "ecs.c5.large")]).await;
    assert_error(&only, 403, "OperationDenied.NoStock", NO_STOCK);
    let stock = rpc_ok(
        &app,
        "DescribeAvailableResource",
        &[
            REGION,
            ("ZoneId", "cn-hangzhou-b"),
            ("DestinationResource.Category", "InstanceType"),
            ("DestinationResource.Value", "ecs.c5.large"),
        ],
    )
    .await
    .json();
    let supported = &stock["AvailableZones"]["AvailableZone"][0]["AvailableResources"]["AvailableResource"][0]
        ["SupportedResources"]["SupportedResource"][0];
    assert_eq!(supported["StatusCategory"], "WithoutStock");
}

#[tokio::test]
async fn capacity_and_market_documents_name_what_is_wrong_and_change_nothing() {
    let (app, _) = world();
    let bad_zone = put(
        &app,
        "/_emulator/capacity",
        json!({"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-z", "groups": 1}]}),
    )
    .await;
    assert_eq!(bad_zone.status, StatusCode::BAD_REQUEST);
    assert!(
        bad_zone.json()["error"]
            .as_str()
            .unwrap()
            .contains("capacity[0].zoneId"),
        "{}",
        bad_zone.text
    );
    let bad_walk = put(
        &app,
        "/_emulator/spot-market",
        json!({"walk": {"seed": 1, "volatility": 3}}),
    )
    .await;
    assert_eq!(bad_walk.status, StatusCode::BAD_REQUEST);
    assert!(bad_walk.json()["error"].as_str().unwrap().contains("walk.volatility"));
    let unknown = put(&app, "/_emulator/spot-market", json!({"prices": []})).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(get(&app, "/_emulator/capacity").await.json()["capacity"], json!([]));
    assert_eq!(
        get(&app, "/_emulator/spot-market").await.json()["spotMarket"],
        json!({})
    );
}

/// The reasons and times of a group's events.
fn events(group: &Value) -> Vec<(String, String)> {
    group["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["Reason"].as_str().unwrap().to_owned(),
                e["FirstTimestamp"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

const SPOT_LIMITED: [(&str, &str); 3] = [
    ("SpotStrategy", "SpotWithPriceLimit"),
    ("SpotPriceLimit", "0.5"),
    ("SpotDuration", "1"),
];

#[tokio::test]
async fn a_spot_group_outlives_its_protection_only_while_its_limit_stays_above_the_market() {
    let (app, clock) = world();
    // 2 hours in, zone b's price for 2 vCPU / 4 GiB goes above the group's limit.
    let market = json!({"series": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4",
        "prices": [{"at": 0, "price": 0.05}, {"at": 7200, "price": 0.9}]}]});
    assert_eq!(put(&app, "/_emulator/spot-market", market).await.status, StatusCode::OK);
    let id = id_of(&create(&app, "vsw-b", &SPOT_LIMITED).await);
    clock.advance(7199);
    assert_eq!(group(&app, &id).await["Status"], "Running");
    clock.advance(1);
    let told = group(&app, &id).await;
    assert_eq!(told["Status"], "Running");
    let last = events(&told).pop().unwrap();
    assert_eq!(last, ("SpotToBeReleased".into(), "2026-11-28T00:00:00Z".into()));
    let message = told["Events"].as_array().unwrap().last().unwrap()["Message"].clone();
    assert_eq!(message, "Spot ECI will be released in 3 minutes");
    clock.advance(180);
    let gone = group(&app, &id).await;
    assert_eq!(gone["Status"], "Expired");
    assert_eq!(gone["ExpiredTime"], "2026-11-28T00:03:00Z");
    assert_eq!(
        addresses_in_use(&app, Some("vpc-world")).await,
        0,
        "its address went with it"
    );

    // A market above the limit before the protection ends: told three minutes before it does.
    let high = json!({"series": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4",
        "prices": [{"at": 0, "price": 0.05}, {"at": 600, "price": 0.9}]}]});
    put(&app, "/_emulator/spot-market", high).await;
    let protected = id_of(&create(&app, "vsw-b", &SPOT_LIMITED).await);
    clock.advance(3600);
    let ended = group(&app, &protected).await;
    assert_eq!(ended["Status"], "Expired");
    assert_eq!(
        ended["ExpiredTime"], "2026-11-28T01:03:00Z",
        "when its protection ended"
    );
    assert_eq!(
        events(&ended).pop().unwrap(),
        ("SpotToBeReleased".into(), "2026-11-28T01:00:00Z".into())
    );
}

#[tokio::test]
async fn a_spot_limit_under_the_market_refuses_the_zone_and_a_multi_zone_create_moves_on() {
    let (app, _) = world();
    let market = json!({"series": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4",
        "prices": [{"at": 0, "price": 0.9}]}]});
    put(&app, "/_emulator/spot-market", market).await;
    let refused = create(&app, "vsw-b", &SPOT_LIMITED).await;
    assert_eq!(
        (refused.status.as_u16(), refused.json()["Code"].clone()),
        (403, json!("Spot.NotMatched"))
    );
    let moved = id_of(&create(&app, "vsw-b,vsw-e", &SPOT_LIMITED).await);
    assert_eq!(group(&app, &moved).await["ZoneId"], "cn-hangzhou-e");
    let price = rpc_ok(
        &app,
        "DescribeContainerGroupPrice",
        &[
            REGION,
            ("Cpu", "2"),
            ("Memory", "4"),
            ("SpotStrategy", "SpotAsPriceGo"),
            ("ZoneId", "cn-hangzhou-b"),
        ],
    )
    .await
    .json();
    assert_eq!(price["PriceInfo"]["SpotPrices"]["SpotPrice"][0]["SpotPrice"], 0.9);
}

#[tokio::test]
async fn spot_groups_go_when_their_zone_shrinks_below_what_they_hold() {
    let (app, clock) = world();
    let go = [("SpotStrategy", "SpotAsPriceGo"), ("SpotDuration", "0")];
    let older = id_of(&create(&app, "vsw-b", &go).await);
    clock.advance(60);
    let newer = id_of(&create(&app, "vsw-b", &go).await);
    let steady = id_of(&create(&app, "vsw-b", &[]).await);
    put(
        &app,
        "/_emulator/capacity",
        json!({"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "groups": 2}]}),
    )
    .await;
    clock.advance(180);
    assert_eq!(
        group(&app, &newer).await["Status"],
        "Expired",
        "the newest spot group goes first"
    );
    assert_eq!(group(&app, &older).await["Status"], "Running");
    assert_eq!(
        group(&app, &steady).await["Status"],
        "Running",
        "a pay-as-you-go group keeps its room"
    );
    let slots = get(&app, "/_emulator/capacity").await.json();
    assert_eq!(
        (
            slots["slots"][0]["inUse"].clone(),
            slots["slots"][0]["remaining"].clone()
        ),
        (json!(2), json!(0))
    );
}

/// The statuses of spot groups under a seeded walk, and their events' times from the scenario's
/// start, in a reset emulator.
async fn walk_scenario(app: &Router, clock: &eci_emulator::util::VirtualClock) -> Vec<(String, Vec<(String, i64)>)> {
    send(app, Request::post("/_emulator/reset").body(Body::empty()).unwrap()).await;
    let start = clock.now();
    put(
        app,
        "/_emulator/spot-market",
        json!({"walk": {"seed": 42, "stepMinutes": 30, "volatility": 0.4}}),
    )
    .await;
    let mut ids = Vec::new();
    for _ in 0..6 {
        ids.push(id_of(
            &create(
                app,
                "vsw-b,vsw-e",
                &[
                    ("SpotStrategy", "SpotWithPriceLimit"),
                    ("SpotPriceLimit", "0.1"),
                    ("SpotDuration", "0"),
                ],
            )
            .await,
        ));
    }
    clock.advance(2 * 86_400);
    let mut out = Vec::new();
    for id in ids {
        let g = group(app, &id).await;
        let since_start = |(reason, at): (String, String)| {
            let at = time::OffsetDateTime::parse(&at, &time::format_description::well_known::Rfc3339).unwrap();
            (reason, (at - start).whole_seconds())
        };
        out.push((
            g["Status"].as_str().unwrap().to_owned(),
            events(&g).into_iter().map(since_start).collect(),
        ));
    }
    out
}

#[tokio::test]
async fn a_seeded_walk_replays_to_the_same_event_times() {
    let (app, clock) = world();
    let first = walk_scenario(&app, &clock).await;
    let second = walk_scenario(&app, &clock).await;
    assert_eq!(first, second);
    assert!(
        first.iter().any(|(status, _)| status == "Expired"),
        "the walk lets some go: {first:?}"
    );
}

#[tokio::test]
async fn groups_made_before_a_declaration_count_against_it() {
    let (app, _) = world();
    id_of(&create(&app, "vsw-b", &[]).await);
    id_of(&create(&app, "vsw-b", &[]).await);
    put(
        &app,
        "/_emulator/capacity",
        json!({"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "groups": 2}]}),
    )
    .await;
    let slots = get(&app, "/_emulator/capacity").await.json();
    assert_eq!(slots["slots"][0]["inUse"], 2, "{slots}");
    assert_error(
        &create(&app, "vsw-b", &[]).await,
        403,
        "OperationDenied.NoStock",
        NO_STOCK,
    );
    put(&app, "/_emulator/capacity", json!({"capacity": []})).await;
    id_of(&create(&app, "vsw-b", &[]).await);
}
