//! Zone capacity: how many more container groups of a size fit in a zone, for every region, zone
//! and size a user declared, and how many each (region, zone, size) holds now, declared or not.
//!
//! A size is a specification key (`spec_key`): `"<vCPU>-<GiB>"` for a group sized by vCPU and memory
//! (after rounding up to a supported specification), or the instance type's name. A declaration for
//! the size `"*"` bounds the whole zone, whatever the size. Nothing is declared by default, and an
//! undeclared (zone, size) is unlimited, so nothing changes for a user who declares nothing.
//!
//! A group holds its room from its create until it ends (`Succeeded`, `Failed`, `Expired`,
//! `ScheduleFailed`) or is removed, whichever comes first: an ended group's instance is gone.
//! Room is counted only while something is declared, so a create pays nothing for it otherwise; a
//! declaration counts what the groups hold then (`recount`), and a loaded state counts its groups.

pub mod market;

use crate::util::FastMap;
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// The size key of a declaration that bounds a zone whatever the size.
pub const ANY_SIZE: &str = "*";

/// Declarations accepted in one document: more is a mistake, not a world.
const MAX_RULES: usize = 10_000;

/// One declaration: at most `groups` groups of `spec` at a time in `zone_id` of `region_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CapacityRule {
    pub region_id: String,
    pub zone_id: String,
    /// `"2-4"` (vCPU-GiB), an instance type such as `ecs.c6.large`, or `"*"` (any size; the default).
    #[serde(default = "any_size")]
    pub spec: String,
    pub groups: u32,
}

fn any_size() -> String {
    ANY_SIZE.to_owned()
}

/// Where a group's room is counted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    pub region_id: String,
    pub zone_id: String,
    pub spec: String,
}

impl Slot {
    pub fn new(region_id: &str, zone_id: &str, spec: &str) -> Self {
        Slot {
            region_id: region_id.to_owned(),
            zone_id: zone_id.to_owned(),
            spec: spec.to_owned(),
        }
    }

    pub fn zone_wide(&self) -> Slot {
        Slot::new(&self.region_id, &self.zone_id, ANY_SIZE)
    }
}

/// One declared slot as `GET /_emulator/capacity` and the metrics show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SlotState {
    pub region_id: String,
    pub zone_id: String,
    pub spec: String,
    pub groups: u32,
    pub in_use: u32,
    pub remaining: u32,
}

#[derive(Debug, Default)]
struct Inner {
    limits: BTreeMap<Slot, u32>,
    /// Groups holding room, by slot; a zone-wide count under `ANY_SIZE` besides. Empty slots go.
    in_use: FastMap<Slot, u32>,
}

impl Inner {
    fn in_use(&self, slot: &Slot) -> u32 {
        self.in_use.get(slot).copied().unwrap_or(0)
    }

    fn fits(&self, slot: &Slot) -> bool {
        let room = |s: &Slot| self.limits.get(s).is_none_or(|limit| self.in_use(s) < *limit);
        room(slot) && (slot.spec == ANY_SIZE || room(&slot.zone_wide()))
    }

    fn add(&mut self, slot: &Slot) {
        *self.in_use.entry(slot.clone()).or_default() += 1;
        if slot.spec != ANY_SIZE {
            *self.in_use.entry(slot.zone_wide()).or_default() += 1;
        }
    }

    fn remove(&mut self, slot: &Slot) {
        for s in [slot.clone(), slot.zone_wide()] {
            if let Some(count) = self.in_use.get_mut(&s) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    self.in_use.remove(&s);
                }
            }
            if slot.spec == ANY_SIZE {
                break;
            }
        }
    }
}

/// Every region's declared capacity and what is in use.
#[derive(Debug, Default)]
pub struct Capacity {
    inner: Mutex<Inner>,
    /// Whether anything is declared: only then is room counted.
    active: AtomicBool,
    /// Moves with every change of the declarations (what the durable state keeps).
    revision: AtomicU64,
}

impl Capacity {
    /// Checks declarations: known regions and zones, each slot once.
    pub fn check(rules: &[CapacityRule]) -> Result<(), String> {
        if rules.len() > MAX_RULES {
            return Err(format!("{} declarations; at most {MAX_RULES}", rules.len()));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (index, rule) in rules.iter().enumerate() {
            let at = format!("capacity[{index}]");
            let region = crate::network::region(&rule.region_id)
                .map_err(|_| format!("{at}.regionId: unknown region {:?}", rule.region_id))?;
            if !region.zones.contains(&rule.zone_id) {
                return Err(format!(
                    "{at}.zoneId: {:?} is not a zone of {}",
                    rule.zone_id, rule.region_id
                ));
            }
            if rule.spec.is_empty() || rule.spec.len() > 64 {
                return Err(format!(
                    "{at}.spec: must be 1 to 64 characters (\"2-4\", a type, or \"*\")"
                ));
            }
            if !seen.insert((&rule.region_id, &rule.zone_id, &rule.spec)) {
                return Err(format!(
                    "{at}: {}/{}/{} is declared twice",
                    rule.region_id, rule.zone_id, rule.spec
                ));
            }
        }
        Ok(())
    }

    /// Puts `rules` in place of every declaration; what is in use stays.
    pub fn declare(&self, rules: &[CapacityRule]) -> Result<(), String> {
        Self::check(rules)?;
        let mut inner = self.inner.lock();
        inner.limits = rules
            .iter()
            .map(|r| (Slot::new(&r.region_id, &r.zone_id, &r.spec), r.groups))
            .collect();
        self.settle(&mut inner);
        Ok(())
    }

    /// Adds `rules` to the declarations (a fixture document's), each replacing the same slot's.
    pub fn merge(&self, rules: &[CapacityRule]) -> Result<(), String> {
        Self::check(rules)?;
        let mut inner = self.inner.lock();
        for rule in rules {
            inner
                .limits
                .insert(Slot::new(&rule.region_id, &rule.zone_id, &rule.spec), rule.groups);
        }
        self.settle(&mut inner);
        Ok(())
    }

    /// After the declarations changed: counting on while any is declared, nothing kept otherwise.
    fn settle(&self, inner: &mut Inner) {
        let active = !inner.limits.is_empty();
        if !active {
            inner.in_use.clear();
        }
        self.active.store(active, Ordering::Release);
        self.revision.fetch_add(1, Ordering::AcqRel);
    }

    /// Whether anything is declared (and so room is counted).
    pub fn is_active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    /// Counts what `held` holds in place of what was counted: the groups' room when a declaration
    /// starts the counting.
    pub fn recount(&self, held: impl IntoIterator<Item = Slot>) {
        let mut inner = self.inner.lock();
        inner.in_use.clear();
        for slot in held {
            inner.add(&slot);
        }
    }

    /// The declarations, in region, zone and size order.
    pub fn rules(&self) -> Vec<CapacityRule> {
        let inner = self.inner.lock();
        inner
            .limits
            .iter()
            .map(|(slot, groups)| CapacityRule {
                region_id: slot.region_id.clone(),
                zone_id: slot.zone_id.clone(),
                spec: slot.spec.clone(),
                groups: *groups,
            })
            .collect()
    }

    /// Every declared slot with what is in use and what is left.
    pub fn slots(&self) -> Vec<SlotState> {
        let inner = self.inner.lock();
        inner
            .limits
            .iter()
            .map(|(slot, groups)| {
                let in_use = inner.in_use(slot);
                SlotState {
                    region_id: slot.region_id.clone(),
                    zone_id: slot.zone_id.clone(),
                    spec: slot.spec.clone(),
                    groups: *groups,
                    in_use,
                    remaining: groups.saturating_sub(in_use),
                }
            })
            .collect()
    }

    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Whether one more group of `slot`'s size fits in its zone now.
    pub fn fits(&self, slot: &Slot) -> bool {
        self.inner.lock().fits(slot)
    }

    /// Takes room for one group, when there is some: checked and taken at once, so two creates never
    /// take the last room both.
    pub fn try_take(&self, slot: &Slot) -> bool {
        if !self.is_active() {
            return true;
        }
        let mut inner = self.inner.lock();
        if !inner.fits(slot) {
            return false;
        }
        inner.add(slot);
        true
    }

    /// Counts a group that holds room whatever is declared: one loaded with the state.
    pub fn hold(&self, slot: &Slot) {
        if self.is_active() {
            self.inner.lock().add(slot);
        }
    }

    /// A group no longer holds its room.
    pub fn give_back(&self, slot: &Slot) {
        if self.is_active() {
            self.inner.lock().remove(slot);
        }
    }

    /// How many groups `slot` holds beyond what is declared for exactly it (zero when undeclared);
    /// a zone's size `"*"` counts every size.
    pub fn excess(&self, slot: &Slot) -> u32 {
        let inner = self.inner.lock();
        inner
            .limits
            .get(slot)
            .map_or(0, |limit| inner.in_use(slot).saturating_sub(*limit))
    }

    /// Nothing declared and nothing in use.
    pub fn clear(&self) {
        let mut inner = self.inner.lock();
        *inner = Inner::default();
        self.settle(&mut inner);
    }
}

/// The size key of a group: its instance type, or its granted vCPU and memory (`"2-4"`,
/// `"0.25-0.5"`).
pub fn spec_key(instance_type: Option<&str>, cpu: f64, memory: f64) -> String {
    match instance_type.filter(|t| !t.is_empty()) {
        Some(instance_type) => instance_type.to_owned(),
        None => format!("{}-{}", number(cpu), number(memory)),
    }
}

/// A number as a spec key writes it: no trailing zeros.
fn number(value: f64) -> String {
    let text = format!("{value:.3}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(zone: &str, spec: &str, groups: u32) -> CapacityRule {
        CapacityRule {
            region_id: "cn-hangzhou".into(),
            zone_id: zone.into(),
            spec: spec.into(),
            groups,
        }
    }

    #[test]
    fn a_declared_slot_fills_and_gives_back_and_an_undeclared_one_is_unlimited() {
        let capacity = Capacity::default();
        capacity.declare(&[rule("cn-hangzhou-b", "2-4", 2)]).unwrap();
        let slot = Slot::new("cn-hangzhou", "cn-hangzhou-b", "2-4");
        assert!(capacity.try_take(&slot) && capacity.try_take(&slot));
        assert!(!capacity.try_take(&slot), "the third of two");
        capacity.give_back(&slot);
        assert!(capacity.try_take(&slot), "room again after a give-back");
        let other = Slot::new("cn-hangzhou", "cn-hangzhou-c", "2-4");
        assert!((0..1000).all(|_| capacity.try_take(&other)));
        let state = capacity.slots();
        assert_eq!((state[0].in_use, state[0].remaining), (2, 0));
    }

    #[test]
    fn a_zone_wide_declaration_bounds_every_size() {
        let capacity = Capacity::default();
        capacity.declare(&[rule("cn-hangzhou-b", ANY_SIZE, 3)]).unwrap();
        let small = Slot::new("cn-hangzhou", "cn-hangzhou-b", "1-2");
        let large = Slot::new("cn-hangzhou", "cn-hangzhou-b", "ecs.c6.large");
        assert!(capacity.try_take(&small) && capacity.try_take(&large) && capacity.try_take(&small));
        assert!(!capacity.try_take(&large));
        capacity.declare(&[rule("cn-hangzhou-b", ANY_SIZE, 1)]).unwrap();
        let zone = Slot::new("cn-hangzhou", "cn-hangzhou-b", ANY_SIZE);
        assert_eq!(capacity.excess(&zone), 2, "three held, one declared");
        assert_eq!(capacity.excess(&small), 0, "no declaration of its own");
    }

    #[test]
    fn declarations_name_what_is_wrong() {
        let unknown_zone = Capacity::check(&[rule("cn-hangzhou-z", "*", 1)]).unwrap_err();
        assert!(unknown_zone.contains("capacity[0].zoneId"), "{unknown_zone}");
        let twice = Capacity::check(&[rule("cn-hangzhou-b", "*", 1), rule("cn-hangzhou-b", "*", 2)]).unwrap_err();
        assert!(twice.contains("capacity[1]") && twice.contains("twice"), "{twice}");
    }

    #[test]
    fn spec_keys_read_as_users_write_them() {
        assert_eq!(spec_key(None, 2.0, 4.0), "2-4");
        assert_eq!(spec_key(None, 0.25, 0.5), "0.25-0.5");
        assert_eq!(spec_key(Some("ecs.c6.large"), 2.0, 4.0), "ecs.c6.large");
    }
}
