//! The staff directory's search: what a typed query looks for, checked once. The directory spans
//! every office, so a search must narrow it; it is never a way to list everyone.

use super::{DomainError, profession};
use common::ids::OfficeId;
use common::text::{Kana, fold_width};

/// At most this many characters of query.
pub const MAX_QUERY_CHARS: usize = 50;

/// A directory search, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSearch {
    /// Matched against name and kana with their spaces removed; `None` matches everyone.
    pub text: Option<String>,
    /// The query as katakana (typed in hiragana or half-width kana), matched against kana.
    pub kana: Option<String>,
    pub office: Option<OfficeId>,
    pub profession: Option<&'static str>,
}

/// Without spaces of either width, and without the characters `LIKE` reads as wildcards: a
/// query of `%` must not turn into "everyone".
fn plain(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '%' | '_' | '\\'))
        .collect()
}

/// `invalid:query` for a query too long, or for one that narrows nothing (no text left, no office,
/// no profession); `invalid:profession` for a profession the city does not list.
pub fn staff_search(
    query: &str,
    office: Option<OfficeId>,
    profession: &str,
) -> Result<StaffSearch, DomainError> {
    if query.trim().chars().count() > MAX_QUERY_CHARS {
        return Err(DomainError::Invalid("query"));
    }
    let profession = match profession.trim() {
        "" => None,
        p => Some(profession::parse(p)?),
    };
    let text = Some(plain(query)).filter(|t| !t.is_empty());
    if text.is_none() && office.is_none() && profession.is_none() {
        return Err(DomainError::Invalid("query"));
    }
    let kana = text
        .as_deref()
        .and_then(|t| Kana::parse(t).ok())
        .map(|k| plain(k.as_str()))
        .filter(|k| Some(k) != text.as_ref());
    Ok(StaffSearch {
        text,
        kana,
        office,
        profession,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_matches_with_or_without_its_space() {
        let s = staff_search("佐藤　花子", None, "").unwrap();
        assert_eq!(s.text.as_deref(), Some("佐藤花子"));
        assert_eq!(s.kana, None);
    }

    #[test]
    fn hiragana_and_half_width_kana_also_look_for_katakana() {
        let s = staff_search("さとう はなこ", None, "").unwrap();
        assert_eq!(s.text.as_deref(), Some("さとうはなこ"));
        assert_eq!(s.kana.as_deref(), Some("サトウハナコ"));
        let s = staff_search("ｻﾄｳ", None, "").unwrap();
        assert_eq!(s.kana.as_deref(), Some("サトウ"));
        // Already katakana: one pattern is enough.
        assert_eq!(staff_search("サトウ", None, "").unwrap().kana, None);
    }

    #[test]
    fn a_search_that_narrows_nothing_is_refused() {
        for q in ["", "   ", "%", "%_\\", "　"] {
            assert_eq!(
                staff_search(q, None, ""),
                Err(DomainError::Invalid("query")),
                "{q:?}"
            );
        }
        assert_eq!(
            staff_search("", None, "  "),
            Err(DomainError::Invalid("query"))
        );
    }

    #[test]
    fn an_office_or_a_profession_alone_is_a_search() {
        let office = OfficeId::from(uuid::Uuid::from_u128(7));
        let s = staff_search("%", Some(office), "").unwrap();
        assert_eq!((s.text, s.office), (None, Some(office)));
        let s = staff_search("", None, "ＰＴ").unwrap();
        assert_eq!(s.profession, Some("PT"));
    }

    #[test]
    fn long_queries_and_unknown_professions_are_refused() {
        let long = "あ".repeat(MAX_QUERY_CHARS + 1);
        assert_eq!(
            staff_search(&long, None, ""),
            Err(DomainError::Invalid("query"))
        );
        assert!(staff_search(&"あ".repeat(MAX_QUERY_CHARS), None, "").is_ok());
        assert_eq!(
            staff_search("佐藤", None, "魔法使い"),
            Err(DomainError::Invalid("profession"))
        );
    }
}
