//! The preprocessed network as bytes, so that a restart does not redo preprocessing.
//!
//! Layout: magic (8 bytes, with the format version) | key (32) | body length (u64 LE) |
//! CRC-32 of the body (u32 LE) | body (postcard). The key is the SHA-256 of the format version,
//! the profile and the OSM input; a different key means *stale*, a bad length or checksum means
//! *corrupt*. Reading and writing files is the caller's business.

use sha2::{Digest, Sha256};

use crate::error::CacheError;
use crate::profile::CarProfile;

const MAGIC: &[u8; 8] = b"VXRNET\x00\x06";
const HEADER: usize = 8 + 32 + 8 + 4;

/// Identifies the input and profile a network was built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CacheKey(pub [u8; 32]);

impl CacheKey {
    /// The key of a network built from `osm` with `profile`.
    pub fn new(osm: &[u8], profile: &CarProfile) -> CacheKey {
        let mut h = Sha256::new();
        h.update(MAGIC);
        h.update(postcard::to_stdvec(profile).expect("serializing to memory cannot fail"));
        h.update(osm);
        CacheKey(h.finalize().into())
    }

    /// Lower-case hex, for file names.
    pub fn hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Frames a serialized body with the header.
pub(crate) fn frame(key: &CacheKey, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&key.0);
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Checks the header and returns the body.
pub(crate) fn unframe<'a>(bytes: &'a [u8], key: &CacheKey) -> Result<&'a [u8], CacheError> {
    if bytes.len() < 8 || &bytes[..8] != MAGIC {
        return Err(CacheError::NotACache);
    }
    if bytes.len() < HEADER {
        return Err(CacheError::Corrupt("truncated header".into()));
    }
    if bytes[8..40] != key.0 {
        return Err(CacheError::Stale);
    }
    let len = u64::from_le_bytes(bytes[40..48].try_into().expect("8 bytes")) as usize;
    let crc = u32::from_le_bytes(bytes[48..52].try_into().expect("4 bytes"));
    let body = &bytes[HEADER..];
    if body.len() != len {
        return Err(CacheError::Corrupt(format!(
            "body is {} bytes, header says {len}",
            body.len()
        )));
    }
    if crc32fast::hash(body) != crc {
        return Err(CacheError::Corrupt("checksum mismatch".into()));
    }
    Ok(body)
}
