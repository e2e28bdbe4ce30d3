//! 事業所登録申請: what an office tells the city when it applies, checked field by field so every
//! problem is reported at once, next to its field.

use super::{OfficeKind, OfficeName};
use common::text::{Email, Kana, PhoneNumber, PostalCode, digits};

/// The identifying number an office of a kind has, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// 医療機関コード (10 digits).
    Medical,
    /// 介護保険事業所番号 (10 digits).
    Care,
}

impl OfficeKind {
    #[must_use]
    pub fn code_kind(self) -> Option<CodeKind> {
        match self {
            OfficeKind::Hospital
            | OfficeKind::Clinic
            | OfficeKind::DentalClinic
            | OfficeKind::Pharmacy => Some(CodeKind::Medical),
            OfficeKind::Municipality | OfficeKind::Other => None,
            _ => Some(CodeKind::Care),
        }
    }
}

/// The fields as typed.
#[derive(Debug, Default, Clone)]
pub struct ApplicationInput {
    pub name: String,
    pub kana: String,
    pub kind: String,
    pub code: String,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: String,
    pub latitude: String,
    pub longitude: String,
    pub admin_name: String,
    pub admin_kana: String,
    pub admin_email: String,
    pub admin_phone: String,
    pub listed: bool,
    pub consent: bool,
}

/// An office's own fields once each is known to be right, in their canonical forms.
#[derive(Debug, Clone, PartialEq)]
pub struct OfficeFields {
    pub name: String,
    pub kana: String,
    pub kind: OfficeKind,
    pub code: Option<String>,
    pub postal_code: String,
    pub address: String,
    pub phone: String,
    pub fax: Option<String>,
    pub location: Option<(f64, f64)>,
    pub listed: bool,
}

/// An application: the office and the person who will administer it.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub office: OfficeFields,
    pub admin_name: String,
    pub admin_kana: String,
    pub admin_email: String,
    pub admin_phone: String,
}

/// Japan, generously: from Okinotorishima to Hokkaido's northern tip, Yonaguni to Minamitorishima.
const LATITUDE: std::ops::RangeInclusive<f64> = 20.0..=46.0;
const LONGITUDE: std::ops::RangeInclusive<f64> = 122.0..=154.0;

fn text(raw: &str, max: usize) -> Option<String> {
    let s = raw.trim();
    let n = s.chars().count();
    (n > 0 && n <= max && !s.chars().any(char::is_control)).then(|| s.to_owned())
}

fn coordinate(raw: &str, range: &std::ops::RangeInclusive<f64>) -> Option<f64> {
    let v: f64 = common::text::fold_width(raw.trim()).parse().ok()?;
    (v.is_finite() && range.contains(&v)).then_some(v)
}

/// Collects the names of wrong fields while the checks run.
struct Checks(Vec<&'static str>);

impl Checks {
    fn keep<T>(&mut self, field: &'static str, value: Option<T>) -> Option<T> {
        if value.is_none() {
            self.0.push(field);
        }
        value
    }
}

/// Where an office's code comes from: typed in an application, or already held by the city.
#[derive(Clone, Copy)]
enum CodeSource<'a> {
    Applied,
    /// The code on file; `None` where the city registered the office without one.
    OnFile(Option<&'a str>),
}

fn office_fields(
    input: &ApplicationInput,
    source: CodeSource<'_>,
    c: &mut Checks,
) -> Option<OfficeFields> {
    let name = c.keep("name", OfficeName::parse(&input.name).ok());
    let kana = c.keep("kana", Kana::parse(&input.kana).ok());
    let kind = c.keep("kind", OfficeKind::parse(&input.kind).ok());
    let sent = digits(&input.code);
    let code = if let CodeSource::OnFile(kept) = source
        && sent.as_deref() == Some(kept.unwrap_or_default())
    {
        // The code the city holds, sent back unchanged (the profile form carries it hidden): it
        // stays, even where the city registered the office without one and only the city can
        // add it.
        Some(kept.map(str::to_owned))
    } else if kind.and_then(OfficeKind::code_kind).is_some() {
        c.keep(
            "code",
            digits(&input.code).filter(|d| d.len() == 10).map(Some),
        )
    } else {
        c.keep(
            "code",
            digits(&input.code)
                .filter(|d| d.is_empty() || d.len() == 10)
                .map(|d| (!d.is_empty()).then_some(d)),
        )
    };
    let postal = c.keep("postal_code", PostalCode::parse(&input.postal_code).ok());
    let address = c.keep("address", text(&input.address, 200));
    let phone = c.keep("phone", PhoneNumber::parse(&input.phone).ok());
    let fax = if input.fax.trim().is_empty() {
        Some(None)
    } else {
        c.keep("fax", PhoneNumber::parse(&input.fax).ok().map(Some))
    };
    let location = match (
        input.latitude.trim().is_empty(),
        input.longitude.trim().is_empty(),
    ) {
        // A listed office must be somewhere on the map.
        (true, true) if !input.listed => Some(None),
        _ => c.keep(
            "location",
            coordinate(&input.latitude, &LATITUDE)
                .zip(coordinate(&input.longitude, &LONGITUDE))
                .map(Some),
        ),
    };
    Some(OfficeFields {
        name: name?.as_str().to_owned(),
        kana: kana?.as_str().to_owned(),
        kind: kind?,
        code: code?,
        postal_code: postal?.as_str().to_owned(),
        address: address?,
        phone: phone?.as_str().to_owned(),
        fax: fax?.map(|f| f.as_str().to_owned()),
        location: location?,
        listed: input.listed,
    })
}

/// An office's profile as its admin edits it, with the code on file (`Some(None)`: the office has
/// none); on failure, the names of all the wrong fields.
pub fn validate_office(
    input: &ApplicationInput,
    code_on_file: Option<&str>,
) -> Result<OfficeFields, Vec<&'static str>> {
    let mut c = Checks(Vec::new());
    match office_fields(input, CodeSource::OnFile(code_on_file), &mut c) {
        Some(o) if c.0.is_empty() => Ok(o),
        _ => Err(c.0),
    }
}

/// Every field checked; on failure, the names of all the wrong fields.
pub fn validate(input: &ApplicationInput) -> Result<Application, Vec<&'static str>> {
    let mut c = Checks(Vec::new());
    let office = office_fields(input, CodeSource::Applied, &mut c);
    let admin_name = c.keep("admin_name", text(&input.admin_name, 50));
    let admin_kana = c.keep("admin_kana", Kana::parse(&input.admin_kana).ok());
    let admin_email = c.keep("admin_email", Email::parse(&input.admin_email).ok());
    let admin_phone = c.keep("admin_phone", PhoneNumber::parse(&input.admin_phone).ok());
    c.keep("consent", input.consent.then_some(()));
    match (office, admin_name, admin_kana, admin_email, admin_phone) {
        (
            Some(office),
            Some(admin_name),
            Some(admin_kana),
            Some(admin_email),
            Some(admin_phone),
        ) if c.0.is_empty() => Ok(Application {
            office,
            admin_name,
            admin_kana: admin_kana.as_str().to_owned(),
            admin_email: admin_email.as_str().to_owned(),
            admin_phone: admin_phone.as_str().to_owned(),
        }),
        _ => Err(c.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> ApplicationInput {
        ApplicationInput {
            name: "高萩さくら訪問看護ステーション".into(),
            kana: "タカハギサクラホウモンカンゴステーション".into(),
            kind: "訪問看護ステーション".into(),
            code: "０８６１２３４５６７".into(),
            postal_code: "３１８－００３４".into(),
            address: "茨城県高萩市高萩1-1".into(),
            phone: "０２９３－２２－１２３４".into(),
            fax: String::new(),
            latitude: "36.7197".into(),
            longitude: "140.7167".into(),
            admin_name: "桜 花子".into(),
            admin_kana: "ｻｸﾗ ﾊﾅｺ".into(),
            admin_email: "sakura@example.jp".into(),
            admin_phone: "090-1234-5678".into(),
            listed: true,
            consent: true,
        }
    }

    #[test]
    fn a_good_application_is_normalised() {
        let a = validate(&good()).unwrap();
        assert_eq!(a.office.code.as_deref(), Some("0861234567"));
        assert_eq!(a.office.postal_code, "318-0034");
        assert_eq!(a.office.phone, "0293-22-1234");
        assert_eq!(a.admin_kana, "サクラ ハナコ");
        assert_eq!(a.office.location, Some((36.7197, 140.7167)));
    }

    #[test]
    fn every_wrong_field_is_named_at_once() {
        let mut bad = good();
        bad.kana = "漢字".into();
        bad.code = "123".into();
        bad.postal_code = "31800".into();
        bad.latitude = "51.5".into();
        bad.admin_email = "nope".into();
        bad.consent = false;
        let wrong = validate(&bad).unwrap_err();
        assert_eq!(
            wrong,
            vec![
                "kana",
                "code",
                "postal_code",
                "location",
                "admin_email",
                "consent"
            ]
        );
    }

    #[test]
    fn kinds_without_a_code_need_none_and_unlisted_offices_need_no_pin() {
        let mut other = good();
        other.kind = "その他".into();
        other.code = String::new();
        other.listed = false;
        other.latitude = String::new();
        other.longitude = String::new();
        let a = validate(&other).unwrap();
        assert_eq!(a.office.code, None);
        assert_eq!(a.office.location, None);
        let mut listed = other.clone();
        listed.listed = true;
        assert_eq!(validate(&listed).unwrap_err(), vec!["location"]);
    }

    #[test]
    fn a_profile_keeps_the_code_on_file_even_when_the_city_registered_the_office_without_one() {
        let mut profile = good();
        profile.code = String::new();
        assert_eq!(validate_office(&profile, None).unwrap().code, None);
        // A code typed anew is still checked; the one on file is kept as it is.
        profile.code = "123".into();
        assert_eq!(validate_office(&profile, None).unwrap_err(), vec!["code"]);
        profile.code = "０８６１２３４５６７".into();
        assert_eq!(
            validate_office(&profile, Some("0861234567"))
                .unwrap()
                .code
                .as_deref(),
            Some("0861234567")
        );
        profile.code = String::new();
        assert_eq!(
            validate_office(&profile, Some("0861234567")).unwrap_err(),
            vec!["code"]
        );
    }
}
