//! The network model: regions and zones from fixtures, a default VPC per account and region with one
//! vSwitch per zone and a default security group, and intranet IP allocation from vSwitch CIDRs.

mod pool;

pub use pool::IpPool;

use crate::error::{ApiError, ErrorCode};
use crate::util::IdGenerator;
use ipnet::Ipv4Net;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::OnceLock;

const REGIONS_FIXTURE: &str = include_str!("../../fixtures/regions.json");

/// The address space default VPCs take, as Alibaba Cloud's console does.
const DEFAULT_VPC_CIDR: &str = "172.16.0.0/12";
/// Each default or auto-registered vSwitch gets the next block of this size.
const VSWITCH_PREFIX_LEN: u8 = 20;

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
}

#[derive(Deserialize)]
struct RegionsFixture {
    regions: Vec<RegionInfo>,
}

/// Every region of the fixture, in its order.
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

/// A vSwitch and the addresses it has handed out.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VSwitch {
    pub v_switch_id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr_block: Ipv4Net,
    /// Registered because a request named it, not declared by the default network.
    pub auto_registered: bool,
    #[serde(skip)]
    pool: IpPool,
}

/// Where a new group lands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub zone_id: String,
    pub vswitch_id: String,
    pub vpc_id: String,
    pub security_group_id: String,
    pub ip: Ipv4Addr,
}

/// What a create asks of the network.
#[derive(Debug, Default)]
pub struct PlacementRequest<'a> {
    pub zone_id: Option<&'a str>,
    /// vSwitch ids in the order to try them.
    pub vswitch_ids: Vec<&'a str>,
    pub security_group_id: Option<&'a str>,
}

/// One account's network in one region.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionNetwork {
    pub region_id: String,
    pub vpc_id: String,
    pub vpc_cidr: Ipv4Net,
    pub default_security_group_id: String,
    pub v_switches: Vec<VSwitch>,
    #[serde(skip)]
    by_id: HashMap<String, usize>,
    #[serde(skip)]
    next_block: u32,
}

impl RegionNetwork {
    /// The default VPC, one vSwitch per zone and a default security group.
    pub fn default_for(region: &RegionInfo, ids: &IdGenerator) -> Self {
        let vpc_cidr: Ipv4Net = DEFAULT_VPC_CIDR.parse().unwrap_or_default();
        let mut network = RegionNetwork {
            region_id: region.region_id.clone(),
            vpc_id: ids.resource_id("vpc", &region.id_code),
            vpc_cidr,
            default_security_group_id: ids.resource_id("sg", &region.id_code),
            v_switches: Vec::new(),
            by_id: HashMap::new(),
            next_block: 0,
        };
        for zone in &region.zones {
            let id = ids.resource_id("vsw", &region.id_code);
            network.add_vswitch(id, zone, false);
        }
        network
    }

    fn add_vswitch(&mut self, id: String, zone_id: &str, auto_registered: bool) -> Option<usize> {
        let cidr = self
            .vpc_cidr
            .subnets(VSWITCH_PREFIX_LEN)
            .ok()?
            .nth(usize::try_from(self.next_block).ok()?)?;
        self.next_block += 1;
        let index = self.v_switches.len();
        self.v_switches.push(VSwitch {
            v_switch_id: id.clone(),
            vpc_id: self.vpc_id.clone(),
            zone_id: zone_id.to_owned(),
            cidr_block: cidr,
            auto_registered,
            pool: IpPool::for_cidr(cidr),
        });
        self.by_id.insert(id, index);
        Some(index)
    }

    pub fn vswitch(&self, id: &str) -> Option<&VSwitch> {
        self.by_id.get(id).and_then(|i| self.v_switches.get(*i))
    }

    /// Picks zone, vSwitch and security group and allocates an intranet IP.
    ///
    /// Unknown vSwitch ids are registered on first use in the zone asked for (or the region's first
    /// zone), so suites with made-up ids keep working. With several vSwitches the first with a free
    /// address wins, as the service's multi-zone creation does.
    pub fn place(&mut self, region: &RegionInfo, request: &PlacementRequest<'_>) -> Result<Placement, ApiError> {
        if let Some(zone) = request.zone_id {
            if !region.zones.iter().any(|z| z == zone) {
                return Err(ApiError::new(ErrorCode::ZoneNotOnSale));
            }
        }
        let candidates = self.candidates(region, request)?;
        let security_group_id = request
            .security_group_id
            .unwrap_or(&self.default_security_group_id)
            .to_owned();
        for index in candidates {
            let Some(vswitch) = self.v_switches.get_mut(index) else {
                continue;
            };
            if let Some(ip) = vswitch.pool.allocate() {
                return Ok(Placement {
                    zone_id: vswitch.zone_id.clone(),
                    vswitch_id: vswitch.v_switch_id.clone(),
                    vpc_id: vswitch.vpc_id.clone(),
                    security_group_id,
                    ip,
                });
            }
        }
        Err(ApiError::new(ErrorCode::IpNotEnough))
    }

    fn candidates(&mut self, region: &RegionInfo, request: &PlacementRequest<'_>) -> Result<Vec<usize>, ApiError> {
        if request.vswitch_ids.is_empty() {
            let zone = request.zone_id;
            return Ok(self
                .v_switches
                .iter()
                .enumerate()
                .filter(|(_, v)| !v.auto_registered && zone.is_none_or(|z| v.zone_id == z))
                .map(|(i, _)| i)
                .collect());
        }
        let mut picked = Vec::with_capacity(request.vswitch_ids.len());
        for id in &request.vswitch_ids {
            let index = match self.by_id.get(*id) {
                Some(index) => *index,
                None => {
                    let zone = request
                        .zone_id
                        .or_else(|| region.zones.first().map(String::as_str))
                        .unwrap_or_default();
                    self.add_vswitch((*id).to_owned(), zone, true)
                        .ok_or_else(|| ApiError::new(ErrorCode::IpNotEnough))?
                }
            };
            let zone_matches = match (request.zone_id, self.v_switches.get(index)) {
                (Some(zone), Some(v)) => v.zone_id == zone,
                _ => true,
            };
            if !zone_matches {
                return Err(ApiError::new(ErrorCode::VswZoneMisMatch));
            }
            picked.push(index);
        }
        Ok(picked)
    }

    /// Returns an address to its vSwitch.
    pub fn release(&mut self, vswitch_id: &str, ip: Ipv4Addr) {
        if let Some(v) = self.by_id.get(vswitch_id).and_then(|i| self.v_switches.get_mut(*i)) {
            v.pool.release(ip);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hangzhou() -> &'static RegionInfo {
        region("cn-hangzhou").unwrap()
    }

    #[test]
    fn fixture_has_every_documented_region_with_zones() {
        assert_eq!(regions().len(), 35);
        assert!(regions().iter().all(|r| !r.zones.is_empty() && r.id_code.len() == 3));
        assert_eq!(region("mars-1").unwrap_err().code(), "InvalidRegionId");
    }

    #[test]
    fn default_placement_takes_first_zone_and_its_first_address() {
        let ids = IdGenerator::new(Some(1));
        let mut net = RegionNetwork::default_for(hangzhou(), &ids);
        let p = net.place(hangzhou(), &PlacementRequest::default()).unwrap();
        assert_eq!(p.zone_id, "cn-hangzhou-b");
        assert_eq!(p.ip, Ipv4Addr::new(172, 16, 0, 1));
        assert_eq!(p.security_group_id, net.default_security_group_id);
        let q = net
            .place(
                hangzhou(),
                &PlacementRequest {
                    zone_id: Some("cn-hangzhou-k"),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(q.zone_id, "cn-hangzhou-k");
        assert!(net.vswitch(&q.vswitch_id).unwrap().cidr_block.contains(&q.ip));
    }

    #[test]
    fn unknown_vswitch_is_registered_in_the_zone_asked_and_zone_mismatch_is_refused() {
        let ids = IdGenerator::new(Some(1));
        let mut net = RegionNetwork::default_for(hangzhou(), &ids);
        let req = PlacementRequest {
            zone_id: Some("cn-hangzhou-h"),
            vswitch_ids: vec!["vsw-mine"],
            security_group_id: Some("sg-mine"),
        };
        let p = net.place(hangzhou(), &req).unwrap();
        assert_eq!(
            (p.zone_id.as_str(), p.vswitch_id.as_str(), p.security_group_id.as_str()),
            ("cn-hangzhou-h", "vsw-mine", "sg-mine")
        );
        let wrong = PlacementRequest {
            zone_id: Some("cn-hangzhou-b"),
            vswitch_ids: vec!["vsw-mine"],
            security_group_id: None,
        };
        assert_eq!(
            net.place(hangzhou(), &wrong).unwrap_err().code(),
            "OperationDenied.VswZoneMisMatch"
        );
        let bad_zone = PlacementRequest {
            zone_id: Some("cn-shanghai-a"),
            ..Default::default()
        };
        assert_eq!(net.place(hangzhou(), &bad_zone).unwrap_err().code(), "Zone.NotOnSale");
    }

    #[test]
    fn released_addresses_are_reused() {
        let ids = IdGenerator::new(Some(1));
        let mut net = RegionNetwork::default_for(hangzhou(), &ids);
        let a = net.place(hangzhou(), &PlacementRequest::default()).unwrap();
        let b = net.place(hangzhou(), &PlacementRequest::default()).unwrap();
        assert_ne!(a.ip, b.ip);
        net.release(&a.vswitch_id, a.ip);
        let c = net.place(hangzhou(), &PlacementRequest::default()).unwrap();
        assert_ne!(c.ip, b.ip);
    }
}
