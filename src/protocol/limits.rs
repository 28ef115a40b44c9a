//! How large a request's parameters may be: the bounds every RPC request is held to before anything
//! is built from it, so nothing on the request path grows with the depth or count of its input.
//!
//! The API's deepest parameter has six segments (`Volume.N.ConfigFileVolume.ConfigFileToPath.N.Path`)
//! and its longest name about 65 bytes; the bounds leave a wide margin above what any operation
//! declares while keeping the cost of a hostile request small and flat.

use crate::error::ApiError;

/// Most parameters one request may carry, query and body together.
pub const MAX_PARAMETERS: usize = 10_000;
/// Longest parameter name, in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// Most dot-separated segments in one parameter name.
pub const MAX_NAME_SEGMENTS: usize = 16;
/// Highest list index (`Container.N`): far above any list the API takes.
pub const MAX_LIST_INDEX: usize = 10_000;

/// Checks one parameter name against the name bounds.
pub fn check_name(name: &str) -> Result<(), ApiError> {
    if name.len() > MAX_NAME_BYTES {
        let why = format!(
            "the parameter name has {} bytes; at most {MAX_NAME_BYTES} are accepted",
            name.len()
        );
        return Err(ApiError::invalid(&shown(name), &why));
    }
    let segments = name.bytes().filter(|b| *b == b'.').count() + 1;
    if segments > MAX_NAME_SEGMENTS {
        let why = format!("the parameter name has {segments} segments; at most {MAX_NAME_SEGMENTS} are accepted");
        return Err(ApiError::invalid(&shown(name), &why));
    }
    Ok(())
}

/// The error for a request with more than `MAX_PARAMETERS` parameters.
pub fn too_many_parameters(source: &str) -> ApiError {
    let why = format!("more than {MAX_PARAMETERS} parameters are not accepted");
    ApiError::invalid(source, &why)
}

/// A name as an error message shows it: its first 64 characters, so the answer stays small.
fn shown(name: &str) -> String {
    const SHOWN: usize = 64;
    match name.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}…", name.get(..cut).unwrap_or(name)),
        None => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_just_inside_the_bounds_pass_and_just_outside_are_refused() {
        let deepest = vec!["a"; MAX_NAME_SEGMENTS].join(".");
        assert!(check_name(&deepest).is_ok());
        let err = check_name(&format!("{deepest}.a")).unwrap_err();
        assert!(err.message.contains("17 segments; at most 16"), "{}", err.message);
        assert!(check_name(&"n".repeat(MAX_NAME_BYTES)).is_ok());
        let err = check_name(&"n".repeat(MAX_NAME_BYTES + 1)).unwrap_err();
        assert!(err.message.contains("257 bytes; at most 256"), "{}", err.message);
        assert!(
            err.message.len() < 200,
            "the name is cut in the message: {}",
            err.message
        );
    }

    #[test]
    fn a_long_name_is_cut_on_a_character_boundary() {
        let name = "中".repeat(100);
        let cut = shown(&name);
        assert_eq!(cut.chars().count(), 65);
        assert!(cut.ends_with('…'));
    }
}
