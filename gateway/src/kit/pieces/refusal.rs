//! A refused form as its page shows it (`templates/fields.html`): each wrong field with what to
//! do about it, and the summary's sentence.

use crate::edge::error::Failure;
use std::borrow::Cow;

pub struct FieldError {
    pub field: String,
    /// What to do about it: a form's own words, or the service's sentence when that names the
    /// field's problem better (a wrong current password).
    pub hint: Cow<'static, str>,
}

impl FieldError {
    /// No wrong field: for a page whose refusals belong to no field (the summary alone).
    pub const NONE: &'static [Self] = &[];
    /// No sentence of the summary's own: for a page whose one field's error says it all.
    pub const NO_MESSAGE: Option<&'static str> = None;

    /// Each wrong field of a refused form, with what to do about it.
    #[must_use]
    pub fn all(failure: Option<&Failure>) -> Vec<Self> {
        failure.map_or_else(Vec::new, |f| {
            f.fields
                .iter()
                .map(|(field, hint)| Self::new(field, *hint))
                .collect()
        })
    }

    pub fn new(field: impl Into<String>, hint: impl Into<Cow<'static, str>>) -> Self {
        Self {
            field: field.into(),
            hint: hint.into(),
        }
    }

    /// The summary's own sentence for a refused form: none when the fields' hints say it all.
    #[must_use]
    pub fn message(failure: Option<&Failure>) -> Option<&str> {
        failure
            .filter(|f| f.code != "invalid_field" || f.fields.is_empty())
            .map(|f| f.message.as_str())
    }

    /// The hint for `field` among `errors`, else nothing.
    #[must_use]
    pub fn hint(errors: &[Self], field: impl AsRef<str>) -> &str {
        let field = field.as_ref();
        errors
            .iter()
            .find(|e| e.field == field)
            .map_or("", |e| e.hint.as_ref())
    }
}

/// What a form's page shows of its refusal: the summary's own sentence and each wrong field.
pub struct Refused<'a> {
    pub message: Option<&'a str>,
    pub fields: Vec<FieldError>,
}

impl<'a> Refused<'a> {
    /// `by_code` ties a refusal that names no field to the one it is about (a wrong current
    /// password to 現在のパスワード): the service's sentence is shown beside that field.
    #[must_use]
    pub fn of(failure: Option<&'a Failure>, by_code: &[(&str, &str)]) -> Self {
        let tied = failure.and_then(|f| {
            by_code
                .iter()
                .find(|(code, _)| *code == f.code)
                .map(|(_, field)| FieldError::new(*field, f.message.clone()))
        });
        match tied {
            Some(field) => Self {
                message: None,
                fields: vec![field],
            },
            None => Self {
                message: FieldError::message(failure),
                fields: FieldError::all(failure),
            },
        }
    }
}

impl FieldError {
    /// The refusal of one row's form in a table (失効 of one certificate): its `field` is told
    /// apart from the other rows' by the row's key, and a refusal of anything the row's form
    /// does not show is the summary's sentence.
    #[must_use]
    pub fn in_row<'a>(failure: &'a Failure, field: &str, row: &str) -> Refused<'a> {
        let fields: Vec<Self> = failure
            .fields
            .iter()
            .filter(|(name, _)| name == field)
            .map(|(_, hint)| Self::new(Self::row_field(field, row), *hint))
            .collect();
        let shown_all = fields.len() == failure.fields.len();
        Refused {
            message: (fields.is_empty() || !shown_all || failure.code != "invalid_field")
                .then_some(failure.message.as_str()),
            fields,
        }
    }

    /// The name a row's field has on its page: `reason-KEY`.
    #[must_use]
    pub fn row_field(field: &str, row: &str) -> String {
        format!("{field}-{row}")
    }
}

#[cfg(test)]
mod tests {
    use super::{FieldError, Refused};
    use crate::edge::error::Failure;
    use axum::http::StatusCode;

    fn refusal(code: &'static str, fields: &[&str]) -> Failure {
        let mut f = Failure::new(StatusCode::UNPROCESSABLE_ENTITY, code, "その理由");
        f.fields = fields
            .iter()
            .map(|n| ((*n).to_owned(), "その項目"))
            .collect();
        f
    }

    #[test]
    fn fields_that_say_it_all_leave_the_summary_no_sentence_of_its_own() {
        let fields = refusal("invalid_field", &["name"]);
        let r = Refused::of(Some(&fields), &[]);
        assert_eq!(r.message, None);
        assert_eq!(FieldError::hint(&r.fields, "name"), "その項目");
        let taken = refusal("login_id_taken", &[]);
        let r = Refused::of(Some(&taken), &[("login_id_taken", "login_id")]);
        assert_eq!(r.message, None);
        assert_eq!(FieldError::hint(&r.fields, "login_id"), "その理由");
        let other = refusal("enrollment_refused", &[]);
        let r = Refused::of(Some(&other), &[("login_id_taken", "login_id")]);
        assert_eq!(r.message, Some("その理由"));
        assert!(r.fields.is_empty());
    }

    #[test]
    fn a_rows_field_is_told_apart_and_what_the_row_does_not_show_is_said_above() {
        let reason = refusal("invalid_field", &["reason"]);
        let r = FieldError::in_row(&reason, "reason", "ab12");
        assert_eq!(FieldError::hint(&r.fields, "reason-ab12"), "その項目");
        assert_eq!(r.message, None);
        let serial = refusal("invalid_field", &["serial"]);
        let r = FieldError::in_row(&serial, "reason", "ab12");
        assert!(r.fields.is_empty());
        assert_eq!(r.message, Some("その理由"));
    }
}
