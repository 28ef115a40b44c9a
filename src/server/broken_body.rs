//! Response bodies that break the connection on purpose: `reset` (nothing is sent) and `truncate`
//! (the head and part of the body are sent, then the connection closes).

use axum::body::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Long enough for the server to flush what was sent before the failure closes the connection.
const FLUSH_PAUSE: Duration = Duration::from_millis(50);

#[derive(Debug)]
struct Broken;

impl std::fmt::Display for Broken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection broken by a fault rule")
    }
}

impl std::error::Error for Broken {}

enum Stage {
    Data(Bytes),
    Pause(Pin<Box<tokio::time::Sleep>>),
    Fail,
}

/// A body that announces `declared_len` bytes, yields `sent`, pauses so it is flushed, then fails.
/// The HTTP server closes a connection whose response body fails: with nothing sent, not even the
/// status line has gone out (it is still buffered), so the client sees the connection closed.
pub struct BrokenBody {
    stage: Stage,
    declared_len: Option<u64>,
}

impl BrokenBody {
    /// The connection closes before any byte of the response is sent.
    pub fn reset() -> Self {
        BrokenBody {
            stage: Stage::Fail,
            declared_len: None,
        }
    }

    /// The status line, headers (with the full `Content-Length`) and the first half of `body` are
    /// sent, then the connection closes.
    pub fn truncate(body: Vec<u8>) -> Self {
        let declared_len = u64::try_from(body.len()).ok();
        let mut sent = Bytes::from(body);
        sent.truncate(sent.len() / 2);
        BrokenBody {
            stage: Stage::Data(sent),
            declared_len,
        }
    }
}

impl Body for BrokenBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        loop {
            match std::mem::replace(&mut self.stage, Stage::Fail) {
                Stage::Data(data) => {
                    self.stage = Stage::Pause(Box::pin(tokio::time::sleep(FLUSH_PAUSE)));
                    if !data.is_empty() {
                        return Poll::Ready(Some(Ok(Frame::data(data))));
                    }
                }
                Stage::Pause(mut sleep) => {
                    if sleep.as_mut().poll(cx).is_pending() {
                        self.stage = Stage::Pause(sleep);
                        return Poll::Pending;
                    }
                }
                Stage::Fail => return Poll::Ready(Some(Err(Box::new(Broken)))),
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> SizeHint {
        match self.declared_len {
            Some(len) => SizeHint::with_exact(len),
            None => SizeHint::default(),
        }
    }
}
