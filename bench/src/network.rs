//! `--network`: what a network change and a dry-run create cost in a durable emulator beside a large
//! network, against the same calls in an empty region. The large network is six accounts with 100
//! security groups of 200 rules each and 60 declared /8 vSwitches, built in memory, saved as a
//! snapshot and loaded with `--snapshot` into a new `--state-dir`; the calls are made by an account
//! that owns none of it.

use super::{connect, fetch, median, Emulator, Target};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

const REGION: &str = "cn-hangzhou";
const ECS: &str = "Version=2014-05-26";
const VPC: &str = "Version=2016-04-28";
const ECI: &str = "Version=2018-08-08";
const OWNERS: usize = 6;
const GROUPS_PER_OWNER: usize = 100;
const RULES_PER_GROUP: usize = 200;
/// Rules sent per `AuthorizeSecurityGroup`, as `Permissions.N`.
const RULES_PER_CALL: usize = 100;
const WIDE_VSWITCHES: usize = 60;
/// Calls timed per row and round.
const CALLS: usize = 100;

pub async fn run(binary: &std::path::Path, rounds: usize) -> std::io::Result<()> {
    println!("\na network change and a dry-run create, durable, beside a large network against an empty region:");
    let snapshot = large_snapshot(binary).await?;
    println!(
        "large network: {OWNERS} accounts × {GROUPS_PER_OWNER} security groups × {RULES_PER_GROUP} rules, {WIDE_VSWITCHES} /8 vSwitches ({:.1} MB snapshot)",
        std::fs::metadata(&snapshot)?.len() as f64 / 1e6
    );
    let mut rows: Vec<(&str, Vec<f64>, Vec<f64>)> = ROWS.iter().map(|r| (r.name, Vec::new(), Vec::new())).collect();
    for _ in 0..rounds.max(1) {
        for (large, loaded) in [(false, None), (true, Some(snapshot.as_path()))] {
            let dir = super::durable::state_dir(if large { "network-large" } else { "network-empty" });
            let mut extra = vec!["--state-dir".to_owned(), dir.to_string_lossy().into_owned()];
            if let Some(file) = loaded {
                extra.extend(["--snapshot".to_owned(), file.to_string_lossy().into_owned()]);
            }
            let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
            let emulator = Emulator::launch_within(binary, "--listen", &extra, Duration::from_secs(120))?;
            for (row, figures) in ROWS.iter().zip(rows.iter_mut()) {
                let p50 = (row.time)(emulator.addr).await?;
                if large { &mut figures.2 } else { &mut figures.1 }.push(p50);
            }
            drop(emulator);
            let _ = std::fs::remove_dir_all(&dir);
        }
    }
    println!(
        "{:<48} {:>12} {:>12} {:>8}",
        "call (p50, median of rounds)", "empty ms", "large ms", "×empty"
    );
    for (name, mut empty, mut large) in rows {
        let (empty, large) = (median(&mut empty), median(&mut large));
        println!(
            "{name:<48} {empty:>12.3} {large:>12.3} {:>8.2}",
            large / empty.max(1e-9)
        );
    }
    let _ = std::fs::remove_file(&snapshot);
    Ok(())
}

/// Times one row against an emulator: its p50 in milliseconds.
type Timing = fn(SocketAddr) -> std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<f64>>>>;

struct Row {
    name: &'static str,
    time: Timing,
}

const ROWS: [Row; 5] = [
    Row {
        name: "AllocateEipAddress (durable)",
        time: |addr| Box::pin(eip_change(addr, true)),
    },
    Row {
        name: "ReleaseEipAddress (durable)",
        time: |addr| Box::pin(eip_change(addr, false)),
    },
    Row {
        name: "CreateContainerGroup DryRun=true (durable)",
        time: |addr| Box::pin(dry_run_creates(addr)),
    },
    Row {
        name: "CreateSecurityGroup (durable)",
        time: |addr| Box::pin(security_group_change(addr)),
    },
    Row {
        name: "DescribeSecurityGroups (its own, none)",
        time: |addr| {
            Box::pin(repeated(
                addr,
                format!("Action=DescribeSecurityGroups&{ECS}&AccessKeyId=bench-visitor&RegionId={REGION}"),
            ))
        },
    },
];

/// The p50 of allocating (or releasing) an EIP, by an account that owns nothing else.
async fn eip_change(addr: SocketAddr, allocate: bool) -> std::io::Result<f64> {
    let visitor = format!("{VPC}&AccessKeyId=bench-visitor&RegionId={REGION}");
    let make = format!("Action=AllocateEipAddress&{visitor}");
    let remove = format!("Action=ReleaseEipAddress&{visitor}&AllocationId=");
    made_and_removed(addr, &make, "AllocationId", &remove, allocate).await
}

/// The p50 of creating a security group, by an account with none.
async fn security_group_change(addr: SocketAddr) -> std::io::Result<f64> {
    let visitor = format!("{ECS}&AccessKeyId=bench-visitor&RegionId={REGION}");
    let make = format!("Action=CreateSecurityGroup&{visitor}");
    let remove = format!("Action=DeleteSecurityGroup&{visitor}&SecurityGroupId=");
    made_and_removed(addr, &make, "SecurityGroupId", &remove, true).await
}

/// The p50 of the `make` calls (or of the `remove` calls, which end in the id made), made in pairs
/// so the account stays within its quota.
async fn made_and_removed(
    addr: SocketAddr,
    make: &str,
    id_field: &str,
    remove: &str,
    time_make: bool,
) -> std::io::Result<f64> {
    let mut sender = connect(addr).await?;
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        let made = call(&mut sender, make).await?;
        let making = started.elapsed();
        let id = made[id_field].as_str().unwrap_or_default().to_owned();
        let started = Instant::now();
        call(&mut sender, &format!("{remove}{id}")).await?;
        times.push(if time_make { making } else { started.elapsed() });
    }
    Ok(p50(times))
}

/// The p50 of one call that must succeed, made `CALLS` times.
async fn repeated(addr: SocketAddr, query: String) -> std::io::Result<f64> {
    let mut sender = connect(addr).await?;
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        call(&mut sender, &query).await?;
        times.push(started.elapsed());
    }
    Ok(p50(times))
}

/// The p50 of a dry-run create that the network accepts.
async fn dry_run_creates(addr: SocketAddr) -> std::io::Result<f64> {
    let mut sender = connect(addr).await?;
    let query = format!(
        "Action=CreateContainerGroup&{ECI}&AccessKeyId=bench-visitor&RegionId={REGION}&ContainerGroupName=dry&Container.1.Name=app&Container.1.Image=nginx&DryRun=true"
    );
    let target = Target::get(format!("/?{query}"));
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        let (status, body) = fetch(&mut sender, &target).await.map_err(std::io::Error::other)?;
        times.push(started.elapsed());
        if !String::from_utf8_lossy(&body).contains("DryRunOperation") {
            return Err(std::io::Error::other(format!(
                "a dry run answered {status}: {}",
                String::from_utf8_lossy(&body)
            )));
        }
    }
    Ok(p50(times))
}

fn p50(mut times: Vec<Duration>) -> f64 {
    times.sort();
    times.get(times.len() / 2).map_or(0.0, |t| t.as_secs_f64() * 1000.0)
}

/// One call that must succeed; its answer.
async fn call(sender: &mut super::Sender, query: &str) -> std::io::Result<serde_json::Value> {
    let (status, body) = fetch(sender, &Target::get(format!("/?{query}")))
        .await
        .map_err(std::io::Error::other)?;
    if status != 200 {
        return Err(std::io::Error::other(format!(
            "{query} answered {status}: {}",
            String::from_utf8_lossy(&body)
        )));
    }
    serde_json::from_slice(&body).map_err(std::io::Error::other)
}

/// Builds the large network in an in-memory emulator and saves it as a snapshot file.
async fn large_snapshot(binary: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let emulator = Emulator::launch(binary, "--listen", &[])?;
    super::post_side(emulator.addr, "/_emulator/fixtures", &wide_vswitches())?;
    let mut sender = connect(emulator.addr).await?;
    for owner in 0..OWNERS {
        for _ in 0..GROUPS_PER_OWNER {
            let made = call(
                &mut sender,
                &format!("Action=CreateSecurityGroup&{ECS}&AccessKeyId=bench-owner-{owner}&RegionId={REGION}"),
            )
            .await?;
            let group = made["SecurityGroupId"].as_str().unwrap_or_default().to_owned();
            for first in (0..RULES_PER_GROUP).step_by(RULES_PER_CALL) {
                let rules: String = (first..first + RULES_PER_CALL)
                    .map(|n| {
                        let i = n + 1 - first;
                        format!(
                            "&Permissions.{i}.IpProtocol=tcp&Permissions.{i}.PortRange={p}/{p}&Permissions.{i}.SourceCidrIp=10.{a}.{b}.0/24",
                            p = 1000 + n,
                            a = n / 256,
                            b = n % 256
                        )
                    })
                    .collect();
                call(
                    &mut sender,
                    &format!("Action=AuthorizeSecurityGroup&{ECS}&AccessKeyId=bench-owner-{owner}&RegionId={REGION}&SecurityGroupId={group}{rules}"),
                )
                .await?;
            }
        }
    }
    let (status, body) = fetch(&mut sender, &Target::get("/_emulator/snapshot".into()))
        .await
        .map_err(std::io::Error::other)?;
    if status != 200 {
        return Err(std::io::Error::other(format!("snapshot answered {status}")));
    }
    let file = std::env::temp_dir().join(format!("eci-bench-{}-network.snapshot", std::process::id()));
    std::fs::write(&file, &body)?;
    Ok(file)
}

/// A fixture document declaring `WIDE_VSWITCHES` VPCs of one /8 vSwitch each.
fn wide_vswitches() -> String {
    let vpcs: Vec<String> = (0..WIDE_VSWITCHES)
        .map(|n| format!(r#"{{"vpcId": "vpc-wide-{n}", "regionId": "{REGION}", "cidrBlock": "10.0.0.0/8"}}"#))
        .collect();
    let zones = ["b", "e", "f", "g"];
    let vswitches: Vec<String> = (0..WIDE_VSWITCHES)
        .map(|n| {
            format!(
                r#"{{"vSwitchId": "vsw-wide-{n}", "vpcId": "vpc-wide-{n}", "zoneId": "{REGION}-{}", "cidrBlock": "10.0.0.0/8"}}"#,
                zones[n % zones.len()]
            )
        })
        .collect();
    format!(
        r#"{{"vpcs": [{}], "vSwitches": [{}]}}"#,
        vpcs.join(","),
        vswitches.join(",")
    )
}
