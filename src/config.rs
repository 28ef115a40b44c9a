//! Configuration from flags and `ECI_EMULATOR_*` environment variables (a flag wins over its variable).

use crate::auth::Credential;
use crate::faults::throttle::Limit;
use crate::lifecycle::machine::{Policy, PolicyKind};
use clap::{Parser, ValueEnum};
use std::net::SocketAddr;

/// The default most bytes a request body may have.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Room for a fixture document of tens of thousands of vSwitches.
pub const DEFAULT_MAX_SIDE_API_BODY_BYTES: usize = 64 * 1024 * 1024;
/// Room for a snapshot of about 400,000 groups; larger ones need the flag.
pub const DEFAULT_MAX_SNAPSHOT_BYTES: usize = 1024 * 1024 * 1024;
/// How many calls the request journal keeps unless `--journal-size` says otherwise: a long suite's
/// tail (each entry holds its request's parameters as sent, so about 1 KiB for a typical create).
pub const DEFAULT_JOURNAL_SIZE: u32 = 10_000;
/// The bytes the request journal's entries may hold unless `--journal-bytes` says otherwise: 10,000
/// ordinary calls take about 15 MiB, and no call keeps more than `insight::clip::MAX_KEPT_BYTES` of
/// parameters.
pub const DEFAULT_JOURNAL_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LifecyclePolicy {
    Immediate,
    Time,
    Manual,
}

impl Config {
    /// The progression policy the flags describe.
    pub fn policy(&self) -> Policy {
        let kind = match self.lifecycle {
            LifecyclePolicy::Immediate => PolicyKind::Immediate,
            LifecyclePolicy::Time => PolicyKind::Time,
            LifecyclePolicy::Manual => PolicyKind::Manual,
        };
        let mut policy = Policy {
            kind,
            ..Policy::default()
        };
        if let Some(ms) = self.stage_delay_ms {
            let d = &mut policy.delays;
            (d.scheduling_ms, d.pending_ms, d.restarting_ms, d.updating_ms) = (ms, ms, ms, ms);
        }
        if let Some(ms) = self.stage_jitter_ms {
            policy.delays.jitter_ms = ms;
        }
        policy
    }
}

/// Where the emulator's time starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClockMode {
    /// Runs with the machine's clock (from `--start-time` when given).
    System,
    /// Stands still (at `--start-time`, or the machine's time at start) until the side API moves it.
    Frozen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Command line of the `eci-emulator` binary.
#[derive(Debug, Clone, Parser)]
#[command(
    name = "eci-emulator",
    version,
    about = "Local emulator of the Alibaba Cloud ECI OpenAPI 2018-08-08"
)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "ECI_EMULATOR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// `AK:SECRET[:ACCOUNT]`, repeatable (the variable takes a comma-separated list). With any,
    /// signatures are verified and unknown keys refused; without, any key is accepted unchecked.
    #[arg(long = "credentials", env = "ECI_EMULATOR_CREDENTIALS", value_delimiter = ',', value_parser = Credential::parse)]
    pub credentials: Vec<Credential>,

    /// Log line format; the level comes from `RUST_LOG` (default `info`).
    #[arg(long, env = "ECI_EMULATOR_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Seed for generated resource ids, so a run can be repeated exactly.
    #[arg(long, env = "ECI_EMULATOR_SEED")]
    pub seed: Option<u64>,

    /// A fixture document of VPCs, vSwitches, security groups, EIPs, disks, image caches and accounts,
    /// applied at start and after every reset (repeatable; the variable takes a comma-separated list).
    #[arg(long = "fixtures", env = "ECI_EMULATOR_FIXTURES", value_delimiter = ',')]
    pub fixtures: Vec<std::path::PathBuf>,

    /// Refuse unknown vSwitch and security-group ids (`InvalidVSwitchId.NotFound`,
    /// `InvalidSecurityGroupId.NotFound`) instead of registering them on first use.
    #[arg(long, env = "ECI_EMULATOR_STRICT_NETWORK")]
    pub strict_network: bool,

    /// A JSON file of fault rules (one rule, a list, or `{"rules": [...]}`) in force at start and after
    /// every reset (repeatable; the variable takes a comma-separated list).
    #[arg(long = "faults", env = "ECI_EMULATOR_FAULTS", value_delimiter = ',')]
    pub faults: Vec<std::path::PathBuf>,

    /// A rate limit answered with `Throttling.User`: `ACTION[@ACCOUNT]=N/s` or `=N/min`, `*` for every
    /// action (each action counted on its own), per account (repeatable; the variable takes a
    /// comma-separated list).
    #[arg(long = "rate-limit", env = "ECI_EMULATOR_RATE_LIMITS", value_delimiter = ',', value_parser = Limit::parse)]
    pub rate_limits: Vec<Limit>,

    /// How container groups move through their statuses: `time` (each stage lasts
    /// `--stage-delay-ms`, give or take `--stage-jitter-ms`), `immediate` (a created group is
    /// `Running` at once) or `manual` (stages advance by the side API). A group's
    /// `emulator.lifecycle/policy` tag overrides it.
    #[arg(long, env = "ECI_EMULATOR_LIFECYCLE", value_enum, default_value = "time")]
    pub lifecycle: LifecyclePolicy,

    /// Length of each stage (Scheduling, Pending, Restarting, Updating) under the `time` policy.
    #[arg(long, env = "ECI_EMULATOR_STAGE_DELAY_MS")]
    pub stage_delay_ms: Option<u32>,

    /// Spread of each stage's length under the `time` policy (seeded by `--seed`).
    #[arg(long, env = "ECI_EMULATOR_STAGE_JITTER_MS")]
    pub stage_jitter_ms: Option<u32>,

    /// Instead of serving, ask the emulator at `--listen` for its health and exit 0 if it is healthy
    /// (the container image's HEALTHCHECK, which has no curl).
    #[arg(long)]
    pub probe: bool,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "ECI_EMULATOR_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    pub max_body_bytes: usize,

    /// Largest side-API body accepted (a fixture document, a fault rule), in bytes.
    #[arg(long, env = "ECI_EMULATOR_MAX_SIDE_API_BODY_BYTES", default_value_t = DEFAULT_MAX_SIDE_API_BODY_BYTES)]
    pub max_side_api_body_bytes: usize,

    /// Largest snapshot read, by `POST /_emulator/snapshot` or `--snapshot`, in bytes.
    #[arg(long, env = "ECI_EMULATOR_MAX_SNAPSHOT_BYTES", default_value_t = DEFAULT_MAX_SNAPSHOT_BYTES)]
    pub max_snapshot_bytes: usize,

    /// A request head, once its first byte has arrived, and a request body must each arrive within
    /// this many milliseconds; otherwise the connection is closed (a head) or answered 408 (a body).
    #[arg(long, env = "ECI_EMULATOR_HEADER_READ_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
    pub header_read_timeout_ms: u64,

    /// A kept-alive connection with no request under way is closed after this many milliseconds.
    #[arg(long, env = "ECI_EMULATOR_IDLE_TIMEOUT_MS", default_value_t = 60_000, value_parser = clap::value_parser!(u64).range(1..=86_400_000))]
    pub idle_timeout_ms: u64,

    /// Most connections open at once; further clients wait in the listen backlog until one closes.
    #[arg(long, env = "ECI_EMULATOR_MAX_CONNECTIONS", default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,

    /// On SIGTERM or SIGINT, requests in flight get this many milliseconds before the process exits
    /// anyway; a second signal exits at once.
    #[arg(long, env = "ECI_EMULATOR_SHUTDOWN_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(0..=3_600_000))]
    pub shutdown_timeout_ms: u64,

    /// Every side-API call (`/_emulator/*`) but `health` must carry `Authorization: Bearer TOKEN`.
    #[arg(long, env = "ECI_EMULATOR_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// A dotted host name the side API answers besides loopback names, IP addresses and single-label
    /// names such as a Compose service's (repeatable; the variable takes a comma-separated list).
    /// Other dotted names are refused, so a page whose domain was rebound to this address cannot
    /// drive the side API.
    #[arg(
        long = "allow-host",
        env = "ECI_EMULATOR_ALLOW_HOSTS",
        value_delimiter = ',',
        value_name = "NAME"
    )]
    pub allow_hosts: Vec<String>,

    /// With `--admin-token`, `/metrics` needs the token too (by default any local scraper may read it).
    #[arg(long, env = "ECI_EMULATOR_GUARD_METRICS")]
    pub guard_metrics: bool,

    /// Keep the state in DIR across restarts: every change is on disk before its call is answered.
    /// Without it, nothing is written anywhere.
    #[arg(long, env = "ECI_EMULATOR_STATE_DIR", value_name = "DIR")]
    pub state_dir: Option<std::path::PathBuf>,

    /// With `--state-dir`: load a damaged store's entries that verify (and an older commit than the
    /// last acknowledged) instead of refusing to start; each loss is logged. Without it, damage stops
    /// the start with a message.
    #[arg(long, env = "ECI_EMULATOR_ACCEPT_STATE_LOSS", requires = "state_dir")]
    pub accept_state_loss: bool,

    /// Start from this snapshot file (from `GET /_emulator/snapshot`) when the state is empty, and
    /// again at every reset; `--fixtures` apply on top of it.
    #[arg(long, env = "ECI_EMULATOR_SNAPSHOT", value_name = "FILE")]
    pub snapshot: Option<std::path::PathBuf>,

    /// Write the certificate the listener answers HTTPS with (made at start, for 127.0.0.1, ::1,
    /// localhost and every `--tls-name`) to this file, PEM-encoded: a client trusts it through
    /// `SSL_CERT_FILE` or its own setting. HTTPS is served on the same port as HTTP.
    #[arg(long, env = "ECI_EMULATOR_TLS_CERTIFICATE_FILE", value_name = "FILE")]
    pub tls_certificate_file: Option<std::path::PathBuf>,

    /// Another name the HTTPS certificate is good for (a host name clients reach the emulator by).
    #[arg(
        long = "tls-name",
        env = "ECI_EMULATOR_TLS_NAMES",
        value_delimiter = ',',
        value_name = "NAME"
    )]
    pub tls_names: Vec<String>,

    /// `system`: time runs as the machine's does; `frozen`: it stands still until `POST
    /// /_emulator/clock` advances or sets it. Either way the side API can freeze, advance and set it.
    #[arg(long, env = "ECI_EMULATOR_CLOCK", value_enum, default_value = "system")]
    pub clock: ClockMode,

    /// The emulator's time at start, RFC 3339 (`2030-01-01T00:00:00Z`); the machine's when not given.
    /// A state directory's stored clock wins over it (a clock never goes back).
    #[arg(long, env = "ECI_EMULATOR_START_TIME", value_name = "RFC3339", value_parser = parse_start_time)]
    pub start_time: Option<time::OffsetDateTime>,

    /// How many calls the request journal (`GET /_emulator/calls`) keeps; the oldest go first.
    #[arg(long, env = "ECI_EMULATOR_JOURNAL_SIZE", default_value_t = DEFAULT_JOURNAL_SIZE,
          value_parser = clap::value_parser!(u32).range(0..=10_000_000))]
    pub journal_size: u32,

    /// How many bytes the request journal's calls may hold (a call's parameters past 16 KiB are
    /// clipped before it is kept); the oldest go first. Accepts a plain number of bytes.
    #[arg(long, env = "ECI_EMULATOR_JOURNAL_BYTES", default_value_t = DEFAULT_JOURNAL_BYTES,
          value_parser = clap::value_parser!(u64).range(0..=1u64 << 40))]
    pub journal_bytes: u64,
}

fn parse_start_time(text: &str) -> Result<time::OffsetDateTime, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| format!("{text:?} is not an RFC 3339 time such as 2030-01-01T00:00:00Z: {e}"))
}

impl Config {
    /// The clock the flags describe.
    pub fn virtual_clock(&self) -> crate::util::VirtualClock {
        use crate::util::VirtualClock;
        match (self.clock, self.start_time) {
            (ClockMode::Frozen, Some(at)) => VirtualClock::frozen_at(at),
            (ClockMode::Frozen, None) => VirtualClock::frozen_now(),
            (ClockMode::System, Some(at)) => VirtualClock::running_from(at),
            (ClockMode::System, None) => VirtualClock::system(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_with_defaults() {
        let c = Config::try_parse_from(["eci-emulator"]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert!(c.credentials.is_empty());
        let c = Config::try_parse_from([
            "eci-emulator",
            "--credentials",
            "AK1:s1",
            "--credentials",
            "AK2:s2:acct",
            "--log-format",
            "json",
            "--seed",
            "9",
        ])
        .unwrap();
        assert_eq!(c.credentials.len(), 2);
        assert_eq!(c.credentials[1].account, "acct");
        assert_eq!((c.log_format, c.seed), (LogFormat::Json, Some(9)));
        assert!(Config::try_parse_from(["eci-emulator", "--credentials", "nocolon"]).is_err());
        let c = Config::try_parse_from(["eci-emulator", "--rate-limit", "*=5/s", "--faults", "a.json"]).unwrap();
        assert_eq!((c.rate_limits.len(), c.faults.len()), (1, 1));
        assert!(Config::try_parse_from(["eci-emulator", "--rate-limit", "5/s"]).is_err());
    }
}
