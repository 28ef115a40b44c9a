//! Splitting request text at an ASCII delimiter by a plain byte scan: parameter names and query
//! strings are short, and for them this costs less than `str::split`'s character searcher.

/// The pieces of `text` between each `delimiter`, as `str::split` gives them (empty pieces
/// included). A delimiter outside ASCII ends the split at the first piece boundary it would break.
pub fn split_ascii(text: &str, delimiter: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.bytes().position(|b| b == delimiter) {
            Some(at) => {
                rest = current.get(at + 1..);
                current.get(..at)
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// `text` split at its first `delimiter`, as `str::split_once` does.
pub fn split_once_ascii(text: &str, delimiter: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == delimiter)?;
    Some((text.get(..at)?, text.get(at + 1..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn splits_as_str_split_does(text in "[a-c.&=中]{0,12}") {
            for delimiter in [b'.', b'&', b'='] {
                let ours: Vec<&str> = split_ascii(&text, delimiter).collect();
                let std: Vec<&str> = text.split(char::from(delimiter)).collect();
                proptest::prop_assert_eq!(ours, std);
                proptest::prop_assert_eq!(split_once_ascii(&text, delimiter), text.split_once(char::from(delimiter)));
            }
        }
    }
}
