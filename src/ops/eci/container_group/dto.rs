//! Request and response shapes of the container-group operations, named as on the wire
//! (`../shared/reference` notes §2 and §3; Appendix A lists every parameter of SDK 2.1.0).

use crate::protocol::json_in_string;
use serde::{Deserialize, Serialize};

/// Stored text: a boxed `str` is a third smaller than a `String` when present and absent alike, which
/// matters across the many optional fields of a stored group.
pub type Text = Box<str>;

/// The restart policy of a group created without one, as Describe shows it.
pub const DEFAULT_RESTART_POLICY: &str = "Always";
/// The image pull policy of a container created without one, as Describe shows it.
pub const DEFAULT_IMAGE_PULL_POLICY: &str = "IfNotPresent";

/// `CreateContainerGroup`: every parameter the official SDK 2.1.0 sends, plus `MaxPendingMinute`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateContainerGroupRequest {
    pub region_id: String,
    pub container_group_name: String,
    #[serde(rename = "Container")]
    pub containers: Vec<ContainerSpec>,
    #[serde(default, rename = "InitContainer", skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<ContainerSpec>,
    #[serde(default, rename = "Volume", skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<VolumeSpec>,
    #[serde(default, rename = "Tag", skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagSpec>,
    pub zone_id: Option<Text>,
    pub security_group_id: Option<Text>,
    /// Up to 10 ids, comma-separated.
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: Option<Text>,
    pub schedule_strategy: Option<Text>,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub instance_type: Option<Text>,
    #[serde(default, rename = "ComputeCategory", skip_serializing_if = "Vec::is_empty")]
    pub compute_categories: Vec<String>,
    pub cpu_architecture: Option<Text>,
    pub os_type: Option<Text>,
    pub restart_policy: Option<Text>,
    pub termination_grace_period_seconds: Option<i64>,
    pub active_deadline_seconds: Option<i64>,
    pub dns_policy: Option<Text>,
    pub dns_config: Option<DnsConfigSpec>,
    #[serde(default, rename = "HostAliase", skip_serializing_if = "Vec::is_empty")]
    pub host_aliases: Vec<HostAliasSpec>,
    pub security_context: Option<SysctlContextSpec>,
    pub host_security_context: Option<SysctlContextSpec>,
    pub host_name: Option<Text>,
    pub share_process_namespace: Option<bool>,
    pub ram_role_name: Option<Text>,
    pub resource_group_id: Option<Text>,
    pub ephemeral_storage: Option<i32>,
    pub core_pattern: Option<Text>,
    #[serde(default, rename = "NtpServer", skip_serializing_if = "Vec::is_empty")]
    pub ntp_servers: Vec<String>,
    pub container_resource_view: Option<bool>,
    pub cpu_options_core: Option<i32>,
    pub cpu_options_threads_per_core: Option<i32>,
    pub cpu_options_numa: Option<Text>,
    pub gpu_driver_version: Option<Text>,
    pub dry_run: Option<bool>,
    pub overhead_reservation_option: Option<OverheadReservationSpec>,
    pub max_pending_minute: Option<i32>,
    pub eip_instance_id: Option<Text>,
    pub auto_create_eip: Option<bool>,
    pub eip_bandwidth: Option<i32>,
    #[serde(rename = "EipISP")]
    pub eip_isp: Option<Text>,
    pub eip_common_bandwidth_package: Option<Text>,
    pub ingress_bandwidth: Option<i64>,
    pub egress_bandwidth: Option<i64>,
    pub ipv6_address_count: Option<i32>,
    pub ipv6_gateway_bandwidth_enable: Option<bool>,
    pub ipv6_gateway_bandwidth: Option<Text>,
    pub private_ip_address: Option<Text>,
    pub fixed_ip: Option<Text>,
    pub fixed_ip_retain_hour: Option<i32>,
    pub spot_strategy: Option<Text>,
    pub spot_price_limit: Option<f64>,
    pub spot_duration: Option<i32>,
    pub strict_spot: Option<bool>,
    pub image_snapshot_id: Option<Text>,
    pub auto_match_image_cache: Option<bool>,
    pub image_accelerate_mode: Option<Text>,
    pub plain_http_registry: Option<Text>,
    pub insecure_registry: Option<Text>,
    #[serde(default, rename = "ImageRegistryCredential", skip_serializing_if = "Vec::is_empty")]
    pub image_registry_credentials: Vec<RegistryCredentialSpec>,
    #[serde(default, rename = "AcrRegistryInfo", skip_serializing_if = "Vec::is_empty")]
    pub acr_registry_infos: Vec<AcrRegistryInfoSpec>,
    pub data_cache_bucket: Option<Text>,
    #[serde(rename = "DataCachePL")]
    pub data_cache_pl: Option<Text>,
    pub data_cache_provisioned_iops: Option<i32>,
    pub data_cache_bursting_enabled: Option<bool>,
    pub client_token: Option<Text>,
}

impl CreateContainerGroupRequest {
    /// Whether it asks for a spot instance (`SpotWithPriceLimit` or `SpotAsPriceGo`).
    pub fn is_spot(&self) -> bool {
        matches!(
            self.spot_strategy.as_deref(),
            Some("SpotWithPriceLimit" | "SpotAsPriceGo")
        )
    }

    /// The hourly price a `SpotWithPriceLimit` group is bought under; none for other strategies.
    pub fn spot_limit(&self) -> Option<f64> {
        self.spot_price_limit
            .filter(|_| self.spot_strategy.as_deref() == Some("SpotWithPriceLimit"))
    }
}

/// `Container.N.*` and `InitContainer.N.*` (init containers use a subset).
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub gpu: Option<i32>,
    pub image_pull_policy: Option<Text>,
    pub working_dir: Option<Text>,
    #[serde(default, rename = "Command", skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    #[serde(default, rename = "Arg", skip_serializing_if = "Vec::is_empty")]
    pub args: Vec<String>,
    #[serde(default, rename = "EnvironmentVar", skip_serializing_if = "Vec::is_empty")]
    pub environment_vars: Vec<EnvironmentVarSpec>,
    pub environment_var_hide: Option<bool>,
    #[serde(default, rename = "Port", skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortSpec>,
    #[serde(default, rename = "VolumeMount", skip_serializing_if = "Vec::is_empty")]
    pub volume_mounts: Vec<VolumeMountSpec>,
    pub liveness_probe: Option<Box<ProbeSpec>>,
    pub readiness_probe: Option<Box<ProbeSpec>>,
    pub security_context: Option<Box<ContainerSecurityContextSpec>>,
    pub security_context_privileged: Option<bool>,
    pub security_context_run_as_group: Option<i64>,
    pub security_context_run_as_non_root: Option<bool>,
    pub stdin: Option<bool>,
    pub stdin_once: Option<bool>,
    pub tty: Option<bool>,
    pub termination_message_path: Option<Text>,
    pub termination_message_policy: Option<Text>,
    #[serde(
        default,
        rename = "LifecyclePostStartHandlerExec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub lifecycle_post_start_handler_exec: Vec<String>,
    pub lifecycle_post_start_handler_http_get_host: Option<Text>,
    pub lifecycle_post_start_handler_http_get_path: Option<Text>,
    pub lifecycle_post_start_handler_http_get_port: Option<i32>,
    pub lifecycle_post_start_handler_http_get_scheme: Option<Text>,
    #[serde(
        default,
        rename = "LifecyclePostStartHandlerHttpGetHttpHeader",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub lifecycle_post_start_handler_http_get_http_headers: Vec<NameValue>,
    pub lifecycle_post_start_handler_tcp_socket_host: Option<Text>,
    pub lifecycle_post_start_handler_tcp_socket_port: Option<i32>,
    #[serde(
        default,
        rename = "LifecyclePreStopHandlerExec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub lifecycle_pre_stop_handler_exec: Vec<String>,
    pub lifecycle_pre_stop_handler_http_get_host: Option<Text>,
    pub lifecycle_pre_stop_handler_http_get_path: Option<Text>,
    pub lifecycle_pre_stop_handler_http_get_port: Option<i32>,
    pub lifecycle_pre_stop_handler_http_get_scheme: Option<Text>,
    #[serde(
        default,
        rename = "LifecyclePreStopHandlerHttpGetHttpHeader",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub lifecycle_pre_stop_handler_http_get_http_headers: Vec<NameValue>,
    pub lifecycle_pre_stop_handler_tcp_socket_host: Option<Text>,
    pub lifecycle_pre_stop_handler_tcp_socket_port: Option<i32>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EnvironmentVarSpec {
    pub key: Option<Text>,
    pub value: Option<Text>,
    pub field_ref: Option<FieldRefSpec>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldRefSpec {
    pub field_path: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortSpec {
    pub port: Option<i32>,
    pub protocol: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeMountSpec {
    pub name: Option<Text>,
    pub mount_path: Option<Text>,
    pub sub_path: Option<Text>,
    pub read_only: Option<bool>,
    pub mount_propagation: Option<Text>,
}

/// `LivenessProbe.*` / `ReadinessProbe.*`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProbeSpec {
    pub exec: Option<ExecSpec>,
    pub http_get: Option<HttpGetSpec>,
    pub tcp_socket: Option<TcpSocketSpec>,
    pub initial_delay_seconds: Option<i32>,
    pub period_seconds: Option<i32>,
    pub success_threshold: Option<i32>,
    pub failure_threshold: Option<i32>,
    pub timeout_seconds: Option<i32>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecSpec {
    #[serde(default, rename = "Command", skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HttpGetSpec {
    pub path: Option<Text>,
    pub port: Option<i32>,
    pub scheme: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TcpSocketSpec {
    pub host: Option<Text>,
    pub port: Option<i32>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerSecurityContextSpec {
    pub capability: Option<CapabilitySpec>,
    pub read_only_root_filesystem: Option<bool>,
    pub run_as_user: Option<i64>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CapabilitySpec {
    #[serde(default, rename = "Add", skip_serializing_if = "Vec::is_empty")]
    pub adds: Vec<String>,
}

/// `Volume.N.*`: the type and the one sub-structure that goes with it.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VolumeSpec {
    pub name: Option<Text>,
    #[serde(rename = "Type")]
    pub volume_type: Option<Text>,
    pub empty_dir_volume: Option<EmptyDirVolumeSpec>,
    #[serde(rename = "NFSVolume")]
    pub nfs_volume: Option<NfsVolumeSpec>,
    pub config_file_volume: Option<ConfigFileVolumeSpec>,
    pub flex_volume: Option<FlexVolumeSpec>,
    pub disk_volume: Option<DiskVolumeSpec>,
    pub host_path_volume: Option<HostPathVolumeSpec>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct EmptyDirVolumeSpec {
    pub medium: Option<Text>,
    pub size_limit: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NfsVolumeSpec {
    pub server: Option<Text>,
    pub path: Option<Text>,
    pub read_only: Option<bool>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigFileVolumeSpec {
    pub default_mode: Option<i32>,
    #[serde(default, rename = "ConfigFileToPath", skip_serializing_if = "Vec::is_empty")]
    pub config_file_to_paths: Vec<ConfigFileToPathSpec>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigFileToPathSpec {
    pub path: Option<Text>,
    pub content: Option<Text>,
    pub mode: Option<i32>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FlexVolumeSpec {
    pub driver: Option<Text>,
    pub fs_type: Option<Text>,
    pub options: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DiskVolumeSpec {
    pub disk_id: Option<Text>,
    pub disk_size: Option<i32>,
    pub fs_type: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostPathVolumeSpec {
    pub path: Option<Text>,
    #[serde(rename = "Type")]
    pub path_type: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagSpec {
    pub key: String,
    pub value: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NameValue {
    pub name: Option<Text>,
    pub value: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DnsConfigSpec {
    #[serde(default, rename = "NameServer", skip_serializing_if = "Vec::is_empty")]
    pub name_servers: Vec<String>,
    #[serde(default, rename = "Search", skip_serializing_if = "Vec::is_empty")]
    pub searches: Vec<String>,
    #[serde(default, rename = "Option", skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<NameValue>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostAliasSpec {
    pub ip: Option<Text>,
    #[serde(default, rename = "Hostname", skip_serializing_if = "Vec::is_empty")]
    pub hostnames: Vec<String>,
}

/// `SecurityContext.Sysctl.N.*` and `HostSecurityContext.Sysctl.N.*`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SysctlContextSpec {
    #[serde(default, rename = "Sysctl", skip_serializing_if = "Vec::is_empty")]
    pub sysctls: Vec<NameValue>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OverheadReservationSpec {
    pub enable_overhead_reservation: Option<bool>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RegistryCredentialSpec {
    pub server: Option<Text>,
    pub user_name: Option<Text>,
    pub password: Option<Text>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AcrRegistryInfoSpec {
    pub instance_id: Option<Text>,
    pub instance_name: Option<Text>,
    pub region_id: Option<Text>,
    #[serde(default, rename = "Domain", skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<String>,
    pub arn_service: Option<Text>,
    pub arn_user: Option<Text>,
}

/// The filter parameters `DescribeContainerGroups`, `DescribeContainerGroupStatus` and
/// `DescribeContainerGroupEvents` share.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GroupFilter {
    pub region_id: String,
    /// A JSON array inside the string: `["eci-1","eci-2"]`.
    #[serde(default, deserialize_with = "json_in_string")]
    pub container_group_ids: Option<Vec<String>>,
    pub container_group_name: Option<String>,
    pub status: Option<String>,
    #[serde(default, rename = "Tag", skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagFilter>,
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: Option<String>,
    pub zone_id: Option<String>,
    pub security_group_id: Option<String>,
    pub resource_group_id: Option<String>,
    pub compute_category: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TagFilter {
    pub key: String,
    pub value: Option<String>,
}

/// What `DescribeContainerGroups` takes beyond the shared filter (read from the same parameters;
/// serde's `flatten` would lose the typed parsing of the flattened form).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContainerGroupsExtras {
    pub with_event: Option<bool>,
}

/// What `DescribeContainerGroupStatus` takes beyond the shared filter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContainerGroupStatusExtras {
    pub since_second: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteContainerGroupRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub client_token: Option<String>,
    pub force: Option<bool>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateContainerGroupResponse {
    pub container_group_id: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ListUsageRequest {
    pub region_id: String,
}

/// `UpdateContainerGroup`: what may change on a running group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateContainerGroupRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub update_type: Option<String>,
    pub restart_policy: Option<Text>,
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub resource_group_id: Option<Text>,
    pub dns_config: Option<DnsConfigSpec>,
    #[serde(default, rename = "Container", skip_serializing_if = "Vec::is_empty")]
    pub containers: Vec<ContainerSpec>,
    #[serde(default, rename = "InitContainer", skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<ContainerSpec>,
    #[serde(default, rename = "Volume", skip_serializing_if = "Vec::is_empty")]
    pub volumes: Vec<VolumeSpec>,
    #[serde(default, rename = "Tag", skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<TagSpec>,
    #[serde(default, rename = "ImageRegistryCredential", skip_serializing_if = "Vec::is_empty")]
    pub image_registry_credentials: Vec<RegistryCredentialSpec>,
    #[serde(default, rename = "AcrRegistryInfo", skip_serializing_if = "Vec::is_empty")]
    pub acr_registry_infos: Vec<AcrRegistryInfoSpec>,
    pub client_token: Option<String>,
}

/// `RestartContainerGroup`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestartContainerGroupRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub client_token: Option<String>,
}

/// What `DescribeContainerGroupEvents` takes beyond the shared filter.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContainerGroupEventsExtras {
    pub event_source: Option<String>,
    pub since_second: Option<i64>,
}

/// `DescribeContainerLog`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeContainerLogRequest {
    /// Optional, as documented: without it, the region the group id names.
    pub region_id: Option<String>,
    pub container_group_id: String,
    pub container_name: String,
    pub start_time: Option<String>,
    pub tail: Option<i64>,
    pub last_time: Option<bool>,
    pub since_seconds: Option<i64>,
    pub limit_bytes: Option<i64>,
    pub timestamps: Option<bool>,
}

/// `ExecContainerCommand`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ExecContainerCommandRequest {
    pub region_id: String,
    pub container_group_id: String,
    pub container_name: String,
    /// A JSON array of strings inside the string: `["/bin/sh","-c","echo hi"]`.
    pub command: String,
    #[serde(rename = "TTY")]
    pub tty: Option<bool>,
    pub stdin: Option<bool>,
    pub sync: Option<bool>,
}
