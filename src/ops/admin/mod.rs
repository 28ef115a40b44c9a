//! What the side API does to the ECI state beyond the operations: driving a group's lifecycle and
//! scripting its logs and exec replies (`drive_group`), the streamed state dump (`dump`), and what
//! the dashboard reads (`browse`).

pub mod browse;
pub mod dump;

use super::{release, EciState, RegionState};
use crate::faults::Faults;
use crate::lifecycle::machine;
use crate::lifecycle::GroupStatus;

/// What the side API can do to a group's lifecycle.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "action",
    deny_unknown_fields
)]
pub enum Drive {
    /// One stage forward, whatever the policy. (Variants without fields are written `{}` so that
    /// `deny_unknown_fields` holds for them too: serde lets a unit variant ignore any field.)
    Advance {},
    /// Straight to a status.
    SetStatus { status: String },
    /// A container ends with an exit code; the restart policy decides what follows.
    Terminate { container: String, exit_code: i32 },
    /// The spot instance is reclaimed: `Expired`.
    Reclaim {},
    /// What `DescribeContainerLog` shows for a container.
    SetLog { container: String, text: String },
    /// What `ExecContainerCommand` with `Sync` answers for a container.
    SetExecReply { container: String, reply: String },
}

/// Applies `drive` to group `id`, wherever it is; answers the group's status after it, or why not.
/// A group the drive ends (a `Terminating` group advanced) is removed and released at once.
pub fn drive_group(eci: &EciState, faults: &Faults, id: &str, drive: &Drive) -> Result<&'static str, (u16, String)> {
    let now = eci.clock.now();
    let partition = eci
        .registry
        .snapshot()
        .into_iter()
        .map(|(_, partition)| partition)
        .find(|partition| partition.read().groups.get(id).is_some())
        .ok_or_else(|| (404, format!("no container group {id}")))?;
    let mut state = partition.write();
    let gone = state.advance_due(now);
    release(eci, faults, gone);
    if let Drive::SetLog { container, .. } | Drive::SetExecReply { container, .. } = drive {
        return set_script(&mut state, id, container, drive);
    }
    let container = match drive {
        Drive::Terminate { container, .. } => {
            let group = state
                .groups
                .get(id)
                .ok_or_else(|| (404, format!("no container group {id}")))?;
            let index = group.spec.containers.iter().position(|c| c.name == *container);
            Some(index.ok_or_else(|| (404, format!("group {id} has no container {container}")))?)
        }
        _ => None,
    };
    let outcome = state.change_life(id, |life| match drive {
        Drive::Advance {} => life
            .advance_one(now)
            .then_some(())
            .ok_or_else(|| (409, format!("{} does not move on", life.status.as_str()))),
        Drive::SetStatus { status } => {
            let status = GroupStatus::parse(status)
                .ok_or_else(|| (400, format!("'{status}' is not a container group status")))?;
            life.set_status(status, now);
            Ok(())
        }
        Drive::Terminate { exit_code, .. } => life
            .terminate_container(container.unwrap_or_default(), *exit_code, now)
            .map_err(|refused| {
                (
                    409,
                    format!("no container runs while the group is {}", refused.status.as_str()),
                )
            }),
        Drive::Reclaim {} => life
            .fire(machine::Trigger::Reclaimed, now)
            .map_err(|refused| (409, format!("a {} group cannot be reclaimed", refused.status.as_str()))),
        Drive::SetLog { .. } | Drive::SetExecReply { .. } => Ok(()),
    });
    outcome.ok_or_else(|| (404, format!("no container group {id}")))??;
    let status = state.groups.get(id).map(|g| g.status().as_str()).unwrap_or_default();
    let removed = state.remove_if_gone(id);
    let ended = state.take_ended();
    drop(state);
    crate::ops::state::release_ended(eci, ended);
    release(eci, faults, removed.into_iter().collect());
    Ok(status)
}

fn set_script(
    state: &mut RegionState,
    id: &str,
    container: &str,
    drive: &Drive,
) -> Result<&'static str, (u16, String)> {
    let group = state
        .groups
        .get(id)
        .ok_or_else(|| (404, format!("no container group {id}")))?;
    if !group.spec.containers.iter().any(|c| c.name == container) {
        return Err((404, format!("group {id} has no container {container}")));
    }
    let status = group.status().as_str();
    state.groups.update(id, |g| {
        let scripts = g.scripts.get_or_insert_with(Box::default);
        match drive {
            Drive::SetLog { text, .. } => scripts.logs.insert(container.to_owned(), text.clone()),
            Drive::SetExecReply { reply, .. } => scripts.exec_replies.insert(container.to_owned(), reply.clone()),
            _ => None,
        };
    });
    Ok(status)
}
