//! The client tokens of network creates (`CreateVpc`, `CreateSecurityGroup`, …): what each token's
//! first call made, kept for a day (`store::tokens::TOKEN_TTL`, as ECI's) and for the newest
//! `MAX_PER_ACCOUNT` of each account, so an account retrying or spraying tokens neither grows the
//! region's network nor slows the others'.

use super::stored::{Chunk, StoredToken, TOKEN};
use super::{NetworkChange, RegionNetwork};
use crate::store::TOKEN_TTL;
use crate::util::FastMap;
use std::collections::{BTreeMap, VecDeque};
use time::OffsetDateTime;

/// Tokens remembered per account and region; the oldest go first.
pub const MAX_PER_ACCOUNT: usize = 1_000;
/// When a token read from a file of before times were kept was made: unknown, so it is forgotten
/// by the cap, after every dated one, never by its age.
const UNDATED: OffsetDateTime = OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT);

#[derive(Debug, Default, Clone)]
pub struct NetworkTokens {
    /// `account/action/token` → the id made, and when.
    made: BTreeMap<String, (String, OffsetDateTime)>,
    /// Each account's keys, oldest first.
    by_account: FastMap<String, VecDeque<(OffsetDateTime, String)>>,
    /// Keys remembered or forgotten since the network was last written.
    touched: Vec<String>,
}

impl NetworkTokens {
    /// The id `key`'s first call made, while it is remembered at `now`.
    pub fn get(&self, key: &str, now: OffsetDateTime) -> Option<&str> {
        let (id, at) = self.made.get(key)?;
        (*at > now - TOKEN_TTL).then_some(id.as_str())
    }

    /// Remembers `key` for `id`, forgetting the account's tokens past their day or beyond the cap.
    pub fn insert(&mut self, key: String, id: String, now: OffsetDateTime) {
        let account = account_of(&key).to_owned();
        let queue = self.by_account.entry(account).or_default();
        while let Some((at, oldest)) = queue.front() {
            if *at > now - TOKEN_TTL && queue.len() < MAX_PER_ACCOUNT {
                break;
            }
            self.made.remove(oldest);
            self.touched.push(oldest.clone());
            queue.pop_front();
        }
        self.touched.push(key.clone());
        if self.made.insert(key.clone(), (id, now)).is_none() {
            queue.push_back((now, key));
        }
    }

    /// The keys remembered or forgotten since last asked, each once.
    pub fn take_touched(&mut self) -> Vec<String> {
        let mut touched = std::mem::take(&mut self.touched);
        touched.sort_unstable();
        touched.dedup();
        touched
    }

    /// `key`'s entry as the store keeps it.
    pub fn stored(&self, key: &str) -> Option<StoredToken> {
        self.made.get(key).map(|(id, at)| StoredToken {
            id: id.clone(),
            at: at.unix_timestamp(),
        })
    }

    /// Up to `limit` entries after the key `after`, and the last key given when more follow.
    pub fn entries_after(&self, after: Option<&str>, limit: usize) -> Chunk<String> {
        use std::ops::Bound;
        let from = after.map_or(Bound::Unbounded, Bound::Excluded);
        let mut range = self.made.range::<str, _>((from, Bound::Unbounded));
        let entries: Vec<_> = range
            .by_ref()
            .take(limit)
            .filter_map(|(key, _)| Some((TOKEN, key.clone(), super::stored::encode(&self.stored(key)?))))
            .collect();
        let next = entries
            .last()
            .map(|(_, key, _)| key.clone())
            .filter(|_| range.next().is_some());
        (entries, next)
    }

    pub fn restored(ids: BTreeMap<String, String>, times: &BTreeMap<String, i64>) -> Self {
        let mut by_age: Vec<(OffsetDateTime, String, String)> = ids
            .into_iter()
            .map(|(key, id)| {
                let at = times
                    .get(&key)
                    .and_then(|t| OffsetDateTime::from_unix_timestamp(*t).ok())
                    .unwrap_or(UNDATED);
                (at, key, id)
            })
            .collect();
        by_age.sort();
        let mut tokens = NetworkTokens::default();
        for (at, key, id) in by_age {
            tokens.insert(key, id, at);
        }
        // What was read is what the store holds; a token the cap dropped is written away later.
        let forgotten: Vec<String> = tokens
            .take_touched()
            .into_iter()
            .filter(|key| !tokens.made.contains_key(key))
            .collect();
        tokens.touched = forgotten;
        tokens
    }
}

fn account_of(key: &str) -> &str {
    key.split('/').next().unwrap_or_default()
}

/// A create's client token: a retry answers what the first call made.
impl RegionNetwork {
    /// The id an earlier create with the same client token made, if it still exists.
    pub fn replayed(&self, change: &NetworkChange<'_>, exists: impl Fn(&Self, &str) -> bool) -> Option<String> {
        let id = self.client_tokens.get(&change.token_key()?, change.now)?;
        exists(self, id).then(|| id.to_owned())
    }

    pub fn remember_token(&mut self, change: &NetworkChange<'_>, id: &str) {
        if let Some(key) = change.token_key() {
            self.client_tokens.insert(key, id.to_owned(), change.now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids by key and the times by key, as a whole-network value of before format 3 kept them.
    fn saved(tokens: &NetworkTokens) -> (BTreeMap<String, String>, BTreeMap<String, i64>) {
        let ids = tokens.made.iter().map(|(k, (id, _))| (k.clone(), id.clone())).collect();
        let times = tokens
            .made
            .iter()
            .map(|(k, (_, at))| (k.clone(), at.unix_timestamp()))
            .collect();
        (ids, times)
    }

    #[test]
    fn tokens_age_out_after_a_day_and_each_account_keeps_its_newest() {
        let t0 = OffsetDateTime::UNIX_EPOCH + time::Duration::days(365);
        let mut tokens = NetworkTokens::default();
        tokens.insert("a/CreateVpc/t1".into(), "vpc-1".into(), t0);
        assert_eq!(tokens.get("a/CreateVpc/t1", t0), Some("vpc-1"));
        assert_eq!(tokens.get("a/CreateVpc/t1", t0 + TOKEN_TTL), None, "a day old");
        for n in 0..MAX_PER_ACCOUNT + 50 {
            tokens.insert(format!("b/CreateVpc/t{n}"), format!("vpc-{n}"), t0);
        }
        assert_eq!(
            tokens.get("a/CreateVpc/t1", t0),
            Some("vpc-1"),
            "another account's spray"
        );
        assert_eq!(tokens.get("b/CreateVpc/t0", t0), None);
        assert_eq!(tokens.made.len(), MAX_PER_ACCOUNT + 1);
        let (ids, times) = saved(&tokens);
        let back = NetworkTokens::restored(ids, &times);
        assert_eq!(back.get("b/CreateVpc/t1049", t0), Some("vpc-1049"));
        let older_file = NetworkTokens::restored(
            BTreeMap::from([("a/CreateVpc/x".into(), "vpc-x".into())]),
            &BTreeMap::new(),
        );
        assert_eq!(
            older_file.get("a/CreateVpc/x", t0 + time::Duration::days(400)),
            Some("vpc-x")
        );
    }
}
