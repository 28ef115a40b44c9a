//! In-process mode: every scenario's requests go straight through the routers, with no sockets and
//! one request at a time, so the time per request is the emulator's own and callgrind can count its
//! instructions (`scripts/profile`).

use super::{
    bare_router, by_id_params, median, newest_group_page, preload_target, ratio_cells, scale_queries, signed_v1,
    take_nonces, vswitch_of, Scenario, Server, Signing, Target, BENCH_FIXTURES, DESCRIBE, KEY, SCALE_QUERIES, SECRET,
};
use axum::body::Body;
use axum::Router;
use eci_emulator::auth::Credential;
use eci_emulator::server::AppOptions;
use eci_emulator::{app, AppState};
use http_body_util::BodyExt;
use std::io;
use std::time::{Duration, Instant};
use tower::ServiceExt;

/// The three routers the scenarios talk to, each set up as the network mode sets up its servers.
pub struct Routers {
    bare: Router,
    open: Router,
    strict: Router,
}

/// An emulator's router with the bench's network declared, as the network mode starts its servers.
fn emulator_router(credentials: Vec<Credential>) -> io::Result<Router> {
    let fixtures = eci_emulator::fixtures::parse(BENCH_FIXTURES).map_err(io::Error::other)?;
    AppState::new(AppOptions {
        credentials,
        fixtures: vec![fixtures],
        ..AppOptions::default()
    })
    .map(app)
    .map_err(io::Error::other)
}

/// One request through `router`; its status and body.
async fn call_router(router: &Router, target: &Target) -> io::Result<(u16, axum::body::Bytes)> {
    let response = router
        .clone()
        .oneshot(target.request(Body::empty()))
        .await
        .map_err(io::Error::other)?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(io::Error::other)?
        .to_bytes();
    Ok((status, body))
}

impl Routers {
    pub fn new() -> io::Result<Self> {
        let credential = Credential::parse(&format!("{KEY}:{SECRET}")).map_err(io::Error::other)?;
        Ok(Routers {
            bare: bare_router(),
            open: emulator_router(Vec::new())?,
            strict: emulator_router(vec![credential])?,
        })
    }

    fn of(&self, server: Server) -> &Router {
        match server {
            Server::Bare => &self.bare,
            Server::Open => &self.open,
            Server::Strict => &self.strict,
        }
    }

    /// One request; its status and body.
    pub async fn call(&self, server: Server, target: &Target) -> io::Result<(u16, axum::body::Bytes)> {
        call_router(self.of(server), target).await
    }

    /// Creates a group on `server` (signed when it is the strict one) and returns its id.
    pub async fn create_target(&self, server: Server) -> io::Result<String> {
        let params = [
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "target"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
        ];
        let (_, body) = self
            .call(server, &signed_v1("CreateContainerGroup", &params, take_nonces(1)))
            .await?;
        let value: serde_json::Value = serde_json::from_slice(&body).map_err(io::Error::other)?;
        super::id_from(value)
    }
}

/// Sends each wanted scenario's requests `requests` times, one after another, and prints the mean
/// time per request.
pub async fn run(routers: &Routers, scenarios: Vec<Scenario>, requests: u64, only: Option<&str>) -> io::Result<()> {
    println!(
        "{:<52} {:>10} {:>8}",
        "scenario (in process, one at a time)", "µs/request", "errors"
    );
    for scenario in scenarios {
        if !only.is_none_or(|o| scenario.name.contains(o)) {
            continue;
        }
        let make = (scenario.prepare)(requests);
        let targets: Vec<_> = (0..requests).map(|n| make(n)).collect();
        mark_callgrind_part();
        let started = Instant::now();
        let mut errors = 0;
        for target in &targets {
            let (status, _) = routers.call(scenario.server, target).await?;
            errors += usize::from(status >= 300);
        }
        let micros = started.elapsed().as_secs_f64() * 1e6 / requests.max(1) as f64;
        mark_callgrind_part();
        println!("{:<52} {:>10.2} {:>8}", scenario.name, micros, errors);
    }
    Ok(())
}

/// What verifying a signed by-id read costs the server alone, per scheme, in µs: the same reads are sent
/// to the strict router (verified) and to the open one (not verified), one of each in turn, so both
/// sides meet the same machine load, which a block of each would not. The figure is the median of the
/// pairs' differences: on a shared machine a few reads lose milliseconds to another tenant, and a
/// sum of 20,000 reads moved by ±0.7 µs a read from run to run with them.
pub async fn verification_micros(routers: &Routers, requests: u64) -> io::Result<Vec<(&'static str, f64)>> {
    let open_id = routers.create_target(Server::Open).await?;
    let strict_id = routers.create_target(Server::Strict).await?;
    let mut costs = Vec::new();
    for (scheme, signing) in [("HMAC-SHA1", Signing::HmacSha1), ("ACS3", Signing::Acs3)] {
        let verified = (signing.prepare(DESCRIBE, by_id_params(&strict_id)))(requests);
        let unverified = (signing.prepare(DESCRIBE, by_id_params(&open_id)))(requests);
        let mut differences = Vec::with_capacity(usize::try_from(requests).unwrap_or(0));
        for n in 0..requests {
            let on = time_ok(routers, Server::Strict, &verified(n)).await?;
            let off = time_ok(routers, Server::Open, &unverified(n)).await?;
            differences.push(on.as_secs_f64() - off.as_secs_f64());
        }
        costs.push((scheme, median(&mut differences) * 1e6));
    }
    Ok(costs)
}

/// How long one call took; an answer that is not a success is an error, since a refused request would
/// skip the work being measured.
async fn time_ok(routers: &Routers, server: Server, target: &Target) -> io::Result<Duration> {
    let started = Instant::now();
    let (status, body) = routers.call(server, target).await?;
    let took = started.elapsed();
    succeeded(status, &body, "a timed read")?;
    Ok(took)
}

/// An error naming `what` and the answer's body, unless the call succeeded.
fn succeeded(status: u16, body: &[u8], what: &str) -> io::Result<()> {
    if status == 200 {
        return Ok(());
    }
    Err(io::Error::other(format!(
        "{what} refused ({status}): {}",
        String::from_utf8_lossy(body)
    )))
}

/// One router per size, loaded with that many groups as the network scale mode loads its emulators.
struct Loaded {
    size: usize,
    router: Router,
    vswitch: String,
}

/// The scale mode without sockets: each size's router is loaded, then the page queries are timed
/// (`requests` each, one at a time) size after size, round after round. This is the store's own cost,
/// without the loopback's noise, and with the same queries as the network mode.
pub async fn scale(sizes: &[usize], requests: u64, rounds: usize) -> io::Result<()> {
    let mut loaded = Vec::with_capacity(sizes.len());
    for &size in sizes {
        loaded.push(load(size).await?);
    }
    // Let the last groups pass their start stages, then carry the stages out with a first read of each
    // size, so every size is measured at rest.
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let queries: Vec<Vec<Target>> = loaded
        .iter()
        .map(|one| scale_queries(&one.vswitch).into_iter().map(Target::get).collect())
        .collect();
    for (one, targets) in loaded.iter().zip(&queries) {
        for target in targets {
            for _ in 0..requests.min(1_000) {
                call_router(&one.router, target).await?;
            }
        }
    }
    // micros[size][query][round]
    let mut micros = vec![vec![Vec::new(); SCALE_QUERIES]; loaded.len()];
    for _ in 0..rounds.max(1) {
        for ((one, targets), cells) in loaded.iter().zip(&queries).zip(micros.iter_mut()) {
            for (target, cell) in targets.iter().zip(cells.iter_mut()) {
                cell.push(time_calls(&one.router, target, requests).await?);
            }
        }
    }
    print_scale(&loaded, &micros);
    Ok(())
}

async fn load(size: usize) -> io::Result<Loaded> {
    let router = emulator_router(Vec::new())?;
    for n in 0..size as u64 {
        let (status, body) = call_router(&router, &preload_target(n, Signing::Unsigned, 0)).await?;
        succeeded(status, &body, "preloading")?;
    }
    let (_, body) = call_router(&router, &newest_group_page()).await?;
    let page: serde_json::Value = serde_json::from_slice(&body).map_err(io::Error::other)?;
    let vswitch = vswitch_of(&page);
    Ok(Loaded { size, router, vswitch })
}

/// Mean µs per call over `requests` calls of one target; under `scripts/profile`, a profile part of
/// its own.
async fn time_calls(router: &Router, target: &Target, requests: u64) -> io::Result<f64> {
    mark_callgrind_part();
    let started = Instant::now();
    for _ in 0..requests {
        call_router(router, target).await?;
    }
    let micros = started.elapsed().as_secs_f64() * 1e6 / requests.max(1) as f64;
    mark_callgrind_part();
    Ok(micros)
}

fn print_scale(loaded: &[Loaded], micros: &[Vec<Vec<f64>>]) {
    println!(
        "\nscale, in process (µs per page of 20, median over rounds): {:<10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "groups", "page", "name", "status", "tag", "vsw", "zone"
    );
    for (one, row) in loaded.iter().zip(micros) {
        let cells: Vec<String> = row.iter().map(|c| format!("{:>9.1}", median(&mut c.clone()))).collect();
        println!("{:>60}{:<10} {}", "", one.size, cells.join(" "));
    }
    let (Some(smallest), Some(first)) = (micros.first(), loaded.first()) else {
        return;
    };
    for (one, row) in loaded.iter().zip(micros).skip(1) {
        println!(
            "{:>60}{:<10} {}",
            format!("vs {} (median per-round ratio): ", first.size),
            one.size,
            ratio_cells(row, smallest, 8)
        );
    }
}

/// Does nothing; `scripts/profile` runs callgrind with `--dump-after` on it, so that each scenario's
/// timed loop is a profile part of its own, apart from its preparation.
#[inline(never)]
fn mark_callgrind_part() {
    std::hint::black_box(());
}
