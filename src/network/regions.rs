//! The regions and zones where ECI is sold (`fixtures/regions.json`).

use crate::error::{ApiError, ErrorCode};
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

const REGIONS_FIXTURE: &str = include_str!("../../fixtures/regions.json");

/// One region where ECI is sold.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionInfo {
    pub region_id: String,
    pub endpoint: String,
    /// The three characters ECI ids carry after `eci-` in this region.
    pub id_code: String,
    pub zones: Vec<String>,
    pub recommend_zones: Vec<String>,
    /// Its name in Chinese, as the console and `DescribeRegions` (in `zh-CN`, the default) show it.
    #[serde(default)]
    pub local_name: String,
    /// Its name in English (`AcceptLanguage` `en-US`).
    #[serde(default)]
    pub english_name: String,
}

#[derive(Deserialize)]
struct RegionsFixture {
    regions: Vec<RegionInfo>,
}

/// Every region of the fixture, in its order.
/// The region a resource id names: ECI ids carry their region's code after the dash (`eci-bp1…` is
/// cn-hangzhou's).
pub fn region_of_resource_id(id: &str) -> Option<&'static RegionInfo> {
    let (_, rest) = id.split_once('-')?;
    regions()
        .iter()
        .find(|r| !r.id_code.is_empty() && rest.starts_with(r.id_code.as_str()))
}

pub fn regions() -> &'static [RegionInfo] {
    static REGIONS: OnceLock<Vec<RegionInfo>> = OnceLock::new();
    REGIONS.get_or_init(|| {
        serde_json::from_str::<RegionsFixture>(REGIONS_FIXTURE)
            .map(|f| f.regions)
            .unwrap_or_default()
    })
}

/// The region with this id, or `InvalidRegionId`.
pub fn region(region_id: &str) -> Result<&'static RegionInfo, ApiError> {
    regions()
        .iter()
        .find(|r| r.region_id == region_id)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidRegionId))
}

/// The region a zone belongs to.
pub fn region_of_zone(zone_id: &str) -> Option<&'static RegionInfo> {
    regions().iter().find(|r| r.zones.iter().any(|z| z == zone_id))
}
