//! The spot market: for each region, zone and size (`Slot`), the hourly price of a spot instance
//! with the default one-hour protection, as it moves on the virtual clock.
//!
//! A slot's price is its declared series (a step function: each point holds until the next; before
//! the first, the reference price), else the seeded walk when one is declared, else the reference
//! price: the catalogue's spot price for the size, which the caller gives. Nothing is declared by
//! default, so the market stands still at the catalogue's price and reclaims nobody.
//!
//! The walk is mean-reverting around the reference: each step of `stepMinutes` moves the offset
//! `x` to `0.8·x + volatility·u` with `u` drawn in [-1, 1] from the seed, the slot and the step's
//! number; the price is `reference·(1 + x)`, never below a tenth of the reference nor above the
//! pay-as-you-go price (a spot instance never costs more than the same instance paid by the hour).
//! The same seed, slot and start give the same prices, whatever else the emulator did.

use super::Slot;
use crate::util::FastMap;
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use time::{Duration, OffsetDateTime};

/// How far ahead a walk is searched for a price above a group's limit.
pub const SEARCH_AHEAD: Duration = Duration::days(30);
const MIN_STEP_MINUTES: u32 = 5;
const MAX_POINTS: usize = 100_000;
/// Walk offsets kept across every slot (8 bytes each) before the draws start over.
const MAX_DRAWN: usize = 2_000_000;

/// The market as declared: price series for some slots, and a walk for the others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MarketDocument {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub series: Vec<PriceSeries>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk: Option<Walk>,
}

/// One slot's prices over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceSeries {
    pub region_id: String,
    pub zone_id: String,
    /// `"2-4"` (vCPU-GiB) or an instance type, as capacity names sizes.
    pub spec: String,
    pub prices: Vec<PricePoint>,
}

/// From `at` on, the hourly price is `price` (until the next point).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PricePoint {
    pub at: Moment,
    pub price: f64,
}

/// A moment as a declaration gives it: an RFC 3339 time, or seconds after the moment the document
/// is declared (stored as the time it came to).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Moment {
    #[serde(with = "time::serde::rfc3339")]
    At(OffsetDateTime),
    After(f64),
}

impl Moment {
    fn resolve(self, declared_at: OffsetDateTime) -> Result<OffsetDateTime, String> {
        match self {
            Moment::At(at) => Ok(at),
            Moment::After(seconds) if seconds.is_finite() && (0.0..=1e9).contains(&seconds) => {
                Ok(declared_at + Duration::seconds_f64(seconds))
            }
            Moment::After(seconds) => Err(format!("{seconds} is not a number of seconds from 0 to 1e9")),
        }
    }

    /// The time it stands for (an unresolved offset counts from the Unix epoch; documents are
    /// resolved when they are declared).
    pub fn time(self) -> OffsetDateTime {
        match self {
            Moment::At(at) => at,
            Moment::After(seconds) => OffsetDateTime::UNIX_EPOCH + Duration::seconds_f64(seconds),
        }
    }
}

/// A seeded walk for every slot without a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Walk {
    pub seed: u64,
    #[serde(default = "default_step_minutes")]
    pub step_minutes: u32,
    #[serde(default = "default_volatility")]
    pub volatility: f64,
    /// When the walk starts (the reference price holds before); the moment it is declared when
    /// not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Moment>,
}

fn default_step_minutes() -> u32 {
    60
}

fn default_volatility() -> f64 {
    0.1
}

impl MarketDocument {
    /// The document checked, with every moment made a time (offsets count from `now`).
    pub fn resolved(mut self, now: OffsetDateTime) -> Result<Self, String> {
        let points: usize = self.series.iter().map(|s| s.prices.len()).sum();
        if points > MAX_POINTS {
            return Err(format!("{points} price points; at most {MAX_POINTS}"));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (index, series) in self.series.iter_mut().enumerate() {
            let at = format!("series[{index}]");
            let region = crate::network::region(&series.region_id)
                .map_err(|_| format!("{at}.regionId: unknown region {:?}", series.region_id))?;
            if !region.zones.contains(&series.zone_id) {
                return Err(format!(
                    "{at}.zoneId: {:?} is not a zone of {}",
                    series.zone_id, series.region_id
                ));
            }
            if series.spec.is_empty() || series.spec.len() > 64 || series.spec == super::ANY_SIZE {
                return Err(format!("{at}.spec: must name one size (\"2-4\" or an instance type)"));
            }
            if !seen.insert((series.region_id.clone(), series.zone_id.clone(), series.spec.clone())) {
                return Err(format!("{at}: this slot has a series already"));
            }
            for (n, point) in series.prices.iter_mut().enumerate() {
                point.at = Moment::At(point.at.resolve(now).map_err(|e| format!("{at}.prices[{n}].at: {e}"))?);
                if !point.price.is_finite() || point.price < 0.0 {
                    return Err(format!("{at}.prices[{n}].price: must be a price of 0 or more"));
                }
            }
            series.prices.sort_by_key(|p| p.at.time());
        }
        if let Some(walk) = &mut self.walk {
            if walk.step_minutes < MIN_STEP_MINUTES || walk.step_minutes > 24 * 60 {
                return Err(format!("walk.stepMinutes: must be from {MIN_STEP_MINUTES} to 1440"));
            }
            if !walk.volatility.is_finite() || !(0.0..=1.0).contains(&walk.volatility) {
                return Err("walk.volatility: must be from 0 to 1".into());
            }
            let from = walk
                .from
                .unwrap_or(Moment::After(0.0))
                .resolve(now)
                .map_err(|e| format!("walk.from: {e}"))?;
            walk.from = Some(Moment::At(from));
        }
        Ok(self)
    }
}

/// The walk's offsets drawn so far, by slot, and how many in all.
#[derive(Debug, Default)]
struct Drawn {
    by_slot: FastMap<Slot, Vec<f64>>,
    total: usize,
}

/// The market in force and the walk's offsets drawn so far.
#[derive(Debug, Default)]
pub struct Market {
    document: RwLock<MarketDocument>,
    /// Each slot's walk offsets, step by step from the walk's start, drawn as far as asked.
    offsets: Mutex<Drawn>,
    revision: AtomicU64,
}

impl Market {
    /// Puts a document (resolved) in place of the market.
    pub fn declare(&self, document: MarketDocument) {
        *self.document.write() = document;
        *self.offsets.lock() = Drawn::default();
        self.revision.fetch_add(1, Ordering::AcqRel);
    }

    pub fn document(&self) -> MarketDocument {
        self.document.read().clone()
    }

    pub fn revision(&self) -> u64 {
        self.revision.load(Ordering::Acquire)
    }

    /// Whether anything is declared: without, every price is its reference.
    pub fn is_declared(&self) -> bool {
        let document = self.document.read();
        !document.series.is_empty() || document.walk.is_some()
    }

    /// The slot's hourly price at `at`, given its reference price and the pay-as-you-go price.
    pub fn price(&self, slot: &Slot, reference: f64, cap: f64, at: OffsetDateTime) -> f64 {
        let document = self.document.read();
        if let Some(series) = series_of(&document, slot) {
            let held = series.prices.iter().rev().find(|p| p.at.time() <= at);
            return held.map_or(reference, |p| p.price);
        }
        let Some(walk) = &document.walk else {
            return reference;
        };
        let Some(step) = walk_step(walk, at) else {
            return reference;
        };
        let offset = self.offset(walk, slot, step);
        walk_price(reference, cap, offset)
    }

    /// The first moment at or after `from`, and before `from + SEARCH_AHEAD`, at which the slot's
    /// price is above `limit`.
    pub fn first_above(
        &self,
        slot: &Slot,
        reference: f64,
        cap: f64,
        limit: f64,
        from: OffsetDateTime,
    ) -> Option<OffsetDateTime> {
        if self.price(slot, reference, cap, from) > limit {
            return Some(from);
        }
        let document = self.document.read();
        if let Some(series) = series_of(&document, slot) {
            return series
                .prices
                .iter()
                .map(|p| (p.at.time(), p.price))
                .find(|(at, price)| *at > from && *price > limit)
                .map(|(at, _)| at);
        }
        let walk = document.walk.as_ref()?;
        let start = walk.from.map(Moment::time)?;
        let step = Duration::minutes(i64::from(walk.step_minutes));
        let first = walk_step(walk, from).map_or(0, |s| s + 1);
        let last = walk_step(walk, from + SEARCH_AHEAD)?;
        (first..=last).find_map(|n| {
            let price = walk_price(reference, cap, self.offset(walk, slot, n));
            let at = start + step * i32::try_from(n).ok()?;
            (price > limit).then_some(at.max(from))
        })
    }

    /// The walk's offset at step `n` for `slot`, drawn (and kept) up to it.
    fn offset(&self, walk: &Walk, slot: &Slot, n: u64) -> f64 {
        let mut offsets = self.offsets.lock();
        // Bounded in bytes: when full, the draws start over (they come out the same).
        if offsets.total > MAX_DRAWN {
            *offsets = Drawn::default();
        }
        let Drawn { by_slot, total } = &mut *offsets;
        let drawn = by_slot.entry(slot.clone()).or_default();
        let wanted = usize::try_from(n).unwrap_or(usize::MAX).min(max_steps(walk));
        let key = slot_key(walk.seed, slot);
        while drawn.len() <= wanted {
            let k = drawn.len() as u64;
            let previous = drawn.last().copied().unwrap_or(0.0);
            let next = if k == 0 {
                0.0
            } else {
                0.8 * previous + walk.volatility * unit(key, k)
            };
            drawn.push(next);
            *total += 1;
        }
        drawn.get(wanted).copied().unwrap_or(0.0)
    }

    /// Nothing declared.
    pub fn clear(&self) {
        self.declare(MarketDocument::default());
    }
}

fn series_of<'a>(document: &'a MarketDocument, slot: &Slot) -> Option<&'a PriceSeries> {
    document
        .series
        .iter()
        .find(|s| s.region_id == slot.region_id && s.zone_id == slot.zone_id && s.spec == slot.spec)
}

/// The step of the walk `at` falls in; none before the walk starts.
fn walk_step(walk: &Walk, at: OffsetDateTime) -> Option<u64> {
    let from = walk.from.map(Moment::time)?;
    if at < from {
        return None;
    }
    let minutes = (at - from).whole_minutes();
    u64::try_from(minutes / i64::from(walk.step_minutes)).ok()
}

/// Steps a walk is drawn to at most: `SEARCH_AHEAD` past a year of virtual time.
fn max_steps(walk: &Walk) -> usize {
    let minutes = (Duration::days(366) + SEARCH_AHEAD).whole_minutes();
    usize::try_from(minutes / i64::from(walk.step_minutes)).unwrap_or(usize::MAX)
}

fn walk_price(reference: f64, cap: f64, offset: f64) -> f64 {
    let price = reference * (1.0 + offset);
    let rounded = (price.clamp(reference * 0.1, cap.max(reference * 0.1)) * 1e6).round() / 1e6;
    rounded.max(0.0)
}

/// A number for the seed and the slot, the walk's draws start from.
fn slot_key(seed: u64, slot: &Slot) -> u64 {
    let text = format!("{}/{}/{}", slot.region_id, slot.zone_id, slot.spec);
    crate::util::fnv1a(&text, seed ^ crate::util::FNV_OFFSET)
}

/// A draw in [-1, 1] for step `k` (SplitMix64 of the key and the step).
fn unit(key: u64, k: u64) -> f64 {
    let mut z = key.wrapping_add(k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot() -> Slot {
        Slot::new("cn-hangzhou", "cn-hangzhou-b", "2-4")
    }

    fn at(seconds: i64) -> OffsetDateTime {
        OffsetDateTime::UNIX_EPOCH + Duration::seconds(seconds)
    }

    #[test]
    fn a_series_holds_each_price_until_the_next_and_finds_the_first_above_a_limit() {
        let market = Market::default();
        let document = MarketDocument {
            series: vec![PriceSeries {
                region_id: "cn-hangzhou".into(),
                zone_id: "cn-hangzhou-b".into(),
                spec: "2-4".into(),
                prices: vec![
                    PricePoint {
                        at: Moment::After(7200.0),
                        price: 0.9,
                    },
                    PricePoint {
                        at: Moment::After(3600.0),
                        price: 0.2,
                    },
                ],
            }],
            walk: None,
        };
        market.declare(document.resolved(at(1000)).unwrap());
        assert_eq!(
            market.price(&slot(), 0.1, 1.0, at(1000)),
            0.1,
            "the reference before the first"
        );
        assert_eq!(market.price(&slot(), 0.1, 1.0, at(4600)), 0.2);
        assert_eq!(market.price(&slot(), 0.1, 1.0, at(9000)), 0.9);
        assert_eq!(market.first_above(&slot(), 0.1, 1.0, 0.5, at(1000)), Some(at(8200)));
        assert_eq!(market.first_above(&slot(), 0.1, 1.0, 0.95, at(1000)), None);
    }

    #[test]
    fn the_same_seed_walks_the_same_way_and_stays_between_its_bounds() {
        let walk = |seed| MarketDocument {
            series: Vec::new(),
            walk: Some(Walk {
                seed,
                step_minutes: 60,
                volatility: 0.3,
                from: None,
            }),
        };
        let (one, two, other) = (Market::default(), Market::default(), Market::default());
        one.declare(walk(7).resolved(at(0)).unwrap());
        two.declare(walk(7).resolved(at(0)).unwrap());
        other.declare(walk(8).resolved(at(0)).unwrap());
        let prices = |m: &Market| {
            (0..200)
                .map(|h| m.price(&slot(), 0.1, 0.5, at(h * 3600)))
                .collect::<Vec<_>>()
        };
        assert_eq!(prices(&one), prices(&two));
        assert_ne!(prices(&one), prices(&other));
        assert!(prices(&one).iter().all(|p| (0.01..=0.5).contains(p)));
        assert!(prices(&one).windows(2).any(|w| w[0] != w[1]), "it moves");
        let limit = 0.12;
        let found = one.first_above(&slot(), 0.1, 0.5, limit, at(0)).unwrap();
        assert!(one.price(&slot(), 0.1, 0.5, found) > limit);
        let before = found - Duration::minutes(60);
        assert!(before < at(0) || one.price(&slot(), 0.1, 0.5, before) <= limit);
    }

    #[test]
    fn bad_documents_name_what_is_wrong() {
        let bad_step = MarketDocument {
            series: Vec::new(),
            walk: Some(Walk {
                seed: 1,
                step_minutes: 1,
                volatility: 0.1,
                from: None,
            }),
        };
        assert!(bad_step.resolved(at(0)).unwrap_err().contains("walk.stepMinutes"));
        let parsed: Result<MarketDocument, _> = serde_json::from_str(
            r#"{"series": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-q", "spec": "2-4", "prices": []}]}"#,
        );
        assert!(parsed
            .unwrap()
            .resolved(at(0))
            .unwrap_err()
            .contains("series[0].zoneId"));
    }
}
