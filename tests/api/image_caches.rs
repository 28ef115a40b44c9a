//! Image caches: their progression, describe filters and matching, update and delete, and their use
//! by a container-group create.

use crate::common::*;
use axum::Router;
use eci_emulator::lifecycle::machine::PolicyKind;
use serde_json::{json, Value};

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

fn timed_app() -> (Router, std::sync::Arc<eci_emulator::util::VirtualClock>) {
    app_with_policy(PolicyKind::Time)
}

async fn create_cache(app: &Router, name: &str, images: &[&str]) -> Value {
    let mut pairs = vec![REGION, ("ImageCacheName", name)];
    let keys: Vec<String> = (1..=images.len()).map(|i| format!("Image.{i}")).collect();
    pairs.extend(keys.iter().map(String::as_str).zip(images.iter().copied()));
    let reply = rpc_ok(app, "CreateImageCache", &pairs).await;
    reply.json()
}

async fn caches(app: &Router, pairs: &[(&str, &str)]) -> Value {
    let mut all = vec![REGION];
    all.extend_from_slice(pairs);
    rpc_get(app, "DescribeImageCaches", &all).await.json()
}

#[tokio::test]
async fn a_cache_passes_preparing_and_creating_to_ready() {
    let (app, clock) = timed_app();
    let created = create_cache(&app, "web-cache", &["nginx:1.25", "redis:7"]).await;
    let id = created["ImageCacheId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("imc-") && created["ContainerGroupId"].as_str().unwrap().starts_with("eci-"));
    let first = caches(&app, &[]).await;
    assert_eq!(
        (first["TotalCount"].clone(), first["ImageCaches"][0]["Status"].clone()),
        (json!(1), json!("Preparing"))
    );
    assert_eq!(first["ImageCaches"][0]["Progress"], "0%");
    clock.advance(2);
    let ready = &caches(&app, &[("ImageCacheId", &id)]).await["ImageCaches"][0];
    assert_eq!(ready["Status"], "Ready");
    assert_eq!(ready["Images"], json!(["nginx:1.25", "redis:7"]));
    assert!(ready["SnapshotId"].as_str().unwrap().starts_with("s-"));
    let reasons: Vec<&str> = ready["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["Reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["Created", "Ready"]);
    let duplicate = rpc_get(
        &app,
        "CreateImageCache",
        &[REGION, ("ImageCacheName", "web-cache"), ("Image.1", "x")],
    )
    .await;
    assert_eq!(duplicate.status.as_u16(), 400);
    let bad_name = rpc_get(
        &app,
        "CreateImageCache",
        &[REGION, ("ImageCacheName", "Bad_Name"), ("Image.1", "x")],
    )
    .await;
    assert_eq!(bad_name.status.as_u16(), 400);
}

#[tokio::test]
async fn groups_use_ready_caches_by_snapshot_or_by_matching_images() {
    let (app, clock) = timed_app();
    let created = create_cache(&app, "nginx-cache", &["nginx:1.25"]).await;
    let id = created["ImageCacheId"].as_str().unwrap().to_owned();
    let snapshot = caches(&app, &[]).await["ImageCaches"][0]["SnapshotId"]
        .as_str()
        .unwrap()
        .to_owned();
    let early = rpc_get(
        &app,
        "CreateContainerGroup",
        &[
            REGION,
            ("ContainerGroupName", "early"),
            ("Container.1.Name", "a"),
            ("Container.1.Image", "nginx:1.25"),
            ("ImageSnapshotId", &snapshot),
        ],
    )
    .await;
    assert_eq!(
        (early.status.as_u16(), early.json()["Code"].clone()),
        (400, json!("ImageSnapshot.IncorrectStatus"))
    );
    clock.advance(2);
    create_group(&app, "by-snapshot", &[("ImageSnapshotId", &snapshot)]).await;
    let matched = create_group(&app, "matched", &[("AutoMatchImageCache", "true")]).await;
    clock.advance(1);
    let ids = format!("[\"{matched}\"]");
    let g = rpc_get(
        &app,
        "DescribeContainerGroups",
        &[REGION, ("ContainerGroupIds", &ids), ("WithEvent", "true")],
    )
    .await
    .json();
    assert_eq!(
        g["ContainerGroups"][0]["Events"][0]["Reason"],
        "SuccessfulHitImageCache"
    );
    let best = caches(&app, &[("MatchImage.1", "nginx:1.25"), ("ImageFullMatch", "true")]).await;
    assert_eq!(best["ImageCaches"][0]["ImageCacheId"], id.as_str());
    assert_ne!(best["ImageCaches"][0]["LastMatchedTime"], "");
    let none = caches(&app, &[("MatchImage.1", "busybox")]).await;
    assert_eq!(none["TotalCount"], 0);
}

#[tokio::test]
async fn update_remakes_changed_images_and_delete_removes() {
    let (app, clock) = timed_app();
    let id = create_cache(&app, "remade", &["nginx:1.25"]).await["ImageCacheId"]
        .as_str()
        .unwrap()
        .to_owned();
    let busy = rpc_get(
        &app,
        "UpdateImageCache",
        &[REGION, ("ImageCacheId", &id), ("Image.1", "nginx:1.27")],
    )
    .await;
    assert_eq!(busy.json()["Code"], "ImageCache.IncorrectStatus");
    clock.advance(2);
    rpc_ok(
        &app,
        "UpdateImageCache",
        &[REGION, ("ImageCacheId", &id), ("Image.1", "nginx:1.27")],
    )
    .await;
    assert_eq!(caches(&app, &[]).await["ImageCaches"][0]["Status"], "Updating");
    clock.advance(1);
    assert_eq!(
        caches(&app, &[]).await["ImageCaches"][0]["Images"],
        json!(["nginx:1.27"])
    );
    let same = rpc_get(
        &app,
        "UpdateImageCache",
        &[REGION, ("ImageCacheId", &id), ("Image.1", "nginx:1.27")],
    )
    .await;
    assert_eq!(same.json()["Code"], "NoNeedUpdate");
    assert_eq!(
        rpc_get(&app, "DeleteImageCache", &[REGION, ("ImageCacheId", &id)])
            .await
            .status
            .as_u16(),
        200
    );
    let again = rpc_get(&app, "DeleteImageCache", &[REGION, ("ImageCacheId", &id)]).await;
    assert_eq!(
        (again.status.as_u16(), again.json()["Code"].clone()),
        (404, json!("InvalidParameter.NotFound"))
    );
    assert_eq!(caches(&app, &[]).await["TotalCount"], 0);
}

#[tokio::test]
async fn describe_pages_and_filters() {
    let app = open_app();
    for i in 0..3 {
        create_cache(&app, &format!("cache-{i}"), &[if i == 1 { "redis" } else { "nginx" }]).await;
    }
    let page = caches(&app, &[("Limit", "2")]).await;
    assert_eq!(
        (
            page["TotalCount"].clone(),
            page["ImageCaches"].as_array().unwrap().len()
        ),
        (json!(3), 2)
    );
    assert_eq!(page["ImageCaches"][0]["ImageCacheName"], "cache-2", "newest first");
    let token = page["NextToken"].as_str().unwrap().to_owned();
    let rest = caches(&app, &[("Limit", "2"), ("NextToken", &token)]).await;
    assert_eq!(
        (rest["ImageCaches"].as_array().unwrap().len(), rest["NextToken"].clone()),
        (1, json!(""))
    );
    assert_eq!(caches(&app, &[("Image", "redis")]).await["TotalCount"], 1);
    assert_eq!(
        caches(&app, &[("ImageCacheName", "cache-0")]).await["ImageCaches"][0]["Status"],
        "Ready"
    );
    assert_eq!(
        rpc_get(&app, "DescribeImageCaches", &[REGION, ("Limit", "0")])
            .await
            .status
            .as_u16(),
        400
    );
}
