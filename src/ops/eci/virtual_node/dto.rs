//! The virtual-node requests, as their parameters arrive.

use crate::ops::eci::container_group::dto::TagSpec;
use crate::protocol::json_in_string;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateVirtualNodeRequest {
    pub region_id: String,
    pub zone_id: Option<String>,
    pub security_group_id: String,
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: String,
    pub virtual_node_name: Option<String>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
    pub enable_public_network: Option<bool>,
    pub eip_instance_id: Option<String>,
    pub kube_config: Option<String>,
    pub custom_resources: Option<String>,
    pub cluster_domain: Option<String>,
    #[serde(rename = "ClusterDNS")]
    pub cluster_dns: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateVirtualNodeRequest {
    pub region_id: String,
    pub virtual_node_id: String,
    pub virtual_node_name: Option<String>,
    pub custom_resources: Option<String>,
    pub cluster_domain: Option<String>,
    #[serde(rename = "ClusterDNS")]
    pub cluster_dns: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteVirtualNodeRequest {
    pub region_id: String,
    pub virtual_node_id: String,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeVirtualNodesRequest {
    pub region_id: String,
    pub virtual_node_name: Option<String>,
    #[serde(default, deserialize_with = "json_in_string")]
    pub virtual_node_ids: Option<Vec<String>>,
    pub status: Option<String>,
    pub resource_group_id: Option<String>,
    pub security_group_id: Option<String>,
    #[serde(rename = "VSwitchId")]
    pub v_switch_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}
