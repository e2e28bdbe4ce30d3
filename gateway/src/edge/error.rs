//! Failures as people see them. A service's refusal is mapped to HTTP once, by its reason, in
//! the error table (`error_table.rs`); every message is Japanese and says what to do. Pages get
//! an HTML page, `/api/` a JSON body `{"error": {"code", "message"}}`. The cause is logged,
//! never shown.

use super::page;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// For a form: each wrong field and what to do about it.
    pub fields: Vec<(String, &'static str)>,
}

impl Failure {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn certificate_required() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "certificate_required",
            "この画面を開くには、事業所で取得した電子証明書が必要です。",
        )
    }

    pub fn certificate_revoked() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "certificate_revoked",
            "この電子証明書は失効しているか、有効期限が切れています。事業所管理者にお問い合わせください。",
        )
    }

    /// The revocation list could not be checked: refuse rather than guess.
    pub fn revocation_unknown() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "revocation_unknown",
            "電子証明書の失効情報を確認できないため、一時的に利用できません。しばらくしてから再度お試しください。",
        )
    }

    pub fn login_required() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "login_required",
            "ログインしてください。",
        )
    }

    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "画面の有効期限が切れました。もう一度画面を開き直してから操作してください。",
        )
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "この操作を行う権限がありません。",
        )
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_request", message)
    }

    /// A field of a request that the gateway reads itself (a filter's word for a service's
    /// enum), refused as a service refuses a wrong field of its own.
    pub fn invalid_field(name: &str) -> Self {
        let mut f = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            ANY_FIELD_HINT,
        );
        f.fields = vec![(name.to_owned(), ANY_FIELD_HINT)];
        f
    }
}

/// One field of a form as people see it: the name a service reports it by, and what to do about
/// it, naming the field by its label on that form. Each form has its own table, so a field is
/// always named in the words of the form it belongs to (a person's `name` is 氏名, an office's
/// is 事業所名).
pub struct Field {
    pub name: &'static str,
    pub hint: &'static str,
}

/// A form's fields.
pub type Labels = [Field];

/// For a wrong field that no form names (an API call that sent a field the form never shows).
pub(crate) const ANY_FIELD_HINT: &str = "入力内容を確認してください。";
pub(crate) const MANY_FIELDS: &str =
    "入力内容に誤りがあります。各項目の説明に従って直してください。";

impl Failure {
    /// A refusal of fields, in the words of the form they belong to: each field a service named
    /// gets its hint, and a single wrong field's hint is in the message of a refusal of fields.
    /// Other refusals keep their message (an invitation code refused beside its box).
    #[must_use]
    pub fn labelled(mut self, labels: &Labels) -> Self {
        let find = |name: &str| labels.iter().find(|f| f.name == name);
        for (name, hint) in &mut self.fields {
            *hint = find(name).map_or(ANY_FIELD_HINT, |f| f.hint);
        }
        if self.code != "invalid_field" {
            return self;
        }
        self.message = match self.fields.as_slice() {
            [(_, hint)] if *hint == ANY_FIELD_HINT => ANY_FIELD_HINT.to_owned(),
            [(_, hint)] => format!("入力内容を確認してください。{hint}"),
            _ => MANY_FIELDS.to_owned(),
        };
        self
    }
}

/// A service's answer to a form, its refusals labelled by that form.
pub trait ForForm<T> {
    /// # Errors
    /// The service's refusal as a [`Failure`], its fields in the words of `labels`.
    fn for_form(self, labels: &Labels) -> Result<T, Failure>;
}

impl<T> ForForm<T> for Result<T, tonic::Status> {
    fn for_form(self, labels: &Labels) -> Result<T, Failure> {
        self.map_err(|s| Failure::from(s).labelled(labels))
    }
}

/// A failure on a browser page.
#[derive(Debug)]
pub struct PageError(pub Failure);

impl<T: Into<Failure>> From<T> for PageError {
    fn from(f: T) -> Self {
        Self(f.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let f = self.0;
        let page = if f.code == "certificate_required" {
            page::render(&page::CertificateRequired {})
        } else {
            page::render(&page::ErrorPage {
                message: &f.message,
                login_link: f.status == StatusCode::UNAUTHORIZED,
            })
        };
        (f.status, page).into_response()
    }
}

/// A failure of the JSON API.
#[derive(Debug)]
pub struct ApiError(pub Failure);

impl<T: Into<Failure>> From<T> for ApiError {
    fn from(f: T) -> Self {
        Self(f.into())
    }
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(example = crate::openapi::examples::error)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code.
    pub code: String,
    /// What happened and what to do, in Japanese.
    pub message: String,
    /// For `invalid_field`: each wrong field and what to do about it.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub fields: std::collections::BTreeMap<String, String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let f = self.0;
        let body = ErrorBody {
            error: ErrorDetail {
                code: f.code.to_owned(),
                message: f.message,
                fields: f
                    .fields
                    .into_iter()
                    .map(|(k, v)| (k, v.to_owned()))
                    .collect(),
            },
        };
        (f.status, Json(body)).into_response()
    }
}
