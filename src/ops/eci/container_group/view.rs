//! How a stored group reads back: the `DescribeContainerGroups` item and the Kubernetes-shaped
//! `DescribeContainerGroupStatus` item, under the response key names the SDK parses (notes §3.2, §3.3).
//! Views borrow from the stored group and serialize directly, so a page costs no intermediate tree.

use super::dto::{
    ContainerSpec, ProbeSpec, VolumeMountSpec, VolumeSpec, DEFAULT_IMAGE_PULL_POLICY, DEFAULT_RESTART_POLICY,
};
use super::model::ContainerGroup;
use crate::lifecycle::machine::{ContainerLife, Run, RunState};
use crate::lifecycle::GroupStatus;
use crate::ops::eci::events::EventView;
pub use crate::ops::eci::events::Timestamp;
use crate::util::format_rfc3339_seconds;
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::json;
use std::net::Ipv4Addr;

/// Serializes `items` mapped through `view` as a list, without collecting them first.
struct MapSeq<'a, T, V, F: Fn(&'a T) -> V>(&'a [T], F);

impl<'a, T, V: Serialize, F: Fn(&'a T) -> V> Serialize for MapSeq<'a, T, V, F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            seq.serialize_element(&(self.1)(item))?;
        }
        seq.end()
    }
}

/// An empty JSON object (`PreviousState` of a container that never restarted).
#[derive(Serialize)]
struct Empty {}

/// One `ContainerGroups[]` entry.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupView<'a> {
    container_group_id: &'a str,
    container_group_name: &'a str,
    region_id: &'a str,
    zone_id: &'a str,
    vpc_id: &'a str,
    #[serde(rename = "VSwitchId")]
    vswitch_id: &'a str,
    security_group_id: &'a str,
    intranet_ip: Ipv4Addr,
    #[serde(skip_serializing_if = "Option::is_none")]
    internet_ip: Option<Ipv4Addr>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ipv6_address: Option<std::net::Ipv6Addr>,
    eni_instance_id: String,
    /// The tenant ENI: the one in the caller's own VPC, which here is the group's own.
    tenant_eni_instance_id: String,
    tenant_eni_ip: Ipv4Addr,
    tenant_security_group_id: &'a str,
    #[serde(rename = "TenantVSwitchId")]
    tenant_vswitch_id: &'a str,
    status: &'static str,
    creation_time: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    succeeded_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failed_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expired_time: Option<Timestamp>,
    cpu: f64,
    memory: f64,
    compute_category: &'a str,
    discount: u8,
    restart_policy: &'a str,
    spot_strategy: &'a str,
    ephemeral_storage: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    spot_price_limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ram_role_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_group_id: Option<&'a str>,
    /// What the create gave, else `Default` (the service's; docs/compatibility.md).
    dns_policy: &'a str,
    tags: Vec<TagView<'a>>,
    containers: Vec<ContainerView<'a>>,
    init_containers: Vec<ContainerView<'a>>,
    volumes: Vec<VolumeView<'a>>,
    dns_config: DnsConfigView<'a>,
    eci_security_context: SysctlsView<'a>,
    host_aliases: Vec<HostAliasView<'a>>,
    events: Vec<EventView>,
}

/// When the group ended in `status`, if it did.
fn finished_as(group: &ContainerGroup, status: GroupStatus) -> Option<Timestamp> {
    (group.status() == status)
        .then_some(group.life.finished_at)
        .flatten()
        .map(Timestamp)
}

/// The container's run, or one waiting to be created when the group has none for it.
fn life_of(group: &ContainerGroup, index: usize) -> ContainerLife {
    group.life.containers.get(index).cloned().unwrap_or(ContainerLife {
        current: Run {
            state: RunState::Waiting,
            reason: "ContainerCreating",
            exit_code: 0,
            started_at: None,
            finished_at: None,
        },
        previous: None,
        restart_count: 0,
    })
}

/// One `DescribeContainerGroups` item; `Events` only when asked for.
pub fn describe_item(group: &ContainerGroup, with_events: bool) -> GroupView<'_> {
    let spec = &group.spec;
    let started = Timestamp(group.created_at);
    GroupView {
        container_group_id: &group.id,
        container_group_name: &spec.container_group_name,
        region_id: &spec.region_id,
        zone_id: &group.placement.zone_id,
        vpc_id: &group.placement.vpc_id,
        vswitch_id: &group.placement.vswitch_id,
        security_group_id: &group.placement.security_group_id,
        intranet_ip: group.placement.ip,
        internet_ip: group.eip.as_ref().map(|(_, ip)| *ip),
        eni_instance_id: group.eni_id(),
        ipv6_address: group.ipv6,
        tenant_eni_instance_id: group.eni_id(),
        tenant_eni_ip: group.placement.ip,
        tenant_security_group_id: &group.placement.security_group_id,
        tenant_vswitch_id: &group.placement.vswitch_id,
        status: group.status().as_str(),
        creation_time: started,
        succeeded_time: finished_as(group, GroupStatus::Succeeded),
        failed_time: finished_as(group, GroupStatus::Failed),
        expired_time: finished_as(group, GroupStatus::Expired),
        cpu: group.cpu,
        memory: group.memory,
        compute_category: group.compute_category(),
        discount: 0,
        restart_policy: spec.restart_policy.as_deref().unwrap_or(DEFAULT_RESTART_POLICY),
        spot_strategy: spec.spot_strategy.as_deref().unwrap_or("NoSpot"),
        ephemeral_storage: spec.ephemeral_storage.unwrap_or(0),
        spot_price_limit: spec.spot_price_limit,
        instance_type: spec.instance_type.as_deref(),
        ram_role_name: spec.ram_role_name.as_deref(),
        resource_group_id: spec.resource_group_id.as_deref(),
        dns_policy: spec.dns_policy.as_deref().unwrap_or("Default"),
        tags: spec
            .tags
            .iter()
            .map(|t| TagView {
                key: &t.key,
                value: t.value.as_deref().unwrap_or(""),
            })
            .collect(),
        containers: spec
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| container(c, life_of(group, group.life.init_containers() + i), false))
            .collect(),
        init_containers: spec
            .init_containers
            .iter()
            .enumerate()
            .map(|(i, c)| container(c, life_of(group, i), true))
            .collect(),
        volumes: spec.volumes.iter().map(volume).collect(),
        dns_config: dns_config(group),
        eci_security_context: SysctlsView {
            sysctls: group
                .spec
                .security_context
                .as_ref()
                .map(|s| s.sysctls.as_slice())
                .unwrap_or_default(),
        },
        host_aliases: spec
            .host_aliases
            .iter()
            .map(|h| HostAliasView {
                ip: h.ip.as_deref(),
                hostnames: &h.hostnames,
            })
            .collect(),
        events: if with_events { group.events() } else { Vec::new() },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TagView<'a> {
    key: &'a str,
    value: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct NameValueView<'a> {
    name: Option<&'a str>,
    value: Option<&'a str>,
}

fn name_values(list: &[super::dto::NameValue]) -> impl Serialize + '_ {
    MapSeq(list, |o: &super::dto::NameValue| NameValueView {
        name: o.name.as_deref(),
        value: o.value.as_deref(),
    })
}

/// A group's DNS settings; `{}` for a group created without them (the Terraform provider reads any
/// field here as a `dns_config` block the configuration must have).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DnsConfigView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name_servers: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    searches: Option<&'a [String]>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_some_name_values"
    )]
    options: Option<&'a [super::dto::NameValue]>,
}

fn serialize_some_name_values<S: Serializer>(list: &Option<&[super::dto::NameValue]>, s: S) -> Result<S::Ok, S::Error> {
    name_values(list.unwrap_or_default()).serialize(s)
}

fn serialize_name_values<S: Serializer>(list: &&[super::dto::NameValue], s: S) -> Result<S::Ok, S::Error> {
    name_values(list).serialize(s)
}

fn dns_config(group: &ContainerGroup) -> DnsConfigView<'_> {
    match &group.spec.dns_config {
        Some(dns) => DnsConfigView {
            name_servers: Some(&dns.name_servers),
            searches: Some(&dns.searches),
            options: Some(&dns.options),
        },
        None => DnsConfigView {
            name_servers: None,
            searches: None,
            options: None,
        },
    }
}

/// A group's sysctls; `{}` for a group created without any (as `DnsConfig`).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SysctlsView<'a> {
    #[serde(skip_serializing_if = "<[_]>::is_empty", serialize_with = "serialize_name_values")]
    sysctls: &'a [super::dto::NameValue],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HostAliasView<'a> {
    ip: Option<&'a str>,
    hostnames: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ContainerView<'a> {
    name: &'a str,
    image: &'a str,
    cpu: f64,
    memory: f64,
    gpu: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    image_pull_policy: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    working_dir: Option<&'a str>,
    /// The one asymmetry of the response: containers say `Commands`, init containers `Command`.
    #[serde(skip_serializing_if = "Option::is_none")]
    commands: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<&'a [String]>,
    args: &'a [String],
    environment_vars: Vec<EnvView<'a>>,
    ports: Vec<PortView<'a>>,
    volume_mounts: Vec<MountView<'a>>,
    /// Only for a container created with one: the Terraform provider reads a `SecurityContext` as a
    /// `security_context` block the configuration must have.
    #[serde(skip_serializing_if = "Option::is_none")]
    security_context: Option<SecurityContextView<'a>>,
    ready: bool,
    restart_count: u32,
    current_state: Option<StateView>,
    #[serde(serialize_with = "state_or_empty")]
    previous_state: Option<StateView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    liveness_probe: Option<ProbeView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    readiness_probe: Option<ProbeView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stdin: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stdin_once: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tty: Option<bool>,
}

fn container(c: &ContainerSpec, life: ContainerLife, init: bool) -> ContainerView<'_> {
    let app = !init;
    ContainerView {
        name: &c.name,
        image: &c.image,
        cpu: c.cpu.unwrap_or(0.0),
        memory: c.memory.unwrap_or(0.0),
        gpu: c.gpu.unwrap_or(0),
        image_pull_policy: Some(c.image_pull_policy.as_deref().unwrap_or(DEFAULT_IMAGE_PULL_POLICY)),
        working_dir: c.working_dir.as_deref(),
        commands: app.then_some(c.commands.as_slice()),
        command: init.then_some(c.commands.as_slice()),
        args: &c.args,
        environment_vars: environment_vars(c),
        ports: c
            .ports
            .iter()
            .map(|p| PortView {
                port: p.port,
                protocol: p.protocol.as_deref(),
            })
            .collect(),
        volume_mounts: c.volume_mounts.iter().map(|v| mount(v, init)).collect(),
        security_context: c.security_context.as_ref().map(|_| security_context(c)),
        ready: app && life.ready(),
        restart_count: life.restart_count,
        current_state: Some(state_view(&life.current)),
        previous_state: life.previous.as_ref().map(state_view),
        liveness_probe: c.liveness_probe.as_deref().filter(|_| app).map(probe),
        readiness_probe: c.readiness_probe.as_deref().filter(|_| app).map(probe),
        stdin: app.then(|| c.stdin.unwrap_or(false)),
        stdin_once: app.then(|| c.stdin_once.unwrap_or(false)),
        tty: app.then(|| c.tty.unwrap_or(false)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct EnvView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<&'a str>,
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_from: Option<ValueFrom<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ValueFrom<'a> {
    field_ref: FieldRefView<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct FieldRefView<'a> {
    field_path: &'a str,
}

/// With `EnvironmentVarHide` the values are left out, as the service hides them.
fn environment_vars(c: &ContainerSpec) -> Vec<EnvView<'_>> {
    let hide = c.environment_var_hide.unwrap_or(false);
    c.environment_vars
        .iter()
        .map(|e| EnvView {
            key: e.key.as_deref(),
            value: if hide { "" } else { e.value.as_deref().unwrap_or("") },
            value_from: e
                .field_ref
                .as_ref()
                .and_then(|f| f.field_path.as_deref())
                .map(|field_path| ValueFrom {
                    field_ref: FieldRefView { field_path },
                }),
        })
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PortView<'a> {
    port: Option<i32>,
    protocol: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct MountView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mount_path: Option<&'a str>,
    read_only: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    mount_propagation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sub_path: Option<&'a str>,
}

fn mount(v: &VolumeMountSpec, init: bool) -> MountView<'_> {
    MountView {
        name: v.name.as_deref(),
        mount_path: v.mount_path.as_deref(),
        read_only: v.read_only.unwrap_or(false),
        mount_propagation: Some(v.mount_propagation.as_deref().unwrap_or("None")),
        sub_path: if init { None } else { v.sub_path.as_deref() },
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct SecurityContextView<'a> {
    capability: CapabilityView<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    read_only_root_filesystem: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_as_user: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct CapabilityView<'a> {
    adds: &'a [String],
}

fn security_context(c: &ContainerSpec) -> SecurityContextView<'_> {
    let sc = c.security_context.as_ref();
    SecurityContextView {
        capability: CapabilityView {
            adds: sc
                .and_then(|s| s.capability.as_ref())
                .map(|cap| cap.adds.as_slice())
                .unwrap_or_default(),
        },
        read_only_root_filesystem: Some(sc.and_then(|s| s.read_only_root_filesystem).unwrap_or(false)),
        run_as_user: sc.and_then(|s| s.run_as_user),
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "PascalCase")]
struct ProbeView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    execs: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    http_get: Option<HttpGetView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tcp_socket: Option<TcpSocketView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    initial_delay_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    period_seconds: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    success_threshold: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure_threshold: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_seconds: Option<i32>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct HttpGetView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheme: Option<&'a str>,
}

/// The host is left out when none was given (the probe then checks the group's own address).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct TcpSocketView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    port: Option<i32>,
}

/// A probe as Describe shows it. A container without one shows none: the Terraform provider reads
/// any `LivenessProbe` as a `liveness_probe` block the configuration must have.
fn probe(p: &ProbeSpec) -> ProbeView<'_> {
    ProbeView {
        execs: p.exec.as_ref().map(|e| e.commands.as_slice()),
        http_get: p.http_get.as_ref().map(|h| HttpGetView {
            path: h.path.as_deref(),
            port: h.port,
            scheme: Some(h.scheme.as_deref().unwrap_or("HTTP")),
        }),
        tcp_socket: p.tcp_socket.as_ref().map(|t| TcpSocketView {
            host: t.host.as_deref(),
            port: t.port,
        }),
        // Unset thresholds show the defaults the documentation gives (those of Kubernetes).
        initial_delay_seconds: Some(p.initial_delay_seconds.unwrap_or(0)),
        period_seconds: Some(p.period_seconds.unwrap_or(10)),
        success_threshold: Some(p.success_threshold.unwrap_or(1)),
        failure_threshold: Some(p.failure_threshold.unwrap_or(3)),
        timeout_seconds: Some(p.timeout_seconds.unwrap_or(1)),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct StateView {
    state: &'static str,
    detail_status: &'static str,
    reason: &'static str,
    message: &'static str,
    exit_code: i32,
    signal: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    finish_time: Option<Timestamp>,
}

fn state_view(run: &Run) -> StateView {
    StateView {
        state: run.state.as_str(),
        detail_status: "",
        reason: run.reason,
        message: "",
        exit_code: run.exit_code,
        signal: 0,
        start_time: run.started_at.map(Timestamp),
        finish_time: run.finished_at.map(Timestamp),
    }
}

/// A container that never restarted shows `PreviousState` as an empty object.
fn state_or_empty<S: Serializer>(state: &Option<StateView>, s: S) -> Result<S::Ok, S::Error> {
    match state {
        Some(state) => state.serialize(s),
        None => Empty {}.serialize(s),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct VolumeView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(rename = "Type", skip_serializing_if = "Option::is_none")]
    volume_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    empty_dir_volume_medium: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    empty_dir_volume_size_limit: Option<&'a str>,
    #[serde(rename = "NFSVolumeServer", skip_serializing_if = "Option::is_none")]
    nfs_volume_server: Option<&'a str>,
    #[serde(rename = "NFSVolumePath", skip_serializing_if = "Option::is_none")]
    nfs_volume_path: Option<&'a str>,
    #[serde(rename = "NFSVolumeReadOnly", skip_serializing_if = "Option::is_none")]
    nfs_volume_read_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    config_file_volume_config_file_to_paths: Option<Vec<ConfigFileView<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flex_volume_driver: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flex_volume_fs_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flex_volume_options: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disk_volume_disk_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disk_volume_fs_type: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConfigFileView<'a> {
    path: Option<&'a str>,
    content: Option<&'a str>,
}

/// Volume sub-structures come back flattened with the type as prefix.
fn volume(v: &VolumeSpec) -> VolumeView<'_> {
    let empty = v.empty_dir_volume.as_ref();
    let nfs = v.nfs_volume.as_ref();
    let flex = v.flex_volume.as_ref();
    let disk = v.disk_volume.as_ref();
    VolumeView {
        name: v.name.as_deref(),
        volume_type: v.volume_type.as_deref(),
        empty_dir_volume_medium: empty.and_then(|e| e.medium.as_deref()),
        empty_dir_volume_size_limit: empty.and_then(|e| e.size_limit.as_deref()),
        nfs_volume_server: nfs.and_then(|n| n.server.as_deref()),
        nfs_volume_path: nfs.and_then(|n| n.path.as_deref()),
        nfs_volume_read_only: nfs.map(|n| n.read_only.unwrap_or(false)),
        config_file_volume_config_file_to_paths: v.config_file_volume.as_ref().map(|c| {
            c.config_file_to_paths
                .iter()
                .map(|f| ConfigFileView {
                    path: f.path.as_deref(),
                    content: f.content.as_deref(),
                })
                .collect()
        }),
        flex_volume_driver: flex.and_then(|f| f.driver.as_deref()),
        flex_volume_fs_type: flex.and_then(|f| f.fs_type.as_deref()),
        flex_volume_options: flex.and_then(|f| f.options.as_deref()),
        disk_volume_disk_id: disk.and_then(|d| d.disk_id.as_deref()),
        disk_volume_fs_type: disk.and_then(|d| d.fs_type.as_deref()),
    }
}

/// A run as Kubernetes writes a container state: `{"Running": {…}}`, `{"Waiting": {…}}` or
/// `{"Terminated": {…}}`; `{}` for none. Times not reached are left out.
fn pod_state(run: Option<&Run>, container_id: &str) -> serde_json::Value {
    let Some(run) = run else {
        return json!({});
    };
    let mut state = match run.state {
        RunState::Running => json!({"Running": {}}),
        RunState::Waiting => json!({"Waiting": {"Reason": run.reason, "Message": ""}}),
        RunState::Terminated => json!({"Terminated": {
            "ContainerID": container_id,
            "ExitCode": run.exit_code,
            "Reason": run.reason,
            "Message": "",
            "Signal": 0,
        }}),
    };
    let times = [
        ("Running", "StartedAtstartedAt", run.started_at),
        ("Terminated", "StartedAt", run.started_at),
        ("Terminated", "FinishedAt", run.finished_at),
    ];
    for (member, field, at) in times {
        if let (Some(fields), Some(at)) = (state.get_mut(member), at) {
            fields[field] = json!(format_rfc3339_seconds(at));
        }
    }
    state
}

/// The runtime's id of a group's container, as Kubernetes writes it: stable for the container.
fn container_runtime_id(group: &ContainerGroup, name: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut digest = String::with_capacity(64);
    for salt in 0u8..4 {
        let mut hasher = std::hash::DefaultHasher::new();
        (salt, &group.id, name).hash(&mut hasher);
        digest.push_str(&format!("{:016x}", hasher.finish()));
    }
    format!("containerd://{digest}")
}

/// One `DescribeContainerGroupStatus` `Data[]` entry (note the lower-case keys the service uses).
pub fn status_item(group: &ContainerGroup) -> serde_json::Value {
    let started = format_rfc3339_seconds(group.life.started_at.unwrap_or(group.created_at));
    let running = group.status().pod_phase() == "Running";
    let since = format_rfc3339_seconds(group.life.since);
    let condition = |kind: &str| json!({"type": kind, "status": if running { "True" } else { "False" }, "lastTransitionTime": since, "Reason": "", "Message": ""});
    let init = group.life.init_containers();
    let statuses: Vec<serde_json::Value> = group
        .spec
        .containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let life = life_of(group, init + i);
            let runtime_id = container_runtime_id(group, &c.name);
            json!({
                "Name": c.name,
                "Image": c.image,
                "ImageID": format!("{}@sha256:{}", c.image, "0".repeat(64)),
                "Ready": life.ready(),
                "Started": life.ready(),
                "RestartCount": life.restart_count,
                "State": pod_state(Some(&life.current), &runtime_id),
                "LastState": pod_state(life.previous.as_ref(), &runtime_id),
            })
        })
        .collect();
    let ip = group.placement.ip.to_string();
    let conditions: Vec<serde_json::Value> = ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
        .map(condition)
        .into();
    json!({
        "ContainerGroupId": group.id,
        "Name": group.spec.container_group_name,
        "Namespace": "default",
        "Status": group.status().as_str(),
        "uuid": group.uid(),
        "Annotations": "{}",
        "PodStatus": {
            "Phase": group.status().pod_phase(),
            "HostIp": ip,
            "PodIp": ip,
            "PodIps": [{"Ip": ip}],
            "QosClass": "Guaranteed",
            "StartTime": started,
            "Conditions": conditions,
            "ContainerStatuses": statuses,
        },
    })
}
