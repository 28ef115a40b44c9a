//! Prices and available resources from the catalog fixture.

use crate::common::*;
use serde_json::json;

const REGION: (&str, &str) = ("RegionId", "cn-hangzhou");

#[tokio::test]
async fn prices_follow_the_size_and_spot_is_cheaper() {
    let app = open_app();
    let reply = rpc_get(
        &app,
        "DescribeContainerGroupPrice",
        &[REGION, ("Cpu", "2"), ("Memory", "4")],
    )
    .await
    .json();
    let price = &reply["PriceInfo"]["Price"];
    assert_eq!(price["TradePrice"], 0.00012252, "the documentation's example");
    assert_eq!(price["Currency"], "CNY");
    assert_eq!(price["DetailInfos"]["DetailInfo"][0]["Resource"], "cpu");
    let rounded = rpc_get(
        &app,
        "DescribeContainerGroupPrice",
        &[REGION, ("Cpu", "1.5"), ("Memory", "3")],
    )
    .await
    .json();
    assert_eq!(
        rounded["PriceInfo"]["Price"]["TradePrice"], 0.00012252,
        "rounded up to 2 vCPU 4 GiB"
    );
    let spot = rpc_get(
        &app,
        "DescribeContainerGroupPrice",
        &[
            REGION,
            ("Cpu", "2"),
            ("Memory", "4"),
            ("SpotStrategy", "SpotAsPriceGo"),
            ("ZoneId", "cn-hangzhou-b"),
            ("SpotDuration", "0"),
        ],
    )
    .await
    .json();
    let zones = spot["PriceInfo"]["SpotPrices"]["SpotPrice"].as_array().unwrap();
    assert_eq!(zones.len(), 1);
    assert!(zones[0]["SpotPrice"].as_f64().unwrap() < zones[0]["OriginPrice"].as_f64().unwrap());
    let limited = rpc_get(
        &app,
        "DescribeContainerGroupPrice",
        &[
            REGION,
            ("Cpu", "2"),
            ("Memory", "4"),
            ("SpotStrategy", "SpotWithPriceLimit"),
            ("SpotPriceLimit", "0.001"),
        ],
    )
    .await;
    assert_eq!(
        (limited.status.as_u16(), limited.json()["Code"].clone()),
        (403, json!("Spot.NotMatched"))
    );
    let typed = rpc_get(
        &app,
        "DescribeContainerGroupPrice",
        &[REGION, ("InstanceType", "ecs.g6.large")],
    )
    .await
    .json();
    assert!(
        typed["PriceInfo"]["Price"]["TradePrice"].as_f64().unwrap() > 0.00012252,
        "2 vCPU 8 GiB"
    );
    let bad = rpc_get(&app, "DescribeContainerGroupPrice", &[REGION, ("Cpu", "1000")]).await;
    assert_eq!(bad.json()["Code"], "InvalidParam.CpuOrMemorySpec");
}

#[tokio::test]
async fn available_resources_list_families_or_types_per_zone() {
    let app = open_app();
    let families = rpc_get(
        &app,
        "DescribeAvailableResource",
        &[REGION, ("DestinationResource.Category", "InstanceTypeFamily")],
    )
    .await
    .json();
    let zones = families["AvailableZones"]["AvailableZone"].as_array().unwrap();
    assert_eq!(zones.len(), 8, "every zone of cn-hangzhou");
    let supported = &zones[0]["AvailableResources"]["AvailableResource"][0]["SupportedResources"]["SupportedResource"];
    assert!(supported
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["Value"] == "ecs.c6" && s["StatusCategory"] == "WithStock"));
    let typed = rpc_get(
        &app,
        "DescribeAvailableResource",
        &[
            REGION,
            ("ZoneId", "cn-hangzhou-h"),
            ("DestinationResource.Category", "InstanceType"),
            ("DestinationResource.Cores", "2"),
            ("DestinationResource.Memory", "8"),
        ],
    )
    .await
    .json();
    let only = &typed["AvailableZones"]["AvailableZone"][0]["AvailableResources"]["AvailableResource"][0]
        ["SupportedResources"]["SupportedResource"];
    assert_eq!(only, &json!([{"Value": "ecs.g6.large", "StatusCategory": "WithStock"}]));
    let missing = rpc_get(&app, "DescribeAvailableResource", &[REGION]).await;
    assert_eq!(missing.json()["Code"], "MissingParameter");
    let zone = rpc_get(
        &app,
        "DescribeAvailableResource",
        &[
            REGION,
            ("ZoneId", "cn-beijing-a"),
            ("DestinationResource.Category", "InstanceType"),
        ],
    )
    .await;
    assert_eq!(zone.status.as_u16(), 404);
}
