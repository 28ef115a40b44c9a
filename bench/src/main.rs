//! eci-bench: drives a running eci-emulator over loopback with many connections and prints
//! throughput and p50/p99 latency per call, each as a ratio to a bare axum handler measured in the same
//! run; `--scale` preloads up to a million groups and reports page latency and resident memory.

use axum::routing::get;
use clap::Parser;
use eci_emulator::auth::{acs3, encode::canonical_query, rpc_v1};
use eci_emulator::protocol::{extract, RawRequest};
use http_body_util::{BodyExt, Empty};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod durable;
mod in_process;
mod network;
mod spot;

/// The client shares the cores with the server it measures, so it should spend as little as it can.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const KEY: &str = "LTAI5tBench";
const SECRET: &str = "bench-secret";

#[derive(Parser, Debug, Clone)]
#[command(
    name = "eci-bench",
    about = "Throughput and latency of eci-emulator against a bare axum handler"
)]
struct Args {
    /// The emulator binary (default: eci-emulator next to this program).
    #[arg(long)]
    emulator: Option<std::path::PathBuf>,
    /// Concurrent keep-alive connections per scenario.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Run only the scenarios whose name contains this text.
    #[arg(long)]
    only: Option<String>,
    /// Measure each scenario (and the bare run before it) this many times; the ratio reported and
    /// used for the signature costs is the median.
    #[arg(long, default_value_t = 1)]
    rounds: usize,
    /// Also preload groups and measure page latency and memory at each of `--sizes`.
    #[arg(long)]
    scale: bool,
    /// Instead of the network runs, send each scenario's requests this many times straight through
    /// the routers in this process, one at a time, and print the time per request. With `--scale`,
    /// time the scale mode's page queries this many times each, at each of `--sizes`, instead.
    #[arg(long)]
    in_process: Option<u64>,
    /// Stored-group counts for `--scale`.
    #[arg(long, value_delimiter = ',', default_value = "1000,100000,1000000")]
    sizes: Vec<usize>,
    /// Instead of the other rows: what `--state-dir` costs (create, delete and by-id read, durable
    /// and in memory) and, at each of `--durable-sizes`, bytes per group and restart time.
    #[arg(long)]
    durable: bool,
    /// Stored-group counts for the restart rows of `--durable`.
    #[arg(long, value_delimiter = ',', default_value = "100000")]
    durable_sizes: Vec<usize>,
    /// Instead of the other rows: a network change and a dry-run create in a durable emulator
    /// beside a large network, against an empty region.
    #[arg(long)]
    network: bool,
    /// Instead of the other rows: advancing the clock a day over this many spot groups a seeded
    /// market lets go, against as many pay-as-you-go groups.
    #[arg(long)]
    spot: Option<usize>,
    /// Serve only the bare handler, on this address. The bench runs itself this way, so the bare
    /// server is a process of its own whose CPU time is read as the emulator's is.
    #[arg(long, hide = true)]
    serve_bare: Option<SocketAddr>,
}

/// One request shape a scenario sends over and over; `n` makes each one unique where needed.
type MakeTarget = Arc<dyn Fn(u64) -> Arc<Target> + Send + Sync>;

/// The same request every time.
fn always(target: Target) -> MakeTarget {
    let target = Arc::new(target);
    Arc::new(move |_| Arc::clone(&target))
}

/// Builds a scenario's requests when (and only if) the scenario runs, given how many distinct ones it
/// may send; signed ones are prepared up front.
type Prepare = Box<dyn Fn(u64) -> MakeTarget>;

#[derive(Clone, Default)]
struct Target {
    path_and_query: String,
    headers: Vec<(String, String)>,
    /// The URI and header map, parsed on first use: a request then clones them instead of parsing
    /// text again, so the client, which shares the cores with the server, spends less.
    parsed: std::sync::OnceLock<(http::Uri, http::HeaderMap)>,
}

impl Target {
    /// A target with no headers beyond `host`.
    fn get(path_and_query: String) -> Self {
        Target {
            path_and_query,
            ..Default::default()
        }
    }

    /// A GET request for this target, with `host` set.
    fn request<B>(&self, body: B) -> http::Request<B> {
        let (uri, headers) = self.parsed();
        let mut request = http::Request::new(body);
        *request.uri_mut() = uri.clone();
        *request.headers_mut() = headers.clone();
        request
    }

    fn parsed(&self) -> &(http::Uri, http::HeaderMap) {
        self.parsed.get_or_init(|| {
            let uri = self.path_and_query.parse().unwrap_or_default();
            let mut map = http::HeaderMap::new();
            let pairs = std::iter::once(("host", "127.0.0.1"))
                .chain(self.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            for (name, value) in pairs {
                let name = http::HeaderName::from_bytes(name.as_bytes());
                let value = http::HeaderValue::from_str(value);
                if let (Ok(name), Ok(value)) = (name, value) {
                    map.append(name, value);
                }
            }
            (uri, map)
        })
    }
}

struct Outcome {
    requests: usize,
    errors: usize,
    seconds: f64,
    latencies_us: Vec<u32>,
}

impl Outcome {
    fn throughput(&self) -> f64 {
        self.requests as f64 / self.seconds
    }

    fn percentile(&self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        let index = ((self.latencies_us.len() - 1) as f64 * p).round() as usize;
        f64::from(self.latencies_us.get(index).copied().unwrap_or(0)) / 1000.0
    }
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match (args.serve_bare, args.in_process) {
        (Some(addr), _) => runtime.block_on(serve_bare(addr)),
        (None, Some(requests)) => runtime.block_on(run_in_process(&args, requests)),
        (None, None) => runtime.block_on(run(args)),
    }
}

async fn run_in_process(args: &Args, requests: u64) -> std::io::Result<()> {
    if args.scale {
        return in_process::scale(&args.sizes, requests, args.rounds).await;
    }
    let routers = in_process::Routers::new()?;
    let id = routers.create_target(Server::Open).await?;
    let strict_id = routers.create_target(Server::Strict).await?;
    for n in 0..200 {
        routers
            .call(Server::Open, &preload_target(n, Signing::Unsigned, 0))
            .await?;
        routers
            .call(Server::Strict, &preload_target(n, Signing::HmacSha1, take_nonces(1)))
            .await?;
    }
    in_process::run(&routers, scenarios(&id, &strict_id), requests, args.only.as_deref()).await?;
    print_verification_alone(&routers, requests, None).await
}

async fn run(args: Args) -> std::io::Result<()> {
    let binary = args.emulator.clone().unwrap_or_else(sibling_binary);
    println!(
        "eci-bench: {} connections, {:.1} s per scenario, {} cores",
        args.connections,
        args.seconds,
        cores()
    );
    if args.network {
        return network::run(&binary, args.rounds).await;
    }
    if let Some(groups) = args.spot {
        return spot::run(&binary, groups, args.rounds).await;
    }
    let bare_server = Emulator::launch(&std::env::current_exe()?, "--serve-bare", &[])?;
    if args.durable {
        let sizes = &args.durable_sizes;
        return durable::run(
            &binary,
            &bare_server,
            args.connections,
            args.seconds,
            args.rounds,
            sizes,
        )
        .await;
    }
    let open = start_preloaded(&binary, Server::Open, args.connections).await?;
    let strict = start_preloaded(&binary, Server::Strict, args.connections).await?;
    println!(
        "start to healthy: {:.1} ms (open), {:.1} ms (strict)\n",
        open.started_ms, strict.started_ms
    );
    let id = create_one(open.addr).await?;
    let strict_id = create_signed(strict.addr).await?;
    let scenarios = scenarios(&id, &strict_id);
    let servers = Servers {
        bare: &bare_server,
        open: &open,
        strict: &strict,
        binary: &binary,
        connections: args.connections,
    };
    println!(
        "{:<52} {:>9} {:>8} {:>8} {:>9} {:>6} {:>7} {:>7} {:>7} {:>6}",
        "scenario (ratios to a bare run just before it)",
        "req/s",
        "p50 ms",
        "p99 ms",
        "bare/s",
        "×bare",
        "srv µs",
        "bare µs",
        "cli µs",
        "errors"
    );
    let wanted: Vec<Scenario> = scenarios
        .into_iter()
        .filter(|s| s.server != Server::Bare && args.only.as_deref().is_none_or(|o| s.name.contains(o)))
        .collect();
    let mut seen: Vec<Seen> = wanted.iter().map(|s| Seen::named(&s.name)).collect();
    let mut last_bare = (1.0, 1.0);
    // Round after round, every scenario once: rows compared with each other (signed and unsigned,
    // verified and not) are measured close together, and compared round by round.
    for _ in 0..args.rounds.max(1) {
        for (scenario, row) in wanted.iter().zip(seen.iter_mut()) {
            last_bare = measure_round(&servers, scenario, row, &args).await?;
        }
    }
    print_medians(&seen);
    print_signature_costs(&seen);
    if let Some(unsigned) = seen.iter().find(|s| s.name == "DescribeContainerGroups by id") {
        let routers = in_process::Routers::new()?;
        print_verification_alone(&routers, VERIFICATION_REQUESTS, Some(unsigned.server_us())).await?;
    }
    if args.only.is_none() {
        delete_runs(open.addr, strict.addr, args.connections, last_bare).await?;
    }
    println!(
        "\nidle resident memory (fresh open emulator): {:.1} MiB",
        fresh_idle_rss(&binary)? as f64 / 1048576.0
    );
    if args.scale {
        scale(&binary, &args).await?;
    }
    Ok(())
}

/// The three servers of a network run, each a process of its own, and the emulator binary for
/// fresh ones.
struct Servers<'a> {
    bare: &'a Emulator,
    open: &'a Emulator,
    strict: &'a Emulator,
    binary: &'a std::path::Path,
    connections: usize,
}

impl Servers<'_> {
    fn of(&self, server: Server) -> &Emulator {
        match server {
            Server::Bare => self.bare,
            Server::Open => self.open,
            Server::Strict => self.strict,
        }
    }
}

/// The open emulator, or the strict one, started and holding `PRELOADED` groups (created with
/// HMAC-SHA1 signatures on the strict one): the run's servers, and the fresh ones create rounds meet.
async fn start_preloaded(binary: &std::path::Path, server: Server, connections: usize) -> std::io::Result<Emulator> {
    let emulator = Emulator::start_as(binary, server)?;
    let signing = match server {
        Server::Strict => Signing::HmacSha1,
        _ => Signing::Unsigned,
    };
    preload(emulator.addr, PRELOADED, connections, signing).await;
    Ok(emulator)
}

/// Groups every emulator of a network run holds before it is measured.
const PRELOADED: usize = 200;

/// One timed run, with the CPU time its server and this client spent per request during it.
struct Measured {
    outcome: Outcome,
    server_us: f64,
    client_us: f64,
}

async fn measure(server: &Emulator, make: MakeTarget, connections: usize, duration: Duration) -> Measured {
    let client = std::process::id();
    let (server_before, client_before) = (server.cpu_seconds(), cpu_seconds_of(client));
    let outcome = drive(server.addr, make, connections, duration).await;
    let per_request = |seconds: f64| seconds * 1e6 / outcome.requests.max(1) as f64;
    Measured {
        server_us: per_request(server.cpu_seconds() - server_before),
        client_us: per_request(cpu_seconds_of(client) - client_before),
        outcome,
    }
}

/// A scenario's figures, round by round: throughput as a ratio to bare, and the server's CPU time per
/// request.
struct Seen {
    name: String,
    ratios: Vec<f64>,
    server_us: Vec<f64>,
}

impl Seen {
    fn named(name: &str) -> Self {
        Seen {
            name: name.to_owned(),
            ratios: Vec::new(),
            server_us: Vec::new(),
        }
    }

    fn ratio(&self) -> f64 {
        median(&mut self.ratios.clone())
    }

    fn server_us(&self) -> f64 {
        median(&mut self.server_us.clone())
    }
}

/// Measures one round of a scenario right after a bare run, prints its row and adds it to `seen`;
/// returns the bare run's throughput and p50.
async fn measure_round(
    servers: &Servers<'_>,
    scenario: &Scenario,
    seen: &mut Seen,
    args: &Args,
) -> std::io::Result<(f64, f64)> {
    let duration = Duration::from_secs_f64(args.seconds);
    let bare_target = always(Target::get("/".into()));
    let make = (scenario.prepare)(presigned_count(args.seconds));
    // Measured right before the scenario, so drift in a shared machine's load cancels out.
    let base = measure(servers.bare, bare_target, args.connections, duration).await;
    let fresh = if scenario.fresh_server {
        Some(start_preloaded(servers.binary, scenario.server, servers.connections).await?)
    } else {
        None
    };
    let server = fresh.as_ref().unwrap_or_else(|| servers.of(scenario.server));
    let run = measure(server, make, args.connections, duration).await;
    let ratio = run.outcome.throughput() / base.outcome.throughput().max(1e-9);
    seen.ratios.push(ratio);
    seen.server_us.push(run.server_us);
    println!(
        "{:<52} {:>9.0} {:>8.3} {:>8.3} {:>9.0} {:>6.2} {:>7.1} {:>7.1} {:>7.1} {:>6}",
        scenario.name,
        run.outcome.throughput(),
        run.outcome.percentile(0.5),
        run.outcome.percentile(0.99),
        base.outcome.throughput(),
        ratio,
        run.server_us,
        base.server_us,
        run.client_us,
        run.outcome.errors
    );
    Ok((base.outcome.throughput(), base.outcome.percentile(0.5)))
}

/// Each scenario's median ratio to bare and median server CPU per request, when there were rounds.
fn print_medians(seen: &[Seen]) {
    let Some(rounds) = seen.first().map(|s| s.ratios.len()).filter(|&n| n > 1) else {
        return;
    };
    println!("\nmedians of {rounds} rounds");
    for row in seen {
        println!("{:<52} {:>58.2} {:>7.1}", row.name, row.ratio(), row.server_us());
    }
}

/// The median over rounds of `figure` of two series' figures of the same round.
fn paired(a: &[f64], b: &[f64], figure: impl Fn(f64, f64) -> f64) -> f64 {
    let mut per_round: Vec<f64> = a.iter().zip(b).map(|(x, y)| figure(*x, *y)).collect();
    median(&mut per_round)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// Verification cost: the signed ratio to bare against the ratio of the same requests left unverified;
/// and, for every call, the signed ratio against the unsigned one (which also counts the signing
/// parameters and headers the client, the kernel and the server handle), beside the extra CPU time
/// the server alone spent on a signed request. Each is the median of the rounds' own figures.
fn print_signature_costs(seen: &[Seen]) {
    let find = |name: &str| seen.iter().find(|s| s.name == name);
    let cost = |signed: &Seen, plain: &Seen| paired(&signed.ratios, &plain.ratios, |s, p| (1.0 - s / p) * 100.0);
    let extra = |signed: &Seen, plain: &Seen| paired(&signed.server_us, &plain.server_us, |s, p| (s / p - 1.0) * 100.0);
    for scheme in ["HMAC-SHA1", "ACS3"] {
        let verified = find(&format!("DescribeContainerGroups by id, {scheme}"));
        let unverified = find(&format!("DescribeContainerGroups by id, {scheme}{UNVERIFIED}"));
        if let (Some(v), Some(u)) = (verified, unverified) {
            println!(
                "signature verification cost, {scheme}: {:.1}% of throughput, {:+.1}% server CPU per request",
                cost(v, u),
                extra(v, u)
            );
        }
    }
    for call in [
        "DescribeContainerGroups by id",
        "DescribeContainerGroups page of 20",
        "CreateContainerGroup",
    ] {
        let costs: Vec<String> = ["HMAC-SHA1", "ACS3"]
            .iter()
            .filter_map(|scheme| {
                let (signed, plain) = (find(&format!("{call}, {scheme}"))?, find(call)?);
                Some(format!(
                    "{scheme} {:.1}% of throughput, {:+.1}% server CPU",
                    cost(signed, plain),
                    extra(signed, plain)
                ))
            })
            .collect();
        if !costs.is_empty() {
            println!("signed vs unsigned, {call}: {}", costs.join("; "));
        }
    }
}

/// How many signed reads each side of the in-process verification measure sends.
const VERIFICATION_REQUESTS: u64 = 20_000;

/// Verification's own cost, measured in process with no drift between its two sides (`requests` reads
/// each); in a network run, also as a share of the server CPU an unsigned by-id read took over loopback
/// (`unsigned_server_us`).
async fn print_verification_alone(
    routers: &in_process::Routers,
    requests: u64,
    unsigned_server_us: Option<f64>,
) -> std::io::Result<()> {
    for (scheme, extra_us) in in_process::verification_micros(routers, requests).await? {
        let share = unsigned_server_us
            .map(|us| {
                format!(
                    ", {:.1}% of an unsigned read's server CPU ({us:.1} µs)",
                    extra_us / us * 100.0
                )
            })
            .unwrap_or_default();
        println!(
            "verification alone, {scheme} (in process, verified and unverified reads alternating): \
             {extra_us:+.2} µs a read{share}"
        );
    }
    Ok(())
}

fn print_deletes(signing: Signing, deletes: &Outcome, base: (f64, f64)) {
    println!(
        "{:<52} {:>9.0} {:>8.3} {:>8.3} {:>9.0} {:>6.2} {:>6}",
        format!("DeleteContainerGroup{} (vs last bare)", signing.label()),
        deletes.throughput(),
        deletes.percentile(0.5),
        deletes.percentile(0.99),
        base.0,
        deletes.throughput() / base.0.max(1e-9),
        deletes.errors
    );
}

/// Which server a scenario talks to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Server {
    Bare,
    Open,
    Strict,
}

/// A named request shape and the server it goes to.
struct Scenario {
    name: String,
    server: Server,
    prepare: Prepare,
    /// Each round meets a freshly started server: the call adds to the store, and rows that are
    /// compared with each other must meet stores of the same size.
    fresh_server: bool,
}

/// How a scenario's requests are signed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Signing {
    Unsigned,
    HmacSha1,
    Acs3,
}

impl Signing {
    fn label(self) -> &'static str {
        match self {
            Signing::Unsigned => "",
            Signing::HmacSha1 => ", HMAC-SHA1",
            Signing::Acs3 => ", ACS3",
        }
    }

    /// The request for `action` with `params`, signed (with nonce `n`) as this scheme says.
    fn target(self, action: &str, params: &[(&str, &str)], n: u64) -> Target {
        match self {
            Signing::Unsigned => {
                let mut pairs = vec![("Action", action), ("Version", "2018-08-08"), ("AccessKeyId", KEY)];
                pairs.extend_from_slice(params);
                Target::get(format!("/?{}", canonical_query(pairs)))
            }
            Signing::HmacSha1 => signed_v1(action, params, n),
            Signing::Acs3 => signed_acs3(action, params, n),
        }
    }

    /// Unsigned requests are one fixed target; signed ones are signed up front, each with its nonce.
    fn prepare(self, action: &'static str, params: Vec<(&'static str, String)>) -> Prepare {
        Box::new(move |count| {
            let params = params.clone();
            let sign = move |n| {
                let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
                self.target(action, &pairs, n)
            };
            if self == Signing::Unsigned {
                always(sign(0))
            } else {
                presigned(count, sign)
            }
        })
    }
}

/// Every measured call: unsigned against the open emulator, signed with each scheme against the strict
/// one, and the by-id read also signed but sent to the open emulator, which does not verify: the
/// difference to the verified row is the cost of verification alone.
/// The create row's request: one container in any of the bench's four zones.
fn create_params() -> Vec<(&'static str, String)> {
    vec![
        ("RegionId", "cn-hangzhou".to_owned()),
        ("ContainerGroupName", "bench".to_owned()),
        ("Container.1.Name", "app".to_owned()),
        ("Container.1.Image", "nginx".to_owned()),
        ("Container.1.Cpu", "0.25".to_owned()),
        ("Container.1.Memory", "0.5".to_owned()),
        ("VSwitchId", ZONE_SWITCHES.join(",")),
    ]
}

fn scenarios(id: &str, strict_id: &str) -> Vec<Scenario> {
    let region = ("RegionId", "cn-hangzhou".to_owned());
    let page = vec![region.clone(), ("Limit", "20".to_owned())];
    let create = create_params();
    let mut all = vec![Scenario {
        name: "bare axum handler (fixed ECI body)".into(),
        server: Server::Bare,
        fresh_server: false,
        prepare: Box::new(|_| always(Target::get("/".into()))),
    }];
    let calls = [
        (
            "DescribeContainerGroups by id",
            DESCRIBE,
            by_id_params(id),
            by_id_params(strict_id),
            true,
        ),
        (
            "DescribeContainerGroups page of 20",
            DESCRIBE,
            page.clone(),
            page,
            false,
        ),
        ("CreateContainerGroup", CREATE, create.clone(), create, false),
    ];
    // Call by call, so every read is measured before any create fills a server with groups: rows that
    // are compared with each other then meet stores of the same size.
    for (name, action, open_params, strict_params, unverified_too) in &calls {
        for signing in [Signing::Unsigned, Signing::HmacSha1, Signing::Acs3] {
            let (server, params) = match signing {
                Signing::Unsigned => (Server::Open, open_params.clone()),
                _ => (Server::Strict, strict_params.clone()),
            };
            all.push(Scenario {
                name: format!("{name}{}", signing.label()),
                server,
                prepare: signing.prepare(action, params),
                fresh_server: *action == CREATE,
            });
        }
        if *unverified_too {
            for signing in [Signing::HmacSha1, Signing::Acs3] {
                all.push(Scenario {
                    name: format!("{name}{}{UNVERIFIED}", signing.label()),
                    server: Server::Open,
                    prepare: signing.prepare(action, open_params.clone()),
                    fresh_server: *action == CREATE,
                });
            }
        }
    }
    all
}

const UNVERIFIED: &str = ", unverified";

/// The parameters of a DescribeContainerGroups read of one group by id.
fn by_id_params(id: &str) -> Vec<(&'static str, String)> {
    vec![
        ("RegionId", "cn-hangzhou".to_owned()),
        ("ContainerGroupIds", format!("[\"{id}\"]")),
    ]
}

/// How many signed requests are prepared before a timed signed scenario starts, so the client's
/// signing does not compete with the server for the same cores: more than a loopback run of that
/// length sends, since a second use of one would be refused as a replayed nonce.
fn presigned_count(seconds: f64) -> u64 {
    (seconds.max(0.5) * 150_000.0) as u64
}

/// Signs `count` requests up front (each with its own nonce) and hands them out in turn. Every call
/// takes fresh numbers, so a scenario prepared again for another round never replays a nonce.
fn presigned(count: u64, sign: impl Fn(u64) -> Target) -> MakeTarget {
    let count = count.max(1);
    let first = take_nonces(count);
    let parsed_now = |target: Target| {
        // Parsed here, before the clock starts, as a shared target is by its first request.
        target.parsed();
        Arc::new(target)
    };
    let prepared: Arc<Vec<Arc<Target>>> = Arc::new((first..first + count).map(|n| parsed_now(sign(n))).collect());
    Arc::new(move |n| prepared.get((n % count) as usize).cloned().unwrap_or_default())
}

/// The first of `count` nonce numbers no other request of this run uses.
fn take_nonces(count: u64) -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(count, Ordering::Relaxed)
}

fn now_stamp() -> String {
    eci_emulator::util::format_rfc3339_seconds(time::OffsetDateTime::now_utc())
}

const DESCRIBE: &str = "DescribeContainerGroups";
const CREATE: &str = "CreateContainerGroup";

/// A request signed with HMAC-SHA1 v1.0, its nonce made unique by `n`.
fn signed_v1(action: &str, params: &[(&str, &str)], n: u64) -> Target {
    let nonce = format!("bench-v1-{action}-{n}");
    let stamp = now_stamp();
    let mut pairs: Vec<(&str, &str)> = vec![
        ("Action", action),
        ("Version", "2018-08-08"),
        ("AccessKeyId", KEY),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", &nonce),
        ("Timestamp", &stamp),
    ];
    pairs.extend_from_slice(params);
    let signature = rpc_v1::sign(SECRET, &rpc_v1::string_to_sign("GET", pairs.iter().copied()));
    pairs.push(("Signature", &signature));
    Target::get(format!("/?{}", canonical_query(pairs.iter().copied())))
}

/// A request signed with ACS3-HMAC-SHA256, its nonce made unique by `n`.
fn signed_acs3(action: &str, params: &[(&str, &str)], n: u64) -> Target {
    let query = canonical_query(params.iter().copied());
    let body_hash = hex::encode(Sha256::digest(b""));
    let headers: Vec<(String, String)> = vec![
        ("host".into(), "127.0.0.1".into()),
        ("x-acs-action".into(), action.into()),
        ("x-acs-content-sha256".into(), body_hash.clone()),
        ("x-acs-date".into(), now_stamp()),
        ("x-acs-signature-nonce".into(), format!("bench-acs3-{n}")),
        ("x-acs-version".into(), "2018-08-08".into()),
    ];
    let pairs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let raw = RawRequest::from_parts("GET", &query, &pairs, b"");
    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    let signature = match extract(&raw) {
        Ok(rpc) => acs3::sign(
            SECRET,
            &acs3::string_to_sign(&acs3::canonical_request(&raw, &rpc, &names, &body_hash)),
        ),
        Err(_) => String::new(),
    };
    let mut all = headers.clone();
    all.retain(|(k, _)| k != "host");
    all.push((
        "authorization".into(),
        format!(
            "ACS3-HMAC-SHA256 Credential={KEY},SignedHeaders={},Signature={signature}",
            names.join(";")
        ),
    ));
    Target {
        path_and_query: format!("/?{query}"),
        headers: all,
        ..Default::default()
    }
}

/// Runs `connections` keep-alive clients for `duration` and gathers what they saw.
async fn drive(addr: SocketAddr, make: MakeTarget, connections: usize, duration: Duration) -> Outcome {
    let deadline = Instant::now() + duration;
    run_clients(addr, make, connections, move |_| Instant::now() < deadline).await
}

/// Runs `connections` clients sharing one request counter while `more(n)` holds for the next request.
async fn run_clients(
    addr: SocketAddr,
    make: MakeTarget,
    connections: usize,
    more: impl Fn(u64) -> bool + Clone + Send + 'static,
) -> Outcome {
    let counter = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (make, counter, more) = (Arc::clone(&make), Arc::clone(&counter), more.clone());
        tasks.push(tokio::spawn(
            async move { client_loop(addr, make, counter, more).await },
        ));
    }
    gather(tasks, started).await
}

async fn gather(tasks: Vec<tokio::task::JoinHandle<(Vec<u32>, usize)>>, started: Instant) -> Outcome {
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        if let Ok((l, e)) = task.await {
            latencies.extend(l);
            errors += e;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    Outcome {
        requests: latencies.len(),
        errors,
        seconds,
        latencies_us: latencies,
    }
}

/// One connection: send, wait, record, until `more` says stop. Returns latencies (µs) and error count.
async fn client_loop(
    addr: SocketAddr,
    make: MakeTarget,
    counter: Arc<AtomicU64>,
    more: impl Fn(u64) -> bool,
) -> (Vec<u32>, usize) {
    let mut latencies = Vec::with_capacity(100_000);
    let mut errors = 0;
    let Ok(mut sender) = connect(addr).await else {
        return (latencies, 1);
    };
    loop {
        let n = counter.fetch_add(1, Ordering::Relaxed);
        if !more(n) {
            break;
        }
        let target = make(n);
        let started = Instant::now();
        match send(&mut sender, &target).await {
            Ok(true) => latencies.push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX)),
            Ok(false) => errors += 1,
            Err(_) => {
                errors += 1;
                match connect(addr).await {
                    Ok(s) => sender = s,
                    Err(_) => break,
                }
            }
        }
    }
    (latencies, errors)
}

type Sender = hyper::client::conn::http1::SendRequest<Empty<Bytes>>;

async fn connect(addr: SocketAddr) -> std::io::Result<Sender> {
    let stream = tokio::net::TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(std::io::Error::other)?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Sends one request; `Ok(true)` for a 2xx answer read in full.
async fn send(sender: &mut Sender, target: &Target) -> Result<bool, hyper::Error> {
    let body = fetch(sender, target).await?;
    Ok(body.0 < 300)
}

async fn fetch(sender: &mut Sender, target: &Target) -> Result<(u16, Bytes), hyper::Error> {
    let request = target.request(Empty::<Bytes>::new());
    sender.ready().await?;
    let response = sender.send_request(request).await?;
    let status = response.status().as_u16();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, body))
}

/// A router answering every request, whatever its path, with a fixed DescribeContainerGroups-shaped
/// body (so the health check that waits for a server to start passes too).
fn bare_router() -> axum::Router {
    const BODY: &str = r#"{"ContainerGroups":[{"ContainerGroupId":"eci-bp1aaaaaaaaaaaaaaaaa","ContainerGroupName":"bench","Status":"Running","RegionId":"cn-hangzhou","ZoneId":"cn-hangzhou-b","Cpu":2.0,"Memory":4.0,"IntranetIp":"172.16.0.1","Containers":[{"Name":"app","Image":"nginx","Ready":true}]}],"NextToken":"","RequestId":"8C8C6B0E-0000-4000-8000-000000000000","TotalCount":1}"#;
    let answer = || async {
        (
            [(axum::http::header::CONTENT_TYPE, "application/json;charset=utf-8")],
            BODY,
        )
    };
    axum::Router::new().route("/", get(answer)).fallback(answer)
}

/// Serves the bare handler on `addr` until the bench kills this process.
async fn serve_bare(addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, bare_router()).await
}

struct Emulator {
    child: Child,
    addr: SocketAddr,
    started_ms: f64,
}

impl Emulator {
    /// Starts an emulator with the bench's roomy network declared.
    fn start(binary: &std::path::Path, extra: &[&str]) -> std::io::Result<Self> {
        let emulator = Self::launch(binary, "--listen", extra)?;
        post_fixtures(emulator.addr)?;
        Ok(emulator)
    }

    /// Starts the open emulator, or the strict one that verifies signatures with the bench's key.
    fn start_as(binary: &std::path::Path, server: Server) -> std::io::Result<Self> {
        match server {
            Server::Strict => Self::start(binary, &["--credentials", &format!("{KEY}:{SECRET}")]),
            _ => Self::start(binary, &[]),
        }
    }

    /// Like `start`, waiting up to two minutes to be healthy (a large state directory loads first).
    fn start_patiently(binary: &std::path::Path, extra: &[&str]) -> std::io::Result<Self> {
        let emulator = Self::launch_within(binary, "--listen", extra, Duration::from_secs(120))?;
        post_fixtures(emulator.addr)?;
        Ok(emulator)
    }

    /// Starts `binary` with `listen_flag` naming a free loopback port, and waits until it answers.
    fn launch(binary: &std::path::Path, listen_flag: &str, extra: &[&str]) -> std::io::Result<Self> {
        Self::launch_within(binary, listen_flag, extra, Duration::from_secs(10))
    }

    fn launch_within(
        binary: &std::path::Path,
        listen_flag: &str,
        extra: &[&str],
        patience: Duration,
    ) -> std::io::Result<Self> {
        let port = free_port()?;
        let addr: SocketAddr = ([127, 0, 0, 1], port).into();
        let started = Instant::now();
        let mut child = Command::new(binary)
            .arg(listen_flag)
            .arg(addr.to_string())
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()?;
        while started.elapsed() < patience {
            if health(addr) {
                let started_ms = started.elapsed().as_secs_f64() * 1000.0;
                return Ok(Emulator {
                    child,
                    addr,
                    started_ms,
                });
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        let _ = child.kill();
        let _ = child.wait();
        Err(std::io::Error::other(format!(
            "{} did not become healthy",
            binary.display()
        )))
    }

    fn rss_bytes(&self) -> u64 {
        rss_of(self.child.id())
    }

    fn cpu_seconds(&self) -> f64 {
        cpu_seconds_of(self.child.id())
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Room for a million groups: a /8 VPC with a /10 vSwitch in each of four zones.
const BENCH_FIXTURES: &str = r#"{"vpcs": [{"vpcId": "vpc-bench", "regionId": "cn-hangzhou", "cidrBlock": "10.0.0.0/8"}],
 "vSwitches": [{"vSwitchId": "vsw-bench-b", "vpcId": "vpc-bench", "zoneId": "cn-hangzhou-b", "cidrBlock": "10.0.0.0/10"},
               {"vSwitchId": "vsw-bench-e", "vpcId": "vpc-bench", "zoneId": "cn-hangzhou-e", "cidrBlock": "10.64.0.0/10"},
               {"vSwitchId": "vsw-bench-f", "vpcId": "vpc-bench", "zoneId": "cn-hangzhou-f", "cidrBlock": "10.128.0.0/10"},
               {"vSwitchId": "vsw-bench-g", "vpcId": "vpc-bench", "zoneId": "cn-hangzhou-g", "cidrBlock": "10.192.0.0/10"}]}"#;

const ZONE_SWITCHES: [&str; 4] = ["vsw-bench-b", "vsw-bench-e", "vsw-bench-f", "vsw-bench-g"];

fn post_fixtures(addr: SocketAddr) -> std::io::Result<()> {
    post_side(addr, "/_emulator/fixtures", BENCH_FIXTURES)
}

/// POSTs a JSON document to the side API; an error unless it answers 200.
fn post_side(addr: SocketAddr, path: &str, body: &str) -> std::io::Result<()> {
    send_side(addr, "POST", path, body).map(drop)
}

/// A side-API call that must answer 200; its answer's body.
fn send_side(addr: SocketAddr, method: &str, path: &str, body: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr)?;
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes())?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
        Ok(answer
            .split_once("\r\n\r\n")
            .map(|(_, body)| body.to_owned())
            .unwrap_or_default())
    } else {
        Err(std::io::Error::other(format!("{path} refused: {answer}")))
    }
}

fn health(addr: SocketAddr) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(100)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
    if stream
        .write_all(b"GET /_emulator/health HTTP/1.0\r\nHost: x\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && head.ends_with(b" 200")
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn rss_of(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// User and system CPU time a process has spent so far. /proc counts it in USER_HZ ticks, which Linux
/// fixes at 100 a second for this interface; fields 14 and 15 follow the command name in parentheses.
fn cpu_seconds_of(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|field| field.parse::<u64>().ok())
        .sum();
    ticks as f64 / 100.0
}

fn sibling_binary() -> std::path::PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("eci-emulator")))
        .unwrap_or_else(|| "eci-emulator".into())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn fresh_idle_rss(binary: &std::path::Path) -> std::io::Result<u64> {
    let emulator = Emulator::launch(binary, "--listen", &[])?;
    std::thread::sleep(Duration::from_millis(200));
    Ok(emulator.rss_bytes())
}

async fn create_one(addr: SocketAddr) -> std::io::Result<String> {
    let path = format!(
        "/?Action=CreateContainerGroup&Version=2018-08-08&AccessKeyId={KEY}&RegionId=cn-hangzhou&ContainerGroupName=target&Container.1.Name=app&Container.1.Image=nginx"
    );
    id_from(get_json(&mut connect(addr).await?, &Target::get(path)).await?)
}

/// One request whose answer is JSON.
async fn get_json(sender: &mut Sender, target: &Target) -> std::io::Result<serde_json::Value> {
    let (_, body) = fetch(sender, target).await.map_err(std::io::Error::other)?;
    serde_json::from_slice(&body).map_err(std::io::Error::other)
}

async fn create_signed(addr: SocketAddr) -> std::io::Result<String> {
    let params = [
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", "target"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
    ];
    let target = signed_v1("CreateContainerGroup", &params, take_nonces(1));
    id_from(get_json(&mut connect(addr).await?, &target).await?)
}

fn id_from(value: serde_json::Value) -> std::io::Result<String> {
    value["ContainerGroupId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| std::io::Error::other(format!("create answered {value}")))
}

/// Distinct names and tag values among preloaded groups: few enough that even the smallest scale
/// size fills a page of 20 for every filter, so pages compare like for like across sizes.
const NAMES: u64 = 50;

/// Creates `count` groups over `connections` connections (names `g-<n>`, tags and zones varied).
async fn preload(addr: SocketAddr, count: usize, connections: usize, signing: Signing) -> Outcome {
    let first = take_nonces(count as u64);
    let make: MakeTarget = Arc::new(move |n| Arc::new(preload_target(n, signing, first + n)));
    let limit = count as u64;
    run_clients(addr, make, connections, move |n| n < limit).await
}

/// The `n`th preloaded group: names `g-<n>`, tags and zones varied.
fn preload_target(n: u64, signing: Signing, nonce: u64) -> Target {
    let name = format!("g-{}", n % NAMES);
    let tag = format!("t{}", n % NAMES);
    let params = [
        ("RegionId", "cn-hangzhou"),
        ("ContainerGroupName", name.as_str()),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
        ("Container.1.Cpu", "0.25"),
        ("Container.1.Memory", "0.5"),
        ("VSwitchId", ZONE_SWITCHES[(n % 4) as usize]),
        ("Tag.1.Key", "team"),
        ("Tag.1.Value", tag.as_str()),
    ];
    signing.target(CREATE, &params, nonce)
}

/// Up to `count` ids of stored groups, listed a page at a time, signed as `signing` says.
async fn list_ids(addr: SocketAddr, count: usize, signing: Signing) -> std::io::Result<Vec<String>> {
    let mut ids = Vec::with_capacity(count);
    let mut sender = connect(addr).await?;
    let mut token = String::new();
    loop {
        let params = [
            ("RegionId", "cn-hangzhou"),
            ("Limit", "20"),
            ("NextToken", token.as_str()),
        ];
        let page = get_json(&mut sender, &signing.target(DESCRIBE, &params, take_nonces(1))).await?;
        for g in page["ContainerGroups"].as_array().into_iter().flatten() {
            ids.extend(g["ContainerGroupId"].as_str().map(str::to_owned));
        }
        token = page["NextToken"].as_str().unwrap_or_default().to_owned();
        if token.is_empty() || ids.len() >= count {
            return Ok(ids);
        }
    }
}

/// Deletes every one of `ids` as fast as it can, each request signed (up front) as `signing` says.
async fn delete_run(addr: SocketAddr, connections: usize, ids: &[String], signing: Signing) -> Outcome {
    let first = take_nonces(ids.len() as u64);
    let targets: Arc<Vec<Arc<Target>>> = Arc::new(
        ids.iter()
            .zip(first..)
            .map(|(id, nonce)| {
                let params = [("RegionId", "cn-hangzhou"), ("ContainerGroupId", id.as_str())];
                Arc::new(signing.target("DeleteContainerGroup", &params, nonce))
            })
            .collect(),
    );
    let total = targets.len() as u64;
    let make: MakeTarget = Arc::new(move |n| targets.get(n as usize).cloned().unwrap_or_default());
    run_clients(addr, make, connections, move |n| n < total).await
}

/// Deletes 20,000 groups from the open emulator, unsigned, and 20,000 from the strict one with each
/// signing scheme, and prints a row for each.
async fn delete_runs(
    open: SocketAddr,
    strict: SocketAddr,
    connections: usize,
    base: (f64, f64),
) -> std::io::Result<()> {
    const COUNT: usize = 20_000;
    // The create rows met fresh emulators, so the groups to delete are created here.
    preload(open, COUNT, connections, Signing::Unsigned).await;
    preload(strict, 2 * COUNT, connections, Signing::HmacSha1).await;
    let open_ids = list_ids(open, COUNT, Signing::Unsigned).await?;
    print_deletes(
        Signing::Unsigned,
        &delete_run(open, connections, &open_ids, Signing::Unsigned).await,
        base,
    );
    let strict_ids = list_ids(strict, 2 * COUNT, Signing::HmacSha1).await?;
    let (first, second) = strict_ids.split_at(strict_ids.len() / 2);
    print_deletes(
        Signing::HmacSha1,
        &delete_run(strict, connections, first, Signing::HmacSha1).await,
        base,
    );
    print_deletes(
        Signing::Acs3,
        &delete_run(strict, connections, second, Signing::Acs3).await,
        base,
    );
    Ok(())
}

/// One preloaded emulator of the scale run.
struct Loaded {
    size: usize,
    emulator: Emulator,
    rss: u64,
    per_group: f64,
    preload: Outcome,
    vswitch: String,
}

/// Preloads one emulator per size and keeps them all running, then measures the sizes in turn,
/// round after round: each size's latency is compared with the smallest size's in the same round,
/// so drift in the machine's load falls on both sides of a ratio.
async fn scale(binary: &std::path::Path, args: &Args) -> std::io::Result<()> {
    let mut loaded = Vec::with_capacity(args.sizes.len());
    for &size in &args.sizes {
        loaded.push(load(binary, size, args.connections).await?);
    }
    // The last groups loaded are still passing their sub-second start stages, which the next reads
    // would carry out: let them finish, so each size is measured at rest.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rounds = args.rounds.max(1);
    let measure = Duration::from_secs_f64(args.seconds.clamp(0.2, 2.0));
    // p50[size][query][round]
    let mut p50 = vec![vec![Vec::new(); SCALE_QUERIES]; loaded.len()];
    for round in 0..rounds {
        for (at, one) in loaded.iter().enumerate() {
            for (q, path) in scale_queries(&one.vswitch).into_iter().enumerate() {
                let fixed = always(Target::get(path));
                if round == 0 {
                    drive(one.emulator.addr, Arc::clone(&fixed), 4, Duration::from_millis(300)).await;
                }
                let outcome = drive(one.emulator.addr, fixed, 4, measure).await;
                if let Some(cell) = p50.get_mut(at).and_then(|row| row.get_mut(q)) {
                    cell.push(outcome.percentile(0.5));
                }
            }
        }
    }
    print_scale(&loaded, &p50, rounds);
    print_sustained_create(binary, SUSTAINED_GROUPS, args.connections).await?;
    println!(
        "\nstate dump: {:<10} {:>9} {:>9} {:>9} {:>11} {:>11} {:>13} {:>13} {:>8}",
        "groups", "MiB", "seconds", "RSS +MiB", "page p50", "page p99", "create p99", "idle p99", "×idle"
    );
    for one in &loaded {
        let dump = measure_dump(one).await?;
        let (during, idle) = (dump.creates.percentile(0.99), dump.idle_creates.percentile(0.99));
        println!(
            "            {:<10} {:>9.1} {:>9.2} {:>9.1} {:>8.3} ms {:>8.3} ms {:>10.3} ms {:>10.3} ms {:>7.2}x",
            one.size,
            dump.bytes as f64 / 1048576.0,
            dump.seconds,
            dump.rss_growth as f64 / 1048576.0,
            dump.concurrent.percentile(0.5),
            dump.concurrent.percentile(0.99),
            during,
            idle,
            during / idle.max(0.001)
        );
    }
    Ok(())
}

/// Creates into one emulator, from empty until it holds `groups`, in windows of two seconds, each
/// followed by a second of the bare handler with the same connections (so drift falls on both): the
/// first window's ratio is a fresh emulator's, the last window's one grown past `groups`. The
/// request is the create row's own (fixed, unsigned); the bench's roomy network has room for all.
async fn print_sustained_create(binary: &std::path::Path, groups: usize, connections: usize) -> std::io::Result<()> {
    let emulator = Emulator::start(binary, &[])?;
    let bare = Emulator::launch(&std::env::current_exe()?, "--serve-bare", &[])?;
    let create = Signing::Unsigned.prepare(CREATE, create_params())(0);
    let bare_target = always(Target::get("/".into()));
    let mut stored = 0usize;
    let mut windows = Vec::new();
    while stored < groups {
        let created = drive(emulator.addr, Arc::clone(&create), connections, Duration::from_secs(2)).await;
        stored += created.requests.saturating_sub(created.errors);
        let base = drive(bare.addr, Arc::clone(&bare_target), connections, Duration::from_secs(1)).await;
        windows.push((stored, created.throughput(), base.throughput(), created.errors));
    }
    println!(
        "\nsustained create: {:<12} {:>12} {:>12} {:>8} {:>8}",
        "groups after", "creates/s", "bare/s", "×bare", "errors"
    );
    let shown = [windows.first(), windows.get(windows.len() / 2), windows.last()];
    for (after, rate, base, errors) in shown.into_iter().flatten() {
        println!(
            "                  {after:<12} {rate:>12.0} {base:>12.0} {:>7.2}x {errors:>8}",
            rate / base.max(1.0)
        );
    }
    println!(
        "                  (RSS {:.0} MiB at {stored} groups)",
        emulator.rss_bytes() as f64 / 1048576.0
    );
    Ok(())
}

/// What streaming `GET /_emulator/state` cost: the document's size, the time to read it whole, the
/// most the emulator's RSS grew meanwhile, page-of-20 reads made alongside, and creates made
/// alongside for as long as it streamed, against creates at rest just before.
struct DumpFigures {
    bytes: u64,
    seconds: f64,
    rss_growth: u64,
    concurrent: Outcome,
    creates: Outcome,
    idle_creates: Outcome,
}

/// Creates from two connections, slice after slice, until `done` says stop: one outcome of them all.
async fn creates_until(addr: SocketAddr, done: impl Fn() -> bool) -> Outcome {
    let create = Signing::Unsigned.prepare(CREATE, create_params())(0);
    let mut all = Outcome {
        requests: 0,
        errors: 0,
        seconds: 0.0,
        latencies_us: Vec::new(),
    };
    loop {
        let slice = drive(addr, Arc::clone(&create), 2, Duration::from_millis(200)).await;
        all.requests += slice.requests;
        all.errors += slice.errors;
        all.seconds += slice.seconds;
        all.latencies_us.extend(slice.latencies_us);
        if done() {
            all.latencies_us.sort_unstable();
            return all;
        }
    }
}

async fn measure_dump(one: &Loaded) -> std::io::Result<DumpFigures> {
    let pid = one.emulator.child.id();
    let before = rss_of(pid);
    let peak = Arc::new(AtomicU64::new(before));
    let sampling = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (Arc::clone(&peak), Arc::clone(&sampling));
        std::thread::spawn(move || {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(rss_of(pid), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let addr = one.emulator.addr;
    let idle_until = Instant::now() + Duration::from_millis(600);
    let idle_creates = creates_until(addr, || Instant::now() >= idle_until).await;
    let started = Instant::now();
    let dump = tokio::spawn(async move { read_streamed(addr, "/_emulator/state").await });
    let page = always(Target::get(page_of_twenty_path()));
    let concurrent = drive(addr, page, 2, Duration::from_millis(500)).await;
    let creates = creates_until(addr, || dump.is_finished()).await;
    let bytes = dump.await.map_err(std::io::Error::other)??;
    let seconds = started.elapsed().as_secs_f64();
    sampling.store(false, Ordering::Relaxed);
    let _ = sampler.join();
    Ok(DumpFigures {
        bytes,
        seconds,
        rss_growth: peak.load(Ordering::Relaxed).saturating_sub(before),
        concurrent,
        creates,
        idle_creates,
    })
}

/// Reads a response body frame by frame, keeping none of it; answers how many bytes came.
async fn read_streamed(addr: SocketAddr, path: &str) -> std::io::Result<u64> {
    let mut sender = connect(addr).await?;
    let target = Target::get(path.to_owned());
    sender.ready().await.map_err(std::io::Error::other)?;
    let response = sender
        .send_request(target.request(Empty::<Bytes>::new()))
        .await
        .map_err(std::io::Error::other)?;
    let mut body = response.into_body();
    let mut bytes = 0u64;
    while let Some(frame) = body.frame().await {
        if let Some(data) = frame.map_err(std::io::Error::other)?.data_ref() {
            bytes += data.len() as u64;
        }
    }
    Ok(bytes)
}

const SCALE_QUERIES: usize = 6;

/// How far the sustained-create row grows one emulator.
const SUSTAINED_GROUPS: usize = 250_000;

/// The page of 20 without a filter, and with each indexed filter (the vSwitch one names a vSwitch
/// the emulator placed groups in).
fn scale_queries(vswitch: &str) -> [String; SCALE_QUERIES] {
    [
        String::new(),
        "&ContainerGroupName=g-7".into(),
        "&Status=Running".into(),
        "&Tag.1.Key=team&Tag.1.Value=t7".into(),
        format!("&VSwitchId={vswitch}"),
        "&ZoneId=cn-hangzhou-e".into(),
    ]
    .map(|query| format!("{}{query}", page_of_twenty_path()))
}

async fn load(binary: &std::path::Path, size: usize, connections: usize) -> std::io::Result<Loaded> {
    let emulator = Emulator::start(binary, &[])?;
    let before = emulator.rss_bytes();
    let preload = preload(emulator.addr, size, connections, Signing::Unsigned).await;
    let rss = emulator.rss_bytes();
    let per_group = rss.saturating_sub(before) as f64 / size.max(1) as f64;
    let vswitch = first_vswitch(emulator.addr).await?;
    Ok(Loaded {
        size,
        emulator,
        rss,
        per_group,
        preload,
        vswitch,
    })
}

/// Per size: memory, and each query's median p50 over the rounds; then each size's latency as a
/// ratio to the smallest size's, the median of the ratios taken round by round.
fn print_scale(loaded: &[Loaded], p50: &[Vec<Vec<f64>>], rounds: usize) {
    println!(
        "\nscale ({rounds} rounds): {:<10} {:>9} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "groups", "RSS MiB", "B/group", "page ms", "name ms", "status ms", "tag ms", "vsw ms", "zone ms"
    );
    for (one, row) in loaded.iter().zip(p50) {
        let cells: Vec<String> = row
            .iter()
            .map(|c| format!("{:>10.3}", median(&mut c.clone())))
            .collect();
        println!(
            "       {:<10} {:>9.1} {:>10.0} {} (preload {:.0}/s, {} errors)",
            one.size,
            one.rss as f64 / 1048576.0,
            one.per_group,
            cells.join(" "),
            one.preload.throughput(),
            one.preload.errors
        );
    }
    let Some(smallest) = p50.first() else {
        return;
    };
    for (one, row) in loaded.iter().zip(p50).skip(1) {
        println!(
            "       {:<10} {:>31} {}",
            one.size,
            format!("vs {} (per-round ratio)", loaded.first().map_or(0, |l| l.size)),
            ratio_cells(row, smallest, 9)
        );
    }
}

/// One size's row of ratios to the smallest size, per query: the median of its per-round figures
/// divided by the smallest size's of the same round.
fn ratio_cells(row: &[Vec<f64>], smallest: &[Vec<f64>], width: usize) -> String {
    let cells: Vec<String> = row
        .iter()
        .zip(smallest)
        .map(|(at_size, at_smallest)| {
            let ratio = paired(at_size, at_smallest, |a, b| a / b.max(1e-9));
            format!("{:>width$.2}×", ratio)
        })
        .collect();
    cells.join(" ")
}

async fn first_vswitch(addr: SocketAddr) -> std::io::Result<String> {
    let page = get_json(&mut connect(addr).await?, &newest_group_page()).await?;
    Ok(vswitch_of(&page))
}

/// A page holding only the newest group, to learn where the emulator placed groups.
/// The unfiltered page of 20, the scale mode's first query.
fn page_of_twenty_path() -> String {
    format!("/?Action=DescribeContainerGroups&Version=2018-08-08&AccessKeyId={KEY}&RegionId=cn-hangzhou&Limit=20")
}

fn newest_group_page() -> Target {
    Target::get(format!(
        "/?Action=DescribeContainerGroups&Version=2018-08-08&AccessKeyId={KEY}&RegionId=cn-hangzhou&Limit=1"
    ))
}

/// The vSwitch of a page's first group.
fn vswitch_of(page: &serde_json::Value) -> String {
    page["ContainerGroups"][0]["VSwitchId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}
