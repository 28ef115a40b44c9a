//! `DescribeZones` and `DescribeRegions` as VPC and ECS answer them, and ECS's
//! `DescribeAvailableResource` (which Terraform's `alicloud_zones` calls first), from the regions
//! fixture. Regions carry their Chinese name as their `LocalName` (`AcceptLanguage` `zh-CN`, the
//! default; their English one otherwise); zones carry their id: the fixture has no names in other
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

/// The instance types of the catalogue ECI places groups on, with `cores` and `memory` when given.
fn instance_types(cores: Option<f64>, memory: Option<f64>) -> Vec<&'static str> {
    crate::ops::eci::catalog::instance_types()
        .iter()
        .filter(|t| cores.is_none_or(|c| t.cores == c) && memory.is_none_or(|m| t.memory == m))
        .map(|t| t.instance_type.as_str())
        .collect()
}

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
                "AvailableInstanceTypes": {"InstanceTypes": instance_types(None, None)},
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
    /// vCPUs and GiB an `InstanceType` must have.
    pub cores: Option<f64>,
    pub memory: Option<f64>,
}

/// ECS's `DescribeAvailableResource`: per zone of the region (or the one asked for), what it offers
/// of `DestinationResource`, all `Available` and `WithStock`.
pub fn available_resource(req: DescribeAvailableResourceRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    // None: the zone itself is what is offered.
    let offered: Option<Vec<&str>> = match req.destination_resource.as_str() {
        "Zone" => None,
        "IoOptimized" => Some(vec!["optimized"]),
        "InstanceType" => Some(instance_types(req.cores, req.memory)),
        "SystemDisk" | "DataDisk" => Some(DISK_CATEGORIES.to_vec()),
        "Network" => Some(vec!["vpc"]),
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
        // A zone that offers none of what was asked for is left out, as the service leaves it.
        .filter(|_| offered.as_ref().is_none_or(|values| !values.is_empty()))
        .map(|zone| {
            let values: Vec<Value> = match &offered {
                None => vec![stocked(zone)],
                Some(values) => values.iter().map(|v| stocked(v)).collect(),
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

pub fn regions(product: Product, req: DescribeRegionsRequest) -> Result<JsonBody, ApiError> {
    let english = req.accept_language.as_deref().is_some_and(|l| !l.starts_with("zh"));
    let regions: Vec<Value> = network::regions()
        .iter()
        .map(|r| {
            let endpoint = format!("{}.{}.aliyuncs.com", product.code(), r.region_id);
            let name = if english { &r.english_name } else { &r.local_name };
            let local_name = if name.is_empty() { &r.region_id } else { name };
            match product {
                Product::Ecs => json!({
                    "RegionId": r.region_id,
                    "LocalName": local_name,
                    "RegionEndpoint": endpoint,
                    "Status": "available",
                }),
                _ => json!({"RegionId": r.region_id, "LocalName": local_name, "RegionEndpoint": endpoint}),
            }
        })
        .collect();
    JsonBody::of(&json!({"Regions": {"Region": regions}}))
}
