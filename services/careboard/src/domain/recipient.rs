//! 支援対象者: what is recorded about the person cared for, checked field by field so every problem
//! is reported at once. The registration form comes after the consent (`consent.rs`).

use chrono::{Datelike, NaiveDate};
use common::text::{Kana, PhoneNumber, digits, fold_width, normalize_newlines};

pub const CARE_LEVELS: [&str; 9] = [
    "自立",
    "要支援1",
    "要支援2",
    "要介護1",
    "要介護2",
    "要介護3",
    "要介護4",
    "要介護5",
    "申請中",
];
pub const SEXES: [&str; 3] = ["男性", "女性", "その他"];

/// The fields as typed.
#[derive(Debug, Default, Clone)]
pub struct RecipientInput {
    pub name: String,
    pub kana: String,
    pub birth_date: String,
    pub sex: String,
    pub address: String,
    pub phone: String,
    /// 介護保険被保険者番号 (10 digits), empty while not yet issued.
    pub insured_number: String,
    pub medical_insurance: String,
    pub care_level: String,
    pub primary_doctor: String,
    /// Diseases, allergies, what the family wants.
    pub key_notes: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub name: String,
    pub kana: String,
    pub birth_date: NaiveDate,
    pub sex: &'static str,
    pub address: String,
    pub phone: Option<String>,
    pub insured_number: Option<String>,
    pub medical_insurance: String,
    pub care_level: &'static str,
    pub primary_doctor: String,
    pub key_notes: String,
}

fn text(raw: &str, min: usize, max: usize) -> Option<String> {
    let s = normalize_newlines(raw);
    let s = s.trim();
    let n = s.chars().count();
    (n >= min && n <= max && !s.chars().any(|c| c.is_control() && c != '\n')).then(|| s.to_owned())
}

/// A date typed as `1940-04-01`, `1940/4/1` or in full-width digits.
#[must_use]
pub fn parse_date(raw: &str) -> Option<NaiveDate> {
    let s = fold_width(raw.trim()).replace(['/', '.'], "-");
    NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()
}

/// A birth date a living person could have: not in the future, at most 125 years ago.
#[must_use]
pub fn plausible_birth_date(d: NaiveDate, today: NaiveDate) -> bool {
    d <= today && today.year() - d.year() <= 125
}

fn one_of(raw: &str, choices: &[&'static str]) -> Option<&'static str> {
    let s = fold_width(raw.trim());
    choices.iter().find(|c| **c == s).copied()
}

/// Every field checked; on failure, the names of all the wrong fields.
pub fn validate(input: &RecipientInput, today: NaiveDate) -> Result<Recipient, Vec<&'static str>> {
    let mut wrong = Vec::new();
    let mut keep = |field: &'static str, ok: bool| {
        if !ok {
            wrong.push(field);
        }
    };
    let name = text(&input.name, 1, 50);
    keep("name", name.is_some());
    let kana = Kana::parse(&input.kana).ok();
    keep("kana", kana.is_some());
    let birth = parse_date(&input.birth_date).filter(|d| plausible_birth_date(*d, today));
    keep("birth_date", birth.is_some());
    let sex = one_of(&input.sex, &SEXES);
    keep("sex", sex.is_some());
    let address = text(&input.address, 1, 200);
    keep("address", address.is_some());
    let phone = if input.phone.trim().is_empty() {
        Some(None)
    } else {
        PhoneNumber::parse(&input.phone)
            .ok()
            .map(|p| Some(p.as_str().to_owned()))
    };
    keep("phone", phone.is_some());
    let insured = if input.insured_number.trim().is_empty() {
        Some(None)
    } else {
        digits(&input.insured_number)
            .filter(|d| d.len() == 10)
            .map(Some)
    };
    keep("insured_number", insured.is_some());
    let medical = text(&input.medical_insurance, 0, 200);
    keep("medical_insurance", medical.is_some());
    let care_level = one_of(&input.care_level, &CARE_LEVELS);
    keep("care_level", care_level.is_some());
    let doctor = text(&input.primary_doctor, 0, 100);
    keep("primary_doctor", doctor.is_some());
    let notes = text(&input.key_notes, 0, 2000);
    keep("key_notes", notes.is_some());
    match (
        name, kana, birth, sex, address, phone, insured, medical, care_level, doctor, notes,
    ) {
        (
            Some(name),
            Some(kana),
            Some(birth_date),
            Some(sex),
            Some(address),
            Some(phone),
            Some(insured_number),
            Some(medical_insurance),
            Some(care_level),
            Some(primary_doctor),
            Some(key_notes),
        ) if wrong.is_empty() => Ok(Recipient {
            name,
            kana: kana.as_str().to_owned(),
            birth_date,
            sex,
            address,
            phone,
            insured_number,
            medical_insurance,
            care_level,
            primary_doctor,
            key_notes,
        }),
        _ => Err(wrong),
    }
}

/// Each field by its name, as shown and as kept in the history.
#[must_use]
pub fn labelled(r: &Recipient) -> [(&'static str, String); 11] {
    [
        ("name", r.name.clone()),
        ("kana", r.kana.clone()),
        ("birth_date", r.birth_date.to_string()),
        ("sex", r.sex.to_owned()),
        ("address", r.address.clone()),
        ("phone", r.phone.clone().unwrap_or_default()),
        (
            "insured_number",
            r.insured_number.clone().unwrap_or_default(),
        ),
        ("medical_insurance", r.medical_insurance.clone()),
        ("care_level", r.care_level.to_owned()),
        ("primary_doctor", r.primary_doctor.clone()),
        ("key_notes", r.key_notes.clone()),
    ]
}

/// One field's change, for the info history (before and after as shown).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// The fields that differ, in form order; empty when nothing changed.
#[must_use]
pub fn changes(before: &Recipient, after: &Recipient) -> Vec<FieldChange> {
    labelled(before)
        .into_iter()
        .zip(labelled(after))
        .filter(|((_, b), (_, a))| a != b)
        .map(|((field, before), (_, after))| FieldChange {
            field: field.to_owned(),
            before,
            after,
        })
        .collect()
}

/// The kana as matched for duplicates: without spaces.
#[must_use]
pub fn match_key(kana: &str) -> String {
    kana.replace([' ', '\u{3000}'], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn good() -> RecipientInput {
        RecipientInput {
            name: "高萩 花子".into(),
            kana: "ﾀｶﾊｷﾞ ﾊﾅｺ".into(),
            birth_date: "１９３８／４／１".into(),
            sex: "女性".into(),
            address: "茨城県高萩市本町1-1".into(),
            phone: "0293-22-0000".into(),
            insured_number: "０１２３４５６７８９".into(),
            medical_insurance: "後期高齢者医療".into(),
            care_level: "要介護２".into(),
            primary_doctor: "高萩クリニック 佐藤医師".into(),
            key_notes: "ペニシリンアレルギー\n自宅で過ごしたいとの希望".into(),
        }
    }

    #[test]
    fn a_good_record_is_normalised() {
        let r = validate(&good(), today()).unwrap();
        assert_eq!(r.kana, "タカハギ ハナコ");
        assert_eq!(r.birth_date, NaiveDate::from_ymd_opt(1938, 4, 1).unwrap());
        assert_eq!(r.insured_number.as_deref(), Some("0123456789"));
        assert_eq!(r.care_level, "要介護2");
    }

    #[test]
    fn key_notes_keep_their_line_breaks_as_sent_by_a_form() {
        let mut input = good();
        input.key_notes = "高血圧\r\nペニシリンにアレルギー\r\n自宅で過ごしたい".into();
        let r = validate(&input, today()).unwrap();
        assert_eq!(
            r.key_notes,
            "高血圧\nペニシリンにアレルギー\n自宅で過ごしたい"
        );
    }

    #[test]
    fn every_wrong_field_is_named() {
        let mut bad = good();
        bad.kana = "花子".into();
        bad.birth_date = "2030-01-01".into();
        bad.insured_number = "123".into();
        bad.care_level = "要介護6".into();
        assert_eq!(
            validate(&bad, today()).unwrap_err(),
            vec!["kana", "birth_date", "insured_number", "care_level"]
        );
        let mut ancient = good();
        ancient.birth_date = "1890-01-01".into();
        assert_eq!(validate(&ancient, today()).unwrap_err(), vec!["birth_date"]);
    }

    #[test]
    fn history_keeps_only_what_changed() {
        let before = validate(&good(), today()).unwrap();
        let mut input = good();
        input.care_level = "要介護3".into();
        input.key_notes = "ペニシリンアレルギー".into();
        let after = validate(&input, today()).unwrap();
        let c = changes(&before, &after);
        assert_eq!(
            c.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
            vec!["care_level", "key_notes"]
        );
        assert_eq!(c[0].before, "要介護2");
        assert_eq!(c[0].after, "要介護3");
        assert!(changes(&after, &after).is_empty());
    }

    #[test]
    fn duplicates_match_on_kana_without_spaces() {
        let r = validate(&good(), today()).unwrap();
        assert_eq!(match_key(&r.kana), match_key("タカハギ\u{3000}ハナコ"));
        assert_eq!(match_key(&r.kana), "タカハギハナコ");
    }
}
