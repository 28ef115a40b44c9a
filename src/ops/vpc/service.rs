//! `DescribeZones` and `DescribeRegions` as VPC and ECS answer them, and ECS's
//! `DescribeAvailableResource` (which Terraform's `alicloud_zones` calls first), from the regions
//! fixture. Zones and regions carry their id as their `LocalName`: the fixture has no names in other
//! languages. Every zone has everything in stock.

use crate::actions::Product;
use crate::error::ApiError;
use crate::network;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};

/// What an ECS zone offers: every resource a Terraform `alicloud_zones` filter asks about.
const RESOURCE_TYPES: [&str; 5] = ["Instance", "Disk", "VSwitch", "IoOptimized", "DedicatedHost"];
const DISK_CATEGORIES: [&str; 4] = ["cloud", "cloud_efficiency", "cloud_ssd", "cloud_essd"];
const INSTANCE_TYPES: [&str; 6] = [
    "ecs.c6.large",
    "ecs.c6.xlarge",
    "ecs.g6.large",
    "ecs.g6.xlarge",
    "ecs.r6.large",
    "ecs.r6.xlarge",
];

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeZonesRequest {
    pub region_id: String,
}

pub fn zones(product: Product, req: DescribeZonesRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let zones: Vec<Value> = region
        .zones
        .iter()
        .map(|zone| match product {
            Product::Ecs => json!({
                "ZoneId": zone,
                "LocalName": zone,
                "ZoneType": "AvailabilityZone",
                "AvailableResourceCreation": {"ResourceTypes": RESOURCE_TYPES},
                "AvailableDiskCategories": {"DiskCategories": DISK_CATEGORIES},
                "AvailableVolumeCategories": {"VolumeCategories": DISK_CATEGORIES},
                "AvailableInstanceTypes": {"InstanceTypes": INSTANCE_TYPES},
                "AvailableDedicatedHostTypes": {"DedicatedHostType": []},
                "DedicatedHostGenerations": {"DedicatedHostGeneration": []},
                "AvailableResources": {"ResourcesInfo": []},
            }),
            _ => json!({"ZoneId": zone, "LocalName": zone, "ZoneType": "AvailabilityZone"}),
        })
        .collect();
    JsonBody::of(&json!({"Zones": {"Zone": zones}}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAvailableResourceRequest {
    pub region_id: String,
    pub destination_resource: String,
    pub zone_id: Option<String>,
}

/// ECS's `DescribeAvailableResource`: per zone of the region (or the one asked for), what it offers
/// of `DestinationResource`, all `Available` and `WithStock`.
pub fn available_resource(req: DescribeAvailableResourceRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let offered: Vec<&str> = match req.destination_resource.as_str() {
        "Zone" => Vec::new(),
        "IoOptimized" => vec!["optimized"],
        "InstanceType" => INSTANCE_TYPES.to_vec(),
        "SystemDisk" | "DataDisk" => DISK_CATEGORIES.to_vec(),
        "Network" => vec!["vpc"],
        _ => {
            return Err(ApiError::invalid(
                "DestinationResource",
                "it must be Zone, IoOptimized, InstanceType, SystemDisk, DataDisk or Network",
            ))
        }
    };
    let wanted = req.zone_id.as_deref().filter(|z| !z.is_empty());
    if wanted.is_some_and(|z| !region.zones.iter().any(|known| known == z)) {
        return Err(ApiError::new(crate::error::ErrorCode::ZoneNotOnSale));
    }
    let stocked = |value: &str| json!({"Value": value, "Status": "Available", "StatusCategory": "WithStock"});
    let zones: Vec<Value> = region
        .zones
        .iter()
        .filter(|zone| wanted.is_none_or(|w| w == zone.as_str()))
        .map(|zone| {
            let values: Vec<Value> = if offered.is_empty() {
                vec![stocked(zone)]
            } else {
                offered.iter().map(|v| stocked(v)).collect()
            };
            json!({
                "RegionId": region.region_id,
                "ZoneId": zone,
                "Status": "Available",
                "StatusCategory": "WithStock",
                "AvailableResources": {"AvailableResource": [{
                    "Type": req.destination_resource,
                    "SupportedResources": {"SupportedResource": values},
                }]},
            })
        })
        .collect();
    JsonBody::of(&json!({"AvailableZones": {"AvailableZone": zones}}))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRegionsRequest {
    pub accept_language: Option<String>,
}

pub fn regions(product: Product, _: DescribeRegionsRequest) -> Result<JsonBody, ApiError> {
    let regions: Vec<Value> = network::regions()
        .iter()
        .map(|r| {
            let endpoint = format!("{}.{}.aliyuncs.com", product.code(), r.region_id);
            match product {
                Product::Ecs => json!({
                    "RegionId": r.region_id,
                    "LocalName": r.region_id,
                    "RegionEndpoint": endpoint,
                    "Status": "available",
                }),
                _ => json!({"RegionId": r.region_id, "LocalName": r.region_id, "RegionEndpoint": endpoint}),
            }
        })
        .collect();
    JsonBody::of(&json!({"Regions": {"Region": regions}}))
}
