//! Operations about the service rather than a resource: `DescribeRegions`.

use crate::error::ApiError;
use crate::network;
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeRegionsRequest {
    pub region_id: Option<String>,
}

/// `DescribeRegions`: every region of the regions fixture, or the one asked for.
pub fn regions(req: DescribeRegionsRequest) -> Result<JsonBody, ApiError> {
    let wanted = req.region_id.as_deref().filter(|r| !r.is_empty());
    if let Some(region) = wanted {
        network::region(region)?;
    }
    let regions: Vec<_> = network::regions()
        .iter()
        .filter(|r| wanted.is_none_or(|w| w == r.region_id))
        .map(|r| {
            json!({
                "RegionId": r.region_id,
                "RegionEndpoint": r.endpoint,
                "Zones": r.zones,
                "RecommendZones": r.recommend_zones,
            })
        })
        .collect();
    JsonBody::of(&json!({ "Regions": regions }))
}
