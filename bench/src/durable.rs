//! `--durable`: what `--state-dir` costs. Create, delete and by-id read rows against a durable emulator
//! and an in-memory one, each as a ratio to a bare run just before it; then, at each of
//! `--durable-sizes`, the state directory's bytes per group and the time a restart takes to be healthy.

use super::{
    always, by_id_params, create_one, delete_run, list_ids, measure, median, preload, Emulator, Outcome, Signing,
    Target, CREATE, DESCRIBE,
};
use std::time::{Duration, Instant};

/// Groups deleted per delete row.
const DELETES: usize = 20_000;

pub async fn run(
    binary: &std::path::Path,
    bare: &Emulator,
    connections: usize,
    seconds: f64,
    rounds: usize,
    sizes: &[usize],
) -> std::io::Result<()> {
    println!("\ndurable state (--state-dir) against in memory, ratios to a bare run just before each:");
    println!(
        "{:<44} {:>9} {:>8} {:>8} {:>7}",
        "row", "req/s", "p50 ms", "p99 ms", "×bare"
    );
    let duration = Duration::from_secs_f64(seconds);
    for (label, durable) in [("in memory", false), ("durable", true)] {
        let dir = state_dir(&format!("rows-{label}"));
        let emulator = start(binary, durable.then_some(dir.as_path()))?;
        preload(emulator.addr, 200, connections, Signing::Unsigned).await;
        let id = create_one(emulator.addr).await?;
        let read = Signing::Unsigned.prepare(DESCRIBE, by_id_params(&id));
        let create = Signing::Unsigned.prepare(CREATE, super::create_params());
        for (row, prepare) in [
            ("DescribeContainerGroups by id", &read),
            ("CreateContainerGroup", &create),
        ] {
            let mut ratios = Vec::new();
            let mut last = None;
            for _ in 0..rounds.max(1) {
                let base = measure(bare, always(Target::get("/".into())), connections, duration).await;
                let measured = measure(
                    &emulator,
                    prepare(super::presigned_count(seconds)),
                    connections,
                    duration,
                )
                .await;
                ratios.push(measured.outcome.throughput() / base.outcome.throughput().max(1e-9));
                last = Some(measured.outcome);
            }
            if let Some(outcome) = last {
                print_row(&format!("{row} ({label})"), &outcome, median(&mut ratios));
            }
        }
        preload(emulator.addr, DELETES, connections, Signing::Unsigned).await;
        let ids = list_ids(emulator.addr, DELETES, Signing::Unsigned).await?;
        let base = measure(bare, always(Target::get("/".into())), connections, duration).await;
        let deletes = delete_run(emulator.addr, connections, &ids, Signing::Unsigned).await;
        let ratio = deletes.throughput() / base.outcome.throughput().max(1e-9);
        print_row(&format!("DeleteContainerGroup ({label})"), &deletes, ratio);
        drop(emulator);
        let _ = std::fs::remove_dir_all(&dir);
    }
    println!(
        "\n{:>10} {:>14} {:>16} {:>18}",
        "groups", "fill groups/s", "bytes per group", "restart to healthy"
    );
    for &size in sizes {
        restart_row(binary, size, connections).await?;
    }
    Ok(())
}

fn print_row(name: &str, outcome: &Outcome, ratio: f64) {
    println!(
        "{:<44} {:>9.0} {:>8.3} {:>8.3} {:>7.2}",
        name,
        outcome.throughput(),
        outcome.percentile(0.5),
        outcome.percentile(0.99),
        ratio
    );
}

/// Fills a durable emulator with `size` groups, kills it (SIGKILL) and times a restart on the same
/// directory until its health check answers.
async fn restart_row(binary: &std::path::Path, size: usize, connections: usize) -> std::io::Result<()> {
    let dir = state_dir(&format!("restart-{size}"));
    let emulator = start(binary, Some(&dir))?;
    let filled = preload(emulator.addr, size, connections, Signing::Unsigned).await;
    drop(emulator);
    let bytes = std::fs::metadata(dir.join("state.redb"))?.len();
    let started = Instant::now();
    let restarted = start(binary, Some(&dir))?;
    let restart = started.elapsed();
    let listed = list_ids(restarted.addr, 1, Signing::Unsigned).await?;
    println!(
        "{:>10} {:>14.0} {:>16.0} {:>16.2} s{}",
        size,
        filled.throughput(),
        bytes as f64 / size.max(1) as f64,
        restart.as_secs_f64(),
        if listed.is_empty() { "  (nothing listed!)" } else { "" }
    );
    drop(restarted);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn start(binary: &std::path::Path, dir: Option<&std::path::Path>) -> std::io::Result<Emulator> {
    match dir {
        Some(dir) => Emulator::start_patiently(binary, &["--state-dir", &dir.to_string_lossy()]),
        None => Emulator::start(binary, &[]),
    }
}

pub(super) fn state_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("eci-bench-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}
