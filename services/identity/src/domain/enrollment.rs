//! Enrollment codes (証明書取得用No/パスワード). The number is 10 digits; the secret 16 symbols from
//! a 32-letter alphabet without look-alikes (0/O, 1/I), so 80 bits: with at most 5 wrong tries
//! per code before it locks, and 10 tries per source per 10 minutes, guessing is hopeless.

use super::DomainError;
use chrono::{DateTime, Duration, Utc};
use common::text::fold_width;

pub const SECRET_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
pub const SECRET_LEN: usize = 16;
pub const MAX_CODE_FAILURES: i32 = 5;
pub const MAX_SOURCE_ATTEMPTS: i64 = 10;
pub const SOURCE_WINDOW: Duration = Duration::minutes(10);

/// A new number and secret from 24 random bytes.
#[must_use]
pub fn new_code(random: &[u8; 24]) -> (String, String) {
    let mut n = [0u8; 8];
    n.copy_from_slice(&random[..8]);
    let number = format!("{:010}", u64::from_le_bytes(n) % 10_000_000_000);
    let secret = random[8..]
        .iter()
        .map(|b| SECRET_ALPHABET[usize::from(b & 31)] as char)
        .collect();
    (number, secret)
}

/// `ABCD-EFGH-JKLM-NPQR`, how the secret is shown and mailed.
#[must_use]
pub fn display_secret(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

#[must_use]
pub fn normalize_number(raw: &str) -> Option<String> {
    let digits: String = fold_width(raw)
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .collect();
    (digits.len() == 10 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

#[must_use]
pub fn normalize_secret(raw: &str) -> Option<String> {
    let s: String = fold_width(raw)
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == SECRET_LEN && s.bytes().all(|b| SECRET_ALPHABET.contains(&b))).then_some(s)
}

#[derive(Debug, Clone)]
pub struct CodeState {
    pub expires_at: DateTime<Utc>,
    pub used: bool,
    pub failures: i32,
}

/// Whether a code can still be tried at all (before its secret is compared).
pub fn usable(code: &CodeState, now: DateTime<Utc>) -> Result<(), DomainError> {
    if code.used || code.failures >= MAX_CODE_FAILURES || now >= code.expires_at {
        Err(DomainError::EnrollmentRefused)
    } else {
        Ok(())
    }
}

/// A device label: what the office calls the PC or tablet (事務所PC-1, 訪問用タブレット).
pub fn device_label(raw: &str) -> Result<String, DomainError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 || n > 50 || s.chars().any(char::is_control) {
        return Err(DomainError::Invalid("device_label"));
    }
    Ok(s.to_owned())
}

/// The password protecting the downloaded file: long enough to resist offline guessing.
pub fn p12_password(raw: &str) -> Result<(), DomainError> {
    let n = raw.chars().count();
    if (8..=128).contains(&n) {
        Ok(())
    } else {
        Err(DomainError::Invalid("p12_password"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_what_people_type() {
        let (number, secret) = new_code(&[7; 24]);
        assert_eq!(number.len(), 10);
        assert_eq!(secret.len(), SECRET_LEN);
        let shown = display_secret(&secret);
        assert_eq!(
            normalize_secret(&shown.to_lowercase()),
            Some(secret.clone())
        );
        let typed: String = number
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert_eq!(normalize_number(&typed), Some(number));
        assert_eq!(normalize_secret("0OIL-0000-0000-0000"), None);
        assert_eq!(normalize_number("12345"), None);
    }

    #[test]
    fn a_code_is_refused_when_used_expired_or_locked() {
        let now: DateTime<Utc> = DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .into();
        let fresh = CodeState {
            expires_at: now + Duration::days(14),
            used: false,
            failures: 0,
        };
        assert!(usable(&fresh, now).is_ok());
        assert!(
            usable(
                &CodeState {
                    used: true,
                    ..fresh.clone()
                },
                now
            )
            .is_err()
        );
        assert!(
            usable(
                &CodeState {
                    failures: 5,
                    ..fresh.clone()
                },
                now
            )
            .is_err()
        );
        assert!(usable(&fresh, now + Duration::days(14)).is_err());
    }

    #[test]
    fn labels_and_file_passwords_are_bounded() {
        assert_eq!(
            device_label(" 訪問用タブレット ").unwrap(),
            "訪問用タブレット"
        );
        assert!(device_label("").is_err());
        assert!(device_label(&"x".repeat(51)).is_err());
        assert!(p12_password("short").is_err());
        assert!(p12_password("long enough").is_ok());
    }
}
