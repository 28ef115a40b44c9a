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
    let config = Config::parse();
    if config.probe {
        return probe(config.listen);
    }
    init_logging(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("eci-emulator: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(config)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("eci-emulator: {e}");
            std::process::ExitCode::FAILURE
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
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

fn load_fixtures(paths: &[std::path::PathBuf]) -> std::io::Result<Vec<eci_emulator::fixtures::FixtureDocument>> {
    paths
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path)?;
            eci_emulator::fixtures::parse(&text)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))
        })
        .collect()
}

fn load_faults(paths: &[std::path::PathBuf]) -> std::io::Result<Vec<eci_emulator::faults::rule::RuleSpec>> {
    let mut rules = Vec::new();
    for path in paths {
        let text = std::fs::read_to_string(path)?;
        let parsed = eci_emulator::faults::parse_rules(&text)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, format!("{}: {e}", path.display())))?;
        rules.extend(parsed);
    }
    Ok(rules)
}

async fn serve(config: Config) -> std::io::Result<()> {
    let lifecycle = config.policy();
    let limits = config.connection_limits();
    let strict = !config.credentials.is_empty();
    let state = AppState::new(AppOptions {
        credentials: config.credentials,
        seed: config.seed,
        clock: Arc::new(SystemClock),
        max_body_bytes: config.max_body_bytes,
        strict_network: config.strict_network,
        fixtures: load_fixtures(&config.fixtures)?,
        faults: load_faults(&config.faults)?,
        rate_limits: config.rate_limits,
        lifecycle,
        admin_token: config.admin_token.clone(),
    })
    .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let local = listener.local_addr()?;
    tracing::info!(address = %local, signatures = if strict { "verified" } else { "not checked" }, "eci-emulator listening");
    let router = app(state.clone());
    let signal = async {
        shutdown_signal().await;
        // A second signal ends the process at once, whatever is still running.
        tokio::spawn(async {
            shutdown_signal().await;
            tracing::warn!("second signal: exiting now");
            std::process::exit(130);
        });
    };
    let outcome = listener::serve(listener, router, limits, signal, move || state.begin_shutdown()).await;
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
