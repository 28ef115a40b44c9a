//! The data-cache requests, as their parameters arrive.

use crate::ops::eci::container_group::dto::TagSpec;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DataSource {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateDataCacheRequest {
    pub region_id: String,
    pub name: Option<String>,
    pub bucket: Option<String>,
    pub path: String,
    pub size: Option<i64>,
    pub data_source: Option<DataSource>,
    pub retention_days: Option<i64>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub security_group_id: Option<String>,
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: Option<String>,
    pub eip_instance_id: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateDataCacheRequest {
    pub region_id: String,
    pub data_cache_id: String,
    pub name: Option<String>,
    pub bucket: Option<String>,
    pub size: Option<i64>,
    pub data_source: Option<DataSource>,
    pub retention_days: Option<i64>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteDataCacheRequest {
    pub region_id: String,
    pub data_cache_id: Option<String>,
    pub bucket: Option<String>,
    pub path: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeDataCachesRequest {
    pub region_id: String,
    #[serde(default, rename = "DataCacheId")]
    pub data_cache_ids: Vec<String>,
    pub bucket: Option<String>,
    pub path: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CopyDataCacheRequest {
    pub region_id: String,
    pub data_cache_id: String,
    pub destination_region_id: String,
    pub bucket: Option<String>,
    pub path: Option<String>,
    pub name: Option<String>,
    pub retention_days: Option<i64>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
}
