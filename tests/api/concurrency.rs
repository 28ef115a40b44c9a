//! Many clients at once: no group is lost or duplicated, and no address is handed out twice.

use crate::common::*;
use axum::http::StatusCode;
use std::collections::{HashMap, HashSet};

const SMALL_NETWORK: &str = r#"{"vpcs": [{"vpcId": "vpc-c", "regionId": "cn-hangzhou", "cidrBlock": "10.50.0.0/16"}],
 "vSwitches": [{"vSwitchId": "vsw-c1", "vpcId": "vpc-c", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.50.0.0/25"},
               {"vSwitchId": "vsw-c2", "vpcId": "vpc-c", "zoneId": "cn-hangzhou-e", "cidrBlock": "10.50.1.0/25"}]}"#;

/// Each client creates, reads back and deletes every other group it made.
async fn client(app: axum::Router, client: usize) -> (Vec<String>, Vec<String>) {
    let (mut kept, mut deleted) = (Vec::new(), Vec::new());
    for i in 0..40 {
        let name = format!("c{client}-{i}");
        let reply = rpc_get(
            &app,
            "CreateContainerGroup",
            &[
                ("RegionId", "cn-hangzhou"),
                ("ContainerGroupName", &name),
                ("Container.1.Name", "app"),
                ("Container.1.Image", "nginx"),
                ("VSwitchId", "vsw-c1,vsw-c2"),
            ],
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let id = reply.json()["ContainerGroupId"].as_str().unwrap().to_owned();
        let ids = format!("[\"{id}\"]");
        let found = rpc_get(
            &app,
            "DescribeContainerGroups",
            &[("RegionId", "cn-hangzhou"), ("ContainerGroupIds", &ids)],
        )
        .await
        .json();
        assert_eq!(found["ContainerGroups"][0]["ContainerGroupName"], name.as_str());
        if i % 2 == 0 {
            let gone = rpc_get(
                &app,
                "DeleteContainerGroup",
                &[("RegionId", "cn-hangzhou"), ("ContainerGroupId", &id)],
            )
            .await;
            assert_eq!(gone.status, StatusCode::OK, "{}", gone.text);
            deleted.push(id);
        } else {
            kept.push(id);
        }
    }
    (kept, deleted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_clients_lose_nothing_and_share_no_address() {
    let app = app_with_fixtures(SMALL_NETWORK, true);
    let tasks: Vec<_> = (0..12).map(|c| tokio::spawn(client(app.clone(), c))).collect();
    let (mut kept, mut deleted) = (Vec::new(), Vec::new());
    for task in tasks {
        let (k, d) = task.await.unwrap();
        kept.extend(k);
        deleted.extend(d);
    }
    let all: HashSet<&String> = kept.iter().chain(deleted.iter()).collect();
    assert_eq!(all.len(), kept.len() + deleted.len(), "an id was handed out twice");

    let mut listed = HashMap::new();
    let mut token = String::new();
    loop {
        let mut pairs = vec![("RegionId", "cn-hangzhou")];
        if !token.is_empty() {
            pairs.push(("NextToken", token.as_str()));
        }
        let page = rpc_get(&app, "DescribeContainerGroups", &pairs).await.json();
        assert_eq!(page["TotalCount"].as_u64(), Some(kept.len() as u64));
        for g in page["ContainerGroups"].as_array().unwrap() {
            let ip = g["IntranetIp"].as_str().unwrap().to_owned();
            assert!(
                listed
                    .insert(g["ContainerGroupId"].as_str().unwrap().to_owned(), ip)
                    .is_none(),
                "listed twice"
            );
        }
        token = page["NextToken"].as_str().unwrap().to_owned();
        if token.is_empty() {
            break;
        }
    }
    let expected: HashSet<&String> = kept.iter().collect();
    assert_eq!(
        listed.keys().collect::<HashSet<_>>(),
        expected,
        "a kept group is missing or a deleted one remains"
    );
    let ips: HashSet<&String> = listed.values().collect();
    assert_eq!(ips.len(), listed.len(), "an address is held twice");

    assert_eq!(
        addresses_in_use(&app, Some("vpc-c")).await,
        kept.len() as u64,
        "addresses of deleted groups were not all returned"
    );
}
