//! `GET /metrics`: what a test suite did to the emulator, in the Prometheus (OpenMetrics) text
//! format. Counters and the latency histogram are kept as calls are answered; resource gauges are
//! read from the state when scraped. Every label value is bounded: actions are the 36 operations
//! (or `unknown`), codes come from the error catalogue or fault rules, no resource id is a label
//! except declared vSwitches.

use crate::lifecycle::GroupStatus;
use crate::ops::eci::container_group::model::index;
use crate::ops::EciState;
use crate::store::IndexKey;
use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

type Labels = Vec<(&'static str, String)>;

/// The labels of a call: typed, so counting a successful call allocates nothing.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    action: &'static str,
    code: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ActionLabels {
    action: &'static str,
}

/// Every family's name, type and help, for the descriptors of families with no sample yet.
const FAMILIES: [(&str, &str, &str); 14] = [
    (
        "eci_calls",
        "counter",
        "RPC calls answered, by action, error code and HTTP status",
    ),
    (
        "eci_call_duration_seconds",
        "histogram",
        "Time to answer an RPC call, by action",
    ),
    (
        "eci_faults_injected",
        "counter",
        "Fault-rule firings, by rule and effect",
    ),
    ("eci_throttled", "counter", "Calls refused by a rate limit, by action"),
    (
        "eci_signature_failures",
        "counter",
        "Calls refused by signature checks, by error code",
    ),
    (
        "eci_container_groups",
        "gauge",
        "Container groups, by region and status",
    ),
    (
        "eci_resources",
        "gauge",
        "Image caches, data caches and virtual nodes, by kind and region",
    ),
    (
        "eci_vswitch_addresses_in_use",
        "gauge",
        "Addresses held in each vSwitch",
    ),
    ("eci_journal_calls", "gauge", "Calls the request journal holds now"),
    (
        "eci_journal_bytes",
        "gauge",
        "Bytes the request journal's calls hold now (bounded by --journal-bytes)",
    ),
    (
        "eci_journal_dropped",
        "counter",
        "Calls dropped from the request journal to make room or by DELETE /_emulator/calls",
    ),
    (
        "eci_state_written_bytes",
        "counter",
        "Bytes of changes (keys and values) committed to the state directory since start; none in memory",
    ),
    (
        "eci_capacity_remaining",
        "gauge",
        "Groups that still fit in each declared slot, by region, zone and spec (\"*\": any size)",
    ),
    (
        "eci_spot_price",
        "gauge",
        "The spot market's hourly price now, by region, zone and spec, for each slot with a series or declared capacity while a market is declared",
    ),
];

/// The kinds the resource gauge counts, by label.
const RESOURCE_KINDS: [&str; 3] = ["image_cache", "data_cache", "virtual_node"];

fn group_labels(region: &str, status: &GroupStatus) -> Labels {
    vec![("region", region.to_owned()), ("status", status.as_str().to_owned())]
}

fn resource_labels(kind: &str, region: &str) -> Labels {
    vec![("kind", kind.to_owned()), ("region", region.to_owned())]
}

/// The emulator's metrics, one set per app.
pub struct Metrics {
    registry: Registry,
    calls: Family<CallLabels, Counter>,
    latency: Family<ActionLabels, Histogram, fn() -> Histogram>,
    faults: Family<Labels, Counter>,
    throttled: Family<ActionLabels, Counter>,
    signature_failures: Family<Labels, Counter>,
    groups: Family<Labels, Gauge>,
    resources: Family<Labels, Gauge>,
    addresses: Family<Labels, Gauge>,
    journal_calls: Gauge,
    journal_bytes: Gauge,
    journal_dropped: Counter,
    state_written: Counter,
    capacity: Family<Labels, Gauge>,
    spot_prices: Family<Labels, Gauge<f64, std::sync::atomic::AtomicU64>>,
}

/// 100 µs to about 3.3 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0001, 2.0, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let calls = Family::<CallLabels, Counter>::default();
        let latency = Family::<ActionLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let faults = Family::<Labels, Counter>::default();
        let throttled = Family::<ActionLabels, Counter>::default();
        let signature_failures = Family::<Labels, Counter>::default();
        let groups = Family::<Labels, Gauge>::default();
        let resources = Family::<Labels, Gauge>::default();
        let addresses = Family::<Labels, Gauge>::default();
        let journal_calls = Gauge::default();
        let journal_bytes = Gauge::default();
        let journal_dropped = Counter::default();
        let state_written = Counter::default();
        let capacity = Family::<Labels, Gauge>::default();
        let spot_prices = Family::<Labels, Gauge<f64, std::sync::atomic::AtomicU64>>::default();
        // Registered by the same table the empty families' descriptors come from.
        let [calls_f, latency_f, faults_f, throttled_f, signatures_f, groups_f, resources_f, addresses_f, journal_f, bytes_f, dropped_f, written_f, capacity_f, spot_f] =
            FAMILIES.map(|(name, _, help)| (name, help));
        registry.register(calls_f.0, calls_f.1, calls.clone());
        registry.register(latency_f.0, latency_f.1, latency.clone());
        registry.register(faults_f.0, faults_f.1, faults.clone());
        registry.register(throttled_f.0, throttled_f.1, throttled.clone());
        registry.register(signatures_f.0, signatures_f.1, signature_failures.clone());
        registry.register(groups_f.0, groups_f.1, groups.clone());
        registry.register(resources_f.0, resources_f.1, resources.clone());
        registry.register(addresses_f.0, addresses_f.1, addresses.clone());
        registry.register(journal_f.0, journal_f.1, journal_calls.clone());
        registry.register(bytes_f.0, bytes_f.1, journal_bytes.clone());
        registry.register(dropped_f.0, dropped_f.1, journal_dropped.clone());
        registry.register(written_f.0, written_f.1, state_written.clone());
        registry.register(capacity_f.0, capacity_f.1, capacity.clone());
        registry.register(spot_f.0, spot_f.1, spot_prices.clone());
        Metrics {
            registry,
            calls,
            latency,
            faults,
            throttled,
            signature_failures,
            groups,
            resources,
            addresses,
            journal_calls,
            journal_bytes,
            journal_dropped,
            state_written,
            capacity,
            spot_prices,
        }
    }
}

/// An action as a label: one of the 36 operations, or `unknown`.
pub fn action_label(action: &str) -> &'static str {
    // Every call asks, so a set rather than a walk of the 76 names.
    static KNOWN: std::sync::OnceLock<crate::util::FastSet<&'static str>> = std::sync::OnceLock::new();
    KNOWN
        .get_or_init(|| crate::actions::every_action().collect())
        .get(action)
        .copied()
        .unwrap_or("unknown")
}

impl Metrics {
    /// One answered RPC call: `code` is empty for a success.
    pub fn call(&self, action: &'static str, code: &str, status: u16, seconds: f64) {
        let labels = CallLabels {
            action,
            code: code.to_owned(),
            status,
        };
        self.calls.get_or_create(&labels).inc();
        self.latency.get_or_create(&ActionLabels { action }).observe(seconds);
    }

    pub fn fault(&self, rule: &str, effect: &str) {
        let labels = vec![("rule", rule.to_owned()), ("effect", effect.to_owned())];
        self.faults.get_or_create(&labels).inc();
    }

    pub fn throttled(&self, action: &'static str) {
        self.throttled.get_or_create(&ActionLabels { action }).inc();
    }

    pub fn signature_failure(&self, code: &str) {
        self.signature_failures
            .get_or_create(&vec![("code", code.to_owned())])
            .inc();
    }

    /// The text exposition, with the resource gauges read from `eci` now, the request journal's
    /// counts (calls held, calls dropped since start, bytes held) as given, and the bytes committed
    /// to the state directory.
    pub fn render(&self, eci: &EciState, journal: (usize, u64, u64), state_written: u64) -> String {
        self.read_gauges(eci);
        self.state_written
            .inc_by(state_written.saturating_sub(self.state_written.get()));
        self.journal_calls.set(gauge_value(journal.0));
        self.journal_bytes.set(i64::try_from(journal.2).unwrap_or(i64::MAX));
        let counted = self.journal_dropped.get();
        self.journal_dropped.inc_by(journal.1.saturating_sub(counted));
        let mut text = String::with_capacity(16 * 1024);
        if encode(&mut text, &self.registry).is_err() {
            text.clear();
        }
        with_every_descriptor(text)
    }

    /// Every served region gets a sample for each status and kind, zero included, so a query has a
    /// series to bind to before the first group exists.
    fn read_gauges(&self, eci: &EciState) {
        self.groups.clear();
        self.resources.clear();
        self.addresses.clear();
        for region in crate::network::regions().iter().map(|r| &r.region_id) {
            for status in GroupStatus::ALL {
                self.groups.get_or_create(&group_labels(region, status)).set(0);
            }
            for kind in RESOURCE_KINDS {
                self.resources.get_or_create(&resource_labels(kind, region)).set(0);
            }
        }
        for (key, partition) in eci.registry.snapshot() {
            let state = partition.read();
            for status in GroupStatus::ALL {
                let count = state.groups.count_under(&IndexKey::new(index::STATUS, status.as_str()));
                self.groups
                    .get_or_create(&group_labels(&key.region, status))
                    .inc_by(gauge_value(count));
            }
            let counts = [
                state.families.image_caches.len(),
                state.families.data_caches.len(),
                state.families.virtual_nodes.len(),
            ];
            for (kind, count) in RESOURCE_KINDS.into_iter().zip(counts) {
                self.resources
                    .get_or_create(&resource_labels(kind, &key.region))
                    .inc_by(gauge_value(count));
            }
        }
        self.read_world(eci);
        for (_, network) in eci.networks.snapshot() {
            let network = network.read();
            for vswitch in &network.v_switches {
                let labels = vec![("vswitch", vswitch.v_switch_id.clone())];
                self.addresses
                    .get_or_create(&labels)
                    .set(gauge_value(vswitch.addresses_in_use()));
            }
        }
    }
}

impl Metrics {
    /// What is left of each declared slot, and the market's price now in each slot it prices.
    fn read_world(&self, eci: &EciState) {
        self.capacity.clear();
        self.spot_prices.clear();
        let slot_labels = |region: &str, zone: &str, spec: &str| {
            vec![
                ("region", region.to_owned()),
                ("zone", zone.to_owned()),
                ("spec", spec.to_owned()),
            ]
        };
        let slots = eci.capacity.slots();
        for slot in &slots {
            self.capacity
                .get_or_create(&slot_labels(&slot.region_id, &slot.zone_id, &slot.spec))
                .set(i64::from(slot.remaining));
        }
        for (slot, price) in crate::ops::eci::catalog::market_prices(eci) {
            self.spot_prices
                .get_or_create(&slot_labels(&slot.region_id, &slot.zone_id, &slot.spec))
                .set(price);
        }
    }
}

/// The exposition with a descriptor (`# HELP`, `# TYPE`) for each family that has no sample yet,
/// which the encoder leaves out: OpenMetrics allows a family without samples, and a scraper then
/// knows every family from the first scrape.
fn with_every_descriptor(mut text: String) -> String {
    let missing: String = FAMILIES
        .iter()
        .filter(|(name, kind, _)| !text.contains(&format!("# TYPE {name} {kind}\n")))
        .map(|(name, kind, help)| format!("# HELP {name} {help}.\n# TYPE {name} {kind}\n"))
        .collect();
    let end = text.rfind("# EOF").unwrap_or(text.len());
    text.insert_str(end, &missing);
    text
}

fn gauge_value(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
