//! How a stored group reads back: the `DescribeContainerGroups` item and the Kubernetes-shaped
//! `DescribeContainerGroupStatus` item, under the response key names the SDK parses (notes §3.2, §3.3).

use super::dto::{ContainerSpec, ProbeSpec, VolumeSpec};
use super::model::{ContainerGroup, GroupEvent};
use crate::util::format_rfc3339_seconds as ts;
use serde_json::{json, Map, Value};

/// Adds `key` only when there is a value: absent fields stay absent, as the service leaves them.
fn put<T: Into<Value>>(map: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        map.insert(key.to_owned(), v.into());
    }
}

fn opt_str(v: &Option<String>) -> Option<String> {
    v.clone()
}

/// One `ContainerGroups[]` entry.
pub fn describe_item(group: &ContainerGroup, with_events: bool) -> Value {
    let spec = &group.spec;
    let mut m = Map::new();
    m.insert("ContainerGroupId".into(), group.id.clone().into());
    m.insert("ContainerGroupName".into(), spec.container_group_name.clone().into());
    m.insert("RegionId".into(), spec.region_id.clone().into());
    m.insert("ZoneId".into(), group.placement.zone_id.clone().into());
    m.insert("VpcId".into(), group.placement.vpc_id.clone().into());
    m.insert("VSwitchId".into(), group.placement.vswitch_id.clone().into());
    m.insert(
        "SecurityGroupId".into(),
        group.placement.security_group_id.clone().into(),
    );
    m.insert("IntranetIp".into(), group.placement.ip.to_string().into());
    put(&mut m, "InternetIp", group.eip.as_ref().map(|(_, ip)| ip.to_string()));
    m.insert("EniInstanceId".into(), group.eni_id.clone().into());
    m.insert("Status".into(), group.status.as_str().into());
    m.insert("CreationTime".into(), ts(group.created_at).into());
    m.insert("Cpu".into(), group.cpu.into());
    m.insert("Memory".into(), group.memory.into());
    m.insert("ComputeCategory".into(), group.compute_category().into());
    m.insert("Discount".into(), 0.into());
    m.insert(
        "RestartPolicy".into(),
        spec.restart_policy.clone().unwrap_or_else(|| "Always".into()).into(),
    );
    m.insert(
        "SpotStrategy".into(),
        spec.spot_strategy.clone().unwrap_or_else(|| "NoSpot".into()).into(),
    );
    m.insert("EphemeralStorage".into(), spec.ephemeral_storage.unwrap_or(0).into());
    put(&mut m, "SpotPriceLimit", spec.spot_price_limit);
    put(&mut m, "InstanceType", opt_str(&spec.instance_type));
    put(&mut m, "RamRoleName", opt_str(&spec.ram_role_name));
    put(&mut m, "ResourceGroupId", opt_str(&spec.resource_group_id));
    m.insert("Tags".into(), tags(group));
    m.insert(
        "Containers".into(),
        spec.containers.iter().map(|c| container(c, group, false)).collect(),
    );
    m.insert(
        "InitContainers".into(),
        spec.init_containers.iter().map(|c| container(c, group, true)).collect(),
    );
    m.insert("Volumes".into(), spec.volumes.iter().map(volume).collect());
    m.insert("DnsConfig".into(), dns_config(group));
    m.insert("EciSecurityContext".into(), eci_security_context(group));
    m.insert("HostAliases".into(), host_aliases(group));
    let events: Value = if with_events {
        group.events.iter().map(event).collect()
    } else {
        Value::Array(Vec::new())
    };
    m.insert("Events".into(), events);
    Value::Object(m)
}

fn tags(group: &ContainerGroup) -> Value {
    group
        .spec
        .tags
        .iter()
        .map(|t| json!({"Key": t.key, "Value": t.value.clone().unwrap_or_default()}))
        .collect()
}

fn dns_config(group: &ContainerGroup) -> Value {
    let dns = group.spec.dns_config.clone().unwrap_or_default();
    json!({
        "NameServers": dns.name_servers,
        "Searches": dns.searches,
        "Options": dns.options.iter().map(|o| json!({"Name": o.name, "Value": o.value})).collect::<Vec<_>>(),
    })
}

fn eci_security_context(group: &ContainerGroup) -> Value {
    let sysctls = group.spec.security_context.clone().unwrap_or_default().sysctls;
    json!({"Sysctls": sysctls.iter().map(|s| json!({"Name": s.name, "Value": s.value})).collect::<Vec<_>>()})
}

fn host_aliases(group: &ContainerGroup) -> Value {
    group
        .spec
        .host_aliases
        .iter()
        .map(|h| json!({"Ip": h.ip, "Hostnames": h.hostnames}))
        .collect()
}

fn container(c: &ContainerSpec, group: &ContainerGroup, init: bool) -> Value {
    let mut m = Map::new();
    m.insert("Name".into(), c.name.clone().into());
    m.insert("Image".into(), c.image.clone().into());
    m.insert("Cpu".into(), c.cpu.unwrap_or(0.0).into());
    m.insert("Memory".into(), c.memory.unwrap_or(0.0).into());
    m.insert("Gpu".into(), c.gpu.unwrap_or(0).into());
    put(&mut m, "ImagePullPolicy", opt_str(&c.image_pull_policy));
    put(&mut m, "WorkingDir", opt_str(&c.working_dir));
    // The one asymmetry of the response: init containers say `Command`, containers `Commands`.
    m.insert(
        if init { "Command" } else { "Commands" }.into(),
        c.commands.clone().into(),
    );
    m.insert("Args".into(), c.args.clone().into());
    m.insert("EnvironmentVars".into(), environment_vars(c));
    m.insert(
        "Ports".into(),
        c.ports
            .iter()
            .map(|p| json!({"Port": p.port, "Protocol": p.protocol}))
            .collect(),
    );
    m.insert(
        "VolumeMounts".into(),
        c.volume_mounts.iter().map(|v| volume_mount(v, init)).collect(),
    );
    m.insert("SecurityContext".into(), security_context(c));
    m.insert("Ready".into(), (!init).into());
    m.insert("RestartCount".into(), 0.into());
    m.insert("CurrentState".into(), current_state(group, init));
    m.insert("PreviousState".into(), json!({}));
    if !init {
        m.insert("LivenessProbe".into(), probe(c.liveness_probe.as_ref()));
        m.insert("ReadinessProbe".into(), probe(c.readiness_probe.as_ref()));
        m.insert("Stdin".into(), c.stdin.unwrap_or(false).into());
        m.insert("StdinOnce".into(), c.stdin_once.unwrap_or(false).into());
        m.insert("Tty".into(), c.tty.unwrap_or(false).into());
    }
    Value::Object(m)
}

/// With `EnvironmentVarHide` the values are left out, as the service hides them.
fn environment_vars(c: &ContainerSpec) -> Value {
    let hide = c.environment_var_hide.unwrap_or(false);
    c.environment_vars
        .iter()
        .map(|e| {
            let mut m = Map::new();
            put(&mut m, "Key", e.key.clone());
            let value = if hide { None } else { e.value.clone() };
            m.insert("Value".into(), value.unwrap_or_default().into());
            if let Some(path) = e.field_ref.as_ref().and_then(|f| f.field_path.clone()) {
                m.insert("ValueFrom".into(), json!({"FieldRef": {"FieldPath": path}}));
            }
            Value::Object(m)
        })
        .collect()
}

fn volume_mount(v: &super::dto::VolumeMountSpec, init: bool) -> Value {
    let mut m = Map::new();
    put(&mut m, "Name", v.name.clone());
    put(&mut m, "MountPath", v.mount_path.clone());
    m.insert("ReadOnly".into(), v.read_only.unwrap_or(false).into());
    put(&mut m, "MountPropagation", v.mount_propagation.clone());
    if !init {
        put(&mut m, "SubPath", v.sub_path.clone());
    }
    Value::Object(m)
}

fn security_context(c: &ContainerSpec) -> Value {
    let sc = c.security_context.clone().unwrap_or_default();
    let mut m = Map::new();
    m.insert(
        "Capability".into(),
        json!({"Adds": sc.capability.map(|cap| cap.adds).unwrap_or_default()}),
    );
    put(&mut m, "ReadOnlyRootFilesystem", sc.read_only_root_filesystem);
    put(&mut m, "RunAsUser", sc.run_as_user);
    Value::Object(m)
}

fn probe(p: Option<&ProbeSpec>) -> Value {
    let Some(p) = p else {
        return json!({});
    };
    let mut m = Map::new();
    if let Some(exec) = &p.exec {
        m.insert("Execs".into(), exec.commands.clone().into());
    }
    if let Some(h) = &p.http_get {
        m.insert(
            "HttpGet".into(),
            json!({"Path": h.path, "Port": h.port, "Scheme": h.scheme}),
        );
    }
    if let Some(t) = &p.tcp_socket {
        m.insert("TcpSocket".into(), json!({"Host": t.host, "Port": t.port}));
    }
    put(&mut m, "InitialDelaySeconds", p.initial_delay_seconds);
    put(&mut m, "PeriodSeconds", p.period_seconds);
    put(&mut m, "SuccessThreshold", p.success_threshold);
    put(&mut m, "FailureThreshold", p.failure_threshold);
    put(&mut m, "TimeoutSeconds", p.timeout_seconds);
    Value::Object(m)
}

/// Containers run from creation; init containers have already completed.
fn current_state(group: &ContainerGroup, init: bool) -> Value {
    let started = ts(group.created_at);
    if init {
        json!({"State": "Terminated", "DetailStatus": "", "Reason": "Completed", "Message": "", "ExitCode": 0, "Signal": 0, "StartTime": started, "FinishTime": started})
    } else {
        json!({"State": "Running", "DetailStatus": "", "Reason": "Started", "Message": "", "ExitCode": 0, "Signal": 0, "StartTime": started})
    }
}

/// Volume sub-structures come back flattened with the type as prefix.
fn volume(v: &VolumeSpec) -> Value {
    let mut m = Map::new();
    put(&mut m, "Name", v.name.clone());
    put(&mut m, "Type", v.volume_type.clone());
    if let Some(e) = &v.empty_dir_volume {
        put(&mut m, "EmptyDirVolumeMedium", e.medium.clone());
        put(&mut m, "EmptyDirVolumeSizeLimit", e.size_limit.clone());
    }
    if let Some(n) = &v.nfs_volume {
        put(&mut m, "NFSVolumeServer", n.server.clone());
        put(&mut m, "NFSVolumePath", n.path.clone());
        m.insert("NFSVolumeReadOnly".into(), n.read_only.unwrap_or(false).into());
    }
    if let Some(c) = &v.config_file_volume {
        let files: Value = c
            .config_file_to_paths
            .iter()
            .map(|f| json!({"Path": f.path, "Content": f.content}))
            .collect();
        m.insert("ConfigFileVolumeConfigFileToPaths".into(), files);
    }
    if let Some(f) = &v.flex_volume {
        put(&mut m, "FlexVolumeDriver", f.driver.clone());
        put(&mut m, "FlexVolumeFsType", f.fs_type.clone());
        put(&mut m, "FlexVolumeOptions", f.options.clone());
    }
    if let Some(d) = &v.disk_volume {
        put(&mut m, "DiskVolumeDiskId", d.disk_id.clone());
        put(&mut m, "DiskVolumeFsType", d.fs_type.clone());
    }
    Value::Object(m)
}

fn event(e: &GroupEvent) -> Value {
    json!({
        "Count": e.count,
        "Type": e.kind,
        "Name": e.object_name,
        "Reason": e.reason,
        "Message": e.message,
        "FirstTimestamp": ts(e.first),
        "LastTimestamp": ts(e.last),
    })
}

/// One `DescribeContainerGroupStatus` `Data[]` entry (note the lower-case keys the service uses).
pub fn status_item(group: &ContainerGroup) -> Value {
    let started = ts(group.created_at);
    let running = group.status.pod_phase() == "Running";
    let condition = |kind: &str| json!({"type": kind, "status": if running { "True" } else { "False" }, "lastTransitionTime": started, "Reason": "", "Message": ""});
    let statuses: Vec<Value> = group
        .spec
        .containers
        .iter()
        .map(|c| {
            json!({
                "Name": c.name,
                "Image": c.image,
                "ImageID": format!("{}@sha256:{}", c.image, "0".repeat(64)),
                "Ready": running,
                "Started": running,
                "RestartCount": 0,
                "State": {"Running": {"StartedAtstartedAt": started}},
                "LastState": {},
            })
        })
        .collect();
    let ip = group.placement.ip.to_string();
    let conditions: Vec<Value> = ["PodScheduled", "Initialized", "ContainersReady", "Ready"]
        .map(condition)
        .into();
    json!({
        "ContainerGroupId": group.id,
        "Name": group.spec.container_group_name,
        "Namespace": "default",
        "Status": group.status.as_str(),
        "uuid": group.uid,
        "Annotations": "{}",
        "PodStatus": {
            "Phase": group.status.pod_phase(),
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
