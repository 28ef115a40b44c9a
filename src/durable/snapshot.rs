//! The snapshot file: the whole state as one versioned text file, written as a stream and read back
//! all or nothing.
//!
//! Format (version 3), one JSON document per line:
//! - a header: `{"format":"eci-emulator-snapshot","version":3,"emulator":"0.1.0"}`;
//! - one line per stored entry: `[key, value, crc]`, the key a JSON array naming what the value is,
//!   the CRC-32 of key and value (`seal::checksum`) telling a damaged line by itself (version 1
//!   lines are `[key, value]`); from version 3 on, each region's network is one entry per record
//!   (`["n", region, kind, id]`), where older versions have one whole value (`["g", "network", region]`);
//! - an end line: `{"end":{"entries":N,"sha256":"…"}}`, the digest of every entry line with its
//!   newline, so a truncated or altered file is told from a whole one.
//!
//! Compatibility: a build reads snapshots of its own format version and every older one; a file of
//! a newer version is refused, never guessed at. The version changes whenever an entry's meaning does.

use super::export::{Entry, Export};
use super::image::{Image, Parts};
use crate::ops::EciState;
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const FORMAT_NAME: &str = "eci-emulator-snapshot";
pub const FORMAT_VERSION: u32 = 3;

#[derive(Deserialize)]
struct Header {
    format: String,
    version: u32,
}

#[derive(Deserialize)]
struct End {
    end: Totals,
}

#[derive(Deserialize)]
struct Totals {
    entries: usize,
    sha256: String,
}

/// The snapshot of the running state as chunks of text, produced as they are asked for.
pub struct SnapshotStream {
    export: Export,
    digest: Sha256,
    entries: usize,
    stage: Stage,
}

#[derive(PartialEq, Eq)]
enum Stage {
    Header,
    Entries,
    Done,
}

impl SnapshotStream {
    pub fn new(eci: &Arc<EciState>, parts: Parts<'_>) -> Self {
        SnapshotStream {
            export: Export::new(eci, parts),
            digest: Sha256::new(),
            entries: 0,
            stage: Stage::Header,
        }
    }

    fn lines(&mut self, chunk: Vec<Entry>) -> Vec<u8> {
        let mut out = Vec::with_capacity(chunk.iter().map(|(k, v)| k.len() + v.len() + 4).sum());
        for (key, value) in chunk {
            let start = out.len();
            out.push(b'[');
            out.extend_from_slice(&key);
            out.push(b',');
            out.extend_from_slice(&value);
            out.push(b',');
            out.extend_from_slice(super::seal::checksum(&key, &value).to_string().as_bytes());
            out.extend_from_slice(b"]\n");
            self.digest.update(&out[start..]);
            self.entries += 1;
        }
        out
    }
}

impl Iterator for SnapshotStream {
    type Item = Vec<u8>;

    fn next(&mut self) -> Option<Vec<u8>> {
        match self.stage {
            Stage::Header => {
                self.stage = Stage::Entries;
                let header = serde_json::json!({
                    "format": FORMAT_NAME,
                    "version": FORMAT_VERSION,
                    "emulator": env!("CARGO_PKG_VERSION"),
                });
                Some(format!("{header}\n").into_bytes())
            }
            Stage::Entries => match self.export.next() {
                Some(chunk) => Some(self.lines(chunk)),
                None => {
                    self.stage = Stage::Done;
                    let digest = hex::encode(std::mem::take(&mut self.digest).finalize());
                    let end = serde_json::json!({"end": {"entries": self.entries, "sha256": digest}});
                    Some(format!("{end}\n").into_bytes())
                }
            },
            Stage::Done => None,
        }
    }
}

/// Reads a whole snapshot; the message says what is wrong with it, and where.
pub fn read(bytes: &[u8]) -> Result<Image, String> {
    let mut lines = bytes.split(|b| *b == b'\n').enumerate();
    let header = lines.next().map(|(_, line)| line).unwrap_or_default();
    let version = check_header(header)?;
    let mut image = Image::default();
    let mut digest = Sha256::new();
    let mut entries = 0usize;
    for (index, line) in lines {
        let number = index + 1;
        if line.starts_with(b"{\"end\"") {
            check_end(line, entries, &hex::encode(digest.finalize()))?;
            return match bytes.split(|b| *b == b'\n').skip(number).any(|rest| !rest.is_empty()) {
                true => Err(format!("line {}: something follows the end line", number + 1)),
                false => image
                    .check()
                    .map(|()| image)
                    .map_err(|e| format!("the snapshot is inconsistent: {e}")),
            };
        }
        if line.is_empty() {
            continue;
        }
        let (key, value) = entry(line, version).map_err(|e| format!("line {number}: {e}"))?;
        image
            .load_entry(key.get().as_bytes(), value.get().as_bytes())
            .map_err(|e| format!("line {number}: {e}"))?;
        digest.update(line);
        digest.update(b"\n");
        entries += 1;
    }
    Err(format!(
        "the snapshot is truncated: it ends after {entries} entries without its end line"
    ))
}

/// One entry line's key and value, its checksum checked (from version 2 on).
fn entry(line: &[u8], version: u32) -> Result<(Box<RawValue>, Box<RawValue>), String> {
    let not_one = |e: &dyn std::fmt::Display| format!("not an entry ({e})");
    let mut parts: std::vec::IntoIter<Box<RawValue>> = serde_json::from_slice::<Vec<Box<RawValue>>>(line)
        .map_err(|e| not_one(&e))?
        .into_iter();
    let (Some(key), Some(value)) = (parts.next(), parts.next()) else {
        return Err(not_one(&"it needs a key and a value"));
    };
    match (parts.next(), parts.next(), version) {
        (None, None, 1) => Ok((key, value)),
        (Some(crc), None, _) => {
            let expected = super::seal::checksum(key.get().as_bytes(), value.get().as_bytes());
            match crc.get().parse::<u32>() {
                Ok(crc) if crc == expected => Ok((key, value)),
                _ => Err("the entry does not match its checksum: the snapshot is damaged".into()),
            }
        }
        _ => Err(not_one(&format!("a version {version} entry is [key, value, checksum]"))),
    }
}

fn check_header(line: &[u8]) -> Result<u32, String> {
    let not_one = || format!("not an {FORMAT_NAME} file: the first line must be its header");
    let header: Header = serde_json::from_slice(line).map_err(|_| not_one())?;
    if header.format != FORMAT_NAME {
        return Err(not_one());
    }
    if header.version > FORMAT_VERSION {
        return Err(format!(
            "the snapshot is of format version {}, newer than this build reads ({FORMAT_VERSION}); load it with a newer eci-emulator",
            header.version
        ));
    }
    Ok(header.version)
}

fn check_end(line: &[u8], entries: usize, digest: &str) -> Result<(), String> {
    let end: End = serde_json::from_slice(line).map_err(|e| format!("the end line cannot be read: {e}"))?;
    if end.end.entries != entries {
        return Err(format!(
            "the snapshot is damaged: its end line counts {} entries, the file has {entries}",
            end.end.entries
        ));
    }
    if !end.end.sha256.eq_ignore_ascii_case(digest) {
        return Err("the snapshot is damaged: its entries do not match the digest on its end line".into());
    }
    Ok(())
}
