//! `--spot N`: what advancing the virtual clock by a day costs over N spot groups that a seeded
//! market lets go (each told, then expired, its address and room given back), against the same
//! advance over N pay-as-you-go groups that nothing moves. Each round starts fresh emulators with a
//! frozen clock; the figure is the wall time of `POST /_emulator/clock {"advanceSeconds": 86400}`,
//! which applies everything due in every partition before it answers (the told groups' events, their
//! expiry, the address, EIP and room each gives back, and the retention rule's pruning).

use super::{connect, fetch, median, send_side, Emulator, Target};
use std::time::{Duration, Instant};

const NETWORK: &str = r#"{"vpcs": [{"vpcId": "vpc-bench", "regionId": "cn-hangzhou", "cidrBlock": "10.0.0.0/8"}],
 "vSwitches": [{"vSwitchId": "vsw-bench", "vpcId": "vpc-bench", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.1.0.0/16"}]}"#;
/// A walk that passes a limit of 0.08 (the reference is about 0.066) within a day for most groups.
const MARKET: &str = r#"{"walk": {"seed": 2031, "stepMinutes": 20, "volatility": 0.3}}"#;
const SPOT: &str = "&SpotStrategy=SpotWithPriceLimit&SpotPriceLimit=0.08&SpotDuration=0";

pub async fn run(binary: &std::path::Path, groups: usize, rounds: usize) -> std::io::Result<()> {
    println!(
        "\nadvancing the clock a day over {groups} groups (median of {} rounds):",
        rounds.max(1)
    );
    let (mut plain, mut spot) = (Vec::new(), Vec::new());
    let mut expired = 0;
    for _ in 0..rounds.max(1) {
        plain.push(advance_a_day(binary, groups, false).await?.0);
        let (seconds, gone) = advance_a_day(binary, groups, true).await?;
        spot.push(seconds);
        expired = gone;
    }
    let (plain, spot) = (median(&mut plain), median(&mut spot));
    let per = |seconds: f64| seconds * 1e6 / groups.max(1) as f64;
    println!("{:<52} {:>10} {:>14}", "", "ms", "µs per group");
    println!(
        "{:<52} {:>10.1} {:>14.2}",
        "pay-as-you-go groups, nothing due",
        plain * 1e3,
        per(plain)
    );
    let row = format!("spot groups, {expired} told and expired");
    println!("{row:<52} {:>10.1} {:>14.2}", spot * 1e3, per(spot));
    Ok(())
}

/// Creates the groups in a fresh emulator, then times the day's advance; answers the seconds and how
/// many groups expired.
async fn advance_a_day(binary: &std::path::Path, groups: usize, spot: bool) -> std::io::Result<(f64, u64)> {
    let emulator = Emulator::launch_within(
        binary,
        "--listen",
        &["--clock", "frozen", "--lifecycle", "immediate"],
        Duration::from_secs(60),
    )?;
    send_side(emulator.addr, "POST", "/_emulator/fixtures", NETWORK)?;
    if spot {
        send_side(emulator.addr, "PUT", "/_emulator/spot-market", MARKET)?;
    }
    let mut sender = connect(emulator.addr).await?;
    let extra = if spot { SPOT } else { "" };
    for n in 0..groups {
        let query = format!(
            "/?Action=CreateContainerGroup&Version=2018-08-08&RegionId=cn-hangzhou&ContainerGroupName=g{n}\
             &VSwitchId=vsw-bench&Container.1.Name=app&Container.1.Image=nginx{extra}"
        );
        let (status, body) = fetch(&mut sender, &Target::get(query))
            .await
            .map_err(std::io::Error::other)?;
        if status != 200 {
            return Err(std::io::Error::other(format!(
                "create answered {status}: {}",
                String::from_utf8_lossy(&body)
            )));
        }
    }
    let started = Instant::now();
    send_side(
        emulator.addr,
        "POST",
        "/_emulator/clock",
        r#"{"advanceSeconds": 86400}"#,
    )?;
    let seconds = started.elapsed().as_secs_f64();
    // Ended groups past an hour are pruned to the newest 100: those still running tell how many went.
    let query = "/?Action=DescribeContainerGroups&Version=2018-08-08&RegionId=cn-hangzhou&Status=Running&Limit=1";
    let (_, body) = fetch(&mut sender, &Target::get(query.into()))
        .await
        .map_err(std::io::Error::other)?;
    let listed: serde_json::Value = serde_json::from_slice(&body).map_err(std::io::Error::other)?;
    let running = listed["TotalCount"].as_u64().unwrap_or(0);
    Ok((seconds, (groups as u64).saturating_sub(running)))
}
