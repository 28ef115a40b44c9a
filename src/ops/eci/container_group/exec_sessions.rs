//! The interactive execs `ExecContainerCommand` opened and their websockets have not taken yet: each
//! token good once, for a minute, and a bounded number open.

use time::OffsetDateTime;

/// An interactive exec waiting for its websocket: what it prints first, and whether it reads stdin
/// (then the session echoes what it is sent, like a shell's terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecSession {
    pub group_id: String,
    pub container: String,
    pub reply: String,
    pub stdin: bool,
}

/// Exec sessions by token, each usable once within `EXEC_TOKEN_TTL`; at most `MAX_OPEN_SESSIONS`.
#[derive(Debug, Default)]
pub struct ExecSessions {
    open: parking_lot::Mutex<std::collections::HashMap<String, (ExecSession, OffsetDateTime)>>,
}

/// How long a `WebSocketUri` stays valid.
pub const EXEC_TOKEN_TTL: time::Duration = time::Duration::seconds(60);
const MAX_OPEN_SESSIONS: usize = 10_000;

impl ExecSessions {
    /// Registers a session; answers its token.
    pub fn open(&self, session: ExecSession, now: OffsetDateTime) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let mut open = self.open.lock();
        open.retain(|_, (_, issued)| now - *issued < EXEC_TOKEN_TTL);
        if open.len() >= MAX_OPEN_SESSIONS {
            let oldest = open
                .iter()
                .min_by_key(|(_, (_, issued))| *issued)
                .map(|(t, _)| t.clone());
            if let Some(oldest) = oldest {
                open.remove(&oldest);
            }
        }
        open.insert(token.clone(), (session, now));
        token
    }

    /// The session of `token` if it is still valid; a token is good once.
    pub fn take(&self, token: &str, now: OffsetDateTime) -> Option<ExecSession> {
        let (session, issued) = self.open.lock().remove(token)?;
        (now - issued < EXEC_TOKEN_TTL).then_some(session)
    }

    pub fn clear(&self) {
        self.open.lock().clear();
    }
}
