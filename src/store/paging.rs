//! The one kind of `NextToken` every listing hands out: a position, dressed as a UUID like the
//! service's own tokens. For a table it is the creation number to continue below; for a ranked
//! listing (image caches matched by image) it is the count already shown.

use crate::error::ApiError;

pub fn encode(position: u64) -> String {
    uuid::Uuid::from_u128(u128::from(position)).hyphenated().to_string()
}

/// The position a token stands for; no token (or an empty one) is the start.
pub fn decode(token: Option<&str>) -> Result<Option<u64>, ApiError> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    uuid::Uuid::parse_str(token)
        .ok()
        .and_then(|u| u64::try_from(u.as_u128()).ok())
        .map(Some)
        .ok_or_else(|| ApiError::invalid("NextToken", "not a token this service issued"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_junk_is_refused() {
        for position in [0, 1, 41, u64::MAX] {
            assert_eq!(decode(Some(&encode(position))), Ok(Some(position)));
        }
        assert_eq!(decode(None), Ok(None));
        assert_eq!(decode(Some("")), Ok(None));
        assert!(decode(Some("12")).is_err());
        assert!(decode(Some(&uuid::Uuid::from_u128(u128::MAX).to_string())).is_err());
    }
}
