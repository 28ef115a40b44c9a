//! Turns raw HTTP parts into an `RpcRequest`: parameters from the query string and a form body,
//! action and version from parameters or `x-acs-*` headers, and the response format.

use super::limits::{self, MAX_PARAMETERS};
use super::split::{split_ascii, split_once_ascii};
use crate::actions::Product;
use crate::error::{ApiError, ErrorCode};
use std::borrow::Cow;

/// The response format a client asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    Xml,
}

/// The HTTP request as the protocol layer needs it, free of any web framework type.
#[derive(Debug, Clone, Default)]
pub struct RawRequest {
    pub method: String,
    /// The query string as sent, without the leading `?`.
    pub query: String,
    /// The headers as received (taken over from the server, not copied).
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl RawRequest {
    /// A request from plain parts; headers whose name or value HTTP cannot carry are left out.
    pub fn from_parts(method: &str, query: &str, headers: &[(&str, &str)], body: &[u8]) -> Self {
        let mut map = http::HeaderMap::new();
        for (name, value) in headers {
            let name = http::HeaderName::from_bytes(name.as_bytes());
            let value = http::HeaderValue::from_bytes(value.as_bytes());
            if let (Ok(name), Ok(value)) = (name, value) {
                map.append(name, value);
            }
        }
        RawRequest {
            method: method.to_owned(),
            query: query.to_owned(),
            headers: map,
            body: body.to_vec(),
        }
    }

    /// The first value of a header, if it is text. A `HeaderName` is looked up as it is; text is
    /// parsed into one first, which costs more on a hot path.
    pub fn header<K: http::header::AsHeaderName>(&self, name: K) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A decoded parameter, borrowed from the request when it needed no decoding (most do).
pub type Pair<'a> = (Cow<'a, str>, Cow<'a, str>);

/// One RPC call: who it is for, what it asks, and every parameter it carries, borrowed from the raw
/// request where it can be.
#[derive(Debug, Clone)]
pub struct RpcRequest<'a> {
    pub action: Cow<'a, str>,
    pub version: Cow<'a, str>,
    /// The product the version names.
    pub product: Product,
    pub format: Format,
    /// Decoded query parameters, in the order sent.
    pub query: Vec<Pair<'a>>,
    /// Decoded form-body parameters, in the order sent.
    pub form: Vec<Pair<'a>>,
}

impl RpcRequest<'_> {
    /// The union of query and body parameters.
    pub fn params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.query.iter().chain(self.form.iter()).map(|(k, v)| (&**k, &**v))
    }

    /// The parameters the operation reads: all but those the gateway consumes (the action, version,
    /// format and signing fields), which no operation takes and which would only cost tree building.
    pub fn operation_params(&self) -> impl Iterator<Item = (&str, &str)> {
        self.params().filter(|(k, _)| !is_gateway_param(k))
    }

    pub fn param(&self, name: &str) -> Option<&str> {
        self.params().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}

/// Parameters of the call itself rather than of the operation. A second copy of one of them is not
/// refused, as a repeated operation parameter is: the first one is the one read. A `match` rather than
/// a list, so each parameter name is told apart by its length before any text is compared.
pub fn is_gateway_param(name: &str) -> bool {
    matches!(
        name,
        "Action"
            | "Version"
            | "Format"
            | "AccessKeyId"
            | "Signature"
            | "SignatureMethod"
            | "SignatureVersion"
            | "SignatureNonce"
            | "SignatureType"
            | "Timestamp"
    )
}

/// Decodes `application/x-www-form-urlencoded` text; `+` is a space; the result must be UTF-8. Names
/// and the number of pairs are held to `limits` as they are read, so a hostile text costs no more
/// than the bounds allow.
///
/// Text that is not UTF-8 as sent is refused whole, before any percent-decoding: clients encode
/// everything outside ASCII. Every `&` and `=` is then a character boundary, and text with nothing
/// to decode is borrowed with no second check.
pub fn decode_pairs<'a>(input: &'a [u8], source: &str) -> Result<Vec<Pair<'a>>, ApiError> {
    let text = std::str::from_utf8(input).map_err(|_| not_utf8(source))?;
    let mut pairs = Vec::with_capacity(16);
    for piece in split_ascii(text, b'&').filter(|p| !p.is_empty()) {
        let (key, value) = split_once_ascii(piece, b'=').unwrap_or((piece, ""));
        if key.is_empty() {
            return Err(ApiError::invalid(source, "a parameter has an empty name"));
        }
        if pairs.len() == MAX_PARAMETERS {
            return Err(limits::too_many_parameters(source));
        }
        let key = decode_component(key, source)?;
        limits::check_name(&key)?;
        pairs.push((key, decode_component(value, source)?));
    }
    Ok(pairs)
}

fn not_utf8(source: &str) -> ApiError {
    ApiError::invalid(source, "the text is not valid UTF-8")
}

/// Text with nothing to decode is borrowed as it is; only escaped text is copied, a plain run at a time.
pub fn decode_component<'a>(raw: &'a str, source: &str) -> Result<Cow<'a, str>, ApiError> {
    let (plain, mut rest) = plain_run(raw.as_bytes());
    if rest.is_empty() {
        return Ok(Cow::Borrowed(raw));
    }
    let mut bytes = Vec::with_capacity(raw.len());
    bytes.extend_from_slice(plain);
    while let Some((first, tail)) = rest.split_first() {
        rest = match (*first, tail) {
            (b'+', _) => {
                bytes.push(b' ');
                tail
            }
            (b'%', _) => match escaped_byte(tail) {
                Some((byte, after)) => {
                    bytes.push(byte);
                    after
                }
                None => {
                    bytes.push(b'%');
                    tail
                }
            },
            _ => {
                let (plain, after) = plain_run(rest);
                bytes.extend_from_slice(plain);
                after
            }
        };
    }
    String::from_utf8(bytes).map(Cow::Owned).map_err(|_| not_utf8(source))
}

/// The bytes before the first `%` or `+`, and the rest from there on.
fn plain_run(bytes: &[u8]) -> (&[u8], &[u8]) {
    let run = bytes
        .iter()
        .position(|b| matches!(b, b'%' | b'+'))
        .unwrap_or(bytes.len());
    bytes.split_at_checked(run).unwrap_or((bytes, &[]))
}

/// The byte two hex digits after a `%` stand for, and what follows them.
fn escaped_byte(after_percent: &[u8]) -> Option<(u8, &[u8])> {
    match after_percent {
        [high, low, rest @ ..] => Some((hex_value(*high)? << 4 | hex_value(*low)?, rest)),
        _ => None,
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

pub fn is_form_body(raw: &RawRequest) -> bool {
    match raw.header(http::header::CONTENT_TYPE) {
        Some(ct) => ct
            .trim()
            .to_ascii_lowercase()
            .starts_with("application/x-www-form-urlencoded"),
        // Clients that send a body without a content type still mean a form.
        None => !raw.body.is_empty(),
    }
}

/// A form body is read as sent: one compressed (declared with `Content-Encoding`, or gzip data sent
/// without saying so) is refused saying that, rather than as text that is not UTF-8. The API's
/// gateway documents no compressed requests, and no official SDK sends one.
fn check_unencoded(raw: &RawRequest) -> Result<(), ApiError> {
    let declared = raw
        .header(http::header::CONTENT_ENCODING)
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("identity"));
    if let Some(encoding) = declared {
        let encoding: String = encoding.chars().take(40).collect();
        return Err(ApiError::invalid(
            "request body",
            &format!("it is encoded (Content-Encoding: {encoding}); send the form unencoded"),
        ));
    }
    if raw.body.starts_with(&[0x1f, 0x8b]) {
        return Err(ApiError::invalid(
            "request body",
            "it is gzip data, not form text; send the form unencoded",
        ));
    }
    Ok(())
}

/// The format named by `Format`, when it can be read; used to render even an early error right.
pub fn requested_format<'a, 'b: 'a>(mut pairs: impl Iterator<Item = &'a Pair<'b>>) -> Result<Format, ApiError> {
    match pairs.find(|(k, _)| k == "Format").map(|(_, v)| &**v) {
        None | Some("") => Ok(Format::Json),
        Some(v) if v.eq_ignore_ascii_case("json") => Ok(Format::Json),
        Some(v) if v.eq_ignore_ascii_case("xml") => Ok(Format::Xml),
        Some(_) => Err(ApiError::invalid("Format", "expected JSON or XML")),
    }
}

/// Reads the call out of the raw request. On failure, also says which format the error should take.
pub fn extract(raw: &RawRequest) -> Result<RpcRequest<'_>, (ApiError, Format)> {
    let method = raw.method.as_str();
    if method != "GET" && method != "POST" {
        return Err((ApiError::new(ErrorCode::InvalidAction), Format::Json));
    }
    let query = decode_pairs(raw.query.as_bytes(), "query string").map_err(|e| (e, Format::Json))?;
    let form = if is_form_body(raw) {
        check_unencoded(raw).map_err(|e| (e, Format::Json))?;
        decode_pairs(&raw.body, "request body").map_err(|e| (e, Format::Json))?
    } else {
        Vec::new()
    };
    if query.len() + form.len() > MAX_PARAMETERS {
        return Err((
            limits::too_many_parameters("query string and request body"),
            Format::Json,
        ));
    }
    let all = || query.iter().chain(form.iter());
    let format = requested_format(all()).map_err(|e| (e, Format::Json))?;
    let pick = |param: &str, header: http::HeaderName| -> Option<Cow<'_, str>> {
        all()
            .find(|(k, _)| k == param)
            .map(|(_, v)| v.clone())
            .or_else(|| raw.header(header).map(Cow::Borrowed))
            .filter(|v| !v.is_empty())
    };
    let action = pick("Action", http::HeaderName::from_static("x-acs-action"))
        .ok_or_else(|| (ApiError::missing("Action"), format))?;
    let version = pick("Version", http::HeaderName::from_static("x-acs-version"))
        .ok_or_else(|| (ApiError::missing("Version"), format))?;
    let Some(product) = Product::from_version(&version) else {
        return Err((ApiError::new(ErrorCode::InvalidVersion), format));
    };
    Ok(RpcRequest {
        action,
        version,
        product,
        format,
        query,
        form,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(method: &str, query: &str, headers: &[(&str, &str)], body: &str) -> RawRequest {
        RawRequest::from_parts(method, query, headers, body.as_bytes())
    }

    #[test]
    fn decodes_plus_percent_and_unicode() {
        let pairs = decode_pairs(b"a=x+y%2Bz%20%E4%B8%AD&b=&c", "q").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "x y+z 中".into()),
                ("b".into(), "".into()),
                ("c".into(), "".into())
            ]
        );
        let err = decode_pairs(b"a=%FF", "query string").unwrap_err();
        assert_eq!(err.code(), "InvalidParameter");
        assert!(err.message.contains("query string"), "{}", err.message);
        let raw_lead_byte = decode_pairs(b"a=\xE4%B8%AD", "request body").unwrap_err();
        assert!(
            raw_lead_byte.message.contains("not valid UTF-8"),
            "text that is not UTF-8 as sent is refused, even where its escapes would complete it"
        );
    }

    proptest::proptest! {
        #[test]
        fn decoding_agrees_with_the_percent_encoding_crate(raw in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            let plus_as_space: Vec<u8> = raw.iter().map(|b| if *b == b'+' { b' ' } else { *b }).collect();
            let expected: Vec<u8> = percent_encoding::percent_decode(&plus_as_space).collect();
            let expected = String::from_utf8(expected).ok().filter(|_| std::str::from_utf8(&raw).is_ok());
            let decoded = std::str::from_utf8(&raw).ok().and_then(|text| decode_component(text, "q").ok());
            proptest::prop_assert_eq!(decoded.map(Cow::into_owned), expected);
        }

        #[test]
        // Hex digits up to 7 only: every escape decodes to ASCII, so each piece alone decodes.
        fn pairs_split_on_ampersands_and_the_first_equals_sign(pieces in proptest::collection::vec("[g-z0-7%+=.]{0,6}", 0..6)) {
            let input = pieces.join("&");
            let expected: Vec<(String, String)> = pieces
                .iter()
                .filter(|p| !p.is_empty())
                .map(|p| p.split_once('=').unwrap_or((p, "")))
                .map(|(k, v)| (decode_component(k, "q").unwrap().into_owned(), decode_component(v, "q").unwrap().into_owned()))
                .collect();
            match decode_pairs(input.as_bytes(), "q") {
                Ok(pairs) => {
                    let pairs: Vec<(String, String)> = pairs.into_iter().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
                    proptest::prop_assert_eq!(pairs, expected);
                }
                Err(_) => proptest::prop_assert!(pieces.iter().any(|p| p.starts_with('='))),
            }
        }
    }

    #[test]
    fn a_compressed_body_is_refused_as_compressed() {
        let form = [("Content-Type", "application/x-www-form-urlencoded")];
        let declared = [form[0], ("Content-Encoding", "gzip")];
        let (err, _) = extract(&raw("POST", "", &declared, "Action=DescribeRegions")).unwrap_err();
        assert!(err.message.contains("Content-Encoding: gzip"), "{}", err.message);
        let gzip = RawRequest::from_parts("POST", "", &form, &[0x1f, 0x8b, 0x08, 0x00]);
        let (err, _) = extract(&gzip).unwrap_err();
        assert!(err.message.contains("gzip data"), "{}", err.message);
        let identity = [form[0], ("Content-Encoding", "identity")];
        assert!(extract(&raw("POST", "", &identity, "Action=DescribeRegions&Version=2018-08-08")).is_ok());
    }

    #[test]
    fn action_and_version_from_headers_and_params_from_both_places() {
        let r = raw(
            "POST",
            "RegionId=cn-hangzhou&Format=XML",
            &[
                ("x-acs-action", "DescribeContainerGroups"),
                ("x-acs-version", "2018-08-08"),
                ("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8"),
            ],
            "Limit=5",
        );
        let rpc = extract(&r).unwrap();
        assert_eq!(rpc.action, "DescribeContainerGroups");
        assert_eq!(rpc.format, Format::Xml);
        assert_eq!(rpc.param("Limit"), Some("5"));
        assert_eq!(rpc.param("RegionId"), Some("cn-hangzhou"));
    }

    #[test]
    fn version_and_action_are_checked() {
        let (err, _) = extract(&raw("GET", "Action=X&Version=2014-05-27", &[], "")).unwrap_err();
        assert_eq!((err.code(), err.status()), ("InvalidVersion", 400));
        let ecs = raw("GET", "Action=X&Version=2014-05-26", &[], "");
        assert_eq!(extract(&ecs).unwrap().product, Product::Ecs);
        let (err, fmt) = extract(&raw("GET", "Version=2018-08-08&Format=xml", &[], "")).unwrap_err();
        assert_eq!((err.code(), fmt), ("MissingParameter", Format::Xml));
        let (err, _) = extract(&raw("GET", "Format=yaml", &[], "")).unwrap_err();
        assert_eq!(err.code(), "InvalidParameter");
    }

    #[test]
    fn a_json_body_is_not_read_as_a_form() {
        let r = raw(
            "POST",
            "Action=A&Version=2018-08-08",
            &[("content-type", "application/json")],
            "{\"Limit\":1}",
        );
        assert!(extract(&r).unwrap().form.is_empty());
    }
}
