//! 登録申込兼同意書（別紙1）: a recipient is registered only after consent is recorded — when, by
//! whom, and that the office keeps the copy and the recipient the original.

use super::recipient::parse_date;
use chrono::NaiveDate;

#[derive(Debug, Default, Clone)]
pub struct ConsentInput {
    pub obtained_on: String,
    pub obtained_by: String,
    pub office_keeps_copy: bool,
    pub recipient_keeps_original: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    pub obtained_on: NaiveDate,
    pub obtained_by: String,
    /// The office keeps the copy (控え) and the recipient the original (原本): both confirmed.
    pub office_keeps_copy: bool,
    pub recipient_keeps_original: bool,
}

pub fn validate(input: &ConsentInput, today: NaiveDate) -> Result<Consent, Vec<&'static str>> {
    let mut wrong = Vec::new();
    let on = parse_date(&input.obtained_on).filter(|d| *d <= today);
    if on.is_none() {
        wrong.push("obtained_on");
    }
    let by = input.obtained_by.trim();
    let by_ok = (1..=50).contains(&by.chars().count());
    if !by_ok {
        wrong.push("obtained_by");
    }
    if !input.office_keeps_copy {
        wrong.push("office_keeps_copy");
    }
    if !input.recipient_keeps_original {
        wrong.push("recipient_keeps_original");
    }
    match on {
        Some(obtained_on) if wrong.is_empty() => Ok(Consent {
            obtained_on,
            obtained_by: by.to_owned(),
            office_keeps_copy: input.office_keeps_copy,
            recipient_keeps_original: input.recipient_keeps_original,
        }),
        _ => Err(wrong),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consent_is_dated_not_in_the_future_and_both_copies_are_confirmed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let good = ConsentInput {
            obtained_on: "2026-11-20".into(),
            obtained_by: "ケアマネ 鈴木".into(),
            office_keeps_copy: true,
            recipient_keeps_original: true,
        };
        assert!(validate(&good, today).is_ok());
        let future = ConsentInput {
            obtained_on: "2026-11-25".into(),
            ..good.clone()
        };
        assert_eq!(validate(&future, today).unwrap_err(), vec!["obtained_on"]);
        let unconfirmed = ConsentInput {
            office_keeps_copy: false,
            obtained_by: " ".into(),
            ..good
        };
        assert_eq!(
            validate(&unconfirmed, today).unwrap_err(),
            vec!["obtained_by", "office_keeps_copy"]
        );
    }
}
