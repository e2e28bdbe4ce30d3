//! Password policy and hashing. The device certificate is shared by everyone using a PC, so the
//! personal password is what makes the second factor personal: length over composition rules
//! (NIST SP 800-63B), a blocklist of common passwords, argon2id with OWASP's parameters.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weakness {
    TooShort,
    TooLong,
    Common,
    Reused,
}

impl fmt::Display for Weakness {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Weakness::TooShort => "too short",
            Weakness::TooLong => "too long",
            Weakness::Common => "common",
            Weakness::Reused => "reused",
        })
    }
}

const BLOCKLIST: &str = include_str!("common-passwords.txt");

pub fn check_policy(password: &str, login_id: &str) -> Result<(), Weakness> {
    let len = password.chars().count();
    if len < MIN_LENGTH {
        return Err(Weakness::TooShort);
    }
    if len > MAX_LENGTH {
        return Err(Weakness::TooLong);
    }
    let lower = password.to_lowercase();
    let one_char_repeated = lower.chars().all(|c| lower.starts_with(c));
    if one_char_repeated
        || (!login_id.is_empty() && lower.contains(&login_id.to_lowercase()))
        || BLOCKLIST
            .lines()
            .any(|common| !common.is_empty() && lower.contains(common))
    {
        return Err(Weakness::Common);
    }
    Ok(())
}

fn argon2() -> Argon2<'static> {
    // OWASP: argon2id, m=19 MiB, t=2, p=1.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str, salt: &[u8; 16]) -> Result<String, String> {
    argon2()
        .hash_password_with_salt(password.as_bytes(), salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Constant-time verification (inside argon2's comparison).
#[must_use]
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A hash verified when the login ID does not exist, so both paths cost the same time.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$7yNd0s8f1vRz1l3qXgqQ9pO0d0b8m3dJ6q6n4Z0gY2g";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_prefers_length_and_blocks_common_words() {
        assert_eq!(check_policy("short", "nurse1"), Err(Weakness::TooShort));
        assert_eq!(
            check_policy("password1234", "nurse1"),
            Err(Weakness::Common)
        );
        assert_eq!(
            check_policy("aaaaaaaaaaaaaaa", "nurse1"),
            Err(Weakness::Common)
        );
        assert_eq!(
            check_policy("nurse1-is-my-name", "nurse1"),
            Err(Weakness::Common)
        );
        assert_eq!(check_policy("ほうもんかんごの朝は早い", "nurse1"), Ok(()));
        assert_eq!(check_policy("correct horse battery", "nurse1"), Ok(()));
        assert_eq!(
            check_policy("correct horse battery", ""),
            Ok(()),
            "no login ID is not a match"
        );
    }

    #[test]
    fn hash_verifies_only_the_same_password() {
        let h = hash("correct horse battery", &[7; 16]).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterY", &h));
        assert!(!verify("anything", "not a hash"));
    }
}
