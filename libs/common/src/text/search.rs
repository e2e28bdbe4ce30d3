//! The form words are searched in, and finding them again in a text to mark them.

/// One character as searched: full-width ASCII as ASCII, lower case.
fn fold_char(c: char) -> impl Iterator<Item = char> {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    };
    c.to_lowercase()
}

/// A text as searched: ＢＰ and bp, １３０ and 130 are the same.
#[must_use]
pub fn search_fold(s: &str) -> String {
    s.chars().flat_map(fold_char).collect()
}

/// The grams a text is indexed by: every character and every pair of adjacent characters
/// within a run of non-space characters, folded, sorted and each once. Japanese is written
/// without spaces, so words cannot be split out of a text; a word is found by its own grams.
#[must_use]
pub fn search_grams(text: &str) -> Vec<String> {
    let mut all = std::collections::BTreeSet::new();
    for word in search_fold(text).split_whitespace() {
        let chars: Vec<char> = word.chars().filter(|c| !c.is_control()).collect();
        for (i, c) in chars.iter().enumerate() {
            all.insert(c.to_string());
            if let Some(next) = chars.get(i + 1) {
                all.insert([*c, *next].iter().collect());
            }
        }
    }
    all.into_iter().collect()
}

/// `text` cut into pieces, those matching one of `words` (already folded) flagged, for a page
/// to mark; the pieces joined are `text`.
#[must_use]
pub fn search_marks(text: &str, words: &[String]) -> Vec<(String, bool)> {
    let chars: Vec<(char, String)> = text.chars().map(|c| (c, fold_char(c).collect())).collect();
    // How many characters from `at` spell `word`, folded.
    let match_at = |at: usize, word: &str| -> Option<usize> {
        let mut rest = word;
        let mut n = 0;
        while !rest.is_empty() {
            let (_, folded) = chars.get(at + n)?;
            rest = rest.strip_prefix(folded.as_str())?;
            n += 1;
        }
        (n > 0).then_some(n)
    };
    let mut pieces: Vec<(String, bool)> = Vec::new();
    let mut push = |s: String, marked: bool| match pieces.last_mut() {
        Some((last, m)) if *m == marked && !marked => last.push_str(&s),
        _ => pieces.push((s, marked)),
    };
    let mut i = 0;
    while i < chars.len() {
        let longest = words
            .iter()
            .filter(|w| !w.is_empty())
            .filter_map(|w| match_at(i, w))
            .max();
        if let Some(n) = longest {
            push(chars[i..i + n].iter().map(|(c, _)| *c).collect(), true);
            i += n;
        } else {
            push(chars[i].0.to_string(), false);
            i += 1;
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_whatever_their_width_and_case() {
        assert_eq!(search_fold("ＢＰ　１３０"), "bp 130");
        let pieces = search_marks(
            "朝から発熱、ＢＰ低め。発熱続く",
            &["発熱".into(), "bp".into()],
        );
        assert_eq!(
            pieces,
            [
                ("朝から".into(), false),
                ("発熱".into(), true),
                ("、".into(), false),
                ("ＢＰ".into(), true),
                ("低め。".into(), false),
                ("発熱".into(), true),
                ("続く".into(), false),
            ]
        );
        assert_eq!(search_marks("転倒なし", &[]), [("転倒なし".into(), false)]);
    }
}
