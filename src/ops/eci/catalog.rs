//! `DescribeContainerGroupPrice` and `DescribeAvailableResource`, read from `fixtures/catalog.json`.

use crate::error::catalogue::documented_error;
use crate::error::ApiError;
use crate::error::EciCode;
use crate::network;
use crate::ops::eci::container_group::sizing::{self, SizeRequest};
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::OnceLock;

const CATALOG_FIXTURE: &str = include_str!("../../../fixtures/catalog.json");

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Catalog {
    currency: String,
    per_second: PerSecond,
    economy_ratio: f64,
    spot_ratio_by_spot_duration: Vec<f64>,
    instance_types: Vec<InstanceType>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PerSecond {
    vcpu: f64,
    #[serde(rename = "memoryGiB")]
    memory_gib: f64,
    #[serde(rename = "ephemeralStorageGiB")]
    ephemeral_storage_gib: f64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct InstanceType {
    instance_type: String,
    family: String,
    cores: f64,
    memory: f64,
}

fn catalog() -> Option<&'static Catalog> {
    static CATALOG: OnceLock<Option<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| serde_json::from_str(CATALOG_FIXTURE).ok())
        .as_ref()
}

fn unavailable() -> ApiError {
    ApiError::new(crate::error::ErrorCode::InternalError)
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContainerGroupPriceRequest {
    pub region_id: String,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub instance_type: Option<String>,
    pub spot_strategy: Option<String>,
    pub zone_id: Option<String>,
    pub spot_price_limit: Option<f64>,
    pub ephemeral_storage: Option<i64>,
    pub spot_duration: Option<i64>,
    pub compute_category: Option<String>,
}

/// Per-second prices for a size (rounded up to a spec, or an instance type's); spot strategies add the
/// spot price of each zone, cheaper the shorter the protection (`SpotDuration`).
pub fn price(req: DescribeContainerGroupPriceRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let catalog = catalog().ok_or_else(unavailable)?;
    let spot = match req.spot_strategy.as_deref().filter(|s| !s.is_empty()) {
        None | Some("NoSpot") => false,
        Some("SpotWithPriceLimit" | "SpotAsPriceGo") => true,
        Some(_) => {
            return Err(ApiError::invalid(
                "SpotStrategy",
                "must be NoSpot, SpotWithPriceLimit or SpotAsPriceGo",
            ))
        }
    };
    let (cpu, memory, instance_type) = size_of(&req, region.region_id.as_str(), spot, catalog)?;
    let storage = req.ephemeral_storage.unwrap_or(0).max(0) as f64;
    let ratio = if req.compute_category.as_deref() == Some("economy") {
        catalog.economy_ratio
    } else {
        1.0
    };
    let parts = [
        ("cpu", cpu * catalog.per_second.vcpu * ratio),
        ("memory", memory * catalog.per_second.memory_gib * ratio),
        ("ephemeralStorage", storage * catalog.per_second.ephemeral_storage_gib),
    ];
    let total: f64 = parts.iter().map(|(_, p)| p).sum();
    let details: Vec<Value> = parts
        .iter()
        .filter(|(_, p)| *p > 0.0)
        .map(|(resource, p)| json!({"Resource": resource, "OriginalPrice": round(*p), "DiscountPrice": 0.0, "TradePrice": round(*p), "Rules": {"Rule": []}}))
        .collect();
    let spot_prices = if spot {
        spot_prices(&req, region, total, instance_type.as_deref(), catalog)?
    } else {
        Vec::new()
    };
    JsonBody::of(&json!({"PriceInfo": {
        "Price": {"OriginalPrice": round(total), "DiscountPrice": 0.0, "TradePrice": round(total), "Currency": catalog.currency,
                  "DetailInfos": {"DetailInfo": details}},
        "SpotPrices": {"SpotPrice": spot_prices},
        "Rules": {"Rule": []},
    }}))
}

const PRICE_ACTION: &str = "DescribeContainerGroupPrice";

/// (vCPU, GiB, instance type) the price is for.
fn size_of(
    req: &DescribeContainerGroupPriceRequest,
    region_id: &str,
    spot: bool,
    catalog: &Catalog,
) -> Result<(f64, f64, Option<String>), ApiError> {
    if let Some(name) = req.instance_type.as_deref().filter(|t| !t.is_empty()) {
        let found = catalog
            .instance_types
            .iter()
            .find(|t| t.instance_type == name)
            .ok_or_else(invalid_spec)?;
        return Ok((found.cores, found.memory, Some(found.instance_type.clone())));
    }
    let size = sizing::grant(&SizeRequest {
        region_id,
        cpu: req.cpu,
        memory: req.memory,
        spot,
        whitelisted: true,
    })
    .map_err(|e| {
        if e.is(crate::error::ErrorCode::InvalidSpotCpuMemorySpec) {
            e
        } else {
            invalid_spec()
        }
    })?;
    Ok((size.cpu, size.memory, None))
}

fn invalid_spec() -> ApiError {
    documented_error(PRICE_ACTION, EciCode::InvalidParamCpuOrMemorySpec, None)
}

fn spot_prices(
    req: &DescribeContainerGroupPriceRequest,
    region: &network::RegionInfo,
    origin: f64,
    instance_type: Option<&str>,
    catalog: &Catalog,
) -> Result<Vec<Value>, ApiError> {
    let duration = usize::try_from(req.spot_duration.unwrap_or(1)).unwrap_or(usize::MAX);
    let ratio = *catalog
        .spot_ratio_by_spot_duration
        .get(duration)
        .ok_or_else(|| ApiError::invalid("SpotDuration", "must be from 0 to 6 hours"))?;
    let zones: Vec<&String> = match req.zone_id.as_deref().filter(|z| !z.is_empty()) {
        Some(zone) => region.zones.iter().filter(|z| *z == zone).collect(),
        None => region.zones.iter().collect(),
    };
    let hourly = |per_second: f64| round(per_second * 3600.0);
    let spot = origin * ratio;
    if let Some(limit) = req
        .spot_price_limit
        .filter(|_| req.spot_strategy.as_deref() == Some("SpotWithPriceLimit"))
    {
        if limit < hourly(spot) {
            let detail = format!("The spot price {} per hour is above the limit {limit}", hourly(spot));
            return Err(documented_error(PRICE_ACTION, EciCode::SpotNotMatched, Some(&detail)));
        }
    }
    Ok(zones
        .into_iter()
        .map(|zone| json!({"ZoneId": zone, "InstanceType": instance_type.unwrap_or_default(), "SpotPrice": hourly(spot), "OriginPrice": hourly(origin)}))
        .collect())
}

fn round(price: f64) -> f64 {
    (price * 1e8).round() / 1e8
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DestinationResource {
    pub category: String,
    pub value: Option<String>,
    pub cores: Option<f64>,
    pub memory: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeAvailableResourceRequest {
    pub region_id: String,
    pub zone_id: Option<String>,
    pub destination_resource: DestinationResource,
}

/// The instance-type families or types of the catalog, in every zone of the region (or the one
/// given), narrowed by `Value`, `Cores` and `Memory`, all `WithStock` (stock is what fault rules take
/// away, at create).
pub fn available_resource(req: DescribeAvailableResourceRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let catalog = catalog().ok_or_else(unavailable)?;
    let wanted = &req.destination_resource;
    let value = wanted.value.as_deref().filter(|v| !v.is_empty());
    let types = catalog
        .instance_types
        .iter()
        .filter(|t| wanted.cores.is_none_or(|c| t.cores == c) && wanted.memory.is_none_or(|m| t.memory == m));
    let mut values: Vec<&str> = match wanted.category.as_str() {
        "InstanceTypeFamily" => types
            .map(|t| t.family.as_str())
            .filter(|f| value.is_none_or(|v| v == *f))
            .collect(),
        "InstanceType" => types
            .map(|t| t.instance_type.as_str())
            .filter(|t| value.is_none_or(|v| v == *t))
            .collect(),
        _ => {
            return Err(ApiError::invalid(
                "DestinationResource.Category",
                "must be InstanceTypeFamily or InstanceType",
            ))
        }
    };
    values.dedup();
    let zones: Vec<&String> = match req.zone_id.as_deref().filter(|z| !z.is_empty()) {
        Some(zone) => {
            let found: Vec<&String> = region.zones.iter().filter(|z| *z == zone).collect();
            if found.is_empty() {
                let detail = format!("The specified ZoneId \"{zone}\" is not found.");
                return Err(ApiError::with_detail(crate::error::ErrorCode::NotFound, &detail));
            }
            found
        }
        None => region.zones.iter().collect(),
    };
    let available: Vec<Value> = zones
        .into_iter()
        .map(|zone| {
            let supported: Vec<Value> = values
                .iter()
                .map(|v| json!({"Value": v, "StatusCategory": "WithStock"}))
                .collect();
            json!({"RegionId": region.region_id, "ZoneId": zone, "AvailableResources": {"AvailableResource": [
                {"Type": wanted.category, "SupportedResources": {"SupportedResource": supported}}
            ]}})
        })
        .collect();
    JsonBody::of(&json!({"AvailableZones": {"AvailableZone": available}}))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalog_fixture_parses() {
        let catalog = super::catalog().unwrap();
        assert!(!catalog.instance_types.is_empty());
        assert_eq!(catalog.spot_ratio_by_spot_duration.len(), 7, "SpotDuration 0 to 6");
    }
}
