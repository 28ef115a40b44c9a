//! Declarative parameter rules and the engine that applies them to a request's parameter tree.
//!
//! A rule names a parameter with `N` for list indices (`Container.N.Port.N.Port`) and lists its checks.
//! Rules run in table order, indices in numeric order; the first failure wins. An empty value counts as
//! absent (as in the deserializer), so only `required` looks at it.

use crate::error::ApiError;
use crate::protocol::flat::parse_index;
use crate::protocol::Node;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use trie::{RuleTrie, TrieRule};

mod numeric;
mod trie;

pub use numeric::{bounds, check_numeric, Bound};

/// One check a parameter's value must pass.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// Length in characters, inclusive.
    Len(usize, usize),
    /// A whole number within the bounds, inclusive.
    Range(i64, i64),
    /// One of these values, exactly.
    OneOf(&'static [&'static str]),
    /// A list with at most this many entries.
    MaxItems(usize),
    /// ASCII characters only.
    Ascii,
    /// Must not start with any of these.
    NoPrefix(&'static [&'static str]),
    /// Must not contain any of these.
    NoSubstring(&'static [&'static str]),
    /// A rule that is neither of the above; the examples document it and feed the table test.
    Pattern(Pattern),
    /// Base64 text whose decoded size is at most this many bytes.
    Base64Max(usize),
    /// A number with at most this many decimals.
    MaxDecimals(usize),
}

#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    pub test: fn(&str) -> bool,
    pub description: &'static str,
    pub valid: &'static [&'static str],
    pub invalid: &'static [&'static str],
}

/// A parameter and what it must satisfy.
#[derive(Debug, Clone, Copy)]
pub struct FieldRule {
    pub param: &'static str,
    pub required: bool,
    pub checks: &'static [Check],
}

impl FieldRule {
    pub const fn optional(param: &'static str, checks: &'static [Check]) -> Self {
        FieldRule {
            param,
            required: false,
            checks,
        }
    }

    pub const fn required(param: &'static str, checks: &'static [Check]) -> Self {
        FieldRule {
            param,
            required: true,
            checks,
        }
    }
}

/// An operation's rules, in sections, with each parameter split into its segments once, and as a
/// tree for the walk that checks a request in one pass.
pub struct RuleTable {
    pub sections: &'static [&'static [FieldRule]],
    compiled: std::sync::OnceLock<Vec<(Vec<&'static str>, &'static FieldRule)>>,
    trie: std::sync::OnceLock<RuleTrie<FieldRule>>,
}

impl RuleTable {
    pub const fn new(sections: &'static [&'static [FieldRule]]) -> Self {
        RuleTable {
            sections,
            compiled: std::sync::OnceLock::new(),
            trie: std::sync::OnceLock::new(),
        }
    }

    /// Every rule in order.
    pub fn rules(&self) -> impl Iterator<Item = &'static FieldRule> {
        self.sections.iter().flat_map(|section| section.iter())
    }

    fn compiled(&self) -> &[(Vec<&'static str>, &'static FieldRule)] {
        self.compiled.get_or_init(|| {
            self.rules()
                .map(|rule| (rule.param.split('.').collect(), rule))
                .collect()
        })
    }

    fn trie(&self) -> &RuleTrie<FieldRule> {
        self.trie.get_or_init(|| RuleTrie::build(self.rules()))
    }
}

/// Applies every rule of the table to the tree; the first failure in table order wins.
pub fn check_fields(tree: &Node, table: &RuleTable) -> Result<(), ApiError> {
    // One walk of the request settles the usual case, where everything passes; only a request that
    // fails somewhere pays for the ordered walk that names the failure the table puts first.
    if table.trie().passes(tree) {
        return Ok(());
    }
    check_in_order(tree, table)
}

fn check_in_order(tree: &Node, table: &RuleTable) -> Result<(), ApiError> {
    let mut stack = Vec::with_capacity(8);
    for (segments, rule) in table.compiled() {
        check_rule(tree, segments, rule, &mut stack)?;
    }
    Ok(())
}

fn check_rule<'a>(
    tree: &'a Node,
    segments: &[&str],
    rule: &FieldRule,
    stack: &mut Vec<&'a str>,
) -> Result<(), ApiError> {
    if rule.required {
        let (parent, last) = segments.split_at(segments.len().saturating_sub(1));
        let last = last.first().copied().unwrap_or_default();
        each_match(tree, parent, stack, &mut |path, node| {
            let present = match node {
                Node::Branch(children) => children.get(last).is_some_and(|n| !is_empty(n)),
                Node::Leaf(_) => true,
            };
            if present {
                Ok(())
            } else {
                Err(ApiError::missing(&join(&path.join("."), last)))
            }
        })?;
    }
    if rule.checks.is_empty() {
        return Ok(());
    }
    each_match(tree, segments, stack, &mut |path, node| match rule
        .checks
        .iter()
        .find_map(|check| violation(check, node))
    {
        Some(why) => Err(ApiError::invalid(&path.join("."), &why)),
        None => Ok(()),
    })
}

fn is_empty(node: &Node) -> bool {
    matches!(node, Node::Leaf(""))
}

fn join(path: &str, segment: &str) -> String {
    if path.is_empty() {
        segment.to_owned()
    } else {
        format!("{path}.{segment}")
    }
}

/// What `each_match` calls with a node's path and the node.
type Visitor<'a, 'f> = dyn FnMut(&[&'a str], &'a Node) -> Result<(), ApiError> + 'f;

/// Calls `visit` with every node the pattern names and its path, indices in numeric order. The path
/// is a stack of borrowed segments, so nothing is allocated unless a rule fails.
fn each_match<'a>(
    node: &'a Node,
    segments: &[&str],
    stack: &mut Vec<&'a str>,
    visit: &mut Visitor<'a, '_>,
) -> Result<(), ApiError> {
    let Some((first, rest)) = segments.split_first() else {
        return visit(stack, node);
    };
    let Node::Branch(children) = node else {
        return Ok(());
    };
    if *first == "N" {
        // Single-digit indices sort as text the way they sort as numbers, so the common
        // case walks the map as it is, allocating nothing.
        let in_order = children.len() <= 9 && children.keys().all(|k| k.len() == 1 && parse_index(k).is_some());
        if in_order {
            for (key, child) in children {
                stack.push(*key);
                let result = each_match(child, rest, stack, visit);
                stack.pop();
                result?;
            }
            return Ok(());
        }
        let mut items: Vec<(usize, &'a str, &'a Node<'a>)> = children
            .iter()
            .filter_map(|(k, n)| parse_index(k).map(|i| (i, *k, n)))
            .collect();
        items.sort_by_key(|(i, _, _)| *i);
        for (_, key, child) in items {
            stack.push(key);
            let result = each_match(child, rest, stack, visit);
            stack.pop();
            result?;
        }
    } else if let Some((key, child)) = children.get_key_value(*first) {
        stack.push(*key);
        let result = each_match(child, rest, stack, visit);
        stack.pop();
        result?;
    }
    Ok(())
}

/// Why the node fails the check, if it does.
fn violation(check: &Check, node: &Node) -> Option<String> {
    match (check, node) {
        (Check::MaxItems(max), Node::Branch(children)) => {
            (children.len() > *max).then(|| format!("at most {max} entries may be given"))
        }
        (_, Node::Branch(_)) | (Check::MaxItems(_), _) => None,
        (_, Node::Leaf("")) => None,
        (check, Node::Leaf(value)) => value_violation(check, value),
    }
}

fn value_violation(check: &Check, value: &str) -> Option<String> {
    match check {
        Check::Len(min, max) => {
            let len = value.chars().count();
            (len < *min || len > *max).then(|| format!("must be {min} to {max} characters long"))
        }
        Check::Range(min, max) => match parse_whole(value) {
            Some(n) if (*min..=*max).contains(&n) => None,
            _ => Some(format!("must be a whole number from {min} to {max}")),
        },
        Check::OneOf(allowed) => (!allowed.contains(&value)).then(|| format!("must be one of {}", allowed.join(", "))),
        Check::Ascii => (!value.is_ascii()).then(|| "must contain ASCII characters only".to_owned()),
        Check::NoPrefix(prefixes) => prefixes
            .iter()
            .find(|p| value.starts_with(**p))
            .map(|p| format!("must not start with \"{p}\"")),
        Check::NoSubstring(parts) => parts
            .iter()
            .find(|p| value.contains(**p))
            .map(|p| format!("must not contain \"{p}\"")),
        Check::Pattern(pattern) => (!(pattern.test)(value)).then(|| pattern.description.to_owned()),
        Check::Base64Max(max) => match BASE64.decode(value) {
            Ok(bytes) if bytes.len() <= *max => None,
            Ok(_) => Some(format!("the decoded content must be at most {max} bytes")),
            Err(_) => Some("must be Base64-encoded".to_owned()),
        },
        Check::MaxDecimals(max) => {
            let decimals = value.split_once('.').map(|(_, d)| d.len()).unwrap_or(0);
            let number = value.parse::<f64>().ok().filter(|f| f.is_finite());
            (number.is_none() || decimals > *max).then(|| format!("must be a number with at most {max} decimals"))
        }
        Check::MaxItems(_) => None,
    }
}

fn parse_whole(value: &str) -> Option<i64> {
    value.trim().parse::<i64>().ok().or_else(|| {
        let f = value.trim().parse::<f64>().ok()?;
        (f.fract() == 0.0 && f.abs() < 9.0e18).then_some(f as i64)
    })
}

impl TrieRule for FieldRule {
    fn param(&self) -> &'static str {
        self.param
    }

    fn required(&self) -> bool {
        self.required
    }

    fn checks_node(&self) -> bool {
        !self.checks.is_empty()
    }

    fn fails(&self, node: &Node) -> bool {
        self.checks.iter().any(|check| violation(check, node).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::flat::build_tree;

    static RULES: RuleTable = RuleTable::new(&[&[
        FieldRule::required("RegionId", &[]),
        FieldRule::optional("Container", &[Check::MaxItems(2)]),
        FieldRule::required("Container.N.Name", &[Check::Len(1, 3)]),
        FieldRule::optional("Container.N.Port.N.Port", &[Check::Range(1, 65535)]),
        FieldRule::optional("Token", &[Check::Ascii, Check::Len(0, 4)]),
        FieldRule::optional("Price", &[Check::MaxDecimals(3)]),
        FieldRule::optional("Content", &[Check::Base64Max(3)]),
    ]]);

    fn run(pairs: &[(&str, &str)]) -> Result<(), ApiError> {
        let tree = build_tree(pairs.iter().copied()).unwrap();
        check_fields(&tree, &RULES)
    }

    #[test]
    fn passes_and_fails_name_the_parameter() {
        assert!(run(&[
            ("RegionId", "r"),
            ("Container.1.Name", "abc"),
            ("Container.1.Port.1.Port", "80")
        ])
        .is_ok());
        type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
        let cases: &[Case] = &[
            (&[("Container.1.Name", "a")], "MissingParameter", "\"RegionId\""),
            (
                &[("RegionId", "r"), ("Container.1.Image", "a")],
                "MissingParameter",
                "\"Container.1.Name\"",
            ),
            (
                &[("RegionId", "r"), ("Container.1.Name", "")],
                "MissingParameter",
                "\"Container.1.Name\"",
            ),
            (
                &[("RegionId", "r"), ("Container.1.Name", "abcd")],
                "InvalidParameter",
                "\"Container.1.Name\"",
            ),
            (
                &[
                    ("RegionId", "r"),
                    ("Container.1.Name", "a"),
                    ("Container.2.Name", "b"),
                    ("Container.3.Name", "c"),
                ],
                "InvalidParameter",
                "\"Container\"",
            ),
            (
                &[
                    ("RegionId", "r"),
                    ("Container.1.Name", "a"),
                    ("Container.1.Port.1.Port", "0"),
                ],
                "InvalidParameter",
                "\"Container.1.Port.1.Port\"",
            ),
            (&[("RegionId", "r"), ("Token", "é")], "InvalidParameter", "ASCII"),
            (
                &[("RegionId", "r"), ("Token", "abcde")],
                "InvalidParameter",
                "\"Token\"",
            ),
            (
                &[("RegionId", "r"), ("Price", "0.1234")],
                "InvalidParameter",
                "\"Price\"",
            ),
            (
                &[("RegionId", "r"), ("Content", "not base64")],
                "InvalidParameter",
                "Base64",
            ),
            (
                &[("RegionId", "r"), ("Content", "YWJjZA==")],
                "InvalidParameter",
                "3 bytes",
            ),
        ];
        for (pairs, code, needle) in cases {
            let err = run(pairs).unwrap_err();
            assert_eq!(err.code(), *code, "{pairs:?}");
            assert!(err.message.contains(needle), "{pairs:?}: {}", err.message);
        }
    }

    /// Keys and values that mostly pass, so that trees passing every rule are common and a tree
    /// failing one rule is one value away from passing.
    fn pair_strategy() -> impl proptest::strategy::Strategy<Value = (String, &'static str)> {
        use proptest::prelude::*;
        let key = prop_oneof![
            Just("Token".to_owned()),
            Just("Price".to_owned()),
            Just("Content".to_owned()),
            Just("Unruled".to_owned()),
            (1..3u8).prop_map(|i| format!("Container.{i}.Name")),
            (1..3u8).prop_map(|i| format!("Container.{i}.Image")),
            (1..3u8).prop_map(|j| format!("Container.1.Port.{j}.Port")),
        ];
        let value = proptest::sample::select(vec![
            "a", "a", "80", "80", "1.5", "", "abcd", "0", "é", "0.1234", "YWJj",
        ]);
        (key, value)
    }

    proptest::proptest! {
        /// The one-pass walk and the ordered walk agree on every tree: the fast path never lets
        /// through what a rule refuses, nor refuses what every rule lets through.
        #[test]
        fn the_rule_tree_agrees_with_the_ordered_walk(
            region in proptest::option::weighted(0.9, proptest::sample::select(vec!["r", ""])),
            pairs in proptest::collection::vec(pair_strategy(), 0..8),
        ) {
            let mut all: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            all.extend(region.map(|r| ("RegionId", r)));
            if let Ok(tree) = build_tree(all.iter().copied()) {
                let ordered = check_in_order(&tree, &RULES);
                proptest::prop_assert_eq!(RULES.trie().passes(&tree), ordered.is_ok(), "{:?}", ordered);
            }
        }
    }

    #[test]
    fn indices_are_checked_in_numeric_order() {
        let mut pairs = vec![("RegionId", "r"), ("Container.1.Name", "a")];
        let ports: Vec<(String, &str)> = (1..=10)
            .map(|i| (format!("Container.1.Port.{i}.Port"), if i >= 2 { "0" } else { "1" }))
            .collect();
        pairs.extend(ports.iter().map(|(k, v)| (k.as_str(), *v)));
        let err = run(&pairs).unwrap_err();
        assert!(err.message.contains("\"Container.1.Port.2.Port\""), "{}", err.message);
    }
}
