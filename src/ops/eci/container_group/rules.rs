//! Validation of container-group inputs: the field rules as data, then the rules that read several
//! parameters together, in the documented order; the first failure wins.

use super::dto::{CreateContainerGroupRequest, GroupFilter, ProbeSpec, VolumeSpec};
use crate::error::{ApiError, ErrorCode};
use crate::lifecycle::GroupStatus;
use crate::validate::{Check, FieldRule, Pattern, RuleTable};
use std::collections::HashSet;

/// Documented most vSwitch ids in one `VSwitchId`.
pub const MAX_VSWITCHES: usize = 10;
/// Documented most ids in `ContainerGroupIds`.
pub const MAX_GROUP_IDS: usize = 20;
/// Documented most `Tag.N` filters.
pub const MAX_TAG_FILTERS: usize = 10;
/// Documented most containers, volumes and tags of one group.
pub const MAX_CONTAINERS: usize = 20;
pub const MAX_VOLUMES: usize = 20;
pub const MAX_TAGS: usize = 20;
/// Documented most size of one configuration file.
pub const CONFIG_FILE_MAX_BYTES: usize = 32 * 1024;

const VOLUME_TYPES: &[&str] = &[
    "EmptyDirVolume",
    "NFSVolume",
    "ConfigFileVolume",
    "FlexVolume",
    "HostPathVolume",
    "DiskVolume",
];
const URL_MARKERS: &[&str] = &["http://", "https://"];
/// The only sysctls `SecurityContext.Sysctl` takes (the safe set).
const SAFE_SYSCTLS: &[&str] = &["net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];

pub(crate) const GROUP_NAME: Pattern = Pattern {
    test: is_group_name,
    description: "2 to 128 characters of lower-case letters, digits and hyphens, not starting or ending with a hyphen",
    valid: &["ab", "web-1", "0a"],
    invalid: &["a", "-ab", "ab-", "aB", "a_b", "a b", "中文"],
};

const ENV_KEY: Pattern = Pattern {
    test: is_env_key,
    description: "1 to 128 letters, digits and underscores, not starting with a digit",
    valid: &["A", "_x1", "PATH"],
    invalid: &["1A", "A-B", "a b", "ü"],
};

const IPV4: Pattern = Pattern {
    test: |v| v.parse::<std::net::Ipv4Addr>().is_ok(),
    description: "must be an IPv4 address",
    valid: &["172.16.0.10"],
    invalid: &["10.0.0", "::1", "10.0.0.256"],
};

const JSON_OBJECT: Pattern = Pattern {
    test: |v| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).is_ok(),
    description: "must be a JSON object",
    valid: &["{\"volumeId\":\"d-1\"}"],
    invalid: &["volumeId=d-1", "[1]"],
};

const VSWITCH_LIST: Pattern = Pattern {
    test: |v| v.split(',').filter(|s| !s.trim().is_empty()).count() <= MAX_VSWITCHES,
    description: "at most 10 vSwitch ids, separated by commas",
    valid: &["vsw-1", "vsw-1,vsw-2,vsw-3,vsw-4,vsw-5,vsw-6,vsw-7,vsw-8,vsw-9,vsw-10"],
    invalid: &["vsw-1,vsw-2,vsw-3,vsw-4,vsw-5,vsw-6,vsw-7,vsw-8,vsw-9,vsw-10,vsw-11"],
};

/// `HostSecurityContext` takes the unsafe sysctls: `kernel.shm*` (but `kernel.shm_rmid_forced`),
/// `kernel.msg*`, `kernel.sem`, `fs.mqueue.*` and `net.*` (but the three safe or forbidden ones).
const UNSAFE_SYSCTL: Pattern = Pattern {
    test: is_unsafe_sysctl,
    description: "must be an unsafe sysctl (kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*, net.*)",
    valid: &[
        "kernel.shmmax",
        "kernel.msgmax",
        "kernel.sem",
        "fs.mqueue.msg_max",
        "net.core.somaxconn",
    ],
    invalid: &[
        "kernel.shm_rmid_forced",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "vm.swappiness",
    ],
};

const TRUE_ONLY: Pattern = Pattern {
    test: |v| v.eq_ignore_ascii_case("true"),
    description: "only true is supported",
    valid: &["true", "True"],
    invalid: &["false"],
};

fn is_group_name(name: &str) -> bool {
    let len = name.chars().count();
    (2..=128).contains(&len)
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn is_env_key(key: &str) -> bool {
    (1..=128).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !key.starts_with(|c: char| c.is_ascii_digit())
}

fn is_unsafe_sysctl(name: &str) -> bool {
    const NOT_ALLOWED: &[&str] = &[
        "kernel.shm_rmid_forced",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    ];
    !NOT_ALLOWED.contains(&name)
        && (name.starts_with("kernel.shm")
            || name.starts_with("kernel.msg")
            || name == "kernel.sem"
            || name.starts_with("fs.mqueue.")
            || name.starts_with("net."))
}

/// The rules every container and init container shares, under `Container` or `InitContainer`.
/// The Linux capabilities a container may add. The metadata names `NET_ADMIN` and `NET_RAW`; the
/// service takes others (the Terraform provider's own tests add `SYS_CHROOT`), so the emulator takes
/// every capability Linux defines and refuses any other word.
const CAPABILITIES: &[&str] = &[
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "BPF",
    "CHECKPOINT_RESTORE",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "PERFMON",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];

/// The fields an environment variable may take its value from. The metadata names `status.podIP`
/// alone; the service takes the Kubernetes downward API's pod fields too (the Terraform provider's own
/// tests set `status.hostIP`), so the emulator takes those.
const FIELD_PATHS: &[&str] = &[
    "status.podIP",
    "status.hostIP",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
];

macro_rules! container_rules {
    ($p:literal) => {
        [
            FieldRule::optional(
                concat!($p, ".N.ImagePullPolicy"),
                &[Check::OneOf(&["Always", "IfNotPresent", "Never"])],
            ),
            FieldRule::optional(concat!($p, ".N.Command"), &[Check::MaxItems(20)]),
            FieldRule::optional(concat!($p, ".N.Command.N"), &[Check::Len(0, 256)]),
            FieldRule::optional(concat!($p, ".N.Arg"), &[Check::MaxItems(10)]),
            FieldRule::required(concat!($p, ".N.EnvironmentVar.N.Key"), &[Check::Pattern(ENV_KEY)]),
            FieldRule::optional(concat!($p, ".N.EnvironmentVar.N.Value"), &[Check::Len(0, 256)]),
            FieldRule::optional(
                concat!($p, ".N.EnvironmentVar.N.FieldRef.FieldPath"),
                &[Check::OneOf(FIELD_PATHS)],
            ),
            FieldRule::required(concat!($p, ".N.Port.N.Port"), &[Check::Range(1, 65535)]),
            FieldRule::optional(concat!($p, ".N.Port.N.Protocol"), &[Check::OneOf(&["TCP", "UDP"])]),
            FieldRule::required(concat!($p, ".N.VolumeMount.N.Name"), &[]),
            FieldRule::required(concat!($p, ".N.VolumeMount.N.MountPath"), &[]),
            // The SDK's own text spells it `HostToCotainer`; both spellings are taken.
            FieldRule::optional(
                concat!($p, ".N.VolumeMount.N.MountPropagation"),
                &[Check::OneOf(&[
                    "None",
                    "HostToContainer",
                    "HostToCotainer",
                    "Bidirectional",
                ])],
            ),
            FieldRule::optional(
                concat!($p, ".N.SecurityContext.Capability.Add.N"),
                &[Check::OneOf(CAPABILITIES)],
            ),
            FieldRule::optional(
                concat!($p, ".N.SecurityContext.ReadOnlyRootFilesystem"),
                &[Check::Pattern(TRUE_ONLY)],
            ),
            FieldRule::optional(concat!($p, ".N.Gpu"), &[Check::Range(0, 1024)]),
            FieldRule::optional(
                concat!($p, ".N.TerminationMessagePolicy"),
                &[Check::OneOf(&["File", "FallbackToLogsOnError"])],
            ),
        ]
    };
}

/// A probe's rules. Zero stands for "the default" (Terraform sends zeros for fields it leaves unset).
macro_rules! probe_rules {
    ($p:literal) => {
        [
            FieldRule::optional(concat!($p, ".Exec.Command"), &[Check::MaxItems(20)]),
            FieldRule::optional(concat!($p, ".HttpGet.Port"), &[Check::Range(1, 65535)]),
            FieldRule::optional(concat!($p, ".HttpGet.Scheme"), &[Check::OneOf(&["HTTP", "HTTPS"])]),
            FieldRule::optional(concat!($p, ".TcpSocket.Port"), &[Check::Range(1, 65535)]),
            FieldRule::optional(concat!($p, ".InitialDelaySeconds"), &[Check::Range(0, i32::MAX as i64)]),
            FieldRule::optional(concat!($p, ".PeriodSeconds"), &[Check::Range(0, i32::MAX as i64)]),
            FieldRule::optional(concat!($p, ".TimeoutSeconds"), &[Check::Range(0, i32::MAX as i64)]),
            FieldRule::optional(concat!($p, ".FailureThreshold"), &[Check::Range(0, i32::MAX as i64)]),
            FieldRule::optional(concat!($p, ".SuccessThreshold"), &[Check::Range(0, 1)]),
        ]
    };
}

/// A lifecycle hook's rules (`postStart`/`preStop`, flat names).
macro_rules! lifecycle_rules {
    ($p:literal) => {
        [
            FieldRule::optional(concat!($p, "HttpGetScheme"), &[Check::OneOf(&["HTTP", "HTTPS"])]),
            FieldRule::optional(concat!($p, "HttpGetPort"), &[Check::Range(1, 65535)]),
            FieldRule::optional(concat!($p, "TcpSocketPort"), &[Check::Range(1, 65535)]),
        ]
    };
}

/// Field rules of `UpdateContainerGroup`: the create's rules for what may change, with every list
/// optional.
pub static UPDATE_FIELD_RULES: RuleTable = RuleTable::new(&[
    &[
        FieldRule::required("RegionId", &[]),
        FieldRule::required("ContainerGroupId", &[Check::Len(1, 64)]),
        FieldRule::optional("UpdateType", &[Check::OneOf(&["RenewUpdate", "IncrementalUpdate"])]),
        FieldRule::optional("RestartPolicy", &[Check::OneOf(&["Always", "Never", "OnFailure"])]),
        FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
        FieldRule::optional("Container", &[Check::MaxItems(MAX_CONTAINERS)]),
        FieldRule::required("Container.N.Name", &[Check::Len(1, 128)]),
        FieldRule::required("Container.N.Image", &[Check::Len(1, 255)]),
        FieldRule::optional("InitContainer", &[Check::MaxItems(MAX_CONTAINERS)]),
        FieldRule::required("InitContainer.N.Name", &[Check::Len(1, 128)]),
        FieldRule::required("InitContainer.N.Image", &[Check::Len(1, 255)]),
        FieldRule::optional("Volume", &[Check::MaxItems(MAX_VOLUMES)]),
        FieldRule::required("Volume.N.Name", &[Check::Len(1, 128)]),
        FieldRule::required("Volume.N.Type", &[Check::OneOf(VOLUME_TYPES)]),
        FieldRule::optional("Tag", &[Check::MaxItems(MAX_TAGS)]),
        FieldRule::required("Tag.N.Key", &[Check::Len(1, 64), Check::NoPrefix(&["aliyun", "acs:"])]),
        FieldRule::optional("Tag.N.Value", &[Check::Len(0, 128), Check::NoPrefix(&["acs:"])]),
    ],
    &container_rules!("Container"),
    &container_rules!("InitContainer"),
    &probe_rules!("Container.N.LivenessProbe"),
    &probe_rules!("Container.N.ReadinessProbe"),
]);

/// Field rules of `CreateContainerGroup`, in the order they are checked (sources: the seed document,
/// notes §2, the API metadata). Where a value's documented minimum conflicts with the SDK's (environment
/// values: seed 2–256, SDK and metadata 0–256) the more permissive one is used.
pub static CREATE_FIELD_RULES: RuleTable = RuleTable::new(&[
    &[
        FieldRule::required("RegionId", &[]),
        FieldRule::required("ContainerGroupName", &[Check::Pattern(GROUP_NAME)]),
        FieldRule::required("Container", &[Check::MaxItems(MAX_CONTAINERS)]),
        FieldRule::required("Container.N.Name", &[Check::Len(1, 128)]),
        FieldRule::required("Container.N.Image", &[Check::Len(1, 255)]),
    ],
    &container_rules!("Container"),
    &probe_rules!("Container.N.LivenessProbe"),
    &probe_rules!("Container.N.ReadinessProbe"),
    &lifecycle_rules!("Container.N.LifecyclePostStartHandler"),
    &lifecycle_rules!("Container.N.LifecyclePreStopHandler"),
    &[
        FieldRule::optional("InitContainer", &[Check::MaxItems(MAX_CONTAINERS)]),
        FieldRule::required("InitContainer.N.Name", &[Check::Len(1, 128)]),
        FieldRule::required("InitContainer.N.Image", &[Check::Len(1, 255)]),
    ],
    &container_rules!("InitContainer"),
    &[
        FieldRule::optional("Volume", &[Check::MaxItems(MAX_VOLUMES)]),
        FieldRule::required("Volume.N.Name", &[Check::Len(1, 128)]),
        FieldRule::required("Volume.N.Type", &[Check::OneOf(VOLUME_TYPES)]),
        // The documentation spells it `memory` (its own example); Kubernetes writes `Memory`.
        FieldRule::optional(
            "Volume.N.EmptyDirVolume.Medium",
            &[Check::OneOf(&["memory", "Memory", "LocalRaid0"])],
        ),
        FieldRule::optional("Volume.N.ConfigFileVolume.DefaultMode", &[Check::Range(0, 0o777)]),
        FieldRule::optional(
            "Volume.N.ConfigFileVolume.ConfigFileToPath.N.Content",
            &[Check::Base64Max(CONFIG_FILE_MAX_BYTES)],
        ),
        FieldRule::optional(
            "Volume.N.ConfigFileVolume.ConfigFileToPath.N.Mode",
            &[Check::Range(0, 0o777)],
        ),
        FieldRule::optional(
            "Volume.N.FlexVolume.Driver",
            &[Check::OneOf(&["alicloud/disk", "alicloud/nas", "alicloud/oss"])],
        ),
        FieldRule::optional("Volume.N.FlexVolume.Options", &[Check::Pattern(JSON_OBJECT)]),
        FieldRule::optional("Volume.N.HostPathVolume.Type", &[Check::OneOf(&["Directory", "File"])]),
        FieldRule::optional("Tag", &[Check::MaxItems(MAX_TAGS)]),
        FieldRule::required(
            "Tag.N.Key",
            &[
                Check::Len(1, 64),
                Check::NoPrefix(&["aliyun", "acs:"]),
                Check::NoSubstring(URL_MARKERS),
            ],
        ),
        FieldRule::optional(
            "Tag.N.Value",
            &[
                Check::Len(0, 128),
                Check::NoPrefix(&["acs:"]),
                Check::NoSubstring(URL_MARKERS),
            ],
        ),
        FieldRule::optional("VSwitchId", &[Check::Pattern(VSWITCH_LIST)]),
        FieldRule::optional("ClientToken", &[Check::Ascii, Check::Len(1, 64)]),
        FieldRule::optional("RestartPolicy", &[Check::OneOf(&["Always", "Never", "OnFailure"])]),
        FieldRule::optional("DnsPolicy", &[Check::OneOf(&["None", "Default"])]),
        FieldRule::optional("DnsConfig.NameServer", &[Check::MaxItems(20)]),
        FieldRule::optional("DnsConfig.Search", &[Check::MaxItems(20)]),
        FieldRule::optional("DnsConfig.Option", &[Check::MaxItems(20)]),
        FieldRule::optional("SecurityContext.Sysctl.N.Name", &[Check::OneOf(SAFE_SYSCTLS)]),
        FieldRule::optional("HostSecurityContext.Sysctl.N.Name", &[Check::Pattern(UNSAFE_SYSCTL)]),
        FieldRule::optional("HostAliase.N.Ip", &[Check::Pattern(IPV4)]),
        FieldRule::optional("CorePattern", &[Check::NoPrefix(&["|"])]),
        FieldRule::optional("Ipv6AddressCount", &[Check::Range(1, 1)]),
        FieldRule::optional("PrivateIpAddress", &[Check::Pattern(IPV4)]),
        FieldRule::optional(
            "SpotStrategy",
            &[Check::OneOf(&["NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"])],
        ),
        FieldRule::optional("SpotPriceLimit", &[Check::MaxDecimals(3)]),
        FieldRule::optional("SpotDuration", &[Check::Range(0, 6)]),
        FieldRule::optional(
            "ScheduleStrategy",
            &[Check::OneOf(&["VSwitchOrdered", "VSwitchRandom"])],
        ),
        FieldRule::optional("CpuArchitecture", &[Check::OneOf(&["AMD64", "ARM64"])]),
        FieldRule::optional("OsType", &[Check::OneOf(&["Linux", "Windows"])]),
        FieldRule::optional("ComputeCategory", &[Check::MaxItems(2)]),
        FieldRule::optional("ComputeCategory.N", &[Check::OneOf(&["economy", "general"])]),
        FieldRule::optional("EipISP", &[Check::OneOf(&["BGP", "BGP_PRO"])]),
        FieldRule::optional("EipBandwidth", &[Check::Range(0, 1_000_000)]),
        FieldRule::optional("IngressBandwidth", &[Check::Range(0, i64::MAX)]),
        FieldRule::optional("EgressBandwidth", &[Check::Range(0, i64::MAX)]),
        FieldRule::optional("EphemeralStorage", &[Check::Range(0, 5000)]),
        FieldRule::optional("CpuOptionsCore", &[Check::Range(0, 1000)]),
        FieldRule::optional("CpuOptionsThreadsPerCore", &[Check::Range(0, 1000)]),
        FieldRule::optional("TerminationGracePeriodSeconds", &[Check::Range(0, i64::MAX)]),
        FieldRule::optional("ActiveDeadlineSeconds", &[Check::Range(0, i64::MAX)]),
        FieldRule::optional("ImageAccelerateMode", &[Check::OneOf(&["nydus", "dadi", "p2p", "imc"])]),
        FieldRule::optional("ImageRegistryCredential", &[Check::MaxItems(10)]),
        FieldRule::optional("AcrRegistryInfo", &[Check::MaxItems(20)]),
        FieldRule::optional("NtpServer", &[Check::MaxItems(20)]),
        FieldRule::optional("DataCachePL", &[Check::OneOf(&["PL0", "PL1", "PL2", "PL3"])]),
    ],
]);

/// The rules that read several parameters at once, after the field rules.
pub fn check_create(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    check_unique_container_names(req)?;
    check_unique_volume_names(req)?;
    check_volume_sources(req)?;
    check_volume_mounts(req)?;
    check_probes(req)?;
    check_spot(req)?;
    Ok(())
}

fn check_unique_container_names(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    let mut seen = HashSet::new();
    let all = req.containers.iter().chain(req.init_containers.iter());
    if all.map(|c| c.name.as_str()).all(|n| seen.insert(n)) {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::DuplicatedName))
    }
}

fn check_unique_volume_names(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    let mut seen = HashSet::new();
    if req
        .volumes
        .iter()
        .filter_map(|v| v.name.as_deref())
        .all(|n| seen.insert(n))
    {
        Ok(())
    } else {
        Err(ApiError::new(ErrorCode::DuplicatedVolumeName))
    }
}

/// Each volume type needs its own source fields.
fn check_volume_sources(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    for (i, volume) in req.volumes.iter().enumerate() {
        let at = |field: &str| format!("Volume.{}.{field}", i + 1);
        let nfs = volume.nfs_volume.as_ref();
        let required: Vec<(&str, bool)> = match volume.volume_type.as_deref() {
            Some("NFSVolume") => vec![
                ("NFSVolume.Server", nfs.and_then(|n| n.server.as_ref()).is_some()),
                ("NFSVolume.Path", nfs.and_then(|n| n.path.as_ref()).is_some()),
            ],
            Some("ConfigFileVolume") => {
                check_config_files(volume, &at)?;
                Vec::new()
            }
            Some("FlexVolume") => vec![(
                "FlexVolume.Driver",
                volume.flex_volume.as_ref().and_then(|f| f.driver.as_ref()).is_some(),
            )],
            Some("DiskVolume") => vec![(
                "DiskVolume.DiskId",
                volume.disk_volume.as_ref().and_then(|d| d.disk_id.as_ref()).is_some(),
            )],
            Some("HostPathVolume") => vec![(
                "HostPathVolume.Path",
                volume.host_path_volume.as_ref().and_then(|h| h.path.as_ref()).is_some(),
            )],
            _ => Vec::new(),
        };
        if let Some((field, _)) = required.iter().find(|(_, present)| !present) {
            return Err(ApiError::missing(&at(field)));
        }
    }
    Ok(())
}

fn check_config_files(volume: &VolumeSpec, at: &dyn Fn(&str) -> String) -> Result<(), ApiError> {
    let files = volume
        .config_file_volume
        .as_ref()
        .map(|c| c.config_file_to_paths.as_slice())
        .unwrap_or_default();
    if files.is_empty() {
        return Err(ApiError::missing(&at("ConfigFileVolume.ConfigFileToPath.1.Path")));
    }
    match files.iter().position(|f| f.path.is_none()) {
        Some(j) => Err(ApiError::missing(&at(&format!(
            "ConfigFileVolume.ConfigFileToPath.{}.Path",
            j + 1
        )))),
        None => Ok(()),
    }
}

/// Every mount names a volume the group declares.
fn check_volume_mounts(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    let declared: HashSet<&str> = req.volumes.iter().filter_map(|v| v.name.as_deref()).collect();
    let groups = [("Container", &req.containers), ("InitContainer", &req.init_containers)];
    for (kind, containers) in groups {
        for (i, container) in containers.iter().enumerate() {
            for (j, mount) in container.volume_mounts.iter().enumerate() {
                if !declared.contains(mount.name.as_deref().unwrap_or_default()) {
                    let param = format!("{kind}.{}.VolumeMount.{}.Name", i + 1, j + 1);
                    return Err(ApiError::invalid(&param, "no volume of this name is declared"));
                }
            }
        }
    }
    Ok(())
}

/// A probe has exactly one handler; an empty probe (all zeros, as Terraform sends it) is no probe.
fn check_probes(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    for (i, container) in req.containers.iter().enumerate() {
        let probes = [
            ("LivenessProbe", &container.liveness_probe),
            ("ReadinessProbe", &container.readiness_probe),
        ];
        for (kind, probe) in probes {
            if let Some(probe) = probe {
                check_probe(&format!("Container.{}.{kind}", i + 1), probe)?;
            }
        }
    }
    Ok(())
}

fn check_probe(param: &str, p: &ProbeSpec) -> Result<(), ApiError> {
    let handlers = [
        p.exec.as_ref().is_some_and(|e| !e.commands.is_empty()),
        p.http_get
            .as_ref()
            .is_some_and(|h| h.port.unwrap_or(0) != 0 || h.path.is_some()),
        p.tcp_socket.as_ref().is_some_and(|t| t.port.unwrap_or(0) != 0),
    ];
    let settings = [
        p.initial_delay_seconds,
        p.period_seconds,
        p.timeout_seconds,
        p.success_threshold,
        p.failure_threshold,
    ];
    let configured = settings.iter().any(|s| s.unwrap_or(0) != 0);
    match handlers.iter().filter(|h| **h).count() {
        0 if configured => Err(ApiError::invalid(
            param,
            "one of Exec, HttpGet and TcpSocket is required",
        )),
        0 | 1 => Ok(()),
        _ => Err(ApiError::invalid(
            param,
            "only one of Exec, HttpGet and TcpSocket may be given",
        )),
    }
}

/// `SpotWithPriceLimit` needs a price.
fn check_spot(req: &CreateContainerGroupRequest) -> Result<(), ApiError> {
    if req.spot_strategy.as_deref() == Some("SpotWithPriceLimit") && req.spot_price_limit.is_none() {
        return Err(ApiError::missing("SpotPriceLimit"));
    }
    Ok(())
}

/// The vSwitch ids of `VSwitchId`, in the order given.
pub fn vswitch_ids(req: &CreateContainerGroupRequest) -> Vec<&str> {
    // At most ten: the `VSwitchId` field rule has already refused more.
    req.vswitch_id
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The shared describe filter: id and tag counts, a known status.
pub fn check_filter(filter: &GroupFilter) -> Result<(), ApiError> {
    if filter
        .container_group_ids
        .as_ref()
        .is_some_and(|ids| ids.len() > MAX_GROUP_IDS)
    {
        return Err(ApiError::invalid("ContainerGroupIds", "at most 20 ids may be given"));
    }
    if filter.tags.len() > MAX_TAG_FILTERS {
        return Err(ApiError::invalid("Tag", "at most 10 tags may be given"));
    }
    if let Some(status) = filter.status.as_deref() {
        if GroupStatus::parse(status).is_none() {
            return Err(ApiError::invalid("Status", "not a container group status"));
        }
    }
    Ok(())
}

/// `Limit` of `DescribeContainerGroups`: default 20; values above 20 return at most 20 (the documented
/// "fewer may be returned"); values below 1 are refused.
pub fn describe_limit(limit: Option<i64>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(20),
        Some(n) if n < 1 => Err(ApiError::invalid("Limit", "must be at least 1")),
        Some(n) => Ok(usize::try_from(n.min(20)).unwrap_or(20)),
    }
}

/// `Limit` of `DescribeContainerGroupStatus`: 1–200, default 50 (the metadata's schema).
pub fn status_limit(limit: Option<i64>) -> Result<usize, ApiError> {
    match limit {
        None => Ok(50),
        Some(n @ 1..=200) => Ok(usize::try_from(n).unwrap_or(50)),
        Some(_) => Err(ApiError::invalid("Limit", "must be between 1 and 200")),
    }
}

/// `SinceSecond`: 60–3600 (the metadata's schema).
pub fn since_second(value: Option<i64>) -> Result<Option<i64>, ApiError> {
    match value {
        None => Ok(None),
        Some(n @ 60..=3600) => Ok(Some(n)),
        Some(_) => Err(ApiError::invalid("SinceSecond", "must be between 60 and 3600")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::dto::{ContainerSpec, ExecSpec, NfsVolumeSpec, TcpSocketSpec, VolumeMountSpec};
    use super::*;

    fn request() -> CreateContainerGroupRequest {
        CreateContainerGroupRequest {
            region_id: "cn-hangzhou".into(),
            container_group_name: "ok-name".into(),
            containers: vec![ContainerSpec {
                name: "a".into(),
                image: "nginx".into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn patterns_accept_their_valid_examples_and_refuse_the_invalid() {
        for pattern in [
            GROUP_NAME,
            ENV_KEY,
            IPV4,
            JSON_OBJECT,
            VSWITCH_LIST,
            UNSAFE_SYSCTL,
            TRUE_ONLY,
        ] {
            for v in pattern.valid {
                assert!((pattern.test)(v), "{v} should pass: {}", pattern.description);
            }
            for v in pattern.invalid {
                assert!(!(pattern.test)(v), "{v} should fail: {}", pattern.description);
            }
        }
        assert!(is_group_name(&"a".repeat(128)) && !is_group_name(&"a".repeat(129)));
        assert!(is_env_key(&"A".repeat(128)) && !is_env_key(&"A".repeat(129)));
    }

    #[test]
    fn duplicate_container_and_volume_names() {
        let mut req = request();
        req.init_containers.push(ContainerSpec {
            name: "a".into(),
            image: "busybox".into(),
            ..Default::default()
        });
        assert_eq!(
            check_create(&req).unwrap_err().code(),
            "InvalidParameter.DuplicatedName"
        );
        let mut req = request();
        let vol = VolumeSpec {
            name: Some("v".into()),
            volume_type: Some("EmptyDirVolume".into()),
            ..Default::default()
        };
        req.volumes = vec![vol.clone(), vol];
        let err = check_create(&req).unwrap_err();
        assert_eq!(
            (err.code(), err.message.as_str()),
            (
                "InvalidParameter.DuplicatedVolumeName",
                "The container group includes volumes with duplicate names."
            )
        );
    }

    #[test]
    fn volume_types_need_their_sources_and_mounts_need_volumes() {
        let mut req = request();
        req.volumes = vec![VolumeSpec {
            name: Some("n".into()),
            volume_type: Some("NFSVolume".into()),
            nfs_volume: Some(NfsVolumeSpec {
                server: Some("s".into()),
                ..Default::default()
            }),
            ..Default::default()
        }];
        let err = check_create(&req).unwrap_err();
        assert_eq!(
            (err.code(), err.message.contains("\"Volume.1.NFSVolume.Path\"")),
            ("MissingParameter", true)
        );
        for (kind, field) in [
            ("ConfigFileVolume", "Volume.1.ConfigFileVolume.ConfigFileToPath.1.Path"),
            ("FlexVolume", "Volume.1.FlexVolume.Driver"),
            ("DiskVolume", "Volume.1.DiskVolume.DiskId"),
            ("HostPathVolume", "Volume.1.HostPathVolume.Path"),
        ] {
            req.volumes = vec![VolumeSpec {
                name: Some("n".into()),
                volume_type: Some(kind.into()),
                ..Default::default()
            }];
            let err = check_create(&req).unwrap_err();
            assert!(err.message.contains(&format!("\"{field}\"")), "{kind}: {}", err.message);
        }
        req.volumes = vec![VolumeSpec {
            name: Some("e".into()),
            volume_type: Some("EmptyDirVolume".into()),
            ..Default::default()
        }];
        req.containers[0].volume_mounts = vec![VolumeMountSpec {
            name: Some("other".into()),
            ..Default::default()
        }];
        let err = check_create(&req).unwrap_err();
        assert!(
            err.message.contains("\"Container.1.VolumeMount.1.Name\""),
            "{}",
            err.message
        );
        req.containers[0].volume_mounts[0].name = Some("e".into());
        assert!(check_create(&req).is_ok());
    }

    #[test]
    fn probes_take_exactly_one_handler_and_empty_probes_are_none() {
        let mut req = request();
        req.containers[0].liveness_probe = Some(Box::new(ProbeSpec {
            period_seconds: Some(0),
            ..Default::default()
        }));
        assert!(check_create(&req).is_ok(), "Terraform's all-zero probe");
        req.containers[0].liveness_probe = Some(Box::new(ProbeSpec {
            period_seconds: Some(5),
            ..Default::default()
        }));
        assert!(check_create(&req).unwrap_err().message.contains("is required"));
        req.containers[0].liveness_probe = Some(Box::new(ProbeSpec {
            exec: Some(ExecSpec {
                commands: vec!["true".into()],
            }),
            tcp_socket: Some(TcpSocketSpec {
                port: Some(80),
                host: None,
            }),
            ..Default::default()
        }));
        let err = check_create(&req).unwrap_err();
        assert!(
            err.message.contains("\"Container.1.LivenessProbe\"") && err.message.contains("only one"),
            "{}",
            err.message
        );
        req.containers[0].liveness_probe = Some(Box::new(ProbeSpec {
            tcp_socket: Some(TcpSocketSpec {
                port: Some(80),
                host: None,
            }),
            ..Default::default()
        }));
        assert!(check_create(&req).is_ok());
    }

    #[test]
    fn spot_with_price_limit_needs_a_price() {
        let mut req = request();
        req.spot_strategy = Some("SpotWithPriceLimit".into());
        assert_eq!(
            check_create(&req).unwrap_err().message,
            ApiError::missing("SpotPriceLimit").message
        );
        req.spot_price_limit = Some(0.5);
        assert!(check_create(&req).is_ok());
    }

    #[test]
    fn limits() {
        assert_eq!(describe_limit(None).unwrap(), 20);
        assert_eq!(describe_limit(Some(1)).unwrap(), 1);
        assert_eq!(describe_limit(Some(50)).unwrap(), 20);
        assert!(describe_limit(Some(0)).is_err());
        assert_eq!(status_limit(Some(200)).unwrap(), 200);
        assert!(status_limit(Some(201)).is_err());
        assert!(status_limit(Some(0)).is_err());
        assert_eq!(since_second(Some(60)).unwrap(), Some(60));
        assert!(since_second(Some(59)).is_err());
        assert!(since_second(Some(3601)).is_err());
    }

    #[test]
    fn filter_bounds() {
        let mut f = GroupFilter {
            container_group_ids: Some(vec!["x".into(); 20]),
            ..Default::default()
        };
        assert!(check_filter(&f).is_ok());
        f.container_group_ids = Some(vec!["x".into(); 21]);
        assert!(check_filter(&f).is_err());
        let f = GroupFilter {
            status: Some("Runing".into()),
            ..Default::default()
        };
        assert!(check_filter(&f).is_err());
    }
}
