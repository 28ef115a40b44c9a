//! The fault rules held: those for any group in one list, and those scoped to one container group
//! indexed by its id, so a call pays for the rules that can concern it and not for every group's.

use super::rule::Rule;
use std::collections::HashMap;
use std::sync::Arc;

/// A rule with the number that orders it among all rules: rules match in the order they were added.
type Numbered = (u64, Arc<Rule>);

#[derive(Default)]
pub(super) struct RuleSet {
    general: Vec<Numbered>,
    by_group: HashMap<String, Vec<Numbered>>,
    len: usize,
}

impl RuleSet {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// How many rules share the scope `group` (`None`: the rules for any group).
    pub(super) fn len_in_scope(&self, group: Option<&str>) -> usize {
        match group {
            Some(group) => self.by_group.get(group).map_or(0, Vec::len),
            None => self.general.len(),
        }
    }

    pub(super) fn push(&mut self, number: u64, rule: Arc<Rule>) {
        match rule.spec.container_group_id.clone() {
            Some(group) => self.by_group.entry(group).or_default().push((number, rule)),
            None => self.general.push((number, rule)),
        }
        self.len += 1;
    }

    pub(super) fn retain(&mut self, keep: impl Fn(&Rule) -> bool) {
        self.general.retain(|(_, rule)| keep(rule));
        self.by_group.retain(|_, rules| {
            rules.retain(|(_, rule)| keep(rule));
            !rules.is_empty()
        });
        self.recount();
    }

    /// Like `retain`, over the rules scoped to one group only.
    pub(super) fn retain_in_group(&mut self, group_id: &str, keep: impl Fn(&Rule) -> bool) {
        if let Some(rules) = self.by_group.get_mut(group_id) {
            rules.retain(|(_, rule)| keep(rule));
            if rules.is_empty() {
                self.by_group.remove(group_id);
            }
            self.recount();
        }
    }

    fn recount(&mut self) {
        self.len = self.general.len() + self.by_group.values().map(Vec::len).sum::<usize>();
    }

    /// Every rule, in the order added.
    pub(super) fn all(&self) -> Vec<Arc<Rule>> {
        in_order(self.general.iter().chain(self.by_group.values().flatten()))
    }

    /// Every rule with its number, in the order added.
    pub(super) fn all_numbered(&self) -> Vec<(u64, Arc<Rule>)> {
        let mut numbered: Vec<(u64, Arc<Rule>)> = self
            .general
            .iter()
            .chain(self.by_group.values().flatten())
            .map(|(number, rule)| (*number, Arc::clone(rule)))
            .collect();
        numbered.sort_unstable_by_key(|(number, _)| *number);
        numbered
    }

    /// The rules for any group and those scoped to one of `groups`, in the order added.
    pub(super) fn for_groups<'g>(&self, groups: impl Iterator<Item = &'g str>) -> Vec<Arc<Rule>> {
        let scoped = groups.filter_map(|group| self.by_group.get(group)).flatten();
        in_order(self.general.iter().chain(scoped))
    }
}

fn in_order<'r>(rules: impl Iterator<Item = &'r Numbered>) -> Vec<Arc<Rule>> {
    let mut numbered: Vec<&Numbered> = rules.collect();
    numbered.sort_unstable_by_key(|(number, _)| *number);
    numbered.dedup_by_key(|(number, _)| *number);
    numbered.into_iter().map(|(_, rule)| Arc::clone(rule)).collect()
}
