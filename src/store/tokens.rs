//! `ClientToken` memories: what a token's first call did, kept for a day and for the newest
//! `MAX_TOKENS` tokens of a partition, so a long-running emulator does not grow without bound.

use super::journal::Sink;
use std::collections::VecDeque;
use time::{Duration, OffsetDateTime};

/// How long a token is remembered (the documentation gives no window; a day covers any retry loop).
pub const TOKEN_TTL: Duration = Duration::hours(24);
/// At most this many tokens are remembered per partition; the oldest go first.
pub const MAX_TOKENS: usize = 100_000;

#[derive(Debug)]
pub struct TokenMap<V> {
    by_token: crate::util::FastMap<String, V>,
    by_age: VecDeque<(OffsetDateTime, String)>,
    /// Where changes go when the state is durable.
    sink: Option<Sink>,
}

impl<V> Default for TokenMap<V> {
    fn default() -> Self {
        TokenMap {
            by_token: Default::default(),
            by_age: VecDeque::new(),
            sink: None,
        }
    }
}

/// A remembered token as the store keeps it: what its call did, and when.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredToken<V> {
    pub at: OffsetDateTime,
    pub value: V,
}

impl<V: serde::Serialize> TokenMap<V> {
    /// From now on, every change is also put in `sink`.
    pub fn attach(&mut self, sink: Option<Sink>) {
        self.sink = sink;
    }

    /// Puts back a token read from the store, as it was remembered at `at` (oldest first).
    pub fn restore(&mut self, token: String, value: V, at: OffsetDateTime) {
        if self.by_token.insert(token.clone(), value).is_none() {
            self.by_age.push_back((at, token));
        }
    }

    /// Puts the restored tokens in the order they were remembered.
    pub fn sort_by_age(&mut self) {
        self.by_age.make_contiguous().sort();
    }

    /// Every token with when it was remembered and its value, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = (&str, OffsetDateTime, &V)> {
        self.by_age
            .iter()
            .filter_map(|(at, token)| Some((token.as_str(), *at, self.by_token.get(token)?)))
    }
}

impl<V: serde::Serialize + Clone> TokenMap<V> {
    /// Remembers `token`, forgetting those past their day or beyond the cap.
    pub fn insert(&mut self, token: String, value: V, now: OffsetDateTime) {
        while let Some((at, old)) = self.by_age.front() {
            if *at > now - TOKEN_TTL && self.by_age.len() < MAX_TOKENS {
                break;
            }
            if let Some(sink) = &self.sink {
                sink.delete(old);
            }
            self.by_token.remove(old);
            self.by_age.pop_front();
        }
        if let Some(sink) = &self.sink {
            // A token given a new value keeps its place among the old, but is stored as of now: after
            // a restart it is remembered a little longer, never shorter.
            let stored = StoredToken {
                at: now,
                value: value.clone(),
            };
            sink.put(&token, &stored);
        }
        if self.by_token.insert(token.clone(), value).is_none() {
            self.by_age.push_back((now, token));
        }
    }
}

impl<V> TokenMap<V> {
    pub fn get(&self, token: &str) -> Option<&V> {
        self.by_token.get(token)
    }

    pub fn len(&self) -> usize {
        self.by_token.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_token.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_forgotten_after_a_day_and_beyond_the_cap() {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let mut tokens = TokenMap::default();
        tokens.insert("a".into(), 1, t0);
        tokens.insert("a".into(), 2, t0);
        assert_eq!((tokens.get("a"), tokens.len()), (Some(&2), 1));
        tokens.insert("b".into(), 3, t0 + TOKEN_TTL);
        assert_eq!(tokens.get("a"), None, "a day old");
        assert_eq!(tokens.get("b"), Some(&3));
        for i in 0..MAX_TOKENS + 10 {
            tokens.insert(i.to_string(), i, t0 + TOKEN_TTL);
        }
        assert_eq!(tokens.len(), MAX_TOKENS);
        assert_eq!(tokens.get("b"), None, "the oldest go first");
        assert!(tokens.get(&(MAX_TOKENS + 9).to_string()).is_some());
    }
}
