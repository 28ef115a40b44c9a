//! ECS's `DescribeInstanceTypes` and `DescribeImages`: the instance types of the catalogue ECI places
//! groups on (`fixtures/catalog.json`, the same types `DescribeAvailableResource` offers), and a fixed
//! list of public system images, the same in every region. Nobody makes images here: `self`,
//! `others` and `marketplace` images are none.

use crate::error::ApiError;
use crate::network;
use crate::ops::eci::catalog::{instance_types, InstanceType};
use crate::ops::vpc::common::{comma_list, page_of};
use crate::protocol::JsonBody;
use serde::Deserialize;
use serde_json::{json, Value};

/// `DescribeInstanceTypes`' largest page (`MaxResults`), and its default.
const MAX_RESULTS: usize = 1600;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeInstanceTypesRequest {
    #[serde(default, rename = "InstanceTypes")]
    pub instance_types: Vec<String>,
    pub instance_type_family: Option<String>,
    pub minimum_cpu_core_count: Option<f64>,
    pub maximum_cpu_core_count: Option<f64>,
    pub minimum_memory_size: Option<f64>,
    pub maximum_memory_size: Option<f64>,
    pub max_results: Option<usize>,
    /// Where the previous page ended: the index of the next type, as this emulator hands it out.
    pub next_token: Option<String>,
}

pub fn describe_instance_types(req: DescribeInstanceTypesRequest) -> Result<JsonBody, ApiError> {
    let size = req.max_results.unwrap_or(MAX_RESULTS);
    if size == 0 || size > MAX_RESULTS {
        return Err(ApiError::invalid(
            "MaxResults",
            &format!("it must be from 1 to {MAX_RESULTS}"),
        ));
    }
    let start = match req.next_token.as_deref().filter(|t| !t.is_empty()) {
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| ApiError::invalid("NextToken", "it is not a token this call handed out"))?,
        None => 0,
    };
    let within = |value: f64, low: Option<f64>, high: Option<f64>| {
        low.is_none_or(|l| value >= l) && high.is_none_or(|h| value <= h)
    };
    let matching: Vec<&InstanceType> = instance_types()
        .iter()
        .filter(|t| req.instance_types.is_empty() || req.instance_types.contains(&t.instance_type))
        .filter(|t| {
            req.instance_type_family
                .as_deref()
                .is_none_or(|f| f.is_empty() || f == t.family)
        })
        .filter(|t| within(t.cores, req.minimum_cpu_core_count, req.maximum_cpu_core_count))
        .filter(|t| within(t.memory, req.minimum_memory_size, req.maximum_memory_size))
        .collect();
    let page: Vec<Value> = matching
        .iter()
        .skip(start)
        .take(size)
        .map(|t| instance_type_view(t))
        .collect();
    let next = start + page.len();
    let next_token = if next < matching.len() {
        next.to_string()
    } else {
        String::new()
    };
    JsonBody::of(&json!({
        "NextToken": next_token,
        "InstanceTypes": {"InstanceType": page},
    }))
}

/// A type as ECS describes it. The network figures grow with the type's size as ECS's own do (two
/// vCPUs: 3 ENIs of 6 addresses each; four: 4 of 10; more: 4 of 15).
fn instance_type_view(t: &InstanceType) -> Value {
    let (enis, addresses) = match t.cores {
        c if c <= 2.0 => (3, 6),
        c if c <= 4.0 => (4, 10),
        _ => (4, 15),
    };
    json!({
        "InstanceTypeId": t.instance_type,
        "InstanceTypeFamily": t.family,
        "InstanceFamilyLevel": "EnterpriseLevel",
        "InstanceCategory": "General-purpose",
        // An integer, as ECS declares it (the catalogue keeps ECI's fractional sizes as numbers).
        "CpuCoreCount": t.cores.round() as i64,
        "CpuArchitecture": "X86",
        "MemorySize": t.memory,
        "GPUAmount": 0,
        "GPUSpec": "",
        "GPUMemorySize": 0,
        "LocalStorageCapacity": 0,
        "LocalStorageAmount": 0,
        "LocalStorageCategory": "",
        "EniQuantity": enis,
        "EniPrivateIpAddressQuantity": addresses,
        "EniIpv6AddressQuantity": addresses,
        "EniTotalQuantity": enis,
        "EniTrunkSupported": true,
        "PrimaryEniQueueNumber": 2,
        "SecondaryEniQueueNumber": 2,
        "MaximumQueueNumberPerEni": 4,
        "TotalEniQueueQuantity": enis * 2,
        "InstanceBandwidthRx": 1_024_000,
        "InstanceBandwidthTx": 1_024_000,
        "InstancePpsRx": 300_000,
        "InstancePpsTx": 300_000,
        "BaselineCredit": 0,
        "InitialCredit": 0,
        "NvmeSupport": "unsupported",
        "DiskQuantity": 17,
        "CpuSpeedFrequency": 2.5,
        "CpuTurboFrequency": 3.2,
        "PhysicalProcessorModel": "Intel Xeon (Ice Lake) Platinum 8369B",
    })
}

/// A public system image: its name (which is also its id), the OS and when it was published.
struct SystemImage {
    name: &'static str,
    os_name: &'static str,
    platform: &'static str,
    os_type: &'static str,
    created: &'static str,
}

const SYSTEM_IMAGES: [SystemImage; 6] = [
    SystemImage {
        name: "aliyun_3_x64_20G_alibase_20240819.vhd",
        os_name: "Alibaba Cloud Linux 3.2104 LTS 64 bit",
        platform: "Aliyun",
        os_type: "linux",
        created: "2024-08-19T08:00:00Z",
    },
    SystemImage {
        name: "centos_7_9_x64_20G_alibase_20240628.vhd",
        os_name: "CentOS 7.9 64 bit",
        platform: "CentOS",
        os_type: "linux",
        created: "2024-06-28T08:00:00Z",
    },
    SystemImage {
        name: "ubuntu_18_04_x64_20G_alibase_20240223.vhd",
        os_name: "Ubuntu 18.04 64 bit",
        platform: "Ubuntu",
        os_type: "linux",
        created: "2024-02-23T08:00:00Z",
    },
    SystemImage {
        name: "ubuntu_20_04_x64_20G_alibase_20240819.vhd",
        os_name: "Ubuntu 20.04 64 bit",
        platform: "Ubuntu",
        os_type: "linux",
        created: "2024-08-19T08:00:00Z",
    },
    SystemImage {
        name: "ubuntu_22_04_x64_20G_alibase_20240926.vhd",
        os_name: "Ubuntu 22.04 64 bit",
        platform: "Ubuntu",
        os_type: "linux",
        created: "2024-09-26T08:00:00Z",
    },
    SystemImage {
        name: "win2022_21H2_x64_dtc_en-us_40G_alibase_20240912.vhd",
        os_name: "Windows Server 2022 Datacenter 64 bit English",
        platform: "Windows Server 2022",
        os_type: "windows",
        created: "2024-09-12T08:00:00Z",
    },
];

/// `DescribeImages`' largest page.
const MAX_IMAGES_PAGE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DescribeImagesRequest {
    pub region_id: String,
    pub image_id: Option<String>,
    pub image_name: Option<String>,
    pub image_owner_alias: Option<String>,
    pub image_family: Option<String>,
    pub status: Option<String>,
    #[serde(rename = "OSType")]
    pub os_type: Option<String>,
    pub architecture: Option<String>,
    pub page_number: Option<u32>,
    pub page_size: Option<u32>,
}

/// A filter's value, when one was given.
fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|v| !v.is_empty())
}

pub fn describe_images(req: DescribeImagesRequest) -> Result<JsonBody, ApiError> {
    let region = network::region(&req.region_id)?;
    let ids = comma_list(req.image_id.as_deref());
    let statuses = comma_list(req.status.as_deref());
    let public = given(&req.image_owner_alias).is_none_or(|alias| alias == "system");
    let images: Vec<&SystemImage> = SYSTEM_IMAGES
        .iter()
        .filter(|_| public && (statuses.is_empty() || statuses.contains(&"Available")))
        .filter(|_| given(&req.image_family).is_none())
        .filter(|i| ids.is_empty() || ids.contains(&i.name))
        .filter(|i| given(&req.image_name).is_none_or(|n| n == i.name))
        .filter(|i| given(&req.os_type).is_none_or(|t| t == i.os_type))
        .filter(|_| given(&req.architecture).is_none_or(|a| a == "x86_64"))
        .collect();
    let page = page_of(images, req.page_number, req.page_size, MAX_IMAGES_PAGE)?;
    let items: Vec<Value> = page.items.iter().map(|i| image_view(i)).collect();
    JsonBody::of(&json!({
        "RegionId": region.region_id,
        "TotalCount": page.total,
        "PageNumber": page.number,
        "PageSize": page.size,
        "Images": {"Image": items},
    }))
}

fn image_view(image: &SystemImage) -> Value {
    let size = if image.os_type == "windows" { 40 } else { 20 };
    json!({
        "ImageId": image.name,
        "ImageName": image.name,
        "ImageOwnerAlias": "system",
        "ImageVersion": "",
        "ImageFamily": "",
        "Description": "",
        "OSName": image.os_name,
        "OSNameEn": image.os_name,
        "OSType": image.os_type,
        "Platform": image.platform,
        "Architecture": "x86_64",
        "BootMode": "BIOS",
        "Size": size,
        "Status": "Available",
        "Progress": "100%",
        "Usage": "instance",
        "CreationTime": image.created,
        "IsSupportIoOptimized": true,
        "IsSupportCloudinit": true,
        "IsSelfShared": "",
        "IsSubscribed": false,
        "IsCopied": false,
        "IsPublic": true,
        "ProductCode": "",
        "DiskDeviceMappings": {"DiskDeviceMapping": [{
            "Device": "/dev/xvda",
            "Size": size.to_string(),
            "Type": "system",
            "SnapshotId": "",
            "Format": "",
            "ImportOSSBucket": "",
            "ImportOSSObject": "",
            "Progress": "100%",
            "RemainTime": 0,
        }]},
        "Tags": {"Tag": []},
    })
}
