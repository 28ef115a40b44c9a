//! The exec websocket, on a real listener: output, then an echo of stdin; tokens serve once.

use crate::common::*;
use axum::body::Body;
use axum::http::Request;
use eci_emulator::server::AppOptions;
use eci_emulator::{app, AppState};
use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

async fn exec_uri(router: &axum::Router, host: &str, id: &str, command: &str, stdin: bool) -> String {
    let pairs = [
        ("Action", "ExecContainerCommand"),
        ("Version", "2018-08-08"),
        ("AccessKeyId", "AK-TEST"),
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupId", id),
        ("ContainerName", "app"),
        ("Command", command),
        ("Stdin", if stdin { "true" } else { "false" }),
    ];
    let request = Request::get(format!("/?{}", query_of(&pairs)))
        .header("host", host)
        .body(Body::empty())
        .unwrap();
    let reply = send(router, request).await;
    reply.json()["WebSocketUri"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_websocket_prints_the_output_then_echoes_stdin() {
    let state = AppState::new(AppOptions {
        lifecycle: immediate(),
        ..AppOptions::default()
    })
    .unwrap();
    let router = app(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let served = router.clone();
    tokio::spawn(async move { axum::serve(listener, served).await });
    let id = create_group(&router, "shell", &[]).await;

    let uri = exec_uri(&router, &host, &id, r#"["echo","ready"]"#, false).await;
    assert_eq!(
        uri.split("/_emulator/exec/").next(),
        Some(format!("ws://{host}").as_str())
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(&uri).await.unwrap();
    assert_eq!(socket.next().await.unwrap().unwrap(), Message::Text("ready\n".into()));
    assert!(matches!(socket.next().await, Some(Ok(Message::Close(_))) | None));
    assert!(
        tokio_tungstenite::connect_async(&uri).await.is_err(),
        "a token serves once"
    );

    let uri = exec_uri(&router, &host, &id, r#"["/bin/sh"]"#, true).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(&uri).await.unwrap();
    socket.send(Message::Text("ls\n".into())).await.unwrap();
    assert_eq!(socket.next().await.unwrap().unwrap(), Message::Text("ls\n".into()));
    socket.close(None).await.unwrap();
}
