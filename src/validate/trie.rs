//! A rule table as a tree shaped like the parameters it names, so that one walk of a request's
//! parameter tree tells whether every rule passes, at a cost that follows the request's size rather
//! than the table's. Field rules and numeric ranges each build one.

use super::is_empty;
use crate::protocol::flat::parse_index;
use crate::protocol::Node;

/// What a trie holds: a rule on the node its parameter names.
pub(super) trait TrieRule: 'static {
    fn param(&self) -> &'static str;
    /// Whether the parameter's parent must hold it, not empty.
    fn required(&self) -> bool;
    /// Whether the rule checks the node itself (a required rule with no checks does not).
    fn checks_node(&self) -> bool;
    fn fails(&self, node: &Node) -> bool;
}

#[derive(Debug)]
pub(super) struct RuleTrie<R: 'static> {
    /// Rules whose whole pattern ends here: their checks apply to the node itself.
    checked: Vec<&'static R>,
    /// Children that required rules want present, and not empty, under this node.
    required: Vec<&'static str>,
    named: Vec<(&'static str, RuleTrie<R>)>,
    /// Where the patterns say `N`: any list index.
    indexed: Option<Box<RuleTrie<R>>>,
}

impl<R> Default for RuleTrie<R> {
    fn default() -> Self {
        RuleTrie {
            checked: Vec::new(),
            required: Vec::new(),
            named: Vec::new(),
            indexed: None,
        }
    }
}

impl<R: TrieRule> RuleTrie<R> {
    pub(super) fn build(rules: impl Iterator<Item = &'static R>) -> Self {
        let mut root = RuleTrie::default();
        for rule in rules {
            let segments: Vec<&'static str> = rule.param().split('.').collect();
            if let Some(node) = root.descend(&segments).filter(|_| rule.checks_node()) {
                node.checked.push(rule);
            }
            if let Some((last, parent)) = segments.split_last().filter(|_| rule.required()) {
                root.descend(parent)
                    .into_iter()
                    .for_each(|node| node.required.push(last));
            }
        }
        root
    }

    /// The node for these segments, made on the way where missing (always `Some`).
    fn descend(&mut self, segments: &[&'static str]) -> Option<&mut RuleTrie<R>> {
        let Some((first, rest)) = segments.split_first() else {
            return Some(self);
        };
        if *first == "N" {
            return self.indexed.get_or_insert_with(Box::default).descend(rest);
        }
        if !self.named.iter().any(|(name, _)| name == first) {
            self.named.push((first, RuleTrie::default()));
        }
        self.named
            .iter_mut()
            .find(|(name, _)| name == first)
            .and_then(|(_, child)| child.descend(rest))
    }

    /// Whether the node and everything under it pass every rule. Exactly when this is false does the
    /// ordered walk of the table find a failure.
    pub(super) fn passes(&self, node: &Node) -> bool {
        if self.checked.iter().any(|rule| rule.fails(node)) {
            return false;
        }
        let Node::Branch(children) = node else {
            return true;
        };
        let present = |name: &&str| children.get(name).is_some_and(|child| !is_empty(child));
        self.required.iter().all(present)
            && children
                .iter()
                .all(|(key, child)| self.child_for(key).is_none_or(|trie| trie.passes(child)))
    }

    fn child_for(&self, key: &str) -> Option<&RuleTrie<R>> {
        match self.named.iter().find(|(name, _)| *name == key) {
            Some((_, trie)) => Some(trie),
            None => self.indexed.as_deref().filter(|_| parse_index(key).is_some()),
        }
    }
}
