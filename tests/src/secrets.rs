//! The stack's own secrets (the CA's key-encryption key, the operator's and NATS users'
//! passwords): made once per stack directory, so a restarted stack keeps them.

use base64::Engine;
use rand::Rng;
use std::path::Path;

pub(crate) fn random_secret(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

pub(crate) fn read_or_create_secret(
    path: &Path,
    make: impl FnOnce() -> String,
) -> anyhow::Result<String> {
    if let Ok(s) = std::fs::read_to_string(path) {
        return Ok(s.trim().to_owned());
    }
    let s = make();
    std::fs::write(path, &s)?;
    Ok(s)
}
