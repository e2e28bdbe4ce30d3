//! Failures as people see them. gRPC statuses are mapped to HTTP once, here, by their stable
//! code; every message is Japanese and says what to do. Pages get an HTML page, `/api/` a JSON
//! body `{"error": {"code", "message"}}`. The cause is logged, never shown.

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
const ANY_FIELD_HINT: &str = "入力内容を確認してください。";
const MANY_FIELDS: &str = "入力内容に誤りがあります。各項目の説明に従って直してください。";

impl Failure {
    /// A refusal of fields, in the words of the form they belong to: each field gets its hint, and
    /// a single wrong field's hint is in the message. Other failures pass unchanged.
    #[must_use]
    pub fn labelled(mut self, labels: &Labels) -> Self {
        if self.code != "invalid_field" {
            return self;
        }
        let find = |name: &str| labels.iter().find(|f| f.name == name);
        for (name, hint) in &mut self.fields {
            *hint = find(name).map_or(ANY_FIELD_HINT, |f| f.hint);
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

impl From<tonic::Status> for Failure {
    fn from(status: tonic::Status) -> Self {
        use tonic::Code;
        let key = status.message();
        match (status.code(), key) {
            (Code::Unauthenticated, "bad_credentials") => Self::new(
                StatusCode::UNAUTHORIZED,
                "bad_credentials",
                "ログインIDまたはパスワードが正しくありません。",
            ),
            (Code::Unauthenticated, _) => Self::login_required(),
            (Code::Aborted, "idempotency_in_progress") => Self::new(
                StatusCode::CONFLICT,
                "in_progress",
                "処理中です。少し待ってから画面を開き直して、結果を確かめてください。",
            ),
            (Code::FailedPrecondition, "idempotency_key_reused") => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "この送信は別の操作のものです。画面を開き直して、もう一度操作してください。",
            ),
            (Code::FailedPrecondition, "idempotency_answered") => Self::new(
                StatusCode::CONFLICT,
                "already_done",
                "この操作は既に受け付けました。画面を開き直して、結果を確かめてください。",
            ),
            (Code::FailedPrecondition, "locked") => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "locked",
                "ログインに続けて失敗したため、しばらくの間ログインできません。時間をおいてから再度お試しください。",
            ),
            (Code::PermissionDenied, "suspended") => Self::new(
                StatusCode::FORBIDDEN,
                "suspended",
                "このユーザーIDは利用が停止されています。事業所管理者または市（高齢福祉課）にお問い合わせください。",
            ),
            (Code::PermissionDenied, "device_not_registered") => Self::new(
                StatusCode::FORBIDDEN,
                "device_not_registered",
                "この電子証明書は登録されていないか、失効しています。事業所管理者にお問い合わせください。",
            ),
            (Code::PermissionDenied, "enrollment_refused") => Self::new(
                StatusCode::FORBIDDEN,
                "enrollment_refused",
                "証明書取得用Noまたはパスワードが正しくないか、使用済み・期限切れです。入力内容を確かめ、解決しない場合は市にお問い合わせください。",
            ),
            (Code::PermissionDenied, "other_office_device") => {
                let office = proto::identity::OtherOfficeDevice::from_status(&status)
                    .map(|d| d.device_office_name)
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| "他の事業所".into());
                Self::new(
                    StatusCode::FORBIDDEN,
                    "other_office_device",
                    format!(
                        "この端末は{office}の端末のため、ログインできません。所属事業所の端末からログインしてください。"
                    ),
                )
            }
            (Code::PermissionDenied, _) => Self::forbidden(),
            (Code::FailedPrecondition, "board_closed") => Self::new(
                StatusCode::CONFLICT,
                "board_closed",
                "この連絡帳は共有を終了しているため、書き込みや変更はできません。",
            ),
            (Code::FailedPrecondition, "already_member") => Self::new(
                StatusCode::CONFLICT,
                "already_member",
                "このスタッフは既に支援チームに参加しています。",
            ),
            (Code::FailedPrecondition, "inactive_user") => Self::new(
                StatusCode::CONFLICT,
                "inactive_user",
                "利用が停止または終了しているスタッフはチームに追加できません。",
            ),
            (Code::FailedPrecondition, "representative_must_hand_over") => Self::new(
                StatusCode::CONFLICT,
                "representative_must_hand_over",
                "代表者はチームから外れる前に、代表者を他のメンバーに引き継いでください。",
            ),
            (Code::FailedPrecondition, "already_representative") => Self::new(
                StatusCode::CONFLICT,
                "already_representative",
                "既に代表者です。",
            ),
            (Code::AlreadyExists, "login_id_taken") => Self::new(
                StatusCode::CONFLICT,
                "login_id_taken",
                "このユーザーIDは既に使われています。別のユーザーIDを指定してください。",
            ),
            (Code::ResourceExhausted, _) => Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "試行回数が多すぎます。しばらく時間をおいてから再度お試しください。",
            ),
            (Code::InvalidArgument, "wrong_current_password") => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_current_password",
                "現在のパスワードが正しくありません。",
            ),
            (Code::InvalidArgument, k) if k.starts_with("weak_password") => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "weak_password",
                match k.strip_prefix("weak_password:") {
                    Some("too short") => {
                        "パスワードは12文字以上にしてください。長い文章のようなパスワードがおすすめです。"
                    }
                    Some("too long") => "パスワードは128文字以内にしてください。",
                    Some("reused") => {
                        "新しいパスワードは現在のパスワードと別のものにしてください。"
                    }
                    _ => {
                        "推測されやすいパスワードです（よく使われる語、ユーザーID、同じ文字の繰り返しを含む）。別のパスワードにしてください。"
                    }
                },
            ),
            (Code::NotFound, _) => Self::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "お探しの情報は見つかりませんでした。",
            ),
            (Code::InvalidArgument, k) => {
                let fields: Vec<&str> = k
                    .strip_prefix("invalid:")
                    .unwrap_or("")
                    .split(',')
                    .filter(|f| !f.is_empty())
                    .collect();
                let mut failure = Self::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid_field",
                    if fields.len() > 1 {
                        MANY_FIELDS
                    } else {
                        ANY_FIELD_HINT
                    },
                );
                failure.fields = fields
                    .iter()
                    .map(|f| ((*f).to_owned(), ANY_FIELD_HINT))
                    .collect();
                failure
            }
            (Code::Unavailable | Code::DeadlineExceeded, _) => {
                tracing::error!(code = ?status.code(), "backend unavailable");
                Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "ただいまシステムが混み合っているか、停止しています。しばらくしてから再度お試しください。",
                )
            }
            _ => {
                tracing::error!(code = ?status.code(), key, "backend failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "システムエラーが発生しました。時間をおいて再度お試しください。",
                )
            }
        }
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

#[cfg(test)]
mod tests {
    use super::Failure;

    #[test]
    fn a_sign_in_on_another_office_device_names_the_device_office_only() {
        let status = proto::identity::OtherOfficeDevice {
            device_office_name: "高萩訪問看護ステーション".into(),
        }
        .into_status();
        let f = Failure::from(status);
        assert_eq!((f.status.as_u16(), f.code), (403, "other_office_device"));
        assert_eq!(
            f.message,
            "この端末は高萩訪問看護ステーションの端末のため、ログインできません。所属事業所の端末からログインしてください。"
        );
        // Without the details (an older identity), still a sentence a care worker understands.
        let bare = Failure::from(tonic::Status::permission_denied("other_office_device"));
        assert!(bare.message.starts_with("この端末は他の事業所の端末のため"));
    }
}
