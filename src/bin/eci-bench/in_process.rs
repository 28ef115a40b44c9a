//! In-process mode: every scenario's requests go straight through the routers, with no sockets and
//! one request at a time, so the time per request is the emulator's own and callgrind can count its
//! instructions (`scripts/profile`).

use super::{bare_router, signed_v1, Scenario, Server, Target, BENCH_FIXTURES, KEY, SECRET};
use axum::body::Body;
use axum::Router;
use eci_emulator::auth::Credential;
use eci_emulator::server::AppOptions;
use eci_emulator::{app, AppState};
use http_body_util::BodyExt;
use std::io;
use std::time::Instant;
use tower::ServiceExt;

/// The three routers the scenarios talk to, each set up as the network mode sets up its servers.
pub struct Routers {
    bare: Router,
    open: Router,
    strict: Router,
}

impl Routers {
    pub fn new() -> io::Result<Self> {
        let fixtures = eci_emulator::fixtures::parse(BENCH_FIXTURES).map_err(io::Error::other)?;
        let build = |credentials: Vec<Credential>| {
            AppState::new(AppOptions {
                credentials,
                fixtures: vec![fixtures.clone()],
                ..AppOptions::default()
            })
            .map(app)
            .map_err(io::Error::other)
        };
        let credential = Credential::parse(&format!("{KEY}:{SECRET}")).map_err(io::Error::other)?;
        Ok(Routers {
            bare: bare_router(),
            open: build(Vec::new())?,
            strict: build(vec![credential])?,
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
        let request = target.request(Body::empty());
        let response = self
            .of(server)
            .clone()
            .oneshot(request)
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

    /// Creates a group on `server` (signed when it is the strict one) and returns its id.
    pub async fn create_target(&self, server: Server) -> io::Result<String> {
        let params = [
            ("RegionId", "cn-hangzhou"),
            ("ContainerGroupName", "target"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
        ];
        let (_, body) = self
            .call(server, &signed_v1("CreateContainerGroup", &params, 0))
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

/// Does nothing; `scripts/profile` runs callgrind with `--dump-after` on it, so that each scenario's
/// timed loop is a profile part of its own, apart from its preparation.
#[inline(never)]
fn mark_callgrind_part() {
    std::hint::black_box(());
}
