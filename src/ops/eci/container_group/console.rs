//! What a user reads from and runs in a container: `DescribeContainerLog` and `ExecContainerCommand`
//! (with the sessions its websocket serves).

use super::dto::{DescribeContainerLogRequest, ExecContainerCommandRequest};
use super::exec_sessions::ExecSession;
use super::model::ContainerGroup;
use super::progress::{incorrect_status_of, read_group};
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::machine::RunState;
use crate::lifecycle::GroupStatus;
use crate::network;
use crate::ops::Ctx;
use crate::protocol::JsonBody;
use serde_json::json;

/// `DescribeContainerLog`: the text set through the side API, or lines derived from the container's
/// runs; `Tail`, `LimitBytes` and `Timestamps` apply to either.
pub fn log(ctx: &Ctx<'_>, req: DescribeContainerLogRequest) -> Result<JsonBody, ApiError> {
    let tail = match req.tail {
        None => None,
        Some(n) if n < 0 => return Err(ApiError::invalid("Tail", "must not be negative")),
        Some(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let limit_bytes = match req.limit_bytes {
        None => None,
        Some(n) if n < 1 => return Err(ApiError::invalid("LimitBytes", "must be at least 1")),
        Some(n) => Some(usize::try_from(n).unwrap_or(usize::MAX)),
    };
    let region = match req.region_id.as_deref().filter(|r| !r.is_empty()) {
        Some(region) => network::region(region)?,
        None => network::region_of_resource_id(&req.container_group_id)
            .ok_or_else(|| super::progress::not_found(&req.container_group_id))?,
    };
    let lines = read_group(ctx, region, &req.container_group_id, |group| {
        let index = container_index(group, &req.container_name)?;
        Ok(log_lines(
            group,
            index,
            &req.container_name,
            req.timestamps == Some(true),
        ))
    })?;
    let mut content = match tail {
        Some(n) => lines.get(lines.len().saturating_sub(n)..).unwrap_or_default().concat(),
        None => lines.concat(),
    };
    if let Some(limit) = limit_bytes {
        let mut cut = limit.min(content.len());
        while !content.is_char_boundary(cut) {
            cut -= 1;
        }
        content.truncate(cut);
    }
    JsonBody::of(&json!({"ContainerName": req.container_name, "Content": content}))
}

fn container_index(group: &ContainerGroup, name: &str) -> Result<usize, ApiError> {
    group
        .spec
        .containers
        .iter()
        .position(|c| c.name == name)
        .ok_or_else(|| {
            let detail = format!("The specified ContainerName \"{name}\" is not found.");
            ApiError::with_detail(ErrorCode::NotFound, &detail)
        })
}

/// Each line ends with a newline; with `timestamps`, each starts with the time it was written.
fn log_lines(group: &ContainerGroup, index: usize, name: &str, timestamps: bool) -> Vec<String> {
    let written = group.life.started_at.unwrap_or(group.created_at);
    let stamp = |line: &str| {
        if timestamps {
            format!("{} {line}\n", crate::util::format_rfc3339_seconds(written))
        } else {
            format!("{line}\n")
        }
    };
    if let Some(text) = group.scripts.as_ref().and_then(|s| s.logs.get(name)) {
        return text.lines().map(stamp).collect();
    }
    let slot = group.life.init_containers() + index;
    let Some(run) = group.life.containers.get(slot) else {
        return Vec::new();
    };
    let image = group
        .spec
        .containers
        .get(index)
        .map(|c| c.image.as_str())
        .unwrap_or_default();
    let mut lines = Vec::new();
    if run.restart_count > 0 || run.current.state != RunState::Waiting {
        lines.push(stamp(&format!("container {name} started from image {image}")));
    }
    if run.current.state == RunState::Terminated {
        lines.push(stamp(&format!(
            "container {name} exited with code {}",
            run.current.exit_code
        )));
    }
    lines
}

/// `ExecContainerCommand`: with `Sync`, the reply set through the side API, or, for `echo`, what echo
/// prints; without, a `WebSocketUri` on this emulator that prints the same and, with `Stdin`, echoes.
pub fn exec(ctx: &Ctx<'_>, req: ExecContainerCommandRequest) -> Result<JsonBody, ApiError> {
    let command: Vec<String> = serde_json::from_str(&req.command).map_err(|_| {
        ApiError::invalid(
            "Command",
            "must be a JSON array of strings, such as [\"/bin/sh\",\"-c\",\"ls\"]",
        )
    })?;
    if command.is_empty() {
        return Err(ApiError::invalid("Command", "must name a program"));
    }
    let region = network::region(&req.region_id)?;
    let (group_id, reply) = read_group(ctx, region, &req.container_group_id, |group| {
        container_index(group, &req.container_name)?;
        if group.status() != GroupStatus::Running {
            return Err(incorrect_status_of(group.status()));
        }
        let scripted = group
            .scripts
            .as_ref()
            .and_then(|s| s.exec_replies.get(&req.container_name));
        Ok((
            group.id.clone(),
            scripted.cloned().unwrap_or_else(|| echo_reply(&command)),
        ))
    })?;
    if req.sync == Some(true) {
        return JsonBody::of(&json!({"SyncResponse": reply, "WebSocketUri": "", "HttpUrl": ""}));
    }
    let session = ExecSession {
        group_id,
        container: req.container_name.clone(),
        reply,
        stdin: req.stdin == Some(true),
    };
    let token = ctx.eci.exec_sessions.open(session, ctx.eci.clock.now());
    let uri = format!("ws://{}/_emulator/exec/{token}", ctx.host);
    JsonBody::of(&json!({"WebSocketUri": uri, "HttpUrl": ""}))
}

/// What `echo` (directly or through `sh -c "echo …"`) would print; nothing for anything else.
fn echo_reply(command: &[String]) -> String {
    let words: Vec<&str> = match command {
        [sh, flag, script] if sh.ends_with("sh") && flag == "-c" => script.split_whitespace().collect(),
        _ => command.iter().map(String::as_str).collect(),
    };
    match words.split_first() {
        Some((program, args)) if program.rsplit('/').next() == Some("echo") => format!("{}\n", args.join(" ")),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::echo_reply;

    #[test]
    fn echo_is_answered_directly_or_through_a_shell() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(echo_reply(&words(&["echo", "hi", "there"])), "hi there\n");
        assert_eq!(echo_reply(&words(&["/bin/sh", "-c", "echo  ok"])), "ok\n");
        assert_eq!(echo_reply(&words(&["/bin/echo"])), "\n");
        assert_eq!(echo_reply(&words(&["ls", "/"])), "");
    }
}
