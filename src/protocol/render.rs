//! The one response writer: successes and errors, JSON or XML, as the service renders them.

use super::extract::Format;
use crate::actions::Product;
use crate::error::ApiError;
use serde_json::{Map, Value};

const JSON_CONTENT_TYPE: &str = "application/json;charset=utf-8";
/// The exact value on which the Tea SDKs switch to parsing XML.
const XML_CONTENT_TYPE: &str = "text/xml;charset=utf-8";

/// A rendered response, independent of any web framework.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

/// Room for a one-group answer without growing: `serde_json::to_vec` starts at 128 bytes, and its
/// reallocations on the way to a few kilobytes were a tenth of a read by id's instructions.
const INITIAL_BODY_CAPACITY: usize = 4096;

/// An operation's answer, already serialized as a JSON object: operations serialize their borrowed
/// views while they hold their locks, and JSON, the common case, then needs no second pass.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonBody(Vec<u8>);

impl JsonBody {
    pub fn of<T: serde::Serialize + ?Sized>(body: &T) -> Result<Self, ApiError> {
        let mut out = Vec::with_capacity(INITIAL_BODY_CAPACITY);
        serde_json::to_writer(&mut out, body)
            .map(|()| JsonBody(out))
            .map_err(|_| ApiError::new(crate::error::ErrorCode::InternalError))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The body of a successful call, with `RequestId` added.
pub fn render_success(format: Format, action: &str, request_id: &str, body: &JsonBody) -> Rendered {
    match format {
        Format::Json => Rendered {
            status: 200,
            content_type: JSON_CONTENT_TYPE,
            body: with_request_id(&body.0, request_id),
        },
        Format::Xml => {
            let mut fields = match serde_json::from_slice(&body.0) {
                Ok(Value::Object(map)) => map,
                _ => Map::new(),
            };
            fields.insert("RequestId".into(), Value::String(request_id.to_owned()));
            finish(format, 200, &format!("{action}Response"), fields)
        }
    }
}

/// `{"RequestId":"…",` spliced in front of the object's own fields.
fn with_request_id(object: &[u8], request_id: &str) -> Vec<u8> {
    let fields = object.strip_prefix(b"{").unwrap_or(b"}");
    let mut out = Vec::with_capacity(object.len() + request_id.len() + 16);
    out.extend_from_slice(b"{\"RequestId\":");
    out.extend_from_slice(&serde_json::to_vec(request_id).unwrap_or_default());
    if fields != b"}" {
        out.push(b',');
    }
    out.extend_from_slice(fields);
    out
}

/// An error in ECI's envelope: `RequestId`, `HostId`, `Code`, `Message`, `Recommend`; what is
/// refused before the call's product is known answers as ECI.
pub fn render_error(format: Format, request_id: &str, err: &ApiError) -> Rendered {
    render_product_error(Product::Eci, format, request_id, err)
}

/// An error in `product`'s envelope: its host in `HostId`, its name in the `Recommend` link.
pub fn render_product_error(product: Product, format: Format, request_id: &str, err: &ApiError) -> Rendered {
    let recommend = format!(
        "https://api.aliyun.com/troubleshoot?q={}&product={}&requestId={}",
        err.code(),
        product.troubleshoot_name(),
        request_id
    );
    let mut fields = Map::new();
    fields.insert("RequestId".into(), request_id.into());
    fields.insert("HostId".into(), product.host().into());
    fields.insert("Code".into(), err.code().into());
    fields.insert("Message".into(), err.message.clone().into());
    fields.insert("Recommend".into(), recommend.into());
    finish(format, err.status(), "Error", fields)
}

fn finish(format: Format, status: u16, xml_root: &str, fields: Map<String, Value>) -> Rendered {
    match format {
        Format::Json => Rendered {
            status,
            content_type: JSON_CONTENT_TYPE,
            body: serde_json::to_vec(&Value::Object(fields)).unwrap_or_default(),
        },
        Format::Xml => {
            let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
            write_element(&mut out, xml_root, &Value::Object(fields));
            Rendered {
                status,
                content_type: XML_CONTENT_TYPE,
                body: out.into_bytes(),
            }
        }
    }
}

/// Writes `value` under `name`; a list becomes the element repeated, `null` is left out.
fn write_element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Array(items) => items.iter().for_each(|item| write_element(out, name, item)),
        Value::Object(fields) => {
            open(out, name);
            for (key, child) in fields {
                write_element(out, key, child);
            }
            close(out, name);
        }
        Value::String(text) => write_text(out, name, text),
        Value::Bool(b) => write_text(out, name, if *b { "true" } else { "false" }),
        Value::Number(n) => write_text(out, name, &n.to_string()),
    }
}

fn write_text(out: &mut String, name: &str, text: &str) {
    open(out, name);
    out.push_str(&quick_xml::escape::partial_escape(xml_safe(text).as_ref()));
    close(out, name);
}

fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// XML 1.0 cannot carry most control characters even escaped; they become U+FFFD.
fn xml_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let allowed = |c: char| matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}');
    if text.chars().all(allowed) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(text.chars().map(|c| if allowed(c) { c } else { '\u{FFFD}' }).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;

    #[test]
    fn xml_repeats_list_elements_and_escapes_text() {
        let body = json!({"Regions": [{"RegionId": "a", "Zones": ["z1", "z2"]}, {"RegionId": "b<&>\u{1}"}], "Empty": [], "Gone": null});
        let r = render_success(Format::Xml, "DescribeRegions", "RID", &JsonBody::of(&body).unwrap());
        assert_eq!(r.content_type, "text/xml;charset=utf-8");
        assert_eq!(
            String::from_utf8(r.body).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeRegionsResponse>\
             <Regions><RegionId>a</RegionId><Zones>z1</Zones><Zones>z2</Zones></Regions>\
             <Regions><RegionId>b&lt;&amp;&gt;\u{FFFD}</RegionId></Regions>\
             <RequestId>RID</RequestId></DescribeRegionsResponse>"
        );
    }

    #[test]
    fn json_success_gets_the_request_id_first() {
        let r = render_success(Format::Json, "X", "RID", &JsonBody::of(&json!({"A": 1})).unwrap());
        assert_eq!(String::from_utf8(r.body).unwrap(), "{\"RequestId\":\"RID\",\"A\":1}");
        let empty = render_success(Format::Json, "X", "RID", &JsonBody::of(&json!({})).unwrap());
        assert_eq!(String::from_utf8(empty.body).unwrap(), "{\"RequestId\":\"RID\"}");
    }

    #[test]
    fn json_error_envelope_is_whole() {
        let err = ApiError::missing("RegionId");
        let r = render_error(Format::Json, "RID", &err);
        assert_eq!(r.status, 400);
        let v: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            v,
            json!({
                "RequestId": "RID",
                "HostId": "eci.aliyuncs.com",
                "Code": "MissingParameter",
                "Message": "The input parameter \"RegionId\" that is mandatory for processing this request is not supplied.",
                "Recommend": "https://api.aliyun.com/troubleshoot?q=MissingParameter&product=Eci&requestId=RID"
            })
        );
    }

    #[test]
    fn xml_error_envelope() {
        let r = render_error(Format::Xml, "RID", &ApiError::new(ErrorCode::InvalidVersion));
        let text = String::from_utf8(r.body).unwrap();
        assert!(
            text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"),
            "{text}"
        );
        assert!(text.contains("<Code>InvalidVersion</Code>"), "{text}");
        assert!(
            text.contains("<Message>Specified parameter Version is not valid.</Message>"),
            "{text}"
        );
    }
}
