//! The websocket behind `ExecContainerCommand`'s `WebSocketUri`: it prints the command's output, and
//! with `Stdin` echoes back what it is sent, until the client closes.

use super::AppState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

pub(super) async fn exec(
    State(state): State<AppState>,
    Path(token): Path<String>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let now = state.eci().clock.now();
    let Some(session) = state.eci().exec_sessions.take(&token, now) else {
        let body =
            Json(json!({"error": "no exec session for this token, or it expired (they last 60 s and serve once)"}));
        return (StatusCode::NOT_FOUND, body).into_response();
    };
    tracing::debug!(group = %session.group_id, container = %session.container, "exec session opened");
    upgrade.on_upgrade(move |socket| serve(socket, session.reply, session.stdin))
}

async fn serve(mut socket: WebSocket, reply: String, stdin: bool) {
    if !reply.is_empty() && socket.send(Message::Text(reply.into())).await.is_err() {
        return;
    }
    if !stdin {
        let _ = socket.send(Message::Close(None)).await;
        return;
    }
    while let Some(Ok(message)) = socket.recv().await {
        let echoed = match message {
            Message::Text(text) => Message::Text(text),
            Message::Binary(bytes) => Message::Binary(bytes),
            Message::Close(_) => break,
            Message::Ping(_) | Message::Pong(_) => continue,
        };
        if socket.send(echoed).await.is_err() {
            break;
        }
    }
}
