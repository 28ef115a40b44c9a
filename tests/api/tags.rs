//! Tagging container groups after creation, and listing tags.

use crate::common::*;
use serde_json::json;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");
const TYPE: (&str, &str) = ("ResourceType", "ContainerGroup");

#[tokio::test]
async fn tag_untag_and_list_round_trip_and_follow_into_filters() {
    let app = open_app();
    let a = create_group(&app, "group-a", &[("Tag.1.Key", "team"), ("Tag.1.Value", "red")]).await;
    let b = create_group(&app, "group-b", &[]).await;
    rpc_ok(
        &app,
        "TagResources",
        &[
            REGION,
            TYPE,
            ("ResourceId.1", &a),
            ("ResourceId.2", &b),
            ("Tag.1.Key", "env"),
            ("Tag.1.Value", "ci"),
            ("Tag.2.Key", "team"),
            ("Tag.2.Value", "blue"),
        ],
    )
    .await;
    let blue = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[REGION, ("Tag.1.Key", "team"), ("Tag.1.Value", "blue")],
    )
    .await;
    assert_eq!(blue.json()["TotalCount"], 2, "the tag index follows");
    let listed = rpc_get(&app, "ListTagResources", &[REGION, TYPE, ("ResourceId.1", &a)])
        .await
        .json();
    let rows: Vec<(String, String)> = listed["TagResources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["TagKey"].as_str().unwrap().to_owned(),
                r["TagValue"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("team".to_owned(), "blue".to_owned()),
            ("env".to_owned(), "ci".to_owned())
        ]
    );
    let paged = rpc_get(
        &app,
        "ListTagResources",
        &[REGION, TYPE, ("Tag.1.Key", "env"), ("Limit", "3")],
    )
    .await
    .json();
    assert_eq!(paged["TagResources"].as_array().unwrap().len(), 3);
    let token = paged["NextToken"].as_str().unwrap().to_owned();
    let rest = rpc_get(
        &app,
        "ListTagResources",
        &[
            REGION,
            TYPE,
            ("Tag.1.Key", "env"),
            ("Limit", "3"),
            ("NextToken", &token),
        ],
    )
    .await
    .json();
    assert_eq!(
        (
            rest["TagResources"].as_array().unwrap().len(),
            rest["NextToken"].clone()
        ),
        (1, json!(""))
    );
    let untagged = rpc_get(
        &app,
        "UntagResources",
        &[REGION, TYPE, ("ResourceId.1", &a), ("TagKey.1", "team")],
    )
    .await;
    assert_eq!(untagged.status.as_u16(), 200);
    let all = rpc_get(
        &app,
        "UntagResources",
        &[REGION, TYPE, ("ResourceId.1", &b), ("All", "true")],
    )
    .await;
    assert_eq!(all.status.as_u16(), 200);
    let left = rpc_get(&app, "ListTagResources", &[REGION, TYPE]).await.json();
    assert_eq!(
        left["TagResources"],
        json!([{"ResourceType": "ContainerGroup", "ResourceId": a, "TagKey": "env", "TagValue": "ci"}])
    );
}

#[tokio::test]
async fn unknown_resources_types_and_too_many_tags_are_refused() {
    let app = open_app();
    let id = create_group(&app, "full", &[]).await;
    let missing = rpc_get(
        &app,
        "TagResources",
        &[REGION, TYPE, ("ResourceId.1", "eci-nope"), ("Tag.1.Key", "k")],
    )
    .await;
    assert_eq!(missing.json()["Code"], "InvalidParameter.NotFound");
    let kind = rpc_get(
        &app,
        "TagResources",
        &[
            REGION,
            ("ResourceType", "Bucket"),
            ("ResourceId.1", &id),
            ("Tag.1.Key", "k"),
        ],
    )
    .await;
    assert_eq!(kind.status.as_u16(), 400);
    let mut pairs: Vec<(String, String)> = vec![("ResourceId.1".into(), id.clone())];
    for i in 1..=21 {
        pairs.push((format!("Tag.{i}.Key"), format!("k{i}")));
    }
    let mut all: Vec<(&str, &str)> = vec![REGION, TYPE];
    all.extend(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let over = rpc_get(&app, "TagResources", &all).await;
    assert_eq!(
        (over.status.as_u16(), over.json()["Code"].clone()),
        (400, json!("NumberExceed.Tags"))
    );
}

/// A key given twice at create is kept once, with its last value, as `TagResources` keeps it.
#[tokio::test]
async fn a_tag_key_given_twice_at_create_is_kept_once() {
    let app = open_app();
    let tags = [
        ("Tag.1.Key", "team"),
        ("Tag.1.Value", "red"),
        ("Tag.2.Key", "env"),
        ("Tag.2.Value", "ci"),
        ("Tag.3.Key", "team"),
        ("Tag.3.Value", "blue"),
    ];
    let id = create_group(&app, "twice", &tags).await;
    let described = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[REGION, ("ContainerGroupIds", &format!("[\"{id}\"]"))],
    )
    .await
    .json();
    assert_eq!(
        described["ContainerGroups"][0]["Tags"],
        json!([{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": "ci"}])
    );
    let red = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[REGION, ("Tag.1.Key", "team"), ("Tag.1.Value", "red")],
    )
    .await;
    assert_eq!(red.json()["TotalCount"], 0, "the overwritten value is not indexed");
}
