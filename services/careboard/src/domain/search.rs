//! Finding words on a board. Japanese is written without spaces, so words cannot be split out of
//! a text: a text is indexed by its characters and pairs of characters (grams), and a word is
//! looked up by its own grams, then checked as a substring (a text holding 発 and 熱 apart also
//! holds their grams, not the word 発熱).

use std::collections::BTreeSet;

/// At most this many words, each at most `MAX_WORD` characters.
pub const MAX_WORDS: usize = 5;
pub const MAX_WORD: usize = 30;

/// The form a text is indexed and searched in: lower case, full-width letters and digits as
/// half-width, so that ＢＰ finds bp and １３０ finds 130.
#[must_use]
pub fn fold(text: &str) -> String {
    common::text::search_fold(text)
}

pub use common::text::search_grams as grams;

/// What a search asks for: the folded words (each to be found as a substring) and the grams
/// every match must hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub words: Vec<String>,
    pub grams: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryError {
    TooMany,
    TooLong,
    /// A line break or other control character: the search box is one line.
    Control,
}

/// The words typed, split at spaces. No words is no query (the board is filtered only).
pub fn query(typed: &str) -> Result<Option<Query>, QueryError> {
    if typed.chars().any(char::is_control) {
        return Err(QueryError::Control);
    }
    let folded = fold(typed);
    let words: Vec<String> = folded.split_whitespace().map(str::to_owned).collect();
    if words.is_empty() {
        return Ok(None);
    }
    if words.len() > MAX_WORDS {
        return Err(QueryError::TooMany);
    }
    if words.iter().any(|w| w.chars().count() > MAX_WORD) {
        return Err(QueryError::TooLong);
    }
    let mut needed = BTreeSet::new();
    for w in &words {
        let chars: Vec<char> = w.chars().collect();
        if let [only] = chars.as_slice() {
            needed.insert(only.to_string());
        }
        for pair in chars.windows(2) {
            needed.insert(pair.iter().collect::<String>());
        }
    }
    Ok(Some(Query {
        words,
        grams: needed.into_iter().collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_indexed_by_its_characters_and_pairs() {
        assert_eq!(
            grams("発熱あり"),
            ["あ", "あり", "り", "熱", "熱あ", "発", "発熱"]
        );
        // Pairs never span a space.
        assert!(!grams("発 熱").contains(&"発熱".to_owned()));
    }

    #[test]
    fn a_two_character_word_needs_its_pair_and_one_character_itself() {
        let q = query("発熱").unwrap().unwrap();
        assert_eq!(q.grams, ["発熱"]);
        assert_eq!(query("熱").unwrap().unwrap().grams, ["熱"]);
        let q = query("転倒　ＢＰ").unwrap().unwrap();
        assert_eq!(q.words, ["転倒", "bp"]);
        assert!(
            q.grams
                .iter()
                .all(|g| grams("夜間に転倒、BP 低め").contains(g))
        );
    }

    #[test]
    fn queries_are_bounded() {
        assert_eq!(query("  ").unwrap(), None);
        assert_eq!(query("a b c d e f"), Err(QueryError::TooMany));
        assert_eq!(query(&"あ".repeat(31)), Err(QueryError::TooLong));
        assert_eq!(query("発熱\r\n転倒"), Err(QueryError::Control));
        assert_eq!(query("発熱\0"), Err(QueryError::Control));
    }
}
