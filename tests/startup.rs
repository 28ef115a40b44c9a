//! Starting the real binary with bad configuration: one plain line naming the flag, the path or
//! address and the reason, exit code 2 for configuration and 1 for the machine, and no colour codes
//! when stderr is not a terminal; and the process settings it makes at start.

#[path = "support/until_exit.rs"]
mod until_exit;

use std::process::{Command, Stdio};
use std::time::Duration;
use until_exit::{run, BINARY};

#[test]
fn a_missing_or_unreadable_file_is_one_line_naming_the_flag_and_the_path() {
    let (code, stderr) = run(&["--listen", "127.0.0.1:0", "--fixtures", "/nonexistent/x.json"]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        "eci-emulator: --fixtures /nonexistent/x.json: No such file or directory\n"
    );
    let dir = std::env::temp_dir();
    let (code, stderr) = run(&["--listen", "127.0.0.1:0", "--faults", dir.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert_eq!(
        stderr,
        format!("eci-emulator: --faults {}: Is a directory\n", dir.display())
    );
}

#[test]
fn a_file_that_does_not_parse_names_the_flag_the_path_and_what_is_wrong() {
    let path = std::env::temp_dir().join(format!("eci-startup-{}.json", std::process::id()));
    std::fs::write(&path, "[]").unwrap();
    let (code, stderr) = run(&["--listen", "127.0.0.1:0", "--fixtures", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(code, Some(2));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "eci-emulator: --fixtures {}: not a fixture document",
            path.display()
        )),
        "{stderr}"
    );
}

#[test]
fn an_address_in_use_names_the_address_and_exits_1() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = taken.local_addr().unwrap().to_string();
    let (code, stderr) = run(&["--listen", &address]);
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!("eci-emulator: --listen {address}: Address already in use\n")
    );
}

#[test]
fn a_rate_limit_for_an_unknown_action_is_refused() {
    let (code, stderr) = run(&["--rate-limit", "Bogus=5/s"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("\"Bogus\" is not an operation of ECI, VPC, ECS, STS or Resource Manager"),
        "{stderr}"
    );
}

#[test]
fn logs_to_a_file_or_pipe_carry_no_colour_codes() {
    let mut child = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--shutdown-timeout-ms", "0"])
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    std::thread::sleep(Duration::from_millis(500));
    let _ = child.kill();
    let output = child.wait_with_output().expect("the binary stops");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("eci-emulator listening"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
}

/// The process's own `THP_enabled` line in /proc (Linux 6.x), after it has started.
fn huge_pages_enabled(allow: Option<&str>) -> Option<String> {
    let mut command = Command::new(BINARY);
    command
        .args(["--listen", "127.0.0.1:0", "--shutdown-timeout-ms", "0"])
        .env_remove("MIMALLOC_ALLOW_THP")
        .stdin(Stdio::null())
        .stderr(Stdio::null());
    if let Some(value) = allow {
        command.env("MIMALLOC_ALLOW_THP", value);
    }
    let mut child = command.spawn().expect("the binary starts");
    std::thread::sleep(Duration::from_millis(300));
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    status
        .lines()
        .find_map(|line| line.strip_prefix("THP_enabled:"))
        .map(|value| value.trim().to_owned())
}

#[test]
fn transparent_huge_pages_are_off_unless_the_allocator_is_told_otherwise() {
    // Kernels before 6.x do not show the line; there is nothing to read then.
    let Some(by_default) = huge_pages_enabled(None) else {
        return;
    };
    assert_eq!(by_default, "0");
    // mimalloc's own option decides when it is given; `1` leaves the machine's setting.
    let mine = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let machine = mine.lines().find_map(|l| l.strip_prefix("THP_enabled:")).map(str::trim);
    assert_eq!(huge_pages_enabled(Some("1")).as_deref(), machine);
}

#[test]
fn a_certificate_that_cannot_be_made_stops_the_start_before_it_says_listening() {
    let long_name = "a".repeat(100_000);
    let output = Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0", "--tls-name", &long_name])
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(!said.contains("listening"), "{said}");
    assert!(said.contains("--tls-name: the certificate cannot be made"), "{said}");
}
