//! Checksums over stored entries: each value is kept with the CRC-32 of its key and itself, so a
//! changed byte anywhere in an entry is told from what was written, on disk and in snapshot files.

const CRC_BYTES: usize = 4;

/// The checksum of one entry, key and value.
pub fn checksum(key: &[u8], value: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(key);
    hasher.update(&[0]);
    hasher.update(value);
    hasher.finalize()
}

/// The value as stored: its entry's checksum first.
pub fn seal(key: &[u8], value: &[u8]) -> Vec<u8> {
    let mut sealed = Vec::with_capacity(CRC_BYTES + value.len());
    sealed.extend_from_slice(&checksum(key, value).to_le_bytes());
    sealed.extend_from_slice(value);
    sealed
}

/// The value a stored one holds, if it matches its checksum.
pub fn unseal<'a>(key: &[u8], stored: &'a [u8]) -> Option<&'a [u8]> {
    let (crc, value) = stored.split_at_checked(CRC_BYTES)?;
    let crc = u32::from_le_bytes(crc.try_into().ok()?);
    (checksum(key, value) == crc).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_byte_anywhere_does_not_unseal() {
        let (key, value) = (b"[\"r\",\"a\"]".as_slice(), b"{\"name\":\"web-1\"}".as_slice());
        let sealed = seal(key, value);
        assert_eq!(unseal(key, &sealed), Some(value));
        for at in 0..sealed.len() {
            let mut changed = sealed.clone();
            changed[at] ^= 0x04;
            assert_eq!(unseal(key, &changed), None, "a flip at {at} went unseen");
        }
        assert_eq!(unseal(b"[\"r\",\"b\"]", &sealed), None, "a value under another key");
        assert_eq!(unseal(key, &sealed[..3]), None);
    }
}
