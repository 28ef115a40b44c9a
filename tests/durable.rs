//! Durable state on the real binary: SIGKILL in the middle of a concurrent create/delete load loses
//! nothing acknowledged (round after round), SIGTERM and reset keep exactly what was, time moves on
//! while the emulator is down, a replayed nonce stays refused, snapshots round-trip and bad ones are
//! refused, and a damaged state directory stops the start with a message naming it.
//!
//! `ECI_DURABLE_ROUNDS` raises the number of kill rounds (20 by default) for a longer run.

#[path = "support/until_exit.rs"]
mod until_exit;

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use until_exit::BINARY;
const PATIENCE: Duration = Duration::from_secs(20);

/// A running emulator and the address it listens on.
struct Emulator {
    child: Child,
    address: String,
}

impl Emulator {
    /// Starts the binary on a free port with `args`; waits until it listens.
    fn start(args: &[&str]) -> Emulator {
        let mut command = Command::new(BINARY);
        command
            .args(["--listen", "127.0.0.1:0", "--log-format", "text"])
            .args(args);
        Emulator::start_command(command)
    }

    /// Starts `command`, which runs the binary in the end; waits until it listens.
    fn start_command(mut command: Command) -> Emulator {
        let mut child = command
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let stderr = child.stderr.take().expect("stderr is piped");
        let mut lines = BufReader::new(stderr).lines();
        let deadline = Instant::now() + PATIENCE;
        let address = loop {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("the emulator exited before listening: {:?}", child.wait()))
                .unwrap_or_default();
            if let Some(rest) = line.split("address=").nth(1) {
                break rest.split_whitespace().next().unwrap_or_default().to_owned();
            }
            assert!(Instant::now() < deadline, "no listening line");
        };
        // Keep reading, so the emulator never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Emulator { child, address }
    }

    fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    fn terminate(mut self) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
        assert!(sent.success());
        let deadline = Instant::now() + PATIENCE;
        while self.child.try_wait().expect("waits").is_none() {
            assert!(Instant::now() < deadline, "SIGTERM did not stop the emulator");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn get(&self, path: &str) -> (u16, Vec<u8>) {
        http(&self.address, "GET", path, None).expect("the emulator answers")
    }

    fn put(&self, path: &str, body: &[u8]) -> (u16, Vec<u8>) {
        http(&self.address, "PUT", path, Some(("application/json", body))).expect("HTTP")
    }

    fn post(&self, path: &str, content_type: &str, body: &[u8]) -> (u16, Vec<u8>) {
        http(&self.address, "POST", path, Some((content_type, body))).expect("the emulator answers")
    }

    fn rpc(&self, action: &str, params: &[(&str, &str)]) -> (u16, Value) {
        let (status, body) = self.get(&rpc_path(action, params));
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    fn snapshot(&self) -> Vec<u8> {
        let (status, body) = self.get("/_emulator/snapshot");
        assert_eq!(status, 200);
        body
    }

    /// Every group of cn-hangzhou as (id, status, address), newest first, page by page.
    fn all_groups(&self) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let mut token = String::new();
        loop {
            let mut params = vec![("Limit", "20")];
            if !token.is_empty() {
                params.push(("NextToken", token.as_str()));
            }
            let (status, page) = self.rpc("DescribeContainerGroups", &params);
            assert_eq!(status, 200, "{page}");
            for group in page["ContainerGroups"].as_array().into_iter().flatten() {
                out.push((
                    group["ContainerGroupId"].as_str().unwrap_or_default().to_owned(),
                    group["Status"].as_str().unwrap_or_default().to_owned(),
                    group["IntranetIp"].as_str().unwrap_or_default().to_owned(),
                ));
            }
            token = page["NextToken"].as_str().unwrap_or_default().to_owned();
            if token.is_empty() {
                return out;
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn rpc_path(action: &str, params: &[(&str, &str)]) -> String {
    let mut query = format!("/?Action={action}&Version=2018-08-08&RegionId=cn-hangzhou");
    for (name, value) in params {
        query.push_str(&format!("&{name}={}", encode(value)));
    }
    query
}

/// Percent-encoding as the POP signature wants it: everything but RFC 3986's unreserved characters.
const POP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, POP).to_string()
}

/// One HTTP/1.1 exchange on a fresh connection.
fn http(address: &str, method: &str, path: &str, body: Option<(&str, &[u8])>) -> std::io::Result<(u16, Vec<u8>)> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    let (content_type, body) = body.unwrap_or(("text/plain", b""));
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response)?;
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no complete head"))?;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    let mut body = response[split + 4..].to_vec();
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Ok((status, body))
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..line_end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
    out
}

/// A fresh, empty directory under the system's temporary one.
fn temp_dir(name: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("eci-durable-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn dir_arg(dir: &Path) -> String {
    dir.to_string_lossy().into_owned()
}

fn create(emulator_address: &str, name: &str, token: &str) -> Option<String> {
    let path = rpc_path(
        "CreateContainerGroup",
        &[
            ("ContainerGroupName", name),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
            ("Cpu", "0.25"),
            ("Memory", "0.5"),
            ("ClientToken", token),
        ],
    );
    let (status, body) = http(emulator_address, "GET", &path, None).ok()?;
    let reply: Value = serde_json::from_slice(&body).ok()?;
    (status == 200).then(|| reply["ContainerGroupId"].as_str().map(str::to_owned))?
}

fn delete(emulator_address: &str, id: &str) -> bool {
    let path = rpc_path("DeleteContainerGroup", &[("ContainerGroupId", id)]);
    matches!(http(emulator_address, "GET", &path, None), Ok((200, _)))
}

/// What the clients were told: groups made, and groups deleted; and the deletes they sent, which
/// may have taken effect though the kill came before the answer.
#[derive(Default)]
struct Acknowledged {
    created: Vec<String>,
    deleted: Vec<String>,
    delete_sent: Vec<String>,
}

/// Eight clients create and delete until the emulator stops answering.
fn load(
    address: &str,
    round: usize,
    acknowledged: &Arc<Mutex<Acknowledged>>,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<()>> {
    (0..8)
        .map(|client| {
            let (address, acknowledged, stop) = (address.to_owned(), Arc::clone(acknowledged), Arc::clone(stop));
            std::thread::spawn(move || {
                let mut mine = Vec::new();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let name = format!("r{round}-c{client}-{n}");
                    match create(&address, &name, &name) {
                        Some(id) => {
                            acknowledged.lock().unwrap().created.push(id.clone());
                            mine.push(id);
                        }
                        None => return,
                    }
                    if n % 3 == 2 {
                        let victim = mine.remove(0);
                        acknowledged.lock().unwrap().delete_sent.push(victim.clone());
                        if !delete(&address, &victim) {
                            return;
                        }
                        acknowledged.lock().unwrap().deleted.push(victim);
                    }
                }
            })
        })
        .collect()
}

fn assert_unique_addresses(groups: &[(String, String, String)], round: usize) {
    let mut addresses: Vec<&str> = groups.iter().map(|(_, _, ip)| ip.as_str()).collect();
    addresses.sort_unstable();
    let count = addresses.len();
    addresses.dedup();
    assert_eq!(addresses.len(), count, "round {round}: two groups share an address");
}

fn rounds() -> usize {
    std::env::var("ECI_DURABLE_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20)
}

#[test]
fn sigkill_under_concurrent_load_loses_nothing_acknowledged() {
    let dir = temp_dir("kill");
    let dir_text = dir_arg(&dir);
    let mut expected_alive: Vec<String> = Vec::new();
    let mut expected_gone: Vec<String> = Vec::new();
    let mut handed_out = std::collections::HashSet::new();
    for round in 0..rounds() {
        let emulator = Emulator::start(&["--state-dir", &dir_text]);
        let acknowledged = Arc::new(Mutex::new(Acknowledged::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let clients = load(&emulator.address, round, &acknowledged, &stop);
        std::thread::sleep(Duration::from_millis(40 + (round as u64 * 37) % 200));
        emulator.kill_9();
        stop.store(true, Ordering::Relaxed);
        clients.into_iter().for_each(|c| c.join().unwrap());
        let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
        for id in &acknowledged.created {
            assert!(
                handed_out.insert(id.clone()),
                "round {round}: the id {id} was handed out twice"
            );
        }
        let sent = &acknowledged.delete_sent;
        expected_alive.extend(acknowledged.created.iter().filter(|id| !sent.contains(id)).cloned());
        expected_alive.retain(|id| !sent.contains(id));
        expected_gone.extend(acknowledged.deleted);

        let restarted = Emulator::start(&["--state-dir", &dir_text]);
        let groups = restarted.all_groups();
        let listed: std::collections::HashMap<&str, (&str, &str)> = groups
            .iter()
            .map(|(id, status, ip)| (id.as_str(), (status.as_str(), ip.as_str())))
            .collect();
        for id in &expected_alive {
            assert!(
                listed.contains_key(id.as_str()),
                "round {round}: acknowledged group {id} was lost"
            );
        }
        for id in &expected_gone {
            let status = listed.get(id.as_str()).map(|(status, _)| *status);
            assert!(
                matches!(status, None | Some("Terminating")),
                "round {round}: deleted group {id} came back as {status:?}"
            );
        }
        assert_unique_addresses(&groups, round);
        // The pool knows what is taken: a new group gets an address no stored group holds.
        let fresh = create(&restarted.address, &format!("after-{round}"), &format!("after-{round}"))
            .expect("a create after restart");
        let after = restarted.all_groups();
        assert!(after.iter().any(|(id, _, _)| *id == fresh));
        assert_unique_addresses(&after, round);
        assert!(
            handed_out.insert(fresh.clone()),
            "round {round}: the id {fresh} was handed out twice"
        );
        expected_alive.push(fresh);
        restarted.kill_9();
    }
    assert!(
        expected_alive.len() > rounds(),
        "the load made groups: {}",
        expected_alive.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Everything a snapshot holds but its header (which names the emulator's version only).
fn entries(snapshot: &[u8]) -> Vec<u8> {
    let cut = snapshot.iter().position(|b| *b == b'\n').unwrap_or(0);
    snapshot[cut..].to_vec()
}

fn seed_state(emulator: &Emulator) -> Vec<String> {
    let ids: Vec<String> = (0..5)
        .map(|n| create(&emulator.address, &format!("g{n}"), &format!("token-{n}")).expect("created"))
        .collect();
    assert!(delete(&emulator.address, &ids[0]));
    let rule = br#"{"action":"DescribeContainerGroups","effect":"error","code":"Throttling","times":2}"#;
    assert_eq!(emulator.post("/_emulator/faults", "application/json", rule).0, 201);
    let (_, reply) = emulator.rpc("DescribeContainerGroups", &[]);
    assert_eq!(reply["Code"], "Throttling", "the rule fires once");
    let fixtures = br#"{"accounts":[{"accessKeyId":"team-a","quota":{"containerGroups":7}}]}"#;
    assert_eq!(
        emulator.post("/_emulator/fixtures", "application/json", fixtures).0,
        200
    );
    ids
}

#[test]
fn sigterm_and_restart_restore_exactly_what_was() {
    let dir = temp_dir("term");
    let args = ["--state-dir", &dir_arg(&dir), "--lifecycle", "immediate", "--seed", "7"];
    let first = Emulator::start(&args);
    let ids = seed_state(&first);
    let before = first.snapshot();
    first.terminate();
    let second = Emulator::start(&args);
    assert_eq!(
        String::from_utf8_lossy(&entries(&second.snapshot())),
        String::from_utf8_lossy(&entries(&before)),
        "ids, addresses, statuses, timestamps, events, tokens, rules and counters"
    );
    let (status, reply) = second.rpc("DescribeContainerGroups", &[]);
    assert_eq!(
        (status, reply["Code"].as_str()),
        (400, Some("Throttling")),
        "the rule's second firing"
    );
    // The same ClientToken answers the same group after the restart.
    assert_eq!(
        create(&second.address, "g3", "token-3").as_deref(),
        Some(ids[3].as_str())
    );
    // The id generator goes on: a seeded run does not hand out an id twice.
    let next = create(&second.address, "g9", "token-9").expect("created");
    assert!(!ids.contains(&next));
    second.kill_9();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_reset_and_a_loaded_snapshot_are_durable() {
    let dir = temp_dir("reset");
    let args = ["--state-dir", &dir_arg(&dir), "--lifecycle", "immediate"];
    let first = Emulator::start(&args);
    seed_state(&first);
    let saved = first.snapshot();
    assert_eq!(first.post("/_emulator/reset", "application/json", b"").0, 200);
    first.kill_9();
    let second = Emulator::start(&args);
    assert_eq!(second.all_groups(), Vec::new());
    let (status, body) = second.get("/_emulator/faults");
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap()["rules"],
        serde_json::json!([])
    );
    assert_eq!(
        second.post("/_emulator/snapshot", "application/x-ndjson", &saved).0,
        200
    );
    second.kill_9();
    let third = Emulator::start(&args);
    assert_eq!(
        String::from_utf8_lossy(&entries(&third.snapshot())),
        String::from_utf8_lossy(&entries(&saved)),
        "the loaded snapshot survives a kill"
    );
    third.kill_9();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn time_moves_on_while_the_emulator_is_down() {
    let dir = temp_dir("time");
    let args = [
        "--state-dir",
        &dir_arg(&dir),
        "--stage-delay-ms",
        "1500",
        "--stage-jitter-ms",
        "0",
    ];
    let first = Emulator::start(&args);
    let id = create(&first.address, "slow", "slow").expect("created");
    std::thread::sleep(Duration::from_millis(1500));
    first.kill_9();
    std::thread::sleep(Duration::from_secs(4));
    let second = Emulator::start(&args);
    let groups = second.all_groups();
    assert_eq!(
        groups.first().map(|g| (g.0.as_str(), g.1.as_str())),
        Some((id.as_str(), "Running"))
    );
    second.kill_9();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_frozen_and_advanced_clock_survives_a_kill() {
    let dir = temp_dir("clock");
    let args = [
        "--state-dir",
        &dir_arg(&dir),
        "--clock",
        "frozen",
        "--start-time",
        "2031-05-01T00:00:00Z",
        "--stage-delay-ms",
        "3600000",
        "--stage-jitter-ms",
        "0",
    ];
    let first = Emulator::start(&args);
    let id = create(&first.address, "slow", "slow").expect("created");
    let advance = br#"{"advanceSeconds": 5400}"#;
    let (status, body) = first.post("/_emulator/clock", "application/json", advance);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    first.kill_9();
    // Started again with another start time: the stored clock is later, and a clock never goes back.
    let mut again = args;
    again[5] = "2031-01-01T00:00:00Z";
    let second = Emulator::start(&again);
    let (_, clock) = second.get("/_emulator/clock");
    let clock: Value = serde_json::from_slice(&clock).expect("JSON");
    assert_eq!(
        clock,
        serde_json::json!({"now": "2031-05-01T01:30:00Z", "frozen": true})
    );
    let groups = second.all_groups();
    assert_eq!(
        groups.first().map(|g| (g.0.as_str(), g.1.as_str())),
        Some((id.as_str(), "Pending"))
    );
    second.kill_9();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_clock_frozen_at_the_machines_time_comes_back_at_the_same_instant() {
    let dir = temp_dir("clock-now");
    let args = ["--state-dir", &dir_arg(&dir), "--clock", "frozen"];
    let first = Emulator::start(&args);
    let (_, before) = first.get("/_emulator/clock");
    create(&first.address, "kept", "kept").expect("created");
    first.kill_9();
    // Past the next second of the machine's clock: a clock frozen at start would read later.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let second = Emulator::start(&args);
    let (_, after) = second.get("/_emulator/clock");
    assert_eq!(
        String::from_utf8_lossy(&after),
        String::from_utf8_lossy(&before),
        "frozen means frozen across a restart"
    );
    second.kill_9();
    let _ = std::fs::remove_dir_all(&dir);
}

/// `?…&Signature=…` for an HMAC-SHA1 (v1) GET.
fn signed_v1(secret: &str, nonce: &str) -> String {
    use base64::Engine;
    use hmac::Mac;
    let timestamp = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let timestamp = timestamp
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches('Z')
        .to_owned()
        + "Z";
    let mut params = vec![
        ("AccessKeyId", "ak-durable".to_owned()),
        ("Action", "DescribeContainerGroups".into()),
        ("Format", "JSON".into()),
        ("RegionId", "cn-hangzhou".into()),
        ("SignatureMethod", "HMAC-SHA1".into()),
        ("SignatureNonce", nonce.into()),
        ("SignatureVersion", "1.0".into()),
        ("Timestamp", timestamp),
        ("Version", "2018-08-08".into()),
    ];
    params.sort();
    let pop = encode;
    let canonical = params
        .iter()
        .map(|(k, v)| format!("{}={}", pop(k), pop(v)))
        .collect::<Vec<_>>()
        .join("&");
    let to_sign = format!("GET&%2F&{}", pop(&canonical));
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(format!("{secret}&").as_bytes()).unwrap();
    mac.update(to_sign.as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("/?{canonical}&Signature={}", pop(&signature))
}

#[test]
fn a_replayed_nonce_stays_refused_after_a_restart() {
    let dir = temp_dir("nonce");
    let args = ["--state-dir", &dir_arg(&dir), "--credentials", "ak-durable:s3cret"];
    let first = Emulator::start(&args);
    let request = signed_v1("s3cret", "nonce-kept-across-restarts");
    let (status, body) = first.get(&request);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(first.get(&request).0, 400, "a replay is refused");
    first.terminate();
    let second = Emulator::start(&args);
    let (status, body) = second.get(&request);
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("SignatureNonceUsed"));
    assert_eq!(second.get(&signed_v1("s3cret", "a-new-nonce")).0, 200);
    second.kill_9();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_snapshot_round_trips_and_bad_ones_change_nothing() {
    let source = Emulator::start(&["--lifecycle", "immediate"]);
    seed_state(&source);
    let snapshot = source.snapshot();
    let target = Emulator::start(&["--lifecycle", "immediate"]);
    create(&target.address, "replaced", "replaced").expect("created");
    let (status, body) = target.post("/_emulator/snapshot", "application/x-ndjson", &snapshot);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        String::from_utf8_lossy(&entries(&target.snapshot())),
        String::from_utf8_lossy(&entries(&snapshot))
    );

    let text = String::from_utf8_lossy(&snapshot).into_owned();
    let newer = text.replacen("\"version\":3", "\"version\":99", 1);
    assert_ne!(newer, text, "the snapshot is not of version 3");
    let cut_mid_line = &text[..text.len() * 2 / 3];
    let lines: Vec<&str> = text.lines().collect();
    let group_line = lines.iter().find(|l| l.contains("\"group\"")).expect("a group line");
    let altered = text.replacen(group_line, &group_line.replacen("nginx", "nginy", 1), 1);
    let without_end = lines[..lines.len() - 1].join("\n") + "\n";
    let cases: [(&[u8], &str); 6] = [
        (without_end.as_bytes(), "truncated"),
        (b"not a snapshot at all", "not an eci-emulator-snapshot file"),
        (newer.as_bytes(), "newer than this build reads"),
        (cut_mid_line.as_bytes(), "line"),
        (altered.as_bytes(), "damaged"),
        (&[0xff, 0xfe, 0x00, b'\n'], "not an eci-emulator-snapshot file"),
    ];
    for (body, says) in cases {
        let (status, reply) = target.post("/_emulator/snapshot", "application/x-ndjson", body);
        let reply: Value = serde_json::from_slice(&reply).unwrap();
        assert_eq!(status, 400, "{reply}");
        assert!(reply["error"].as_str().unwrap_or_default().contains(says), "{reply}");
        assert_eq!(
            entries(&target.snapshot()),
            entries(&snapshot),
            "a refused snapshot changes nothing"
        );
    }
}

#[test]
fn the_snapshot_flag_sets_the_start_and_every_reset() {
    let source = Emulator::start(&["--lifecycle", "immediate"]);
    let ids = seed_state(&source);
    let file = temp_dir("snapshot-file");
    std::fs::write(&file, source.snapshot()).unwrap();
    let started = Emulator::start(&["--lifecycle", "immediate", "--snapshot", &dir_arg(&file)]);
    let (_, reply) = started.rpc("DescribeContainerGroups", &[]);
    assert_eq!(reply["Code"], "Throttling", "the snapshot's rule fires its second time");
    let listed: Vec<String> = started.all_groups().into_iter().map(|g| g.0).collect();
    assert_eq!(listed, ids[1..].iter().rev().cloned().collect::<Vec<_>>());
    create(&started.address, "extra", "extra").expect("created");
    assert_eq!(started.post("/_emulator/reset", "application/json", b"").0, 200);
    let (_, reply) = started.rpc("DescribeContainerGroups", &[]);
    assert_eq!(
        reply["Code"], "Throttling",
        "the rule's counters are the snapshot's again"
    );
    assert_eq!(
        started.all_groups().len(),
        ids.len() - 1,
        "a reset goes back to the snapshot"
    );
    let _ = std::fs::remove_file(&file);
}

/// Starts the binary expecting it to refuse; answers its exit code and stderr.
fn refused_start(args: &[&str]) -> (Option<i32>, String) {
    let mut all = vec!["--listen", "127.0.0.1:0"];
    all.extend_from_slice(args);
    until_exit::run(&all)
}

#[test]
fn a_damaged_state_dir_stops_the_start_naming_the_directory() {
    let torn = temp_dir("torn");
    let args = ["--state-dir".to_owned(), dir_arg(&torn)];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let emulator = Emulator::start(&args);
    create(&emulator.address, "torn", "torn").expect("created");
    emulator.terminate();
    let file = torn.join("state.redb");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.truncate(bytes.len() / 3);
    bytes.extend(std::iter::repeat_n(0xA5u8, 4096));
    std::fs::write(&file, &bytes).unwrap();
    let (code, stderr) = refused_start(&args);
    assert_ne!(code, Some(0));
    assert!(stderr.contains(&dir_arg(&torn)), "{stderr}");
    assert!(stderr.contains("move the directory aside"), "{stderr}");

    let stranger = temp_dir("stranger");
    std::fs::create_dir_all(&stranger).unwrap();
    std::fs::write(stranger.join("notes.txt"), "not a store").unwrap();
    let (code, stderr) = refused_start(&["--state-dir", &dir_arg(&stranger)]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("no state.redb"), "{stderr}");

    let newer = temp_dir("newer");
    std::fs::create_dir_all(&newer).unwrap();
    {
        let db = redb::Database::create(newer.join("state.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let definition: redb::TableDefinition<&[u8], &[u8]> = redb::TableDefinition::new("state");
            let mut table = txn.open_table(definition).unwrap();
            table.insert(br#"["m","format"]"#.as_slice(), b"99".as_slice()).unwrap();
        }
        txn.commit().unwrap();
    }
    let (code, stderr) = refused_start(&["--state-dir", &dir_arg(&newer)]);
    assert_ne!(code, Some(0));
    assert!(stderr.contains("newer eci-emulator (format 99"), "{stderr}");
    for dir in [torn, stranger, newer] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// The groups a state holds, as `(id, name)`, read through the router.
fn groups_of(state: eci_emulator::AppState) -> Vec<(String, String)> {
    use tower::ServiceExt;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let request = http::Request::get(rpc_path("DescribeContainerGroups", &[("Limit", "100")]))
            .body(axum::body::Body::empty())
            .unwrap();
        let response = eci_emulator::app(state).oneshot(request).await.unwrap();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let reply: Value = serde_json::from_slice(&body).unwrap();
        let mut groups: Vec<(String, String)> = reply["ContainerGroups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| {
                (
                    g["ContainerGroupId"].as_str().unwrap().to_owned(),
                    g["ContainerGroupName"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        groups.sort();
        groups
    })
}

/// Starts on a copy of `files` (name and bytes) changed by `damage`: the groups it loaded, or the
/// message it was refused with. A panic fails the test.
fn start_damaged(files: &[(&str, Vec<u8>)], copy: &Path, what: &str) -> Result<Vec<(String, String)>, String> {
    let _ = std::fs::remove_dir_all(copy);
    std::fs::create_dir_all(copy).unwrap();
    for (name, bytes) in files {
        std::fs::write(copy.join(name), bytes).unwrap();
    }
    let options = eci_emulator::server::AppOptions {
        state_dir: Some(copy.to_owned()),
        ..Default::default()
    };
    let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| eci_emulator::AppState::new(options)));
    match opened {
        Ok(Ok(state)) => Ok(groups_of(state)),
        Ok(Err(message)) => {
            assert!(message.contains(&dir_arg(copy)), "{what}: {message}");
            Err(message)
        }
        Err(_) => panic!("{what} panicked"),
    }
}

/// A durable emulator on `dir` with three groups named `{prefix}-N`: it, and the groups as sorted
/// `(id, name)`.
fn with_three_groups(dir: &Path, prefix: &str) -> (Emulator, Vec<(String, String)>) {
    let emulator = Emulator::start(&["--state-dir", &dir_arg(dir)]);
    let mut acknowledged: Vec<(String, String)> = (0..3)
        .map(|n| {
            let name = format!("{prefix}-{n}");
            (create(&emulator.address, &name, &name).expect("created"), name)
        })
        .collect();
    acknowledged.sort();
    (emulator, acknowledged)
}

/// Bytes flipped anywhere in a store, or the store cut short anywhere, never crash the start and are
/// never served as a smaller or different state: each damaged copy either loads exactly the three
/// acknowledged groups or is refused with the state directory's message. Both a store closed
/// cleanly and one killed (whose next start repairs it) are swept.
#[test]
fn a_byte_flipped_or_cut_anywhere_in_the_store_is_refused_or_harmless() {
    for killed in [false, true] {
        let made = temp_dir(if killed { "flip-killed" } else { "flip-closed" });
        let (emulator, acknowledged) = with_three_groups(&made, "flip");
        if killed {
            drop(emulator);
        } else {
            emulator.terminate();
        }
        let original = std::fs::read(made.join("state.redb")).unwrap();
        let commit = std::fs::read(made.join("state.commit")).unwrap();
        let copy = temp_dir("flip-copy");
        let (mut loaded, mut refused) = (0, 0);
        let mut tally = |what: String, outcome: Result<Vec<(String, String)>, String>| match outcome {
            Ok(groups) => {
                assert_eq!(groups, acknowledged, "{what} (killed: {killed}) loaded another state");
                loaded += 1;
            }
            Err(_) => refused += 1,
        };
        let offsets = (0..original.len()).step_by((original.len() / 96).max(1));
        for offset in offsets.chain([original.len() - 1]) {
            let mut damaged = original.clone();
            damaged[offset] ^= 0xFF;
            let files = [("state.redb", damaged), ("state.commit", commit.clone())];
            tally(
                format!("a flip at {offset}"),
                start_damaged(&files, &copy, &format!("a flip at {offset}")),
            );
        }
        // A digit changed inside a stored name still decodes: only the entry's checksum tells.
        let names = original
            .windows(6)
            .enumerate()
            .filter(|(_, w)| *w == b"flip-1")
            .map(|(at, _)| at + 5);
        for at in names.collect::<Vec<_>>() {
            let mut damaged = original.clone();
            damaged[at] = b'7';
            let files = [("state.redb", damaged), ("state.commit", commit.clone())];
            tally(
                format!("a digit at {at}"),
                start_damaged(&files, &copy, &format!("a digit at {at}")),
            );
        }
        for length in (0..original.len()).step_by((original.len() / 24).max(1)).skip(1) {
            let files = [
                ("state.redb", original[..length].to_vec()),
                ("state.commit", commit.clone()),
            ];
            tally(
                format!("a cut at {length}"),
                start_damaged(&files, &copy, &format!("a cut at {length}")),
            );
        }
        assert!(
            refused > 0 && loaded > 0,
            "killed: {killed}: {loaded} loaded, {refused} refused"
        );
        for dir in [made, copy] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// A store of format 1 (values without checksums) loads as it was and is sealed on the way; with
/// `--accept-state-loss`, a damaged store loads what verifies, leaving out the entry that does not.
#[test]
fn an_older_store_is_sealed_and_a_damaged_one_salvaged_on_request() {
    let made = temp_dir("format-1");
    let (emulator, acknowledged) = with_three_groups(&made, "old");
    emulator.terminate();
    let definition: redb::TableDefinition<&[u8], &[u8]> = redb::TableDefinition::new("state");
    {
        let db = redb::Database::create(made.join("state.redb")).unwrap();
        let txn = db.begin_write().unwrap();
        {
            let mut table = txn.open_table(definition).unwrap();
            let entries: Vec<(Vec<u8>, Vec<u8>)> = redb::ReadableTable::iter(&table)
                .unwrap()
                .map(|e| e.unwrap())
                .map(|(k, v)| (k.value().to_vec(), v.value().to_vec()))
                .collect();
            for (key, value) in entries {
                let unsealed = if key == br#"["m","format"]"# {
                    b"1".to_vec()
                } else {
                    value[4..].to_vec()
                };
                table.insert(key.as_slice(), unsealed.as_slice()).unwrap();
            }
        }
        txn.commit().unwrap();
    }
    std::fs::remove_file(made.join("state.commit")).unwrap();
    let options = |salvage| eci_emulator::server::AppOptions {
        state_dir: Some(made.clone()),
        salvage: eci_emulator::durable::Salvage { accept_loss: salvage },
        ..Default::default()
    };
    assert_eq!(
        groups_of(eci_emulator::AppState::new(options(false)).unwrap()),
        acknowledged
    );
    let stored = std::fs::read(made.join("state.redb")).unwrap();
    // Every copy of the name, the live one among them (older pages may hold more).
    let mut damaged = stored.clone();
    let names: Vec<usize> = stored
        .windows(5)
        .enumerate()
        .filter(|(_, w)| *w == b"old-1")
        .map(|(at, _)| at + 4)
        .collect();
    assert!(!names.is_empty(), "no stored name");
    for at in names {
        damaged[at] = b'7';
    }
    std::fs::write(made.join("state.redb"), &damaged).unwrap();
    let refused = eci_emulator::AppState::new(options(false)).map(drop).unwrap_err();
    assert!(
        refused.contains("does not match its checksum"),
        "the sealed store was not checked: {refused}"
    );
    assert!(refused.contains("--accept-state-loss"), "{refused}");
    let salvaged = groups_of(eci_emulator::AppState::new(options(true)).unwrap());
    let others: Vec<_> = acknowledged.iter().filter(|(_, n)| n != "old-1").cloned().collect();
    assert_eq!(salvaged, others);
    assert_eq!(
        groups_of(eci_emulator::AppState::new(options(false)).unwrap()),
        others,
        "the salvage is kept"
    );
    let _ = std::fs::remove_dir_all(made);
}

/// A state directory on a filesystem that fills up: the create that cannot be written is answered
/// `ServiceUnavailable` with the reason and leaves no trace; once space returns, the emulator writes
/// again without a restart. Runs in a user and mount namespace of its own, with a 2 MiB tmpfs; where
/// the machine allows no such namespace, it says so and passes.
#[test]
fn a_full_disk_fails_the_call_leaves_no_trace_and_recovers() {
    if !Command::new("unshare")
        .args(["-rm", "true"])
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: no user and mount namespace here (unshare -rm)");
        return;
    }
    let mount = temp_dir("full-disk");
    std::fs::create_dir_all(&mount).unwrap();
    let mut command = Command::new("unshare");
    command.args([
        "-rm",
        "sh",
        "-c",
        r#"mount -t tmpfs -o size=2m tmpfs "$0" && head -c 1600k /dev/zero > "$0/filler" && exec "$1" --listen 127.0.0.1:0 --log-format text --state-dir "$0/state""#,
        &dir_arg(&mount),
        BINARY,
    ]);
    let emulator = Emulator::start_command(command);
    let filler = PathBuf::from(format!("/proc/{}/root{}/filler", emulator.child.id(), dir_arg(&mount)));
    let mut acknowledged = Vec::new();
    let failure = (0..5000)
        .find_map(|n| {
            let (status, reply) = emulator.rpc(
                "CreateContainerGroup",
                &[
                    ("ContainerGroupName", &format!("full-{n}")),
                    ("Container.1.Name", "app"),
                    ("Container.1.Image", "nginx"),
                    ("Cpu", "0.25"),
                    ("Memory", "0.5"),
                ],
            );
            match status {
                200 => {
                    acknowledged.push(reply["ContainerGroupId"].as_str().unwrap().to_owned());
                    None
                }
                _ => Some((status, reply, format!("full-{n}"))),
            }
        })
        .expect("the filesystem filled up");
    let (status, reply, failed_name) = failure;
    assert_eq!(
        (status, reply["Code"].as_str()),
        (503, Some("ServiceUnavailable")),
        "{reply}"
    );
    let message = reply["Message"].as_str().unwrap_or_default();
    assert!(
        message.contains("No space left on device"),
        "the reason is not given: {message}"
    );
    let (health, body) = emulator.get("/_emulator/health");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(health, 503, "health stays ok while nothing can be written: {body}");
    assert!(
        body.contains("unhealthy") && body.contains("No space left on device"),
        "{body}"
    );
    let (again, reply) = emulator.rpc(
        "CreateContainerGroup",
        &[
            ("ContainerGroupName", "again"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
        ],
    );
    assert_eq!(again, 503, "{reply}");
    // Each call's failure comes in its own format and its product's envelope.
    let (status, xml) = emulator.get(&rpc_path(
        "CreateContainerGroup",
        &[
            ("Format", "XML"),
            ("ContainerGroupName", "again-xml"),
            ("Container.1.Name", "app"),
            ("Container.1.Image", "nginx"),
        ],
    ));
    let xml = String::from_utf8_lossy(&xml);
    assert_eq!(status, 503, "{xml}");
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<Code>ServiceUnavailable</Code>")
            && xml.contains("<HostId>eci.aliyuncs.com</HostId>"),
        "{xml}"
    );
    let (status, vpc) = call_as(&emulator, VPC, "full-disk", "AllocateEipAddress", &[]);
    assert_eq!(
        (status, vpc["Code"].as_str(), vpc["HostId"].as_str()),
        (503, Some("ServiceUnavailable"), Some("vpc.aliyuncs.com")),
        "{vpc}"
    );
    let (read, reply) = emulator.rpc("DescribeContainerGroups", &[("Limit", "5")]);
    assert_eq!(read, 200, "a read needs no disk: {reply}");
    std::fs::remove_file(&filler).expect("the filler is removed through the emulator's mount namespace");
    let deadline = Instant::now() + PATIENCE;
    let written = loop {
        let (status, reply) = emulator.rpc(
            "CreateContainerGroup",
            &[
                ("ContainerGroupName", "after"),
                ("Container.1.Name", "app"),
                ("Container.1.Image", "nginx"),
            ],
        );
        if status == 200 {
            break reply["ContainerGroupId"].as_str().unwrap().to_owned();
        }
        assert!(
            Instant::now() < deadline,
            "no create was written after space returned: {reply}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let (status, _) = emulator.get("/_emulator/health");
    assert_eq!(status, 200, "healthy again once written");
    let listed: Vec<String> = emulator.all_groups().into_iter().map(|(id, _, _)| id).collect();
    acknowledged.push(written);
    let mut expected = acknowledged.clone();
    expected.sort();
    let mut seen = listed.clone();
    seen.sort();
    assert_eq!(
        seen, expected,
        "listed groups are exactly the acknowledged ones (the failed {failed_name} is gone)"
    );
    emulator.kill_9();
    let _ = std::fs::remove_dir_all(mount);
}

/// `kill -9` at any moment of `POST /_emulator/snapshot` leaves the old state or the new one, never
/// an empty or a partial one: the store is replaced in one commit.
#[test]
fn a_snapshot_import_killed_midway_leaves_the_old_state_or_the_new() {
    let source = Emulator::start(&["--lifecycle", "immediate"]);
    let new_state: Vec<String> = (0..1500)
        .map(|n| create(&source.address, &format!("new-{n}"), &format!("new-{n}")).expect("created"))
        .collect();
    let snapshot = source.snapshot();
    drop(source);
    let durable_args = |dir: &Path| {
        [
            "--state-dir".to_owned(),
            dir_arg(dir),
            "--lifecycle".into(),
            "immediate".into(),
        ]
    };
    let old = temp_dir("import-old");
    let old_args = durable_args(&old);
    let emulator = Emulator::start(&old_args.iter().map(String::as_str).collect::<Vec<_>>());
    let old_state: Vec<String> = (0..3)
        .map(|n| create(&emulator.address, &format!("old-{n}"), &format!("old-{n}")).expect("created"))
        .collect();
    emulator.terminate();
    let sorted = |mut ids: Vec<String>| {
        ids.sort();
        ids
    };
    let ids = |emulator: &Emulator| sorted(emulator.all_groups().into_iter().map(|(id, _, _)| id).collect());
    let (old_state, new_state) = (sorted(old_state), sorted(new_state));
    let copy = temp_dir("import-copy");
    let args = durable_args(&copy);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let started = Instant::now();
    let (mut olds, mut news) = (0, 0);
    let mut whole = Duration::ZERO;
    for round in 0..10u32 {
        let _ = std::fs::remove_dir_all(&copy);
        std::fs::create_dir_all(&copy).unwrap();
        for file in ["state.redb", "state.commit"] {
            std::fs::copy(old.join(file), copy.join(file)).unwrap();
        }
        let emulator = Emulator::start(&args);
        let address = emulator.address.clone();
        let body = snapshot.clone();
        let sent = Instant::now();
        let sender = std::thread::spawn(move || {
            http(
                &address,
                "POST",
                "/_emulator/snapshot",
                Some(("application/x-ndjson", &body)),
            )
        });
        if round == 0 {
            // The first import runs whole, to time it; the others are killed across that time.
            let (status, _) = sender.join().unwrap().expect("imported");
            assert_eq!(status, 200);
            whole = sent.elapsed();
        } else {
            std::thread::sleep(whole * (round - 1) / 7);
        }
        emulator.kill_9();
        let restarted = Emulator::start(&args);
        let after = ids(&restarted);
        if after == old_state {
            olds += 1;
        } else if after == new_state {
            news += 1;
        } else {
            panic!(
                "round {round}: {} groups after the kill, neither the old 3 nor the new 1500",
                after.len()
            );
        }
        restarted.kill_9();
    }
    eprintln!(
        "import kills: {olds} old, {news} new, an import takes {whole:?}, all in {:?}",
        started.elapsed()
    );
    assert!(news > 0, "no import reached the disk");
    for dir in [old, copy] {
        let _ = std::fs::remove_dir_all(dir);
    }
}

/// A call of any product as the account of access key `key`.
fn call_as(emulator: &Emulator, version: &str, key: &str, action: &str, params: &[(&str, &str)]) -> (u16, Value) {
    let mut path = format!("/?Action={action}&Version={version}&AccessKeyId={key}&RegionId=cn-hangzhou");
    for (name, value) in params {
        path.push_str(&format!("&{name}={}", encode(value)));
    }
    let (status, body) = emulator.get(&path);
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

const ECS: &str = "2014-05-26";
const VPC: &str = "2016-04-28";

/// What the older state in `tests/data/older/` holds, read through the API.
fn assert_older_state(emulator: &Emulator) {
    let key = "older-account";
    let (_, vpcs) = call_as(emulator, VPC, key, "DescribeVpcs", &[("VpcName", "older-vpc")]);
    let vpc_id = vpcs["Vpcs"]["Vpc"][0]["VpcId"].as_str().unwrap_or_default().to_owned();
    assert!(vpc_id.starts_with("vpc-"), "{vpcs}");
    let (_, groups) = call_as(emulator, ECS, key, "DescribeSecurityGroups", &[("VpcId", &vpc_id)]);
    let group_id = groups["SecurityGroups"]["SecurityGroup"][0]["SecurityGroupId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (_, rules) = call_as(
        emulator,
        ECS,
        key,
        "DescribeSecurityGroupAttribute",
        &[("SecurityGroupId", &group_id)],
    );
    assert_eq!(rules["Permissions"]["Permission"][0]["PortRange"], "22/22", "{rules}");
    let (_, eips) = call_as(emulator, VPC, key, "DescribeEipAddresses", &[]);
    let eip = eips["EipAddresses"]["EipAddress"]
        .as_array()
        .and_then(|all| all.iter().find(|e| e["Name"] == "older-eip"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(eip["Status"], "InUse", "{eips}");
    let (_, listed) = call_as(emulator, "2018-08-08", key, "DescribeContainerGroups", &[]);
    assert_eq!(listed["ContainerGroups"][0]["InternetIp"], eip["IpAddress"], "{listed}");
}

/// A state directory of format 2 (each region's network one whole value), made by the build before
/// networks were stored by record, opens with everything in it; it is written again record by record,
/// and a network change made after that survives a kill -9 (a store holding both forms would refuse
/// to open).
#[test]
fn a_store_of_the_format_before_opens_and_is_stored_by_record() {
    let dir = temp_dir("older-store");
    std::fs::create_dir_all(&dir).unwrap();
    let older = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/older/state-v2");
    for file in ["state.redb", "state.commit"] {
        std::fs::copy(older.join(file), dir.join(file)).unwrap();
    }
    let emulator = Emulator::start(&["--state-dir", &dir_arg(&dir)]);
    assert_older_state(&emulator);
    let (status, made) = call_as(
        &emulator,
        VPC,
        "older-account",
        "AllocateEipAddress",
        &[("Name", "after")],
    );
    assert_eq!(status, 200, "{made}");
    emulator.kill_9();
    let emulator = Emulator::start(&["--state-dir", &dir_arg(&dir)]);
    assert_older_state(&emulator);
    let (_, eips) = call_as(&emulator, VPC, "older-account", "DescribeEipAddresses", &[]);
    assert!(
        eips.to_string().contains(made["AllocationId"].as_str().unwrap_or("?")),
        "{eips}"
    );
    emulator.terminate();
    let _ = std::fs::remove_dir_all(&dir);
}

/// Bytes committed to the state directory so far, from `/metrics`.
fn written_bytes(emulator: &Emulator) -> u64 {
    let (_, text) = emulator.get("/metrics");
    String::from_utf8_lossy(&text)
        .lines()
        .find_map(|line| line.strip_prefix("eci_state_written_bytes_total "))
        .and_then(|n| n.trim().parse().ok())
        .expect("the metric is there")
}

/// A durable network change writes the records it changes, not the region's network: beside 40
/// security groups of 199 rules each (about 2 MB of records), another account's EIP, one more rule
/// in one group and a dry-run create each write a few kilobytes at most.
#[test]
fn a_network_change_writes_what_it_changes_not_the_region() {
    let dir = temp_dir("network-records");
    let emulator = Emulator::start(&["--state-dir", &dir_arg(&dir)]);
    let mut groups = Vec::new();
    for _ in 0..40 {
        let (status, made) = call_as(&emulator, ECS, "wide-owner", "CreateSecurityGroup", &[]);
        assert_eq!(status, 200, "{made}");
        let group = made["SecurityGroupId"].as_str().unwrap_or_default().to_owned();
        for (first, count) in [(0, 100), (100, 99)] {
            let terms: Vec<(String, String)> = (1..=count)
                .flat_map(|i| {
                    let port = first + i;
                    [
                        (format!("Permissions.{i}.IpProtocol"), "tcp".to_owned()),
                        (format!("Permissions.{i}.PortRange"), format!("{port}/{port}")),
                        (format!("Permissions.{i}.SourceCidrIp"), format!("10.0.{port}.0/24")),
                    ]
                })
                .collect();
            let mut params: Vec<(&str, &str)> = terms.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            params.push(("SecurityGroupId", &group));
            let (status, answer) = call_as(&emulator, ECS, "wide-owner", "AuthorizeSecurityGroup", &params);
            assert_eq!(status, 200, "{answer}");
        }
        groups.push(group);
    }
    let before = written_bytes(&emulator);
    let (status, made) = call_as(&emulator, VPC, "visitor", "AllocateEipAddress", &[]);
    assert_eq!(status, 200, "{made}");
    let eip = written_bytes(&emulator) - before;
    let before = written_bytes(&emulator);
    let one_rule = [
        ("SecurityGroupId", groups[0].as_str()),
        ("IpProtocol", "udp"),
        ("PortRange", "53/53"),
        ("SourceCidrIp", "10.9.0.0/16"),
    ];
    let (status, answer) = call_as(&emulator, ECS, "wide-owner", "AuthorizeSecurityGroup", &one_rule);
    assert_eq!(status, 200, "{answer}");
    let rule = written_bytes(&emulator) - before;
    let before = written_bytes(&emulator);
    let dry = [
        ("ContainerGroupName", "dry"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
        ("DryRun", "true"),
    ];
    let (_, answer) = call_as(&emulator, "2018-08-08", "visitor", "CreateContainerGroup", &dry);
    assert_eq!(answer["Code"], "DryRunOperation", "{answer}");
    let dry_run = written_bytes(&emulator) - before;
    assert!(eip < 4_096, "an EIP wrote {eip} bytes");
    assert!(
        rule < 100_000,
        "a rule wrote {rule} bytes (its group is about 50 kB, the region 2 MB)"
    );
    assert!(dry_run < 1_024, "a dry run wrote {dry_run} bytes");
    emulator.kill_9();
    let emulator = Emulator::start(&["--state-dir", &dir_arg(&dir)]);
    let (_, rules) = call_as(
        &emulator,
        ECS,
        "wide-owner",
        "DescribeSecurityGroupAttribute",
        &[("SecurityGroupId", &groups[0])],
    );
    assert_eq!(
        rules["Permissions"]["Permission"].as_array().map(Vec::len),
        Some(200),
        "the rule added last survived the kill"
    );
    emulator.terminate();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_declared_capacity_and_market_and_the_room_groups_hold_survive_a_kill() {
    let dir = temp_dir("world");
    let args = [
        "--state-dir",
        &dir_arg(&dir),
        "--clock",
        "frozen",
        "--lifecycle",
        "immediate",
    ];
    let first = Emulator::start(&args);
    let capacity =
        br#"{"capacity": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4", "groups": 1}]}"#;
    let (status, body) = first.put("/_emulator/capacity", capacity);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let market = br#"{"series": [{"regionId": "cn-hangzhou", "zoneId": "cn-hangzhou-b", "spec": "2-4", "prices": [{"at": 0, "price": 0.04}]}], "walk": {"seed": 9}}"#;
    let (status, body) = first.put("/_emulator/spot-market", market);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let (_, declared) = first.get("/_emulator/spot-market");
    let in_zone_b = [
        ("ContainerGroupName", "world"),
        ("ZoneId", "cn-hangzhou-b"),
        ("Container.1.Name", "app"),
        ("Container.1.Image", "nginx"),
    ];
    let (status, created) = first.rpc("CreateContainerGroup", &in_zone_b);
    assert_eq!(status, 200, "{created}");
    first.kill_9();

    let second = Emulator::start(&args);
    let (_, after) = second.get("/_emulator/capacity");
    let after: Value = serde_json::from_slice(&after).expect("JSON");
    assert_eq!(
        after["slots"][0]["inUse"], 1,
        "the loaded group holds its room: {after}"
    );
    assert_eq!(
        second.get("/_emulator/spot-market").1,
        declared,
        "the market as declared, its moments as times"
    );
    let (status, refused) = second.rpc("CreateContainerGroup", &in_zone_b);
    assert_eq!(
        (status, refused["Code"].as_str()),
        (403, Some("OperationDenied.NoStock"))
    );
    second.kill_9();
    let _ = std::fs::remove_dir_all(&dir);
}
