//! Invitation codes (招待コード): 12 symbols from a 32-letter alphabet without look-alikes, 60
//! bits, single use; typed with or without hyphens, in either case and width.

use common::text::fold_width;
use sha2::Digest;

const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const LEN: usize = 12;

/// A new code from 12 random bytes, shown as `ABCD-EFGH-JKLM`.
#[must_use]
pub fn new_code(random: &[u8; LEN]) -> String {
    let raw: String = random
        .iter()
        .map(|b| ALPHABET[usize::from(b & 31)] as char)
        .collect();
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

/// The hash stored for a code as typed, or `None` if it cannot be a code.
#[must_use]
pub fn hash(typed: &str) -> Option<Vec<u8>> {
    let s: String = fold_width(typed)
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == LEN && s.bytes().all(|b| ALPHABET.contains(&b)))
        .then(|| sha2::Sha256::digest(s.as_bytes()).to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_hashes_the_same_however_it_is_typed() {
        let code = new_code(&[3; 12]);
        let full_width: String = code
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c))
            .collect();
        assert_eq!(hash(&code), hash(&code.to_lowercase().replace('-', "")));
        assert_eq!(hash(&code), hash(&full_width));
        assert_eq!(hash("too-short"), None);
    }
}
