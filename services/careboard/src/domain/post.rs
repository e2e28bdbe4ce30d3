//! 連絡帳 posts: short by custom (the guide asks for 2–3 lines, about 100 characters: the form's
//! counter nudges), bounded by rule (1,000 characters), optionally 緊急（重要）, optionally in a
//! category.

pub const HARD_LIMIT: usize = 1000;
pub const CATEGORIES: [&str; 8] = [
    "服薬",
    "治療",
    "生活・食事",
    "排泄",
    "バイタル",
    "リハビリ",
    "連絡",
    "その他",
];
/// Why a board is closed (共有の終了).
pub const CLOSE_REASONS: [&str; 5] = ["死亡", "転居", "同意撤回", "施設入所", "その他"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    pub body: String,
    pub category: Option<&'static str>,
    pub urgent: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostError {
    Empty,
    TooLong,
    UnknownCategory,
    /// NUL cannot be stored (the gateway refuses it too; this holds for any caller).
    Nul,
}

/// A category asked for by a reader's filter: one of the board's, or `None` for every post.
pub fn filter(category: &str) -> Result<Option<&'static str>, PostError> {
    match category {
        "" => Ok(None),
        c => CATEGORIES
            .iter()
            .find(|k| **k == c)
            .copied()
            .map(Some)
            .ok_or(PostError::UnknownCategory),
    }
}

pub fn validate(body: &str, category: &str, urgent: bool) -> Result<Post, PostError> {
    // Counted as the page's counter counts: one character per line break.
    if body.contains('\0') {
        return Err(PostError::Nul);
    }
    let body = common::text::normalize_newlines(body);
    let body = body.trim();
    if body.is_empty() {
        return Err(PostError::Empty);
    }
    if body.chars().count() > HARD_LIMIT {
        return Err(PostError::TooLong);
    }
    let category = match category.trim() {
        "" => None,
        c => Some(
            CATEGORIES
                .iter()
                .find(|k| **k == c)
                .copied()
                .ok_or(PostError::UnknownCategory)?,
        ),
    };
    Ok(Post {
        body: body.to_owned(),
        category,
        urgent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_are_bounded_at_a_thousand_characters() {
        assert!(validate(&"あ".repeat(1000), "", false).is_ok());
        assert_eq!(
            validate(&"あ".repeat(1001), "", false),
            Err(PostError::TooLong)
        );
        assert_eq!(validate("  ", "", false), Err(PostError::Empty));
    }

    #[test]
    fn a_line_break_from_a_form_counts_once() {
        let typed = format!("{}\r\n{}", "あ".repeat(990), "い".repeat(9));
        let post = validate(&typed, "", false).unwrap();
        assert_eq!(post.body.chars().count(), 1000);
        assert!(!post.body.contains('\r'));
    }

    #[test]
    fn categories_come_from_the_list() {
        assert_eq!(
            validate("血圧 130/80", "バイタル", true).unwrap().category,
            Some("バイタル")
        );
        assert_eq!(
            validate("x", "料理", false),
            Err(PostError::UnknownCategory)
        );
    }
}
