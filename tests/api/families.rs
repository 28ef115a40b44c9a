//! What every resource family shares through the one state core: pages newest first with the one
//! `NextToken` kind, records that move on by the clock whatever call comes next, and retention.

use crate::common::*;
use eci_emulator::lifecycle::machine::PolicyKind;
use serde_json::Value;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

/// (create action, its extra parameters for the n-th record, describe action, items key, id field).
type Family = (
    &'static str,
    fn(usize) -> Vec<(String, String)>,
    &'static str,
    &'static str,
    &'static str,
);

fn families() -> [Family; 3] {
    [
        (
            "CreateImageCache",
            |n| {
                vec![
                    ("ImageCacheName".into(), format!("cache-{n}")),
                    ("Image.1".into(), "nginx".into()),
                ]
            },
            "DescribeImageCaches",
            "ImageCaches",
            "ImageCacheId",
        ),
        (
            "CreateDataCache",
            |n| vec![("Bucket".into(), "b".into()), ("Path".into(), format!("/p{n}"))],
            "DescribeDataCaches",
            "DataCaches",
            "DataCacheId",
        ),
        (
            "CreateVirtualNode",
            |n| {
                vec![
                    ("VSwitchId".into(), "vsw-f".into()),
                    ("SecurityGroupId".into(), "sg-f".into()),
                    ("VirtualNodeName".into(), format!("node-{n}")),
                ]
            },
            "DescribeVirtualNodes",
            "VirtualNodes",
            "VirtualNodeId",
        ),
    ]
}

fn ids_of(listed: &Value, items_key: &str, id_field: &str) -> Vec<String> {
    listed[items_key]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item[id_field].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_family_pages_newest_first_with_the_same_token_kind() {
    let app = open_app();
    for (create, params, describe, items_key, id_field) in families() {
        let mut created = Vec::new();
        for n in 0..3 {
            let extra = params(n);
            let mut pairs: Vec<(&str, &str)> = vec![REGION];
            pairs.extend(extra.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            created.push(
                rpc_ok(&app, create, &pairs).await.json()[id_field]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let first = rpc_ok(&app, describe, &[REGION, ("Limit", "2")]).await.json();
        assert_eq!(first["TotalCount"], 3, "{describe}");
        let token = first["NextToken"].as_str().unwrap().to_owned();
        assert!(uuid::Uuid::parse_str(&token).is_ok(), "{describe}: {token}");
        let rest = rpc_ok(&app, describe, &[REGION, ("Limit", "2"), ("NextToken", &token)])
            .await
            .json();
        assert_eq!(rest["NextToken"], "", "{describe}");
        let mut listed = ids_of(&first, items_key, id_field);
        listed.extend(ids_of(&rest, items_key, id_field));
        created.reverse();
        assert_eq!(listed, created, "{describe}: newest first across pages");
        let junk = rpc_get(&app, describe, &[REGION, ("NextToken", "3")]).await;
        assert_eq!(junk.json()["Code"], "InvalidParameter", "{describe}");
    }
}

#[tokio::test]
async fn a_data_cache_becomes_available_by_the_clock_with_no_describe_in_between() {
    let (app, clock) = app_with_policy(PolicyKind::Time);
    let created = rpc_ok(&app, "CreateDataCache", &[REGION, ("Bucket", "b"), ("Path", "/x")]).await;
    let id = created.json()["DataCacheId"].as_str().unwrap().to_owned();
    let early = rpc_get(&app, "UpdateDataCache", &[REGION, ("DataCacheId", &id), ("Size", "40")]).await;
    assert_eq!(early.json()["Code"], "IncorrectStatus", "{}", early.text);
    clock.advance(10);
    let later = rpc_get(&app, "UpdateDataCache", &[REGION, ("DataCacheId", &id), ("Size", "40")]).await;
    assert_eq!(later.status.as_u16(), 200, "{}", later.text);
}

#[tokio::test]
async fn ops_records_keep_the_newest_thousand() {
    let app = open_app();
    let group = create_group(&app, "ops", &[]).await;
    for _ in 0..1001 {
        let pairs = [
            REGION,
            ("ContainerGroupId", group.as_str()),
            ("OpsType", "coredump"),
            ("OpsValue", "enable"),
        ];
        rpc_ok(&app, "CreateInstanceOpsTask", &pairs).await;
    }
    let records = rpc_ok(
        &app,
        "DescribeInstanceOpsRecords",
        &[REGION, ("ContainerGroupId", group.as_str()), ("OpsType", "coredump")],
    )
    .await
    .json();
    assert_eq!(records["Records"].as_array().unwrap().len(), 1000);
}
