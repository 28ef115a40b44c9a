//! The answers hyper gives by itself, before any handler runs, to a request line or head it cannot
//! take (414 URI Too Long, 431 Request Header Fields Too Large): empty bodies, which the SDKs report
//! as an unreadable error. Such an answer, recognised on its way out of the connection, is replaced
//! by the same status with an API error body and a request id.
//!
//! Only a write that begins with one of those two status lines and declares an empty body is
//! replaced; the emulator's own answers always carry a body, so none of them is one.

use crate::error::{ApiError, ErrorCode};
use crate::protocol::Format;

/// The API error answer that replaces `head`, when `head` is one of hyper's own refusals.
pub fn replacement(head: &[u8]) -> Option<Vec<u8>> {
    let (status, reason, why) = if head.starts_with(b"HTTP/1.1 414 ") {
        (414, "URI Too Long", "The request line exceeds 65534 bytes.")
    } else if head.starts_with(b"HTTP/1.1 431 ") {
        (
            431,
            "Request Header Fields Too Large",
            "The request head exceeds 100 headers or about 400 KiB.",
        )
    } else {
        return None;
    };
    let declares_empty = head
        .windows(b"content-length: 0\r\n".len())
        .any(|w| w.eq_ignore_ascii_case(b"content-length: 0\r\n"));
    if !declares_empty {
        return None;
    }
    let request_id = crate::util::ids::new_request_id();
    let error = ApiError::with_detail(ErrorCode::RequestTooLarge, why);
    let body = crate::protocol::render::render_error(Format::Json, &request_id, &error).body;
    let mut answer = format!(
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json;charset=utf-8\r\nx-acs-request-id: {request_id}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    Some(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_empty_refusals_are_replaced() {
        let refusal = b"HTTP/1.1 414 URI Too Long\r\nconnection: close\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = String::from_utf8(replacement(refusal).unwrap()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 414 URI Too Long\r\n"), "{answer}");
        assert!(
            answer.contains("\"Code\":\"InvalidParameter.LengthExceeded\""),
            "{answer}"
        );
        assert!(answer.contains("x-acs-request-id: "), "{answer}");
        let with_body = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 12\r\n\r\n";
        assert_eq!(replacement(with_body), None);
        assert_eq!(replacement(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"), None);
        assert!(replacement(b"HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Length: 0\r\n\r\n").is_some());
    }
}
