//! The vCPU/memory a group is granted: the request rounded up to the nearest supported specification
//! of its region (`fixtures/specs.json`), as the service bills it.

use crate::error::{ApiError, ErrorCode};
use serde::Deserialize;
use std::sync::OnceLock;

const SPECS_FIXTURE: &str = include_str!("../../../../fixtures/specs.json");

/// No size asked for anywhere: 2 vCPU / 4 GiB (notes §5).
pub const DEFAULT_SIZE: Size = Size { cpu: 2.0, memory: 4.0 };

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Size {
    pub cpu: f64,
    pub memory: f64,
}

#[derive(Deserialize)]
struct Row {
    cpu: f64,
    memory: Vec<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RegionOnly {
    regions: Vec<String>,
    specs: Vec<Row>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpecsFixture {
    all_regions: Vec<Row>,
    region_only: RegionOnly,
    whitelist_from_cpu: f64,
}

/// One supported specification and whether only some regions sell it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Spec {
    size: Size,
    region_only: bool,
}

struct SpecTable {
    specs: Vec<Spec>,
    region_only_regions: Vec<String>,
    whitelist_from_cpu: f64,
}

fn table() -> &'static SpecTable {
    static TABLE: OnceLock<SpecTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let fixture: SpecsFixture = serde_json::from_str(SPECS_FIXTURE).unwrap_or(SpecsFixture {
            all_regions: Vec::new(),
            region_only: RegionOnly {
                regions: Vec::new(),
                specs: Vec::new(),
            },
            whitelist_from_cpu: f64::INFINITY,
        });
        let expand = |rows: &[Row], region_only: bool| -> Vec<Spec> {
            rows.iter()
                .flat_map(|r| {
                    r.memory.iter().map(move |m| Spec {
                        size: Size { cpu: r.cpu, memory: *m },
                        region_only,
                    })
                })
                .collect()
        };
        let mut specs = expand(&fixture.all_regions, false);
        specs.extend(expand(&fixture.region_only.specs, true));
        specs.sort_by(|a, b| {
            a.size
                .cpu
                .total_cmp(&b.size.cpu)
                .then(a.size.memory.total_cmp(&b.size.memory))
        });
        SpecTable {
            specs,
            region_only_regions: fixture.region_only.regions,
            whitelist_from_cpu: fixture.whitelist_from_cpu,
        }
    })
}

/// What a create asks for and may have.
#[derive(Debug, Clone, Copy)]
pub struct SizeRequest<'a> {
    pub region_id: &'a str,
    /// The group's own `Cpu`/`Memory`, or the sums over its containers; zero counts as not given.
    pub cpu: Option<f64>,
    pub memory: Option<f64>,
    pub spot: bool,
    pub whitelisted: bool,
}

/// The smallest supported spec with at least the vCPUs and memory asked for.
pub fn grant(request: &SizeRequest<'_>) -> Result<Size, ApiError> {
    let cpu = request.cpu.filter(|c| *c > 0.0);
    let memory = request.memory.filter(|m| *m > 0.0);
    if cpu.is_none() && memory.is_none() {
        return Ok(DEFAULT_SIZE);
    }
    let table = table();
    let region_sells_more = table.region_only_regions.iter().any(|r| r == request.region_id);
    let fits = |s: &&Spec| s.size.cpu >= cpu.unwrap_or(0.0) && s.size.memory >= memory.unwrap_or(0.0);
    let spec = table
        .specs
        .iter()
        .filter(|s| !s.region_only || region_sells_more)
        .find(fits)
        .ok_or_else(|| ApiError::new(ErrorCode::InvalidCpuMemory))?;
    if request.spot && spec.region_only {
        return Err(ApiError::new(ErrorCode::InvalidSpotCpuMemorySpec));
    }
    if spec.size.cpu >= table.whitelist_from_cpu && !request.whitelisted {
        return Err(ApiError::new(ErrorCode::HighCpuMemConfigRequired));
    }
    Ok(spec.size)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(region: &str, cpu: f64, memory: f64) -> Result<Size, ApiError> {
        grant(&SizeRequest {
            region_id: region,
            cpu: Some(cpu),
            memory: Some(memory),
            spot: false,
            whitelisted: false,
        })
    }

    #[test]
    fn the_table_is_whole() {
        assert_eq!(table().specs.len(), 44 + 4 + 11 + 22 + 25);
        assert_eq!(table().region_only_regions.len(), 12);
    }

    #[test]
    fn exact_specs_are_granted_as_asked() {
        assert_eq!(ask("cn-hangzhou", 0.25, 0.5).unwrap(), Size { cpu: 0.25, memory: 0.5 });
        assert_eq!(
            ask("eu-west-1", 32.0, 256.0).unwrap(),
            Size {
                cpu: 32.0,
                memory: 256.0
            }
        );
        assert_eq!(ask("cn-hangzhou", 6.0, 48.0).unwrap(), Size { cpu: 6.0, memory: 48.0 });
    }

    #[test]
    fn between_specs_rounds_up() {
        assert_eq!(ask("cn-hangzhou", 7.0, 13.0).unwrap(), Size { cpu: 8.0, memory: 14.0 });
        // Outside the twelve regions the region-only 8/14 is not sold.
        assert_eq!(ask("eu-west-1", 7.0, 13.0).unwrap(), Size { cpu: 8.0, memory: 16.0 });
        assert_eq!(ask("cn-hangzhou", 0.3, 0.3).unwrap(), Size { cpu: 0.5, memory: 1.0 });
        assert_eq!(ask("cn-hangzhou", 1.0, 3.0).unwrap(), Size { cpu: 1.0, memory: 4.0 });
        let cpu_only = grant(&SizeRequest {
            region_id: "cn-hangzhou",
            cpu: Some(3.0),
            memory: None,
            spot: false,
            whitelisted: false,
        });
        assert_eq!(cpu_only.unwrap(), Size { cpu: 4.0, memory: 2.0 });
    }

    #[test]
    fn beyond_every_spec_is_refused() {
        let err = ask("cn-hangzhou", 65.0, 1.0).unwrap_err();
        assert_eq!((err.code(), err.status()), ("InvalidParameter.CPU.Memory", 400));
        assert_eq!(
            ask("cn-hangzhou", 1.0, 513.0).unwrap_err().code(),
            "InvalidParameter.CPU.Memory"
        );
    }

    #[test]
    fn large_specs_need_the_whitelist() {
        assert_eq!(
            ask("cn-hangzhou", 48.0, 96.0).unwrap_err().code(),
            "HighCpuMemConfigRequired"
        );
        let listed = grant(&SizeRequest {
            region_id: "cn-hangzhou",
            cpu: Some(64.0),
            memory: Some(512.0),
            spot: false,
            whitelisted: true,
        });
        assert_eq!(
            listed.unwrap(),
            Size {
                cpu: 64.0,
                memory: 512.0
            }
        );
        assert_eq!(
            ask("cn-hangzhou", 32.0, 256.0).unwrap(),
            Size {
                cpu: 32.0,
                memory: 256.0
            }
        );
    }

    #[test]
    fn spot_may_not_land_on_a_region_only_spec() {
        let spot = |cpu, memory| {
            grant(&SizeRequest {
                region_id: "cn-hangzhou",
                cpu: Some(cpu),
                memory: Some(memory),
                spot: true,
                whitelisted: false,
            })
        };
        assert_eq!(spot(2.0, 6.0).unwrap_err().code(), "InvalidSpotCpuMemorySpec");
        assert_eq!(spot(2.0, 8.0).unwrap(), Size { cpu: 2.0, memory: 8.0 });
    }

    #[test]
    fn nothing_asked_is_the_default() {
        let none = grant(&SizeRequest {
            region_id: "cn-hangzhou",
            cpu: Some(0.0),
            memory: None,
            spot: false,
            whitelisted: false,
        });
        assert_eq!(none.unwrap(), DEFAULT_SIZE);
    }
}
