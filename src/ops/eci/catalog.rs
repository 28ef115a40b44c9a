//! `DescribeContainerGroupPrice` and `DescribeAvailableResource`, read from `fixtures/catalog.json`,
//! the spot market (`capacity::market`) and the zones' capacity at the current virtual time; and the
//! reference price the market moves around.

use crate::capacity::{spec_key, Slot};
use crate::error::catalogue::documented_error;
use crate::error::ApiError;
use crate::error::EciCode;
use crate::network;
use crate::ops::eci::container_group::sizing::{self, SizeRequest};
use crate::ops::Ctx;
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

/// One instance type of the catalogue: what ECI places groups on, and what ECS lists.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceType {
    pub instance_type: String,
    pub family: String,
    pub cores: f64,
    /// GiB.
    pub memory: f64,
}

/// Every instance type of the catalogue, in its order.
pub fn instance_types() -> &'static [InstanceType] {
    catalog().map(|c| c.instance_types.as_slice()).unwrap_or_default()
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
pub fn price(ctx: &Ctx<'_>, req: DescribeContainerGroupPriceRequest) -> Result<JsonBody, ApiError> {
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
        let size = spec_key(instance_type.as_deref(), cpu, memory);
        spot_prices(ctx, &req, region, (total, &size), instance_type.as_deref(), catalog)?
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

/// Each zone's spot price now: the market's price for the size (with a one-hour protection),
/// scaled to the protection asked for (`SpotDuration`); refused when a limit is under every zone's.
fn spot_prices(
    ctx: &Ctx<'_>,
    req: &DescribeContainerGroupPriceRequest,
    region: &network::RegionInfo,
    (origin, size): (f64, &str),
    instance_type: Option<&str>,
    catalog: &Catalog,
) -> Result<Vec<Value>, ApiError> {
    let duration = usize::try_from(req.spot_duration.unwrap_or(1)).unwrap_or(usize::MAX);
    let ratio = *catalog
        .spot_ratio_by_spot_duration
        .get(duration)
        .ok_or_else(|| ApiError::invalid("SpotDuration", "must be from 0 to 6 hours"))?;
    let one_hour = catalog.spot_ratio_by_spot_duration.get(1).copied().unwrap_or(ratio);
    let zones: Vec<&String> = match req.zone_id.as_deref().filter(|z| !z.is_empty()) {
        Some(zone) => region.zones.iter().filter(|z| *z == zone).collect(),
        None => region.zones.iter().collect(),
    };
    let hourly = |per_second: f64| round(per_second * 3600.0);
    let now = ctx.eci.clock.now();
    let (reference, cap) = (hourly(origin * one_hour), hourly(origin));
    let priced: Vec<(&String, f64)> = zones
        .into_iter()
        .map(|zone| {
            if !ctx.eci.market.is_declared() {
                return (zone, hourly(origin * ratio));
            }
            let slot = Slot::new(&region.region_id, zone, size);
            let market = ctx.eci.market.price(&slot, reference, cap, now);
            let scaled = if one_hour > 0.0 {
                market * ratio / one_hour
            } else {
                market
            };
            (zone, round(scaled))
        })
        .collect();
    if let Some(limit) = req
        .spot_price_limit
        .filter(|_| req.spot_strategy.as_deref() == Some("SpotWithPriceLimit"))
    {
        let lowest = priced.iter().map(|(_, p)| *p).fold(f64::INFINITY, f64::min);
        if lowest.is_finite() && limit < lowest {
            let detail = format!("The spot price {lowest} per hour is above the limit {limit}");
            return Err(documented_error(PRICE_ACTION, EciCode::SpotNotMatched, Some(&detail)));
        }
    }
    Ok(priced
        .into_iter()
        .map(|(zone, spot)| json!({"ZoneId": zone, "InstanceType": instance_type.unwrap_or_default(), "SpotPrice": spot, "OriginPrice": hourly(origin)}))
        .collect())
}

/// The market's price now in each slot it is asked about: each series' slot and each declared size
/// (not `"*"`), once each; none while no market is declared.
pub fn market_prices(eci: &crate::ops::EciState) -> Vec<(Slot, f64)> {
    if !eci.market.is_declared() {
        return Vec::new();
    }
    let now = eci.clock.now();
    let series = eci.market.document().series;
    let mut slots: Vec<Slot> = series
        .iter()
        .map(|s| Slot::new(&s.region_id, &s.zone_id, &s.spec))
        .chain(
            eci.capacity
                .rules()
                .iter()
                .map(|r| Slot::new(&r.region_id, &r.zone_id, &r.spec)),
        )
        .filter(|s| s.spec != crate::capacity::ANY_SIZE)
        .collect();
    slots.sort();
    slots.dedup();
    slots
        .into_iter()
        .map(|slot| {
            let (reference, cap) = reference_of(&slot.spec);
            let price = eci.market.price(&slot, reference, cap, now);
            (slot, price)
        })
        .collect()
}

/// The market's reference and ceiling for a size key (`"2-4"` or an instance type; an unknown type is
/// priced as the default 2 vCPU, 4 GiB).
pub fn reference_of(spec: &str) -> (f64, f64) {
    let sized = spec
        .split_once('-')
        .and_then(|(cpu, memory)| Some((cpu.parse::<f64>().ok()?, memory.parse::<f64>().ok()?)));
    match sized {
        Some((cpu, memory)) => market_reference(None, cpu, memory),
        None => market_reference(Some(spec), 2.0, 4.0),
    }
}

/// The hourly prices the spot market of a size moves around: the catalogue's spot price with the
/// default one-hour protection (the reference), and the pay-as-you-go price (the ceiling). An
/// instance type the catalogue has is priced by its cores and memory, any other by `cpu`/`memory`.
pub fn market_reference(instance_type: Option<&str>, cpu: f64, memory: f64) -> (f64, f64) {
    let Some(catalog) = catalog() else {
        return (0.0, 0.0);
    };
    let (cpu, memory) = instance_type
        .and_then(|name| catalog.instance_types.iter().find(|t| t.instance_type == name))
        .map_or((cpu, memory), |t| (t.cores, t.memory));
    let origin = (cpu * catalog.per_second.vcpu + memory * catalog.per_second.memory_gib) * 3600.0;
    let ratio = catalog.spot_ratio_by_spot_duration.get(1).copied().unwrap_or(1.0);
    (round(origin * ratio), round(origin))
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
/// given), narrowed by `Value`, `Cores` and `Memory`: `WithStock` while the zone's declared capacity
/// has room for one more of the type (a family: of any of its types), else `WithoutStock`.
pub fn available_resource(ctx: &Ctx<'_>, req: DescribeAvailableResourceRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let catalog = catalog().ok_or_else(unavailable)?;
    let wanted = &req.destination_resource;
    let value = wanted.value.as_deref().filter(|v| !v.is_empty());
    let types = catalog
        .instance_types
        .iter()
        .filter(|t| wanted.cores.is_none_or(|c| t.cores == c) && wanted.memory.is_none_or(|m| t.memory == m));
    let in_stock = |zone: &str, value: &str| {
        catalog
            .instance_types
            .iter()
            .filter(|t| t.instance_type == value || t.family == value)
            .any(|t| {
                ctx.eci
                    .capacity
                    .fits(&Slot::new(&region.region_id, zone, &t.instance_type))
            })
    };
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
                .map(|v| {
                    let status = if in_stock(zone, v) { "WithStock" } else { "WithoutStock" };
                    json!({"Value": v, "StatusCategory": status})
                })
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
