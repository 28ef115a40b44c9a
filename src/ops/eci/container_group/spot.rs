//! Spot groups and the world they live in: when the market lets a group with a price limit go, and
//! which spot groups go when their zone's capacity shrinks below what is held; planned when a group
//! is made and again whenever the market or the capacity is declared anew.

use super::model::ContainerGroup;
use super::sizing::Size;
use super::stock::planned_release;
use crate::capacity::Slot;
use crate::lifecycle::machine::{SpotRelease, SPOT_NOTICE};
use crate::ops::EciState;
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

/// The protection a spot group asked for, in hours (`SpotDuration`, one when unset).
fn protection_hours(group: &ContainerGroup) -> i64 {
    i64::from(group.spec.spot_duration.unwrap_or(1))
}

/// When the market lets `group` go, as of `now`: only a `SpotWithPriceLimit` group has a limit the
/// market can pass.
pub fn release_plan(eci: &EciState, group: &ContainerGroup, now: OffsetDateTime) -> Option<SpotRelease> {
    let limit = group.spec.spot_limit()?;
    let size = Size {
        cpu: group.cpu,
        memory: group.memory,
    };
    planned_release(
        eci,
        &group.capacity_slot(),
        group.spec.instance_type.as_deref(),
        size,
        (limit, protection_hours(group)),
        group.created_at,
        now,
    )
}

/// After capacity, the market or both were declared anew: what is due by the clock applied first,
/// the room the groups hold counted again, and which spot groups go planned again.
pub fn world_changed(eci: &EciState, faults: &crate::faults::Faults, capacity: bool, market: bool) {
    eci.settle_all(faults);
    if capacity {
        eci.recount_capacity();
        reclaim_over_capacity(eci);
    }
    if market {
        replan_market(eci);
    }
}

/// After the market changed: each spot group with a limit is planned again (one already told keeps
/// its plan). Costs what the stored groups are: a side-API call, not a request's.
pub fn replan_market(eci: &EciState) {
    let now = eci.clock.now();
    for (_, partition) in eci.registry.snapshot() {
        let mut state = partition.write();
        let planned: Vec<(String, Option<SpotRelease>)> = state
            .groups
            .iter()
            .filter(|g| g.holds_capacity() && g.spec.spot_limit().is_some())
            .map(|g| (g.id.clone(), release_plan(eci, g, now)))
            .collect();
        for (id, plan) in planned {
            state.change_life(&id, |life| life.plan_spot_release(plan));
        }
    }
}

/// After the capacity changed: in each zone (or size of a zone) now holding more than declared, the
/// newest spot groups not yet told are let go, as many as are over: told now (or `SPOT_NOTICE`
/// before their protection ends, if that is later) and gone `SPOT_NOTICE` after. Groups that are not
/// spot keep their room; the zone stays over until they go.
pub fn reclaim_over_capacity(eci: &EciState) {
    let now = eci.clock.now();
    // Newest first: (when made, id, partition, slot, when its protection ends).
    let mut candidates: Vec<(OffsetDateTime, String, usize, Slot, OffsetDateTime)> = Vec::new();
    let partitions = eci.registry.snapshot();
    for (index, (_, partition)) in partitions.iter().enumerate() {
        let state = partition.read();
        for group in state.groups.iter() {
            if group.spec.is_spot() && group.holds_capacity() && group.life.spot_release.is_none() {
                let protected_until = group.created_at + Duration::hours(protection_hours(group));
                candidates.push((
                    group.created_at,
                    group.id.clone(),
                    index,
                    group.capacity_slot(),
                    protected_until,
                ));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
    let mut needed: HashMap<Slot, u32> = HashMap::new();
    for (_, _, _, slot, _) in &candidates {
        for s in [slot.clone(), slot.zone_wide()] {
            let excess = eci.capacity.excess(&s);
            needed.entry(s).or_insert(excess);
        }
    }
    for (_, id, index, slot, protected_until) in candidates {
        let wide = slot.zone_wide();
        let own = needed.get(&slot).copied().unwrap_or(0);
        let zone = needed.get(&wide).copied().unwrap_or(0);
        if own == 0 && zone == 0 {
            continue;
        }
        for s in [&slot, &wide] {
            if let Some(n) = needed.get_mut(s) {
                *n = n.saturating_sub(1);
            }
        }
        let Some((_, partition)) = partitions.get(index) else {
            continue;
        };
        let decided = (protected_until - SPOT_NOTICE).max(now);
        partition.write().change_life(&id, |life| {
            life.plan_spot_release(Some(SpotRelease::decided_at(decided)))
        });
    }
}
