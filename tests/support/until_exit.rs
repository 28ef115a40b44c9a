//! Running the real binary until it exits, for tests of what it refuses at start.

use std::process::{Command, Stdio};

pub const BINARY: &str = env!("CARGO_BIN_EXE_eci-emulator");

/// Runs the emulator with `args` until it exits; answers its exit code and stderr.
pub fn run(args: &[&str]) -> (Option<i32>, String) {
    let output = Command::new(BINARY)
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
