//! The image-cache requests, as their parameters arrive.

use crate::ops::eci::container_group::dto::{AcrRegistryInfoSpec, RegistryCredentialSpec, TagSpec};
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CreateImageCacheRequest {
    pub region_id: String,
    pub image_cache_name: String,
    #[serde(rename = "Image")]
    pub images: Vec<String>,
    pub zone_id: Option<String>,
    pub security_group_id: Option<String>,
    #[serde(rename = "VSwitchId")]
    pub vswitch_id: Option<String>,
    pub eip_instance_id: Option<String>,
    pub resource_group_id: Option<String>,
    pub client_token: Option<String>,
    pub image_cache_size: Option<i64>,
    pub retention_days: Option<i64>,
    pub auto_match_image_cache: Option<bool>,
    #[serde(default, rename = "ImageRegistryCredential")]
    pub image_registry_credentials: Vec<RegistryCredentialSpec>,
    #[serde(default, rename = "AcrRegistryInfo")]
    pub acr_registry_infos: Vec<AcrRegistryInfoSpec>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub flash: Option<bool>,
    pub elimination_strategy: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateImageCacheRequest {
    pub region_id: String,
    pub image_cache_id: String,
    pub image_cache_name: Option<String>,
    #[serde(default, rename = "Image")]
    pub images: Vec<String>,
    pub image_cache_size: Option<i64>,
    pub retention_days: Option<i64>,
    pub resource_group_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    pub elimination_strategy: Option<String>,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeleteImageCacheRequest {
    pub region_id: String,
    pub image_cache_id: String,
    pub client_token: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImageCachesRequest {
    pub region_id: String,
    pub image_cache_id: Option<String>,
    pub image_cache_name: Option<String>,
    pub snapshot_id: Option<String>,
    pub image: Option<String>,
    pub resource_group_id: Option<String>,
    #[serde(default, rename = "Tag")]
    pub tags: Vec<TagSpec>,
    #[serde(default, rename = "MatchImage")]
    pub match_images: Vec<String>,
    pub image_full_match: Option<bool>,
    pub limit: Option<i64>,
    pub next_token: Option<String>,
}
