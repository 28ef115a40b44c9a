//! Process bootstrap: configuration, logging, bind, serve until SIGINT/SIGTERM.

use clap::Parser;
use eci_emulator::config::{Config, LogFormat};
use eci_emulator::server::{listener, AppOptions};
use eci_emulator::util::SystemClock;
use eci_emulator::{app, AppState};
use std::sync::Arc;
use tracing_subscriber::EnvFilter;

/// mimalloc: the request path allocates many small, short-lived objects, where it is markedly faster
/// than glibc's and musl's allocators.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    without_transparent_huge_pages();
    let config = Config::parse();
    if config.probe {
        return probe(config.listen);
    }
    init_logging(config.log_format);
    let started = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StartError::System(format!("cannot start the runtime: {}", reason(&e))))
        .and_then(|runtime| runtime.block_on(serve(config)));
    match started {
        Ok(()) => std::process::ExitCode::SUCCESS,
        // One plain line, not a log record as well: this is what a person starting it reads.
        Err(e) => {
            eprintln!("eci-emulator: {}", e.message());
            std::process::ExitCode::from(e.exit_code())
        }
    }
}

/// Turns transparent huge pages off for this process, unless `MIMALLOC_ALLOW_THP` says otherwise.
/// A store that grows with every create takes fresh memory all the time, and with huge pages the
/// kernel zeroes 2 MiB at each first touch: under `wrk -t2 -c32` creates, 27-29 % of the emulator's
/// CPU was `clear_page_erms` below huge-page faults, and creates ran at 25-26k/s against 37-41k/s
/// without (`scripts/create-under-wrk`, docs/performance.md). Reads do not notice; idle memory is smaller.
fn without_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("MIMALLOC_ALLOW_THP").is_none() {
        // SAFETY: PR_SET_THP_DISABLE reads no memory of ours; it only sets a flag of the process.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
}

/// One plain HTTP/1.0 request to the health endpoint; the unspecified address means this host.
fn probe(listen: std::net::SocketAddr) -> std::process::ExitCode {
    use std::io::{Read, Write};
    let mut target = listen;
    if target.ip().is_unspecified() {
        target.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let timeout = std::time::Duration::from_secs(2);
    let healthy = std::net::TcpStream::connect_timeout(&target, timeout).and_then(|mut stream| {
        stream.set_read_timeout(Some(timeout))?;
        stream.write_all(b"GET /_emulator/health HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut head = [0u8; 12];
        stream.read_exact(&mut head)?;
        Ok(head.ends_with(b" 200"))
    });
    match healthy {
        Ok(true) => std::process::ExitCode::SUCCESS,
        _ => std::process::ExitCode::FAILURE,
    }
}

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a terminal: a file or a CI log would show them as junk.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Why the emulator could not start: one line for stderr, and the exit code it ends with.
#[derive(Debug)]
enum StartError {
    /// A flag, variable or file it names is wrong: exit code 2, as for a bad command line.
    Config(String),
    /// The machine refused something (the address is taken, no runtime): exit code 1.
    System(String),
}

impl StartError {
    fn exit_code(&self) -> u8 {
        match self {
            StartError::Config(_) => 2,
            StartError::System(_) => 1,
        }
    }

    fn message(&self) -> &str {
        match self {
            StartError::Config(m) | StartError::System(m) => m,
        }
    }
}

/// An OS error as a person reads it: `No such file or directory`, without the `(os error 2)`.
fn reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    match text.rfind(" (os error ") {
        Some(cut) => text.get(..cut).unwrap_or(&text).to_owned(),
        None => text,
    }
}

/// Reads each file a flag names, and parses it; errors name the flag and the path.
fn load_each<T>(
    flag: &str,
    paths: &[std::path::PathBuf],
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, StartError> {
    paths
        .iter()
        .map(|path| {
            let shown = path.display();
            let text = std::fs::read_to_string(path)
                .map_err(|e| StartError::Config(format!("{flag} {shown}: {}", reason(&e))))?;
            parse(&text).map_err(|e| StartError::Config(format!("{flag} {shown}: {e}")))
        })
        .collect()
}

async fn serve(config: Config) -> Result<(), StartError> {
    let lifecycle = config.policy();
    let limits = eci_emulator::server::listener::ConnectionLimits::of(&config);
    let strict = !config.credentials.is_empty();
    let clock = Arc::new(config.virtual_clock());
    let state = AppState::new(AppOptions {
        credentials: config.credentials,
        seed: config.seed,
        clock,
        signature_clock: Arc::new(SystemClock),
        journal_size: usize::try_from(config.journal_size).unwrap_or(usize::MAX),
        journal_bytes: config.journal_bytes,
        max_body_bytes: config.max_body_bytes,
        max_side_api_body_bytes: config.max_side_api_body_bytes,
        max_snapshot_bytes: config.max_snapshot_bytes,
        strict_network: config.strict_network,
        fixtures: load_each("--fixtures", &config.fixtures, eci_emulator::fixtures::parse)?,
        faults: load_each("--faults", &config.faults, eci_emulator::faults::parse_rules)?
            .into_iter()
            .flatten()
            .collect(),
        rate_limits: config.rate_limits,
        lifecycle,
        admin_token: config.admin_token.clone(),
        guard_metrics: config.guard_metrics,
        allow_hosts: config.allow_hosts.clone(),
        state_dir: config.state_dir.clone(),
        salvage: eci_emulator::durable::Salvage {
            accept_loss: config.accept_state_loss,
        },
        snapshot: config.snapshot.clone(),
    })
    .map_err(StartError::Config)?;
    let listen = config.listen;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| StartError::System(format!("--listen {listen}: {}", reason(&e))))?;
    let local = listener.local_addr().unwrap_or(listen);
    // Set up before "listening" is said: a start that fails here never claimed to serve.
    let tls = eci_emulator::server::tls::Tls::self_signed(&config.tls_names)
        .map_err(|e| StartError::System(format!("--tls-name: the certificate cannot be made: {e}")))?;
    if let Some(file) = &config.tls_certificate_file {
        std::fs::write(file, &tls.certificate_pem)
            .map_err(|e| StartError::System(format!("--tls-certificate-file {}: {}", file.display(), reason(&e))))?;
    }
    tracing::info!(address = %local, signatures = if strict { "verified" } else { "not checked" }, "eci-emulator listening");
    let router = app(state.clone());
    let closing = state.clone();
    let signal = async {
        shutdown_signal().await;
        // A second signal ends the process at once, whatever is still running.
        tokio::spawn(async {
            shutdown_signal().await;
            tracing::warn!("second signal: exiting now");
            std::process::exit(130);
        });
    };
    let tls = Some(std::sync::Arc::new(tls));
    let outcome = listener::serve_with_tls(listener, router, limits, tls, signal, move || state.begin_shutdown()).await;
    closing.close_durable();
    if let listener::Shutdown::DeadlinePassed { open } = outcome {
        tracing::warn!(open, "shutdown deadline passed; exiting with connections still open");
        // Work still running on the runtime's threads (a CPU-bound request) must not hold the exit.
        std::process::exit(0);
    }
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}
