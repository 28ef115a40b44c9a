//! `ClientToken` memories: what a token's first call did, kept for a day and for the newest
//! `MAX_TOKENS` tokens of a partition, so a long-running emulator does not grow without bound.

use std::collections::{HashMap, VecDeque};
use time::{Duration, OffsetDateTime};

/// How long a token is remembered (the documentation gives no window; a day covers any retry loop).
pub const TOKEN_TTL: Duration = Duration::hours(24);
/// At most this many tokens are remembered per partition; the oldest go first.
pub const MAX_TOKENS: usize = 100_000;

#[derive(Debug)]
pub struct TokenMap<V> {
    by_token: HashMap<String, V>,
    by_age: VecDeque<(OffsetDateTime, String)>,
}

impl<V> Default for TokenMap<V> {
    fn default() -> Self {
        TokenMap {
            by_token: HashMap::new(),
            by_age: VecDeque::new(),
        }
    }
}

impl<V> TokenMap<V> {
    pub fn get(&self, token: &str) -> Option<&V> {
        self.by_token.get(token)
    }

    /// Remembers `token`, forgetting those past their day or beyond the cap.
    pub fn insert(&mut self, token: String, value: V, now: OffsetDateTime) {
        while let Some((at, old)) = self.by_age.front() {
            if *at > now - TOKEN_TTL && self.by_age.len() < MAX_TOKENS {
                break;
            }
            self.by_token.remove(old);
            self.by_age.pop_front();
        }
        if self.by_token.insert(token.clone(), value).is_none() {
            self.by_age.push_back((now, token));
        }
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
