/// An email address: one `@`, a local part and a dotted domain, ASCII, at most 254 characters.
/// Full-width input (common from Japanese IMEs) is folded to ASCII first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an email address")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let folded = super::fold_width(raw.trim());
        if folded.len() > 254
            || !folded.is_ascii()
            || folded.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(InvalidEmail);
        }
        let (local, domain) = folded.split_once('@').ok_or(InvalidEmail)?;
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain
                .split('.')
                .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(InvalidEmail);
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_and_full_width_addresses() {
        assert_eq!(
            Email::parse(" Admin@Clinic.Example.JP ").unwrap().as_str(),
            "Admin@clinic.example.jp"
        );
        assert_eq!(
            Email::parse("ｋａｎｒｉ＠ｅｘａｍｐｌｅ．ｊｐ")
                .unwrap()
                .as_str(),
            "kanri@example.jp"
        );
    }

    #[test]
    fn rejects_malformed_addresses() {
        for bad in [
            "",
            "no-at",
            "a@b",
            "a@@b.jp",
            "a b@c.jp",
            "@c.jp",
            "a@.jp",
            "山田@example.jp",
            "a@b..jp",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
