//! Data caches: create with a data source, progression, describe filters, update and delete.

use crate::common::*;
use serde_json::json;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

#[tokio::test]
async fn data_caches_are_made_described_updated_and_deleted() {
    let app = open_app();
    let created = rpc_ok(
        &app,
        "CreateDataCache",
        &[
            REGION,
            ("Bucket", "models"),
            ("Path", "/llama"),
            ("Name", "weights"),
            ("DataSource.Type", "URL"),
            ("DataSource.Options.url", "https://example.com/w.bin"),
            ("Tag.1.Key", "team"),
            ("Tag.1.Value", "ml"),
        ],
    )
    .await;
    let id = created.json()["DataCacheId"].as_str().unwrap().to_owned();
    assert!(id.starts_with("edc-"));
    let listed = rpc_get(&app, "DescribeDataCaches", &[REGION, ("Bucket", "models")])
        .await
        .json();
    let cache = &listed["DataCaches"][0];
    assert_eq!(
        (cache["Status"].clone(), cache["Path"].clone()),
        (json!("Available"), json!("/llama"))
    );
    assert_eq!(cache["DataSource"]["Type"], "URL");
    assert_eq!(cache["DataSource"]["Options"], r#"{"url":"https://example.com/w.bin"}"#);
    assert_eq!(
        rpc_get(&app, "DescribeDataCaches", &[REGION, ("Tag.1.Key", "team")])
            .await
            .json()["TotalCount"],
        1
    );
    assert_eq!(
        rpc_get(&app, "DescribeDataCaches", &[REGION, ("Bucket", "other")])
            .await
            .json()["TotalCount"],
        0
    );
    let twice = rpc_get(
        &app,
        "CreateDataCache",
        &[REGION, ("Bucket", "models"), ("Path", "/llama")],
    )
    .await;
    assert_eq!(twice.status.as_u16(), 400);
    let reserved = rpc_get(
        &app,
        "CreateDataCache",
        &[REGION, ("Bucket", "eci-system"), ("Path", "/x")],
    )
    .await;
    assert_eq!(reserved.status.as_u16(), 400);
    rpc_ok(&app, "UpdateDataCache", &[REGION, ("DataCacheId", &id), ("Size", "40")]).await;
    let by_id = rpc_get(&app, "DescribeDataCaches", &[REGION, ("DataCacheId.1", &id)])
        .await
        .json();
    assert_eq!(by_id["DataCaches"][0]["Size"], 40);
    let deleted = rpc_get(
        &app,
        "DeleteDataCache",
        &[REGION, ("Bucket", "models"), ("Path", "/llama")],
    )
    .await;
    assert_eq!(deleted.status.as_u16(), 200);
    let gone = rpc_get(&app, "DeleteDataCache", &[REGION, ("DataCacheId", &id)]).await;
    assert_eq!(
        (gone.status.as_u16(), gone.json()["Code"].clone()),
        (404, json!("InvalidParameter.NotFound"))
    );
    let bad_type = rpc_get(
        &app,
        "CreateDataCache",
        &[REGION, ("Path", "/y"), ("DataSource.Type", "FTP")],
    )
    .await;
    assert_eq!(bad_type.status.as_u16(), 400);
}
