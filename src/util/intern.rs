//! Stored words read back as the `&'static str`s the lifecycle code keeps (reasons, status lists):
//! each distinct word is leaked once, and only a bounded number of them, so a hostile snapshot
//! cannot grow memory through them.

use parking_lot::Mutex;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::HashSet;

/// A word kept for the life of the process. Fields use this name rather than `&'static str`, which
/// serde's derive would otherwise read as borrowed from the input.
pub type Word = &'static str;
/// A list of words kept for the life of the process.
pub type WordList = &'static [&'static str];

/// More distinct words than any build's vocabulary holds; past it, reading fails.
const MAX_WORDS: usize = 4096;
const MAX_LISTS: usize = 256;

static WORDS: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
static LISTS: Mutex<Vec<&'static [&'static str]>> = Mutex::new(Vec::new());

/// The one `&'static str` equal to `word`.
pub fn word(word: &str) -> Result<&'static str, String> {
    let mut words = WORDS.lock();
    let words = words.get_or_insert_with(HashSet::new);
    if let Some(known) = words.get(word) {
        return Ok(known);
    }
    if words.len() >= MAX_WORDS || word.len() > 256 {
        return Err(format!("too many distinct words (at {word:?})"));
    }
    let leaked: &'static str = Box::leak(word.to_owned().into_boxed_str());
    words.insert(leaked);
    Ok(leaked)
}

/// The one `&'static [&'static str]` equal to `list`.
pub fn list(list: &[String]) -> Result<&'static [&'static str], String> {
    let mut lists = LISTS.lock();
    if let Some(known) = lists.iter().find(|known| known.iter().eq(list.iter())) {
        return Ok(known);
    }
    if lists.len() >= MAX_LISTS || list.len() > 64 {
        return Err("too many distinct status lists".to_owned());
    }
    let words = list.iter().map(|w| word(w)).collect::<Result<Vec<_>, _>>()?;
    let leaked: &'static [&'static str] = Box::leak(words.into_boxed_slice());
    lists.push(leaked);
    Ok(leaked)
}

/// `#[serde(with = "intern::static_str")]`
pub mod static_str {
    use super::*;

    pub fn serialize<S: Serializer>(value: &&'static str, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        let text = std::borrow::Cow::<str>::deserialize(d)?;
        word(&text).map_err(serde::de::Error::custom)
    }
}

/// `#[serde(with = "intern::option_static_str")]`
pub mod option_static_str {
    use super::*;

    pub fn serialize<S: Serializer>(value: &Option<&'static str>, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
        match Option::<std::borrow::Cow<str>>::deserialize(d)? {
            Some(text) => word(&text).map(Some).map_err(serde::de::Error::custom),
            None => Ok(None),
        }
    }
}

/// `#[serde(with = "intern::static_list")]`
pub mod static_list {
    use super::*;

    pub fn serialize<S: Serializer>(value: &&'static [&'static str], s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static [&'static str], D::Error> {
        let words = Vec::<String>::deserialize(d)?;
        list(&words).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_words_and_lists_are_one() {
        let a = word("Ready").unwrap();
        let b = word(&String::from("Ready")).unwrap();
        assert!(std::ptr::eq(a, b));
        let l1 = list(&["A".into(), "B".into()]).unwrap();
        let l2 = list(&["A".into(), "B".into()]).unwrap();
        assert!(std::ptr::eq(l1, l2));
        assert_eq!(l1, &["A", "B"]);
    }
}
