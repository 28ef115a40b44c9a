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
        let mut child = Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0", "--log-format", "text"])
            .args(args)
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
    let newer = text.replacen("\"version\":1", "\"version\":99", 1);
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
    assert!(stderr.contains("move it aside"), "{stderr}");

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

/// Bytes flipped anywhere in a store never crash the start: each damaged copy either loads or is
/// refused with the state directory's message.
#[test]
fn a_byte_flipped_anywhere_in_the_store_is_an_error_never_a_panic() {
    let made = temp_dir("flip-source");
    let args = ["--state-dir".to_owned(), dir_arg(&made)];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let emulator = Emulator::start(&args);
    for n in 0..3 {
        create(&emulator.address, &format!("flip-{n}"), &format!("flip-{n}")).expect("created");
    }
    emulator.terminate();
    let original = std::fs::read(made.join("state.redb")).unwrap();
    let copy = temp_dir("flip-copy");
    let offsets = (0..original.len()).step_by((original.len() / 96).max(1));
    let (mut loaded, mut refused) = (0, 0);
    for offset in offsets.chain([original.len() - 1]) {
        let mut damaged = original.clone();
        damaged[offset] ^= 0xFF;
        let _ = std::fs::remove_dir_all(&copy);
        std::fs::create_dir_all(&copy).unwrap();
        std::fs::write(copy.join("state.redb"), &damaged).unwrap();
        let options = eci_emulator::server::AppOptions {
            state_dir: Some(copy.clone()),
            ..Default::default()
        };
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            eci_emulator::AppState::new(options).map(drop)
        }));
        match opened {
            Ok(Ok(())) => loaded += 1,
            Ok(Err(message)) => {
                assert!(message.contains(&dir_arg(&copy)), "offset {offset}: {message}");
                refused += 1;
            }
            Err(_) => panic!("a byte flipped at offset {offset} of {} panicked", original.len()),
        }
    }
    assert!(refused > 0, "no flip was detected ({loaded} loaded)");
    for dir in [made, copy] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
