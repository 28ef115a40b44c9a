//! Shared resources come back the moment their holder is gone by the emulator's clock, whoever calls
//! next: a delete followed by a create with no read in between, in the same account and in another,
//! for addresses, EIPs, named private addresses and quota, under the `time` and `manual` policies.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use eci_emulator::lifecycle::machine::PolicyKind;
use eci_emulator::util::VirtualClock;
use proptest::prelude::*;
use std::sync::Arc;

const FIXTURES: &str = r#"{
  "vpcs": [{"vpcId": "vpc-1", "regionId": "cn-hangzhou", "cidrBlock": "10.20.0.0/16"}],
  "vSwitches": [{"vSwitchId": "vsw-tiny", "vpcId": "vpc-1", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.20.1.0/29"},
                {"vSwitchId": "vsw-big", "vpcId": "vpc-1", "zoneId": "cn-hangzhou-h", "cidrBlock": "10.20.2.0/24"}],
  "eips": [{"allocationId": "eip-1", "regionId": "cn-hangzhou", "ipAddress": "47.0.0.10"}],
  "accounts": [{"accessKeyId": "AK-A", "quota": {"containerGroups": 2}},
               {"accessKeyId": "AK-B", "quota": {"containerGroups": 2}},
               {"accessKeyId": "AK-C", "quota": {"containerGroups": 2}}]
}"#;

/// The usable addresses of `vsw-tiny`, a /29.
const TINY_CAPACITY: usize = 4;
/// Seconds: longer than any stage (200 ms give or take 50), so one step and a deleted group is gone.
const STEP: u64 = 1;

fn app_under(kind: PolicyKind) -> (Router, Arc<VirtualClock>) {
    app_with_policy_and_fixtures(kind, Some(FIXTURES))
}

async fn call_as(app: &Router, key: &str, action: &str, pairs: &[(&str, &str)]) -> Reply {
    let mut all = vec![("RegionId", "cn-hangzhou")];
    all.extend_from_slice(pairs);
    rpc_at(app, "2018-08-08", key, action, &all).await
}

async fn create_as(app: &Router, key: &str, extra: &[(&str, &str)]) -> Reply {
    let mut pairs = vec![
        ("ContainerGroupName", "leak"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
    ];
    pairs.extend_from_slice(extra);
    call_as(app, key, "CreateContainerGroup", &pairs).await
}

fn created(reply: &Reply) -> String {
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["ContainerGroupId"].as_str().unwrap().to_owned()
}

async fn delete_as(app: &Router, key: &str, id: &str) {
    let reply = call_as(app, key, "DeleteContainerGroup", &[("ContainerGroupId", id)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
}

async fn tiny_in_use(app: &Router) -> u64 {
    let state = send(app, Request::get("/_emulator/state").body(Body::empty()).unwrap())
        .await
        .json();
    let vswitches = state["networks"][0]["vSwitches"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    vswitches
        .iter()
        .find(|v| v["vSwitchId"] == "vsw-tiny")
        .and_then(|v| v["ipsInUse"].as_u64())
        .unwrap_or(0)
}

#[tokio::test]
async fn addresses_come_back_with_no_read_between_delete_and_create() {
    let (app, clock) = app_under(PolicyKind::Time);
    let tiny = [("VSwitchId", "vsw-tiny")];
    let mut held = Vec::new();
    for key in ["AK-A", "AK-A", "AK-B", "AK-B"] {
        held.push((key, created(&create_as(&app, key, &tiny).await)));
    }
    assert_eq!(
        create_as(&app, "AK-C", &tiny).await.json()["Code"],
        "InvalidVSwitchId.IpNotEnough"
    );
    delete_as(&app, "AK-A", &held[0].1).await;
    clock.advance(STEP);
    created(&create_as(&app, "AK-A", &tiny).await);
    delete_as(&app, "AK-B", &held[2].1).await;
    clock.advance(STEP);
    created(&create_as(&app, "AK-C", &tiny).await);
}

#[tokio::test]
async fn eips_and_named_addresses_come_back_to_another_account() {
    let (app, clock) = app_under(PolicyKind::Time);
    let bound = created(&create_as(&app, "AK-A", &[("EipInstanceId", "eip-1")]).await);
    let named = [("VSwitchId", "vsw-big"), ("PrivateIpAddress", "10.20.2.77")];
    let holder = created(&create_as(&app, "AK-A", &named).await);
    delete_as(&app, "AK-A", &bound).await;
    delete_as(&app, "AK-A", &holder).await;
    clock.advance(STEP);
    created(&create_as(&app, "AK-B", &[("EipInstanceId", "eip-1")]).await);
    created(&create_as(&app, "AK-B", &named).await);
}

#[tokio::test]
async fn quota_comes_back_with_no_read_between_delete_and_create() {
    let (app, clock) = app_under(PolicyKind::Time);
    let first = created(&create_as(&app, "AK-A", &[]).await);
    created(&create_as(&app, "AK-A", &[]).await);
    assert_eq!(create_as(&app, "AK-A", &[]).await.json()["Code"], "QuotaExceeded");
    delete_as(&app, "AK-A", &first).await;
    clock.advance(STEP);
    created(&create_as(&app, "AK-A", &[]).await);
}

#[tokio::test]
async fn a_manual_delete_finishes_when_advanced() {
    let (app, _clock) = app_under(PolicyKind::Manual);
    let tiny = [("VSwitchId", "vsw-tiny")];
    let mut held = Vec::new();
    for key in ["AK-A", "AK-A", "AK-B", "AK-B"] {
        held.push(created(&create_as(&app, key, &tiny).await));
    }
    delete_as(&app, "AK-A", &held[0]).await;
    let drive = Request::post(format!("/_emulator/container-groups/{}/lifecycle", held[0]))
        .header("content-type", "application/json")
        .body(Body::from(r#"{"action":"advance"}"#))
        .unwrap();
    let advanced = send(&app, drive).await;
    assert_eq!(advanced.status, StatusCode::OK, "{}", advanced.text);
    assert_eq!(tiny_in_use(&app).await, 3);
    created(&create_as(&app, "AK-C", &tiny).await);
    let listed = call_as(&app, "AK-A", "DescribeContainerGroups", &[]).await.json();
    assert_eq!(listed["TotalCount"], 1, "the deleted group is no longer listed");
}

#[tokio::test]
async fn a_delete_that_moves_by_describes_releases_when_described() {
    let (app, _clock) = app_under(PolicyKind::Manual);
    let counted = [
        ("VSwitchId", "vsw-tiny"),
        ("Tag.1.Key", "emulator.lifecycle/describes-per-step"),
        ("Tag.1.Value", "1"),
    ];
    let first = created(&create_as(&app, "AK-A", &counted).await);
    for key in ["AK-A", "AK-B", "AK-B"] {
        created(&create_as(&app, key, &[("VSwitchId", "vsw-tiny")]).await);
    }
    delete_as(&app, "AK-A", &first).await;
    let ids = format!("[\"{first}\"]");
    let seen = call_as(&app, "AK-A", "DescribeContainerGroups", &[("ContainerGroupIds", &ids)]).await;
    assert_eq!(
        seen.json()["ContainerGroups"][0]["Status"],
        "Terminating",
        "{}",
        seen.text
    );
    assert_eq!(tiny_in_use(&app).await, 3, "the describe ended it");
    created(&create_as(&app, "AK-C", &[("VSwitchId", "vsw-tiny")]).await);
}

#[derive(Debug, Clone)]
enum Step {
    Create(usize),
    Delete(usize),
    Tick,
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    let step = prop_oneof![
        4 => (0usize..3).prop_map(Step::Create),
        3 => (0usize..8).prop_map(Step::Delete),
        2 => Just(Step::Tick),
    ];
    prop::collection::vec(step, 1..30)
}

/// A group as the test knows it: who made it, and the tick it was deleted at.
struct Held {
    account: usize,
    id: String,
    deleted_at: Option<u32>,
}

const KEYS: [&str; 3] = ["AK-A", "AK-B", "AK-C"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Random creates, deletes and clock steps over three accounts (quota 2 each) on a /29: a create
    /// fails only when the groups not yet gone fill the vSwitch or the account's quota (no call reads
    /// in between), and at the end the addresses in use are exactly those of the groups not yet gone.
    #[test]
    fn gone_groups_never_hold_addresses_or_quota(plan in steps()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        runtime.block_on(async {
            let (app, clock) = app_under(PolicyKind::Time);
            let mut held: Vec<Held> = Vec::new();
            let mut tick = 0u32;
            for step in plan {
                let holding = |h: &Held| h.deleted_at.is_none_or(|at| at == tick);
                match step {
                    Step::Tick => {
                        clock.advance(STEP);
                        tick += 1;
                    }
                    Step::Delete(n) => {
                        let live: Vec<usize> = (0..held.len()).filter(|i| held[*i].deleted_at.is_none()).collect();
                        if let Some(index) = live.get(n % live.len().max(1)).copied() {
                            delete_as(&app, KEYS[held[index].account], &held[index].id).await;
                            held[index].deleted_at = Some(tick);
                        }
                    }
                    Step::Create(account) => {
                        let in_vswitch = held.iter().filter(|h| holding(h)).count();
                        let in_account = held.iter().filter(|h| h.account == account && holding(h)).count();
                        let reply = create_as(&app, KEYS[account], &[("VSwitchId", "vsw-tiny")]).await;
                        let expected = if in_account >= 2 {
                            "QuotaExceeded"
                        } else if in_vswitch >= TINY_CAPACITY {
                            "InvalidVSwitchId.IpNotEnough"
                        } else {
                            ""
                        };
                        let code = reply.json()["Code"].as_str().unwrap_or("").to_owned();
                        assert_eq!(code, expected, "{}", reply.text);
                        if expected.is_empty() {
                            held.push(Held { account, id: created(&reply), deleted_at: None });
                        }
                    }
                }
            }
            // Read only at the end: a read in between would move the partitions itself and hide a
            // create that waits for one.
            let holding = held.iter().filter(|h| h.deleted_at.is_none_or(|at| at == tick)).count();
            assert_eq!(tiny_in_use(&app).await, holding as u64);
        });
    }
}
