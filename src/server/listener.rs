//! Connections: accepting them up to a cap, closing those that stall or idle, and shutting down with a
//! deadline; HTTPS on the same port for a connection that opens with a TLS handshake. hyper serves
//! each connection; this module decides how long it may live.
//!
//! hyper's own header-read timer also runs while a kept-alive connection waits for its next request,
//! so it cannot tell a stalled head from an idle connection. Each connection here has a small watchdog
//! instead, fed by the socket's reads and the requests in flight:
//! - bytes of a request head have arrived, no request is in flight: the head must be complete within
//!   the header-read timeout;
//! - nothing has arrived since the last answer: the connection may idle for the idle timeout;
//! - a request is in flight: its body must arrive within the header-read timeout (`DeadlineBody`);
//!   the handler itself is not timed (hang faults are slow on purpose; they end at shutdown).

use axum::body::{Body, Bytes};
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};
use tokio::time::Instant;
use tower::ServiceExt;

/// How long connections may stall or idle, how many may be open, and how long shutdown may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request head, once begun, and a request body must each arrive within this.
    pub header_read_timeout: Duration,
    /// A kept-alive connection with no request under way is closed after this.
    pub idle_timeout: Duration,
    /// Connections open at once; more wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// After a shutdown signal, in-flight requests get this long before the process exits anyway.
    pub shutdown_timeout: Duration,
}

impl ConnectionLimits {
    /// The limits the flags describe.
    pub fn of(config: &crate::config::Config) -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_millis(config.header_read_timeout_ms),
            idle_timeout: Duration::from_millis(config.idle_timeout_ms),
            max_connections: usize::try_from(config.max_connections).unwrap_or(usize::MAX),
            shutdown_timeout: Duration::from_millis(config.shutdown_timeout_ms),
        }
    }
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_connections: 10_000,
            shutdown_timeout: Duration::from_secs(10),
        }
    }
}

/// How shutdown went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shutdown {
    /// Every connection finished within the deadline.
    Drained,
    /// The deadline passed with this many connections still open.
    DeadlinePassed { open: usize },
}

/// Serves `router` on `listener` until `signal` resolves, then stops accepting, asks every
/// connection to finish (`on_shutdown` is called so hanging requests end too) and waits for them at
/// most `limits.shutdown_timeout`.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    signal: impl Future<Output = ()>,
    on_shutdown: impl FnOnce(),
) -> Shutdown {
    serve_with_tls(listener, router, limits, None, signal, on_shutdown).await
}

/// `serve`, also answering HTTPS with `tls` on the same port.
pub async fn serve_with_tls(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    tls: Option<Arc<super::tls::Tls>>,
    signal: impl Future<Output = ()>,
    on_shutdown: impl FnOnce(),
) -> Shutdown {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(signal);
    loop {
        let slot = tokio::select! {
            () = &mut signal => break,
            slot = slots.clone().acquire_owned() => slot,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            () = &mut signal => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _peer)) => {
                let _ = stream.set_nodelay(true);
                let router = router.clone();
                let stopping = stopping.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    serve_plain_or_tls(stream, router, limits, tls, stopping).await;
                    drop(slot);
                });
            }
            // Out of descriptors or a connection reset before it was accepted: wait a moment
            // rather than spin, and go on.
            Err(e) => {
                tracing::warn!("accepting a connection failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    drop(listener);
    stop.send_replace(true);
    on_shutdown();
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    let drained = tokio::time::timeout(limits.shutdown_timeout, slots.acquire_many(all)).await;
    if drained.is_ok() {
        return Shutdown::Drained;
    }
    Shutdown::DeadlinePassed {
        open: limits.max_connections.saturating_sub(slots.available_permits()),
    }
}

/// A connection as plain HTTP, or as HTTPS when its first byte opens a TLS handshake. A client that
/// sends nothing within the idle timeout is let go.
async fn serve_plain_or_tls(
    stream: TcpStream,
    router: Router,
    limits: ConnectionLimits,
    tls: Option<Arc<super::tls::Tls>>,
    stopping: watch::Receiver<bool>,
) {
    let activity = Arc::new(Activity::new());
    let watched = Watched {
        inner: stream,
        activity: activity.clone(),
    };
    let Some(tls) = tls else {
        return serve_connection(Rewriting::new(watched), activity, router, limits, stopping).await;
    };
    let mut first = [0u8; 1];
    let peeked = tokio::time::timeout(limits.idle_timeout, watched.inner.peek(&mut first)).await;
    match peeked {
        Ok(Ok(1)) if first[0] == super::tls::HANDSHAKE => {
            let handshake = tokio::time::timeout(limits.header_read_timeout, tls.acceptor.accept(watched)).await;
            match handshake {
                Ok(Ok(secured)) => {
                    activity.handshake_done();
                    serve_connection(Rewriting::new(secured), activity, router, limits, stopping).await
                }
                Ok(Err(e)) => tracing::debug!("a TLS handshake failed: {e}"),
                Err(_) => tracing::debug!("a TLS handshake did not finish in time"),
            }
        }
        Ok(Ok(_)) => serve_connection(Rewriting::new(watched), activity, router, limits, stopping).await,
        Ok(Err(_)) | Err(_) => {}
    }
}

/// One connection, until the client closes it, a timeout closes it, or shutdown finishes it.
async fn serve_connection<S>(
    stream: S,
    activity: Arc<Activity>,
    router: Router,
    limits: ConnectionLimits,
    mut stopping: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let io = TokioIo::new(stream);
    let service_activity = activity.clone();
    let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
        let in_flight = InFlight::begin(service_activity.clone());
        let request = request.map(|body| Body::new(DeadlineBody::new(body, limits.header_read_timeout)));
        let router = router.clone();
        async move {
            let response = router.oneshot(request).await;
            drop(in_flight);
            response
        }
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(io, service)
        .with_upgrades();
    tokio::pin!(connection);
    let mut draining = *stopping.borrow();
    if draining {
        connection.as_mut().graceful_shutdown();
    }
    // The watchdog looks at the connection a few times per timeout rather than re-arming a timer for
    // every request: a stalled or idle connection is closed within 1.25 times its timeout.
    let mut ticks = tokio::time::interval(watch_tick(&limits));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = connection.as_mut() => return,
            _ = ticks.tick() => {
                let idle = activity.in_flight.load(Ordering::Relaxed) == 0;
                if (draining && idle) || activity.deadline(&limits) <= Instant::now() {
                    // Dropping the connection closes the socket: the client stalled or idled, or
                    // the emulator is shutting down and this connection is between requests.
                    return;
                }
            }
            changed = stopping.changed(), if !draining => {
                draining = true;
                if changed.is_ok() {
                    connection.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// How often the watchdog looks: a quarter of the shorter timeout, but not more than 100 times a
/// second.
fn watch_tick(limits: &ConnectionLimits) -> Duration {
    (limits.header_read_timeout.min(limits.idle_timeout) / 4).max(Duration::from_millis(10))
}

/// What the watchdog knows of a connection; times are milliseconds since `origin`.
struct Activity {
    origin: Instant,
    in_flight: AtomicUsize,
    /// When the last byte arrived or the last answer was finished.
    last_activity_ms: AtomicU64,
    /// When the first byte of a request head arrived, plus one; 0 while no head is under way.
    head_started_ms: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity {
            origin: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last_activity_ms: AtomicU64::new(0),
            head_started_ms: AtomicU64::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    fn at(&self, ms: u64) -> Instant {
        self.origin + Duration::from_millis(ms)
    }

    /// A TLS handshake finished: its bytes were no request head, so the idle timeout applies until
    /// the first byte of one arrives.
    fn handshake_done(&self) {
        self.last_activity_ms.store(self.now_ms(), Ordering::Relaxed);
        self.head_started_ms.store(0, Ordering::Relaxed);
    }

    fn bytes_arrived(&self) {
        let now = self.now_ms();
        self.last_activity_ms.store(now, Ordering::Relaxed);
        if self.in_flight.load(Ordering::Relaxed) == 0 {
            let _ =
                self.head_started_ms
                    .compare_exchange(0, now.saturating_add(1), Ordering::Relaxed, Ordering::Relaxed);
        }
    }

    /// When the watchdog should close the connection, as things stand.
    fn deadline(&self, limits: &ConnectionLimits) -> Instant {
        if self.in_flight.load(Ordering::Relaxed) > 0 {
            return Instant::now() + limits.header_read_timeout;
        }
        match self.head_started_ms.load(Ordering::Relaxed) {
            0 => self.at(self.last_activity_ms.load(Ordering::Relaxed)) + limits.idle_timeout,
            started => self.at(started - 1) + limits.header_read_timeout,
        }
    }
}

/// A request being served on a connection: its head is complete, so no head timer runs.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn begin(activity: Arc<Activity>) -> Self {
        activity.in_flight.fetch_add(1, Ordering::Relaxed);
        activity.head_started_ms.store(0, Ordering::Relaxed);
        InFlight(activity)
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let now = self.0.now_ms();
        self.0.last_activity_ms.store(now, Ordering::Relaxed);
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The socket, telling the watchdog when bytes arrive.
struct Watched {
    inner: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.bytes_arrived();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// The connection as hyper writes to it, plain or inside TLS: one of hyper's own refusals (414,
/// 431) on its way out is replaced by the API error answer (`refusals`).
struct Rewriting<S> {
    inner: S,
    /// The answer sent instead of a refusal, and how much of it is out.
    replacing: Option<(Vec<u8>, usize)>,
}

impl<S> Rewriting<S> {
    fn new(inner: S) -> Self {
        Rewriting { inner, replacing: None }
    }
}

impl<S: AsyncWrite + Unpin> Rewriting<S> {
    /// Sends the replacement answer for a write of `reported` bytes; `None` when there is none.
    fn poll_replacing(&mut self, cx: &mut Context<'_>, reported: usize) -> Option<Poll<io::Result<usize>>> {
        let (answer, sent) = self.replacing.as_mut()?;
        while *sent < answer.len() {
            match Pin::new(&mut self.inner).poll_write(cx, answer.get(*sent..).unwrap_or_default()) {
                Poll::Ready(Ok(0)) => return Some(Poll::Ready(Err(io::ErrorKind::WriteZero.into()))),
                Poll::Ready(Ok(n)) => *sent += n,
                Poll::Ready(Err(e)) => return Some(Poll::Ready(Err(e))),
                Poll::Pending => return Some(Poll::Pending),
            }
        }
        self.replacing = None;
        Some(Poll::Ready(Ok(reported)))
    }

    fn start_replacing(&mut self, head: &[u8]) {
        if self.replacing.is_none() {
            self.replacing = super::refusals::replacement(head).map(|answer| (answer, 0));
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Rewriting<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Rewriting<S> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.start_replacing(buf);
        match this.poll_replacing(cx, buf.len()) {
            Some(replaced) => replaced,
            None => Pin::new(&mut this.inner).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if let Some(first) = bufs.iter().find(|b| !b.is_empty()) {
            this.start_replacing(first);
        }
        let total = bufs.iter().map(|b| b.len()).sum();
        match this.poll_replacing(cx, total) {
            Some(replaced) => replaced,
            None => Pin::new(&mut this.inner).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A body that did not arrive within the header-read timeout.
#[derive(Debug)]
pub struct BodyReadTimeout(pub Duration);

impl std::fmt::Display for BodyReadTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the request body did not arrive within {} ms", self.0.as_millis())
    }
}

impl std::error::Error for BodyReadTimeout {}

/// A request body that fails with `BodyReadTimeout` when it is not complete in time. The timer is
/// only started when the body is not already there, so the usual small body costs no timer.
struct DeadlineBody {
    inner: Incoming,
    limit: Duration,
    timer: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl DeadlineBody {
    fn new(inner: Incoming, limit: Duration) -> Self {
        DeadlineBody {
            inner,
            limit,
            timer: None,
        }
    }
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        let limit = self.limit;
        let timer = self.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyReadTimeout(limit))))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
