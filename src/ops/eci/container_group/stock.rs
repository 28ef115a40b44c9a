//! What a create takes from the world besides the network: room in the zone it lands in for its size,
//! or for the first of its instance types (`InstanceType` lists several) with room there; for a
//! `SpotWithPriceLimit` group, a zone whose spot price is within its limit; and the spot release the
//! market then plans for it.
//!
//! Zones are tried in the order placement tries them (multi-zone creation goes through the
//! `VSwitchId` list), and within a zone the instance types in the order given: the emulator's
//! choice, since the documentation does not say which of the two orders comes first. A zone with no
//! room for any of them refuses with `OperationDenied.NoStock`; one whose market is above the limit
//! with `Spot.NotMatched`; when every zone refused, the last refusal is the answer.

use super::dto::CreateContainerGroupRequest;
use super::sizing::Size;
use crate::capacity::{spec_key, Slot};
use crate::error::catalogue::documented_error;
use crate::error::{ApiError, EciCode};
use crate::lifecycle::machine::{SpotRelease, SPOT_NOTICE};
use crate::ops::eci::catalog::market_reference;
use crate::ops::EciState;
use time::{Duration, OffsetDateTime};

const ACTION: &str = "CreateContainerGroup";

/// One size a create may take: its key, and the market's reference and ceiling for it.
struct Candidate {
    size: String,
    reference: f64,
    cap: f64,
}

/// The room a create is taking, while it is placed.
pub struct Stock<'a> {
    eci: &'a EciState,
    region_id: String,
    /// `InstanceType`, split: the types to try, in order.
    types: Vec<String>,
    size: Size,
    /// Each type's (or the size's) key and market prices, made on first need: a create in a world
    /// with nothing declared and no price limit pays nothing for them.
    candidates: Option<Vec<Candidate>>,
    /// `SpotPriceLimit` of a `SpotWithPriceLimit` group.
    limit: Option<f64>,
    now: OffsetDateTime,
    /// The slot taken.
    taken: Option<Slot>,
    /// Which of `types` the group gets.
    chosen: Option<usize>,
}

impl<'a> Stock<'a> {
    pub fn new(eci: &'a EciState, req: &CreateContainerGroupRequest, size: Size, now: OffsetDateTime) -> Self {
        let types = req
            .instance_type
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        let limit = req.spot_limit();
        Stock {
            eci,
            region_id: req.region_id.clone(),
            types,
            size,
            candidates: None,
            limit,
            now,
            taken: None,
            chosen: None,
        }
    }

    fn candidates(types: &[String], size: Size) -> Vec<Candidate> {
        let candidate = |instance_type: Option<&str>| {
            let (reference, cap) = market_reference(instance_type, size.cpu, size.memory);
            Candidate {
                size: spec_key(instance_type, size.cpu, size.memory),
                reference,
                cap,
            }
        };
        match types.is_empty() {
            true => vec![candidate(None)],
            false => types.iter().map(|t| candidate(Some(t))).collect(),
        }
    }

    /// Takes room in `zone` for the first candidate that has it (and a price within the limit), or
    /// answers why the zone refuses.
    pub fn take_in(&mut self, zone: &str) -> Result<(), ApiError> {
        if self.limit.is_none() && !self.eci.capacity.is_active() {
            self.chosen = Some(0);
            return Ok(());
        }
        let mut refusal = documented_error(ACTION, EciCode::OperationDeniedNoStock, None);
        let candidates = self
            .candidates
            .get_or_insert_with(|| Self::candidates(&self.types, self.size));
        for (index, candidate) in candidates.iter().enumerate() {
            let slot = Slot::new(&self.region_id, zone, &candidate.size);
            if let Some(limit) = self.limit {
                let price = self
                    .eci
                    .market
                    .price(&slot, candidate.reference, candidate.cap, self.now);
                if price > limit {
                    let detail = format!("The spot price {price} per hour in {zone} is above the limit {limit}");
                    refusal = documented_error(ACTION, EciCode::SpotNotMatched, Some(&detail));
                    continue;
                }
            }
            if self.eci.capacity.try_take(&slot) {
                self.give_back();
                self.taken = Some(slot);
                self.chosen = Some(index);
                return Ok(());
            }
        }
        Err(refusal)
    }

    /// Gives back what was taken: the create did not go through.
    pub fn give_back(&mut self) {
        if let Some(slot) = self.taken.take() {
            self.eci.capacity.give_back(&slot);
        }
    }

    /// The instance type the group gets, when the create named any.
    pub fn instance_type(&self) -> Option<&str> {
        self.types.get(self.chosen?).map(String::as_str)
    }

    /// Keeps what was taken: the group now holds it.
    pub fn keep(mut self) {
        self.taken = None;
    }
}

impl Drop for Stock<'_> {
    fn drop(&mut self) {
        self.give_back();
    }
}

/// When the market lets a `SpotWithPriceLimit` group go, as of `now`: the first moment its price is
/// above `limit`, searched from `SPOT_NOTICE` before its protection (`SpotDuration` hours, one when
/// unset) ends, and not before `now`. `None` when the market stays within the limit.
pub fn planned_release(
    eci: &EciState,
    slot: &Slot,
    instance_type: Option<&str>,
    size: Size,
    (limit, protection_hours): (f64, i64),
    created: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<SpotRelease> {
    let (reference, cap) = market_reference(instance_type, size.cpu, size.memory);
    let protected_until = created + Duration::hours(protection_hours.clamp(0, 6));
    let from = (protected_until - SPOT_NOTICE).max(created).max(now);
    let decided = eci.market.first_above(slot, reference, cap, limit, from)?;
    Some(SpotRelease::decided_at(decided))
}
