//! Connections over real sockets: stalled heads and bodies, idle keep-alives, the connection cap,
//! broken framing, and shutdown with a stuck client or a hanging request.
//!
//! The emulator's own accept loop (`listener::serve`) runs in the test with short timeouts. Every wait
//! has a generous upper bound so a regression fails instead of hanging; no bound measures speed.

use eci_emulator::server::listener::{self, ConnectionLimits, Shutdown};
use eci_emulator::server::AppOptions;
use eci_emulator::{app, AppState};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

const SHORT: Duration = Duration::from_millis(300);
/// Far longer than any timeout under test: reaching it means the server never acted.
const PATIENCE: Duration = Duration::from_secs(20);

struct Server {
    address: SocketAddr,
    state: AppState,
    stop: Option<oneshot::Sender<()>>,
    served: JoinHandle<Shutdown>,
}

impl Server {
    async fn start(limits: ConnectionLimits, end_hangs_at_shutdown: bool) -> Server {
        let state = AppState::new(AppOptions::default()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let router = app(state.clone());
        let on_shutdown_state = state.clone();
        let served = tokio::spawn(async move {
            let signal = async {
                let _ = stopped.await;
            };
            listener::serve(listener, router, limits, signal, move || {
                if end_hangs_at_shutdown {
                    on_shutdown_state.begin_shutdown();
                }
            })
            .await
        });
        Server {
            address,
            state,
            stop: Some(stop),
            served,
        }
    }

    async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.address).await.unwrap()
    }

    async fn shut_down(mut self) -> Shutdown {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(PATIENCE, self.served).await.unwrap().unwrap()
    }
}

fn limits() -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: SHORT,
        idle_timeout: SHORT,
        max_connections: 64,
        shutdown_timeout: Duration::from_secs(5),
    }
}

/// Everything the server sends until it closes the connection.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received))
        .await
        .expect("the server closed the connection")
        .unwrap_or_default();
    String::from_utf8_lossy(&received).into_owned()
}

/// One whole response on a kept-alive connection (the emulator always sends Content-Length).
async fn read_response(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut buffer))
            .await
            .unwrap()
            .unwrap();
        assert!(
            read > 0,
            "closed before a whole response: {}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&buffer[..read]);
        let text = String::from_utf8_lossy(&received).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().to_owned())
                })
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return text;
            }
        }
    }
}

const DESCRIBE: &str =
    "GET /?Action=DescribeContainerGroups&Version=2018-08-08&RegionId=cn-hangzhou HTTP/1.1\r\nHost: t\r\n\r\n";

#[tokio::test]
async fn a_stalled_request_head_is_closed_after_the_header_timeout() {
    let server = Server::start(limits(), true).await;
    let mut stalled = server.connect().await;
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n").await.unwrap();
    assert_eq!(read_to_close(&mut stalled).await, "", "closed without an answer");
    let mut fine = server.connect().await;
    fine.write_all(DESCRIBE.as_bytes()).await.unwrap();
    assert!(read_response(&mut fine).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let server = Server::start(
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(30),
            ..limits()
        },
        true,
    )
    .await;
    let mut client = server.connect().await;
    client.write_all(DESCRIBE.as_bytes()).await.unwrap();
    assert!(read_response(&mut client).await.starts_with("HTTP/1.1 200"));
    assert_eq!(read_to_close(&mut client).await, "");
}

#[tokio::test]
async fn stalled_clients_at_the_connection_cap_do_not_lock_out_new_ones() {
    let server = Server::start(
        ConnectionLimits {
            max_connections: 4,
            idle_timeout: Duration::from_secs(30),
            ..limits()
        },
        true,
    )
    .await;
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let mut stream = server.connect().await;
        stream.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
        stalled.push(stream);
    }
    let mut newcomer = server.connect().await;
    newcomer.write_all(DESCRIBE.as_bytes()).await.unwrap();
    assert!(read_response(&mut newcomer).await.starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_body_that_stalls_is_answered_408() {
    let server = Server::start(limits(), true).await;
    let mut client = server.connect().await;
    let head = "POST /?Action=DescribeContainerGroups&Version=2018-08-08 HTTP/1.1\r\nHost: t\r\n\
                Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 40\r\n\r\nRegionId=";
    client.write_all(head.as_bytes()).await.unwrap();
    let response = read_response(&mut client).await;
    assert!(response.starts_with("HTTP/1.1 408"), "{response}");
    assert!(response.contains("\"Code\":\"RequestTimeout\""), "{response}");
}

#[tokio::test]
async fn a_malformed_chunked_body_is_a_bad_request() {
    let server = Server::start(limits(), true).await;
    let mut client = server.connect().await;
    let request = "POST /?Action=DescribeContainerGroups&Version=2018-08-08 HTTP/1.1\r\nHost: t\r\n\
                   Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n";
    client.write_all(request.as_bytes()).await.unwrap();
    let response = read_response(&mut client).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert!(response.contains("\"Code\":\"InvalidParameter\""), "{response}");
}

#[tokio::test]
async fn an_oversized_declared_body_is_refused_instead_of_continued() {
    let server = Server::start(limits(), true).await;
    let mut client = server.connect().await;
    let request = "POST /?Action=DescribeContainerGroups&Version=2018-08-08 HTTP/1.1\r\nHost: t\r\n\
                   Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 999999999\r\nExpect: 100-continue\r\n\r\n";
    client.write_all(request.as_bytes()).await.unwrap();
    let response = read_response(&mut client).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
}

#[tokio::test]
async fn a_twenty_thousand_segment_name_is_refused_and_the_server_lives_on() {
    let server = Server::start(limits(), true).await;
    let deep = vec!["a"; 20_000].join(".");
    let mut client = server.connect().await;
    let request =
        format!("GET /?Action=DescribeContainerGroups&Version=2018-08-08&{deep}=1 HTTP/1.1\r\nHost: t\r\n\r\n");
    client.write_all(request.as_bytes()).await.unwrap();
    let response = read_response(&mut client).await;
    assert!(
        response.starts_with("HTTP/1.1 400"),
        "{}",
        &response[..200.min(response.len())]
    );
    client.write_all(DESCRIBE.as_bytes()).await.unwrap();
    assert!(read_response(&mut client).await.starts_with("HTTP/1.1 200"));
}

/// A connection whose request a hang fault holds unanswered.
async fn hanging_request(server: &Server) -> TcpStream {
    let hang = serde_json::from_str(r#"{"action":"ListUsage","effect":"hang"}"#).unwrap();
    server.state.faults().add(hang, "api").unwrap();
    let mut hanging = server.connect().await;
    let request = "GET /?Action=ListUsage&Version=2018-08-08&RegionId=cn-hangzhou HTTP/1.1\r\nHost: t\r\n\r\n";
    hanging.write_all(request.as_bytes()).await.unwrap();
    // The request is read and handled (and so hangs) before shutdown is asked for.
    tokio::time::sleep(Duration::from_millis(100)).await;
    hanging
}

#[tokio::test]
async fn shutdown_is_not_held_by_a_stuck_client_or_a_hanging_request() {
    let server = Server::start(limits(), true).await;
    let mut stuck = server.connect().await;
    stuck.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n").await.unwrap();
    let mut hanging = hanging_request(&server).await;
    assert_eq!(server.shut_down().await, Shutdown::Drained);
    assert_eq!(
        read_to_close(&mut hanging).await,
        "",
        "the hang ended with the connection"
    );
}

#[tokio::test]
async fn shutdown_gives_up_on_work_still_running_at_the_deadline() {
    let server = Server::start(
        ConnectionLimits {
            shutdown_timeout: SHORT,
            ..limits()
        },
        false,
    )
    .await;
    let _hanging = hanging_request(&server).await;
    assert_eq!(server.shut_down().await, Shutdown::DeadlinePassed { open: 1 });
}

/// A request line or head too large for the HTTP layer is answered 414 or 431 with an API error body
/// and a request id, as every other refusal is, not with an empty body; a kept-alive connection's
/// earlier answers are not touched.
#[tokio::test]
async fn a_request_too_large_for_the_http_layer_gets_an_api_error() {
    let server = Server::start(limits(), true).await;
    let long_uri = format!(
        "GET /?Action=DescribeContainerGroups&Version=2018-08-08&x={} HTTP/1.1\r\nHost: t\r\n\r\n",
        "a".repeat(70_000)
    );
    let many_headers: String = (0..150).map(|n| format!("X-H{n}: v\r\n")).collect();
    let cases = [
        (long_uri, "HTTP/1.1 414 "),
        (
            format!("GET /?Action=DescribeRegions&Version=2018-08-08 HTTP/1.1\r\nHost: t\r\n{many_headers}\r\n"),
            "HTTP/1.1 431 ",
        ),
    ];
    for (request, status) in cases {
        let mut client = server.connect().await;
        client.write_all(DESCRIBE.as_bytes()).await.unwrap();
        assert!(read_response(&mut client).await.starts_with("HTTP/1.1 200"));
        client.write_all(request.as_bytes()).await.unwrap();
        let response = read_to_close(&mut client).await;
        assert!(response.starts_with(status), "{response}");
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(head.contains("x-acs-request-id: "), "{head}");
        let error: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(error["Code"], "InvalidParameter.LengthExceeded", "{body}");
        assert!(
            error["RequestId"].as_str().is_some_and(|id| head.contains(id)),
            "{response}"
        );
    }
}
