//! Call coverage: for every operation each product serves (called or not), its calls, successes,
//! the error codes answered with their counts, the parameters that appeared and the faults fired;
//! the documented codes never answered; and the unknown actions and versions tried. Counted since
//! start or the last `clear`.

use super::Call;
use crate::actions::Product;
use crate::error::catalogue::Catalogue;
use parking_lot::Mutex;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicU64, Ordering};
use time::OffsetDateTime;

/// Distinct unknown action (or version) names kept; past it, tries are counted under `…` alone,
/// so a client sending random names cannot grow the report.
const MAX_UNKNOWN_NAMES: usize = 1_000;
/// Distinct parameter shapes kept per operation, for the same reason.
const MAX_PARAMETERS: usize = 2_000;
/// Name lists remembered per operation as already counted; past it, every call's names are read.
const MAX_FINGERPRINTS: usize = 10_000;
/// What unknown names past the bound are counted as.
const OTHERS: &str = "…";

pub struct Coverage {
    products: Vec<(Product, crate::util::FastMap<&'static str, Operation>)>,
    tried: Mutex<Tried>,
}

#[derive(Default)]
struct Operation {
    calls: AtomicU64,
    successes: AtomicU64,
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    codes: BTreeMap<Box<str>, u64>,
    parameters: BTreeSet<String>,
    faults: BTreeMap<Box<str>, u64>,
    /// `SentParams::names_fingerprint` of name lists already counted.
    counted_names: crate::util::FastSet<u64>,
}

/// What was tried that no operation serves.
struct Tried {
    since: OffsetDateTime,
    /// (product, action) of a known version with an action it does not serve.
    actions: BTreeMap<(Product, Box<str>), u64>,
    /// (version, action) of a version no product has.
    versions: BTreeMap<(Box<str>, Box<str>), u64>,
    /// Calls refused before their version or action could be read (a bad body, no `Action`).
    unreadable: u64,
    /// Every error code answered, served operation or not.
    codes: BTreeSet<Box<str>>,
}

impl Tried {
    fn new(since: OffsetDateTime) -> Self {
        Tried {
            since,
            actions: BTreeMap::new(),
            versions: BTreeMap::new(),
            unreadable: 0,
            codes: BTreeSet::new(),
        }
    }
}

impl Coverage {
    pub fn new(now: OffsetDateTime) -> Self {
        let products = Product::ALL
            .into_iter()
            .map(|product| {
                let operations = crate::ops::operations(product)
                    .iter()
                    .map(|op| (op.action, Operation::default()))
                    .collect();
                (product, operations)
            })
            .collect();
        Coverage {
            products,
            tried: Mutex::new(Tried::new(now)),
        }
    }

    fn operation(&self, product: Product, action: &str) -> Option<&Operation> {
        self.products
            .iter()
            .find(|(p, _)| *p == product)
            .and_then(|(_, operations)| operations.get(action))
    }

    /// Counts one answered call.
    pub fn count(&self, call: &Call) {
        let served = call.product.and_then(|p| self.operation(p, &call.action));
        if !call.code.is_empty() || served.is_none() {
            self.count_tried(call, served.is_some());
        }
        let Some(operation) = served else { return };
        operation.calls.fetch_add(1, Ordering::Relaxed);
        if call.code.is_empty() {
            operation.successes.fetch_add(1, Ordering::Relaxed);
        }
        let fingerprint = call.request.names_fingerprint();
        let mut seen = operation.seen.lock();
        if !call.code.is_empty() {
            *seen.codes.entry(call.code.as_str().into()).or_default() += 1;
        }
        for fault in &call.faults {
            *seen.faults.entry((**fault).into()).or_default() += 1;
        }
        if seen.counted_names.contains(&fingerprint) {
            return;
        }
        call.request.for_each_shape(|shape| {
            if seen.parameters.len() < MAX_PARAMETERS && !seen.parameters.contains(shape) {
                seen.parameters.insert(shape.to_owned());
            }
        });
        if seen.counted_names.len() < MAX_FINGERPRINTS {
            seen.counted_names.insert(fingerprint);
        }
    }

    fn count_tried(&self, call: &Call, served: bool) {
        let mut tried = self.tried.lock();
        if !call.code.is_empty() && !tried.codes.contains(call.code.as_str()) && tried.codes.len() < MAX_UNKNOWN_NAMES {
            tried.codes.insert(call.code.as_str().into());
        }
        if served {
            return;
        }
        match call.product {
            _ if call.action.is_empty() || call.version.is_empty() => tried.unreadable += 1,
            Some(product) => {
                let room = tried.actions.len() < MAX_UNKNOWN_NAMES;
                let key = (product, Box::from(&*call.action));
                let key = if room || tried.actions.contains_key(&key) {
                    key
                } else {
                    (product, OTHERS.into())
                };
                *tried.actions.entry(key).or_default() += 1;
            }
            None => {
                let room = tried.versions.len() < MAX_UNKNOWN_NAMES;
                let key = (Box::from(&*call.version), Box::from(&*call.action));
                let key = if room || tried.versions.contains_key(&key) {
                    key
                } else {
                    (OTHERS.into(), OTHERS.into())
                };
                *tried.versions.entry(key).or_default() += 1;
            }
        }
    }

    /// Starts over from `now`.
    pub fn clear(&self, now: OffsetDateTime) {
        for (_, operations) in &self.products {
            for operation in operations.values() {
                operation.calls.store(0, Ordering::Relaxed);
                operation.successes.store(0, Ordering::Relaxed);
                *operation.seen.lock() = Seen::default();
            }
        }
        *self.tried.lock() = Tried::new(now);
    }

    /// The whole report, each product's operations in the order its table lists them.
    pub fn report(&self) -> Report {
        let products = self
            .products
            .iter()
            .map(|(product, operations)| {
                let rows = crate::ops::operations(*product)
                    .iter()
                    .filter_map(|op| {
                        operations
                            .get(op.action)
                            .map(|counted| operation_row(op.action, counted))
                    })
                    .collect();
                ProductReport {
                    product: product.code(),
                    version: product.version(),
                    operations: rows,
                }
            })
            .collect::<Vec<_>>();
        let tried = self.tried.lock();
        let unknown_actions = tried
            .actions
            .iter()
            .map(|((product, action), calls)| Unknown {
                version: product.version().into(),
                action: action.to_string(),
                calls: *calls,
            })
            .collect();
        let unknown_versions = tried
            .versions
            .iter()
            .map(|((version, action), calls)| Unknown {
                version: version.to_string(),
                action: action.to_string(),
                calls: *calls,
            })
            .collect();
        let mut codes: BTreeSet<String> = tried.codes.iter().map(|c| c.to_string()).collect();
        for row in products.iter().flat_map(|p| &p.operations) {
            codes.extend(row.errors.keys().cloned());
        }
        let summary = Summary::of(&products, codes.len());
        Report {
            since: crate::util::format_rfc3339_micros(tried.since),
            summary,
            products,
            unknown_actions,
            unknown_versions,
            unreadable_calls: tried.unreadable,
            error_codes_seen: codes.into_iter().collect(),
        }
    }
}

fn operation_row(action: &'static str, counted: &Operation) -> OperationReport {
    let seen = counted.seen.lock();
    let errors: BTreeMap<String, u64> = seen.codes.iter().map(|(c, n)| (c.to_string(), *n)).collect();
    let mut documented: Vec<String> = Vec::new();
    for entry in Catalogue::get().for_action(action) {
        if !errors.contains_key(entry.code) && !documented.iter().any(|d| d == entry.code) {
            documented.push(entry.code.to_owned());
        }
    }
    OperationReport {
        action,
        calls: counted.calls.load(Ordering::Relaxed),
        successes: counted.successes.load(Ordering::Relaxed),
        errors,
        parameters: seen.parameters.iter().cloned().collect(),
        faults: seen.faults.iter().map(|(f, n)| (f.to_string(), *n)).collect(),
        documented_errors_not_returned: documented,
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub since: String,
    pub summary: Summary,
    pub products: Vec<ProductReport>,
    pub unknown_actions: Vec<Unknown>,
    pub unknown_versions: Vec<Unknown>,
    pub unreadable_calls: u64,
    pub error_codes_seen: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub operations: usize,
    pub operations_called: usize,
    pub calls: u64,
    pub error_codes_seen: usize,
    /// `12/76 operations (ECI 10/36, VPC 2/23, ECS 0/16, STS 0/1), 31 error codes seen`.
    pub line: String,
}

impl Summary {
    fn of(products: &[ProductReport], error_codes_seen: usize) -> Summary {
        let rows = || products.iter().flat_map(|p| &p.operations);
        let operations = rows().count();
        let operations_called = rows().filter(|r| r.calls > 0).count();
        let each: Vec<String> = products
            .iter()
            .map(|p| {
                let called = p.operations.iter().filter(|r| r.calls > 0).count();
                let name = Product::from_code(p.product).map_or(p.product, Product::name);
                format!("{name} {called}/{}", p.operations.len())
            })
            .collect();
        Summary {
            operations,
            operations_called,
            calls: rows().map(|r| r.calls).sum(),
            error_codes_seen,
            line: format!(
                "{operations_called}/{operations} operations ({}), {error_codes_seen} error codes seen",
                each.join(", ")
            ),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductReport {
    pub product: &'static str,
    pub version: &'static str,
    pub operations: Vec<OperationReport>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OperationReport {
    pub action: &'static str,
    pub calls: u64,
    pub successes: u64,
    /// Error code → how often it was answered.
    pub errors: BTreeMap<String, u64>,
    /// The parameter names sent, list indices written `N`.
    pub parameters: Vec<String>,
    /// Fault rule id → how often it fired on the operation.
    pub faults: BTreeMap<String, u64>,
    /// The operation's documented codes never answered.
    pub documented_errors_not_returned: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unknown {
    pub version: String,
    pub action: String,
    pub calls: u64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insight::journal::tests::call;

    #[test]
    fn counts_calls_codes_parameters_and_what_is_not_served() {
        let coverage = Coverage::new(OffsetDateTime::UNIX_EPOCH);
        coverage.count(&call(
            "CreateContainerGroup",
            "",
            "Container.1.Image=a&Container.2.Image=b&Cpu=2",
        ));
        coverage.count(&call("CreateContainerGroup", "InvalidParameter", "Cpu=x"));
        let mut faulted = call("CreateContainerGroup", "ServiceUnavailable", "");
        faulted.faults = vec!["rule-1".into()];
        coverage.count(&faulted);
        coverage.count(&call("NoSuchThing", "InvalidAction.NotFound", ""));
        let mut odd_version = call("DescribeContainerGroups", "InvalidVersion", "");
        odd_version.product = None;
        odd_version.version = "2099-01-01".into();
        coverage.count(&odd_version);

        let report = coverage.report();
        let eci = report.products.iter().find(|p| p.product == "eci").unwrap();
        let create = eci
            .operations
            .iter()
            .find(|o| o.action == "CreateContainerGroup")
            .unwrap();
        assert_eq!((create.calls, create.successes), (3, 1));
        assert_eq!(create.errors.get("InvalidParameter"), Some(&1));
        assert_eq!(create.parameters, ["Container.N.Image", "Cpu"]);
        assert_eq!(create.faults.get("rule-1"), Some(&1));
        assert!(create
            .documented_errors_not_returned
            .iter()
            .any(|c| c == "InvalidParameter.CPU.Memory"));
        assert!(!create
            .documented_errors_not_returned
            .iter()
            .any(|c| c == "InvalidParameter"));
        assert_eq!(report.unknown_actions.len(), 1);
        assert_eq!(
            report.unknown_actions.first().map(|u| u.action.as_str()),
            Some("NoSuchThing")
        );
        assert_eq!(
            report.unknown_versions.first().map(|u| u.version.as_str()),
            Some("2099-01-01")
        );
        assert_eq!(report.summary.operations_called, 1);
        assert_eq!(report.summary.error_codes_seen, 4);
        assert_eq!(report.summary.calls, 3);
        assert!(report.summary.line.starts_with("1/"), "{}", report.summary.line);

        coverage.clear(OffsetDateTime::UNIX_EPOCH);
        assert_eq!(coverage.report().summary.calls, 0);
        assert!(coverage.report().unknown_actions.is_empty());
    }
}
