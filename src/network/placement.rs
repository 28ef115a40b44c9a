//! Placement: where a new holder (a container group or virtual node) lands — zone, vSwitch, security
//! group, address — what it registers on first use, the EIP it gets, and what it gives back.

use super::{in_vpc_key, pool, registration, Eip, RegionNetwork, Registration, SecurityGroup, VSwitch};
use crate::error::{ApiError, ErrorCode};
use crate::util::IdGenerator;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Where a new group lands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Placement {
    pub zone_id: String,
    pub vswitch_id: String,
    pub vpc_id: String,
    pub security_group_id: String,
    pub ip: Ipv4Addr,
}

/// Which EIP a new holder gets: a declared one by id, a new one, or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EipChoice<'a> {
    None,
    Bind(&'a str),
    Create,
}

impl<'a> EipChoice<'a> {
    /// From a request's EIP id (which wins) and its ask for a new one.
    pub fn from_request(eip_instance_id: Option<&'a str>, create: bool) -> Self {
        match (eip_instance_id.filter(|e| !e.is_empty()), create) {
            (Some(id), _) => EipChoice::Bind(id),
            (None, true) => EipChoice::Create,
            (None, false) => EipChoice::None,
        }
    }
}

/// What a create asks of the network.
#[derive(Debug, Default)]
pub struct PlacementRequest<'a> {
    pub zone_id: Option<&'a str>,
    /// vSwitch ids in the order to try them.
    pub vswitch_ids: Vec<&'a str>,
    pub security_group_id: Option<&'a str>,
    pub private_ip: Option<Ipv4Addr>,
    /// Whose call it is: another account's vSwitch or security group is unknown to it. `None` sees
    /// every one.
    pub account: Option<&'a str>,
    /// How a default vSwitch is made for the placement, when it names no vSwitch and the account's
    /// own default VPC has none in the zone (`None`: none is made).
    pub making: Option<Making<'a>>,
}

/// Where the id of what a placement makes comes from, and when it is made.
#[derive(Debug, Clone, Copy)]
pub struct Making<'a> {
    pub ids: &'a IdGenerator,
    pub now: time::OffsetDateTime,
}

/// What `zone_open` said of each zone during one placement, so each zone is asked once.
#[derive(Default)]
struct ZoneVerdicts {
    open: Vec<String>,
    refused: Vec<String>,
    last_refusal: Option<ApiError>,
}

impl ZoneVerdicts {
    fn is_open(&mut self, zone: &str, zone_open: &mut dyn FnMut(&str) -> Result<(), ApiError>) -> bool {
        if self.open.iter().any(|z| z == zone) {
            return true;
        }
        if self.refused.iter().any(|z| z == zone) {
            return false;
        }
        match zone_open(zone) {
            Ok(()) => {
                self.open.push(zone.to_owned());
                true
            }
            Err(refusal) => {
                self.refused.push(zone.to_owned());
                self.last_refusal = Some(refusal);
                false
            }
        }
    }
}

impl RegionNetwork {
    /// Takes again what a loaded holder holds: its address and its EIP (made again if the stored
    /// network was written before the EIP was).
    pub fn reclaim(&mut self, placement: &Placement, eip: Option<&(String, Ipv4Addr)>, holder: &str) {
        if let Some(v) = self
            .by_id
            .get(&placement.vswitch_id)
            .and_then(|i| self.v_switches.get_mut(*i))
        {
            let _ = v.pool.claim(placement.ip);
        }
        self.count_holder(&placement.security_group_id, true);
        let Some((allocation_id, ip)) = eip else { return };
        match self
            .eips
            .get(allocation_id)
            .map(|e| e.bound_to.as_deref() == Some(holder))
        {
            Some(true) => {}
            Some(false) => {
                if let Some(known) = self.eips.get_mut(allocation_id) {
                    known.bound_to = Some(holder.to_owned());
                }
            }
            None => {
                let made = Eip::declared(allocation_id, *ip, Some(holder), true);
                if let Err(why) = self.insert_eip(made) {
                    tracing::warn!(holder, "a loaded EIP is not taken again: {why}");
                }
            }
        }
    }

    /// The IPv6 address of a placement: its vSwitch's IPv6 block at the IPv4 address's offset in the
    /// IPv4 block, so no two holders share one and none needs a pool of its own. `None` when the
    /// vSwitch has no IPv6 block.
    pub fn ipv6_of(&self, placement: &Placement) -> Option<Ipv6Addr> {
        let vswitch = self.vswitch(&placement.vswitch_id)?;
        let block = vswitch.ipv6_cidr_block?;
        let offset = u32::from(placement.ip).checked_sub(u32::from(vswitch.cidr_block.network()))?;
        Some(Ipv6Addr::from(
            u128::from(block.network()).wrapping_add(u128::from(offset)),
        ))
    }

    /// Picks zone, vSwitch and security group and allocates an intranet IP.
    ///
    /// With several vSwitches the first with a free address wins, as multi-zone creation does. Unknown
    /// vSwitch and security-group ids are registered on first use unless `strict`.
    pub fn place(&mut self, request: &PlacementRequest<'_>, strict: bool) -> Result<Placement, ApiError> {
        self.place_in_open_zones(request, strict, &mut |_| Ok(()))
    }

    /// `place`, asking `zone_open` before using a zone: a zone it refuses is passed over for the next
    /// candidate, as multi-zone creation passes over a zone out of stock, and when every candidate
    /// was refused its last refusal is the answer.
    pub fn place_in_open_zones(
        &mut self,
        request: &PlacementRequest<'_>,
        strict: bool,
        zone_open: &mut dyn FnMut(&str) -> Result<(), ApiError>,
    ) -> Result<Placement, ApiError> {
        let placement = self.pick_placement(request, strict, zone_open)?;
        self.count_holder(&placement.security_group_id, true);
        Ok(placement)
    }

    /// One more (or one fewer) holder placed in a security group: a group in use is not deleted.
    fn count_holder(&mut self, security_group_id: &str, placed: bool) {
        if let Some(group) = self.security_groups.get_mut_unstored(security_group_id) {
            group.holders = if placed {
                group.holders + 1
            } else {
                group.holders.saturating_sub(1)
            };
        }
    }

    fn pick_placement(
        &mut self,
        request: &PlacementRequest<'_>,
        strict: bool,
        zone_open: &mut dyn FnMut(&str) -> Result<(), ApiError>,
    ) -> Result<Placement, ApiError> {
        if let Some(zone) = request.zone_id {
            if !self.region.zones.iter().any(|z| z == zone) {
                return Err(ApiError::new(ErrorCode::ZoneNotOnSale));
            }
        }
        let mut candidates = self.candidates(request, strict)?;
        let vpc_id = match candidates.first().and_then(|i| self.v_switches.get(*i)) {
            Some(v) => v.vpc_id.clone(),
            None => return Err(ApiError::new(ErrorCode::IpNotEnough)),
        };
        let foreign = |g: &SecurityGroup| request.account.is_some_and(|a| !g.api.visible_to(a));
        if request
            .security_group_id
            .and_then(|id| self.security_groups.get(id))
            .is_some_and(foreign)
        {
            return Err(ApiError::new(ErrorCode::SecurityGroupNotFound));
        }
        let security_group_id = self.security_group_for(request.security_group_id, &vpc_id, strict, request.account)?;
        let group_vpc = self
            .security_groups
            .get(&security_group_id)
            .map(|g| g.vpc_id.clone())
            .unwrap_or(vpc_id);
        if candidates
            .iter()
            .filter_map(|i| self.v_switches.get(*i))
            .any(|v| v.vpc_id != group_vpc)
        {
            return Err(ApiError::new(ErrorCode::SecurityGroupMisMatch));
        }
        if let Some(ip) = request.private_ip {
            candidates.retain(|i| self.v_switches.get(*i).is_some_and(|v| v.cidr_block.contains(&ip)));
            let index = *candidates.first().ok_or_else(|| {
                ApiError::invalid(
                    "PrivateIpAddress",
                    "the address is not in the CIDR block of the vSwitch",
                )
            })?;
            if let Some(vswitch) = self.v_switches.get(index) {
                zone_open(&vswitch.zone_id)?;
            }
            return self.claim(index, ip, security_group_id);
        }
        let mut zones = ZoneVerdicts::default();
        for index in candidates {
            let Some(vswitch) = self.v_switches.get_mut(index) else {
                continue;
            };
            if !vswitch.pool.has_free() || !zones.is_open(&vswitch.zone_id, zone_open) {
                continue;
            }
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
        Err(zones
            .last_refusal
            .unwrap_or_else(|| ApiError::new(ErrorCode::IpNotEnough)))
    }

    /// Takes one named address of a vSwitch.
    fn claim(&mut self, index: usize, ip: Ipv4Addr, security_group_id: String) -> Result<Placement, ApiError> {
        let vswitch = self
            .v_switches
            .get_mut(index)
            .ok_or_else(|| ApiError::new(ErrorCode::IpNotEnough))?;
        match vswitch.pool.claim(ip) {
            Ok(()) => Ok(Placement {
                zone_id: vswitch.zone_id.clone(),
                vswitch_id: vswitch.v_switch_id.clone(),
                vpc_id: vswitch.vpc_id.clone(),
                security_group_id,
                ip,
            }),
            Err(pool::ClaimError::InUse) => Err(ApiError::new(ErrorCode::PrivateIpInUse)),
            Err(pool::ClaimError::Reserved) => Err(ApiError::invalid(
                "PrivateIpAddress",
                "the address is reserved in the vSwitch",
            )),
        }
    }

    fn candidates(&mut self, request: &PlacementRequest<'_>, strict: bool) -> Result<Vec<usize>, ApiError> {
        if request.vswitch_ids.is_empty() {
            if let Some(account) = request.account.filter(|a| self.own_default_vpc(a).is_some()) {
                return self.own_default_candidates(account, request);
            }
            let zone = request.zone_id;
            // The default VPC's own vSwitches, in the order they were made (the zones' order).
            let mut picked: Vec<usize> = self
                .vswitches_under(&in_vpc_key(&self.default_vpc_id))
                .filter(|v| !v.auto_registered && zone.is_none_or(|z| v.zone_id == z))
                .filter_map(|v| self.by_id.get(&v.v_switch_id).copied())
                .collect();
            picked.sort_unstable();
            return Ok(picked);
        }
        let mut picked = Vec::with_capacity(request.vswitch_ids.len());
        let foreign = |v: &VSwitch| request.account.is_some_and(|a| !v.api.visible_to(a));
        for id in &request.vswitch_ids {
            let index = match self.by_id.get(*id) {
                Some(index) if self.v_switches.get(*index).is_some_and(foreign) => {
                    return Err(ApiError::new(ErrorCode::VSwitchNotFound))
                }
                Some(index) => *index,
                None if strict => return Err(ApiError::new(ErrorCode::VSwitchNotFound)),
                None => {
                    self.may_register(id, registration::Kind::VSwitch, request.account)?;
                    let zone = request
                        .zone_id
                        .or_else(|| self.region.zones.first().map(String::as_str));
                    let zone = zone.unwrap_or_default().to_owned();
                    let block_before = self.next_block;
                    let index = self
                        .add_default_vswitch((*id).to_owned(), &zone, Registration::For(request.account))
                        .ok_or_else(|| ApiError::new(ErrorCode::IpNotEnough))?;
                    self.note_registered_vswitch(id, block_before);
                    index
                }
            };
            let in_zone = match (request.zone_id, self.v_switches.get(index)) {
                (Some(zone), Some(v)) => v.zone_id == zone,
                _ => true,
            };
            if !in_zone {
                return Err(ApiError::new(ErrorCode::VswZoneMisMatch));
            }
            picked.push(index);
        }
        Ok(picked)
    }

    /// With no vSwitch named, an account with a default VPC of its own is placed on that VPC's
    /// default vSwitches (in the zone asked for), as ECI places such a group; when the zone has none,
    /// one is made there (registered, so a failed create takes it back).
    fn own_default_candidates(
        &mut self,
        account: &str,
        request: &PlacementRequest<'_>,
    ) -> Result<Vec<usize>, ApiError> {
        let mut picked: Vec<usize> = self
            .own_default_vswitches(account, request.zone_id)
            .iter()
            .filter_map(|v| self.by_id.get(&v.v_switch_id).copied())
            .collect();
        if picked.is_empty() {
            let full = || ApiError::new(ErrorCode::IpNotEnough);
            let (vpc_id, block, making) = match (self.own_default_vpc(account), request.making) {
                (Some(vpc), Some(making)) => (vpc.vpc_id.clone(), self.first_free_block(vpc), making),
                _ => return Err(full()),
            };
            let block = block.ok_or_else(full)?;
            let zone = request
                .zone_id
                .or_else(|| self.region.zones.first().map(String::as_str))
                .unwrap_or_default()
                .to_owned();
            let id = making
                .ids
                .unused_resource_id("vsw", &self.region.id_code, |id| {
                    self.vswitch(id).is_some() || self.deleted.contains(id)
                })
                .ok_or_else(full)?;
            let api = super::Attributes {
                owner: Some(account.to_owned()),
                created_at: Some(making.now),
                ..super::Attributes::default()
            };
            let index = self.add_zone_default_vswitch(id.clone(), &vpc_id, &zone, block, api, None);
            self.note_made_vswitch(&id);
            picked.push(index);
        }
        picked.sort_unstable();
        Ok(picked)
    }

    /// The named group (registered in `vpc_id` on first use unless strict), or the VPC's default one.
    fn security_group_for(
        &mut self,
        requested: Option<&str>,
        vpc_id: &str,
        strict: bool,
        account: Option<&str>,
    ) -> Result<String, ApiError> {
        match requested {
            Some(id) if self.security_groups.contains_key(id) => Ok(id.to_owned()),
            Some(_) if strict => Err(ApiError::new(ErrorCode::SecurityGroupNotFound)),
            Some(id) => {
                self.may_register(id, registration::Kind::SecurityGroup, account)?;
                self.register_security_group(id, vpc_id, account);
                Ok(id.to_owned())
            }
            None => {
                if let Some(existing) = self.default_groups.get(vpc_id) {
                    return Ok(existing.clone());
                }
                let id = format!("sg-default-{vpc_id}");
                // The VPC's owner's (nobody's for the region's and fixtures' VPCs), so another account
                // never sees a group in a VPC it cannot see.
                let owner = self.vpcs.get(vpc_id).and_then(|v| v.api.owner.clone());
                self.insert_security_group(&id, vpc_id, Registration::Owned(owner));
                self.note_registered_security_group(&id);
                self.default_groups.insert(vpc_id.to_owned(), id.clone());
                self.touched.meta = true;
                Ok(id)
            }
        }
    }

    /// Gives back what a placement holds: its address to its vSwitch, its place in its security group.
    pub fn give_back(&mut self, placement: &Placement) {
        self.release_placement(placement, false);
    }

    /// Takes back a placement that will not be used (a dry run's) as if it had not been made: the
    /// address, the place in its security group, and where its vSwitch hands out the next address
    /// when it was drawn rather than named (`named`).
    pub fn withdraw(&mut self, placement: &Placement, named: bool) {
        self.release_placement(placement, !named);
    }

    fn release_placement(&mut self, placement: &Placement, undo_draw: bool) {
        if let Some(v) = self
            .by_id
            .get(&placement.vswitch_id)
            .and_then(|i| self.v_switches.get_mut(*i))
        {
            match undo_draw {
                true => v.pool.undo_allocate(placement.ip),
                false => {
                    v.pool.release(placement.ip);
                }
            }
        }
        self.count_holder(&placement.security_group_id, false);
    }

    /// Gives `holder` (a group or a virtual node), placed at `placement`, the EIP it asks for. On
    /// failure the placement's address is given back, so the caller holds nothing.
    pub fn attach_eip(
        &mut self,
        placement: &Placement,
        choice: EipChoice<'_>,
        holder: &str,
        ids: &IdGenerator,
        account: Option<&str>,
    ) -> Result<Option<(String, Ipv4Addr)>, ApiError> {
        let eip = match choice {
            EipChoice::Bind(allocation_id) => self
                .check_eip(allocation_id, account)
                .and_then(|()| self.bind_eip(allocation_id, holder))
                .map(|ip| Some((allocation_id.to_owned(), ip))),
            EipChoice::Create => self
                .create_eip(holder, ids)
                .map(|e| Some((e.allocation_id, e.ip_address))),
            EipChoice::None => Ok(None),
        };
        if eip.is_err() {
            self.give_back(placement);
        }
        eip
    }

    /// Gives back what a holder that is gone had: its address and its EIP.
    pub fn detach(&mut self, placement: &Placement, eip: Option<&str>) {
        self.give_back(placement);
        if let Some(eip) = eip {
            self.release_eip(eip);
        }
    }
}
