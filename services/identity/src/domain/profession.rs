use super::DomainError;

/// The professions of 利用スタッフ, as the city lists them.
pub const PROFESSIONS: [&str; 16] = [
    "医師",
    "歯科医師",
    "薬剤師",
    "看護師",
    "准看護師",
    "保健師",
    "PT",
    "OT",
    "ST",
    "ケアマネジャー",
    "社会福祉士",
    "介護福祉士",
    "ヘルパー",
    "MSW",
    "事務",
    "その他",
];

pub fn parse(raw: &str) -> Result<&'static str, DomainError> {
    let folded = common::text::fold_width(raw.trim());
    PROFESSIONS
        .iter()
        .find(|p| **p == folded)
        .copied()
        .ok_or(DomainError::Invalid("profession"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn professions_parse_with_full_width_letters() {
        assert_eq!(super::parse("ＰＴ"), Ok("PT"));
        assert_eq!(super::parse(" 看護師 "), Ok("看護師"));
        assert!(super::parse("魔法使い").is_err());
    }
}
