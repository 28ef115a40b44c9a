//! Synthetic metrics: consistent with the group's size and life, repeatable, with the documented window.

use crate::common::*;
use serde_json::json;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

#[tokio::test]
async fn metrics_follow_the_spec_and_the_window() {
    let (app, clock) = open_app_with_clock();
    let id = create_group(&app, "measured", &[("Cpu", "2"), ("Memory", "4")]).await;
    clock.advance(600);
    let latest = rpc_get(
        &app,
        "DescribeContainerGroupMetric",
        &[REGION, ("ContainerGroupId", &id)],
    )
    .await
    .json();
    let records = latest["Records"].as_array().unwrap();
    assert_eq!(records.len(), 21, "5 minutes at 15 s, both ends included");
    for r in records {
        assert_eq!(r["CPU"]["Limit"], 2000);
        assert!(r["CPU"]["UsageNanoCores"].as_u64().unwrap() < 2_000_000_000);
        let used = r["Memory"]["UsageBytes"].as_u64().unwrap() + r["Memory"]["AvailableBytes"].as_u64().unwrap();
        assert!((4u64 << 30) - used < 2, "usage and available add up to the memory");
        assert_eq!(r["Containers"][0]["Name"], "app");
    }
    let again = rpc_get(
        &app,
        "DescribeContainerGroupMetric",
        &[REGION, ("ContainerGroupId", &id)],
    )
    .await
    .json();
    assert_eq!(
        again["Records"], latest["Records"],
        "the same time gives the same numbers"
    );
    let hourly = rpc_get(
        &app,
        "DescribeContainerGroupMetric",
        &[
            REGION,
            ("ContainerGroupId", &id),
            ("StartTime", "2026-11-27T22:00:00Z"),
            ("EndTime", "2026-11-27T22:10:00Z"),
            ("Period", "60"),
        ],
    )
    .await
    .json();
    assert_eq!(hourly["Records"].as_array().unwrap().len(), 11);
    let before = rpc_get(
        &app,
        "DescribeContainerGroupMetric",
        &[
            REGION,
            ("ContainerGroupId", &id),
            ("StartTime", "2026-11-27T20:00:00Z"),
            ("EndTime", "2026-11-27T21:00:00Z"),
        ],
    )
    .await
    .json();
    assert_eq!(before["Records"], json!([]), "nothing before the group ran");
    let bad = rpc_get(
        &app,
        "DescribeContainerGroupMetric",
        &[REGION, ("ContainerGroupId", &id), ("StartTime", "yesterday")],
    )
    .await;
    assert_eq!(bad.status.as_u16(), 400);
    let period = rpc_get(
        &app,
        "DescribeContainerGroupMetric",
        &[
            REGION,
            ("ContainerGroupId", &id),
            ("EndTime", "2026-11-27T22:05:00Z"),
            ("Period", "7"),
        ],
    )
    .await;
    assert_eq!(period.status.as_u16(), 400);
    let ids = format!("[\"{id}\",\"eci-unknown\"]");
    let multi = rpc_get(
        &app,
        "DescribeMultiContainerGroupMetric",
        &[REGION, ("ContainerGroupIds", &ids)],
    )
    .await
    .json();
    let datas = multi["MonitorDatas"].as_array().unwrap();
    assert_eq!(datas.len(), 1);
    assert_eq!(datas[0]["ContainerGroupId"], id.as_str());
    assert_eq!(datas[0]["Records"].as_array().unwrap().len(), 2);
}
