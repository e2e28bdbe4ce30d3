use super::fold_width;

/// The digits of what was typed, once full-width digits are folded and the separators people
/// use (hyphens of every width, spaces, parentheses) are dropped; `None` if anything else is there.
#[must_use]
pub fn digits(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in fold_width(raw.trim()).chars() {
        match c {
            '0'..='9' => out.push(c),
            '-'
            | ' '
            | '('
            | ')'
            | '\u{2010}'..='\u{2015}'
            | '\u{2212}'
            | '\u{30FC}'
            | '\u{FF70}' => {}
            _ => return None,
        }
    }
    Some(out)
}

/// A Japanese phone or FAX number: 10 or 11 digits starting with 0, kept as typed (hyphens
/// included) once folded to ASCII.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a phone number")]
pub struct InvalidPhone;

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<Self, InvalidPhone> {
        let d = digits(raw).ok_or(InvalidPhone)?;
        if !(10..=11).contains(&d.len()) || !d.starts_with('0') {
            return Err(InvalidPhone);
        }
        let shown: String = fold_width(raw.trim())
            .chars()
            .map(|c| if c.is_ascii_digit() { c } else { '-' })
            .collect::<String>()
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        Ok(Self(shown))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A postal code (郵便番号), shown as `318-0001`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostalCode(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a postal code")]
pub struct InvalidPostalCode;

impl PostalCode {
    pub fn parse(raw: &str) -> Result<Self, InvalidPostalCode> {
        let raw = raw.trim().trim_start_matches('〒');
        let d = digits(raw).ok_or(InvalidPostalCode)?;
        if d.len() != 7 {
            return Err(InvalidPostalCode);
        }
        Ok(Self(format!("{}-{}", &d[..3], &d[3..])))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn full_width_numbers_are_normalised_not_rejected() {
        assert_eq!(
            PhoneNumber::parse("０２９３－２２－００８０")
                .unwrap()
                .as_str(),
            "0293-22-0080"
        );
        assert_eq!(
            PhoneNumber::parse("(0293) 22 0700").unwrap().as_str(),
            "0293-22-0700"
        );
        assert_eq!(
            PostalCode::parse("〒３１８ー０００１").unwrap().as_str(),
            "318-0001"
        );
        assert_eq!(PostalCode::parse("3180001").unwrap().as_str(), "318-0001");
    }

    #[test]
    fn wrong_numbers_are_refused() {
        for bad in [
            "",
            "12345",
            "1293-22-0080",
            "0293-22-00800000",
            "電話",
            "0293-22-008a",
        ] {
            assert!(PhoneNumber::parse(bad).is_err(), "{bad}");
        }
        for bad in ["318-000", "318-00011", "abc-defg"] {
            assert!(PostalCode::parse(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn any_seven_digits_in_any_width_make_a_postal_code(d in "[0-9]{7}", full in any::<bool>(), hyphen in any::<bool>()) {
            let typed = if hyphen { format!("{}-{}", &d[..3], &d[3..]) } else { d.clone() };
            let typed = if full { typed.chars().map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { '－' }).collect() } else { typed };
            let expected = format!("{}-{}", &d[..3], &d[3..]);
            let parsed = PostalCode::parse(&typed).unwrap();
            prop_assert_eq!(parsed.as_str(), expected.as_str());
        }

        #[test]
        fn digits_never_panics_and_keeps_only_digits(s in ".{0,40}") {
            if let Some(d) = digits(&s) {
                prop_assert!(d.chars().all(|c| c.is_ascii_digit()));
            }
        }

        #[test]
        fn phone_numbers_keep_their_digits(d in "0[0-9]{9,10}") {
            let p = PhoneNumber::parse(&d).unwrap();
            prop_assert_eq!(digits(p.as_str()).unwrap(), d);
        }
    }
}
