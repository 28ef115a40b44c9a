//! Every numeric parameter's documented range, for every operation: `fixtures/numeric-params.tsv`,
//! written from the API metadata by `scripts/api-tables` (its minimum and maximum where given; where
//! the documentation gives none, a count, size or port is never negative). Checked before any
//! handler runs, so no operation takes `Cpu=-1`.

use super::trie::{RuleTrie, TrieRule};
use super::{each_match, join};
use crate::error::ApiError;
use crate::protocol::Node;
use crate::util::FastMap;
use std::sync::OnceLock;

const TABLE: &str = include_str!("../../fixtures/numeric-params.tsv");

/// One numeric parameter's range.
#[derive(Debug)]
pub struct Bound {
    pub param: &'static str,
    segments: Vec<&'static str>,
    pub integer: bool,
    pub min: f64,
    pub max: Option<f64>,
}

/// The ranges by operation.
pub fn bounds() -> &'static FastMap<&'static str, Vec<Bound>> {
    static BOUNDS: OnceLock<FastMap<&'static str, Vec<Bound>>> = OnceLock::new();
    BOUNDS.get_or_init(|| {
        let mut by_action: FastMap<&'static str, Vec<Bound>> = FastMap::default();
        for line in TABLE.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut cells = line.split('\t');
            let (Some(action), Some(param), Some(kind), Some(min)) =
                (cells.next(), cells.next(), cells.next(), cells.next())
            else {
                continue;
            };
            let max = cells.next().and_then(|m| m.parse::<f64>().ok());
            by_action.entry(action).or_default().push(Bound {
                param,
                segments: param.split('.').collect(),
                integer: kind == "integer",
                min: min.parse().unwrap_or(0.0),
                max,
            });
        }
        by_action
    })
}

/// Each operation's ranges as a trie, for the one walk that passes a request in the usual case.
fn tries() -> &'static FastMap<&'static str, RuleTrie<Bound>> {
    static TRIES: OnceLock<FastMap<&'static str, RuleTrie<Bound>>> = OnceLock::new();
    TRIES.get_or_init(|| {
        bounds()
            .iter()
            .map(|(action, bounds)| (*action, RuleTrie::build(bounds.iter())))
            .collect()
    })
}

/// Refuses a numeric parameter of `action` outside its range, naming it. A value that is not a number
/// is left to the parameter's own parsing, which says so.
pub fn check_numeric(action: &str, tree: &Node) -> Result<(), ApiError> {
    // The trie's walk costs what the request's size does; only a request that fails pays for the
    // walk in table order, which names the failure the table puts first.
    if tries().get(action).is_none_or(|trie| trie.passes(tree)) {
        return Ok(());
    }
    check_in_order(action, tree)
}

/// Each of the operation's ranges in table order: the first failure is the one named.
fn check_in_order(action: &str, tree: &Node) -> Result<(), ApiError> {
    let Some(bounds) = bounds().get(action) else {
        return Ok(());
    };
    let mut stack = Vec::with_capacity(8);
    for bound in bounds {
        each_match(
            tree,
            &bound.segments,
            &mut stack,
            &mut |path, node| match violation(bound, node) {
                Some(why) => {
                    let (last, parents) = path.split_last().map_or(("", &[][..]), |(l, p)| (*l, p));
                    Err(ApiError::invalid(&join(&parents.join("."), last), &why))
                }
                None => Ok(()),
            },
        )?;
    }
    Ok(())
}

/// Why the node is out of the bound's range, if it is a number that is.
pub(super) fn violation(bound: &Bound, node: &Node) -> Option<String> {
    let Node::Leaf(text) = node else { return None };
    let value = text.trim().parse::<f64>().ok()?;
    out_of_range(bound, value)
}

fn out_of_range(bound: &Bound, value: f64) -> Option<String> {
    let shown = |n: f64| {
        if bound.integer {
            format!("{}", n as i64)
        } else {
            format!("{n}")
        }
    };
    if !value.is_finite() {
        return Some("must be a finite number".into());
    }
    let within = value >= bound.min && bound.max.is_none_or(|max| value <= max);
    if within {
        return None;
    }
    Some(match bound.max {
        Some(max) => format!("must be between {} and {}", shown(bound.min), shown(max)),
        None => format!("must be at least {}", shown(bound.min)),
    })
}

impl TrieRule for Bound {
    fn param(&self) -> &'static str {
        self.param
    }

    fn required(&self) -> bool {
        false
    }

    fn checks_node(&self) -> bool {
        true
    }

    fn fails(&self, node: &Node) -> bool {
        violation(self, node).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_whole() {
        let create = bounds()
            .get("CreateContainerGroup")
            .expect("create has numeric parameters");
        let cpu = create
            .iter()
            .find(|b| b.param == "Container.N.Cpu")
            .expect("Container.N.Cpu");
        assert_eq!((cpu.integer, cpu.min, cpu.max), (false, 0.0, None));
        let limit = bounds()["DescribeContainerGroupEvents"]
            .iter()
            .find(|b| b.param == "Limit")
            .unwrap();
        assert_eq!((limit.integer, limit.min, limit.max), (true, 1.0, Some(200.0)));
        assert!(bounds().values().flatten().count() > 100);
    }

    #[test]
    fn not_a_finite_number_is_said_so() {
        let cpu = bounds()["CreateContainerGroup"]
            .iter()
            .find(|b| b.param == "Cpu")
            .unwrap();
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(out_of_range(cpu, value).as_deref(), Some("must be a finite number"));
        }
        assert_eq!(out_of_range(cpu, -1.0).as_deref(), Some("must be at least 0"));
    }

    proptest::proptest! {
        /// The trie and the walk in table order agree on every request: the fast path neither lets
        /// an out-of-range number through nor refuses a request every range lets through.
        #[test]
        fn the_range_trie_agrees_with_the_ordered_walk(
            pairs in proptest::collection::vec((
                proptest::sample::select(vec![
                    "Cpu", "Memory", "Container.1.Cpu", "Container.2.Cpu", "Container.1.Port.1.Port",
                    "Container.1.Port.2.Port", "Container.1.Name", "Volume.1.NFSVolume.Path", "Unknown",
                ]),
                proptest::sample::select(vec!["1", "2", "-1", "0", "abc", "", "NaN", "70000", "0.5"]),
            ), 0..8),
        ) {
            if let Ok(tree) = crate::protocol::flat::build_tree(pairs.iter().copied()) {
                let ordered = check_in_order("CreateContainerGroup", &tree);
                let trie = &tries()["CreateContainerGroup"];
                proptest::prop_assert_eq!(trie.passes(&tree), ordered.is_ok(), "{:?}", ordered);
                proptest::prop_assert_eq!(check_numeric("CreateContainerGroup", &tree).is_ok(), ordered.is_ok());
            }
        }
    }
}
