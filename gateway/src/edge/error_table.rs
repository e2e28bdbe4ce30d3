//! The error table: every reason a service refuses with, as people are told it — the HTTP
//! status, the API's stable code and a Japanese sentence that says what to do. It matches the
//! contract's own reason types (`proto::errors`), read from the status details; no status
//! message is read. A status that carries no reason (the transport failed: a service is down, a
//! deadline passed) is told by its code alone.

use crate::edge::error::{ANY_FIELD_HINT, Failure, MANY_FIELDS};
use axum::http::StatusCode;
use proto::careboard::ErrorReason as Board;
use proto::common::ErrorReason as Common;
use proto::errors::{DEVICE_OFFICE_NAME, MAX_FILE_MB, MAX_FILES, Reason, Refusal};
use proto::identity::ErrorReason as Identity;
use proto::notify::ErrorReason as Notify;
use proto::offices::ErrorReason as Offices;

/// What people are told of one reason.
struct Told {
    status: StatusCode,
    code: &'static str,
    message: &'static str,
}

const fn told(status: StatusCode, code: &'static str, message: &'static str) -> Told {
    Told {
        status,
        code,
        message,
    }
}

const LOGIN_REQUIRED: Told = told(
    StatusCode::UNAUTHORIZED,
    "login_required",
    "ログインしてください。",
);
const FORBIDDEN: Told = told(
    StatusCode::FORBIDDEN,
    "forbidden",
    "この操作を行う権限がありません。",
);
const UNAVAILABLE: Told = told(
    StatusCode::SERVICE_UNAVAILABLE,
    "unavailable",
    "ただいまシステムが混み合っているか、停止しています。しばらくしてから再度お試しください。",
);
const INTERNAL: Told = told(
    StatusCode::INTERNAL_SERVER_ERROR,
    "internal",
    "システムエラーが発生しました。時間をおいて再度お試しください。",
);
const WEAK_PASSWORD: &str = "weak_password";
/// The sentence of a sign-in on another office's device; `{office}` is that office.
const OTHER_OFFICE_DEVICE: &str = "この端末は{office}の端末のため、ログインできません。所属事業所の端末からログインしてください。";

/// The table. Every reason of the contract has its row; the compiler checks none is missing.
fn told_of(reason: Reason) -> Told {
    use StatusCode as S;
    match reason {
        Reason::Common(r) => match r {
            Common::InvalidField => told(S::UNPROCESSABLE_ENTITY, "invalid_field", ANY_FIELD_HINT),
            Common::NoActor => LOGIN_REQUIRED,
            Common::Forbidden => FORBIDDEN,
            Common::NotFound => told(
                S::NOT_FOUND,
                "not_found",
                "お探しの情報は見つかりませんでした。",
            ),
            Common::IdempotencyInProgress => told(
                S::CONFLICT,
                "in_progress",
                "処理中です。少し待ってから画面を開き直して、結果を確かめてください。",
            ),
            Common::IdempotencyKeyReused => told(
                S::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "この送信は別の操作のものです。画面を開き直して、もう一度操作してください。",
            ),
            Common::IdempotencyAnswered => told(
                S::CONFLICT,
                "already_done",
                "この操作は既に受け付けました。画面を開き直して、結果を確かめてください。",
            ),
            Common::Unavailable => UNAVAILABLE,
            Common::Internal | Common::Unspecified => INTERNAL,
        },
        Reason::Identity(r) => match r {
            Identity::BadCredentials => told(
                S::UNAUTHORIZED,
                "bad_credentials",
                "ログインIDまたはパスワードが正しくありません。",
            ),
            Identity::SessionInvalid => LOGIN_REQUIRED,
            Identity::Locked => told(
                S::TOO_MANY_REQUESTS,
                "locked",
                "ログインに続けて失敗したため、しばらくの間ログインできません。時間をおいてから再度お試しください。",
            ),
            Identity::Suspended => told(
                S::FORBIDDEN,
                "suspended",
                "このユーザーIDは利用が停止されています。事業所管理者または市（高齢福祉課）にお問い合わせください。",
            ),
            Identity::DeviceNotRegistered => told(
                S::FORBIDDEN,
                "device_not_registered",
                "この電子証明書は登録されていないか、失効しています。事業所管理者にお問い合わせください。",
            ),
            Identity::OtherOfficeDevice => told(S::FORBIDDEN, "other_office_device", ""),
            Identity::EnrollmentRefused => told(
                S::FORBIDDEN,
                "enrollment_refused",
                "証明書取得用Noまたはパスワードが正しくないか、使用済み・期限切れです。入力内容を確かめ、解決しない場合は市にお問い合わせください。",
            ),
            Identity::RateLimited => told(
                S::TOO_MANY_REQUESTS,
                "rate_limited",
                "試行回数が多すぎます。しばらく時間をおいてから再度お試しください。",
            ),
            Identity::LoginIdTaken => told(
                S::CONFLICT,
                "login_id_taken",
                "このユーザーIDは既に使われています。別のユーザーIDを指定してください。",
            ),
            Identity::WrongCurrentPassword => told(
                S::UNPROCESSABLE_ENTITY,
                "wrong_current_password",
                "現在のパスワードが正しくありません。",
            ),
            Identity::WeakPasswordTooShort => told(
                S::UNPROCESSABLE_ENTITY,
                WEAK_PASSWORD,
                "パスワードは12文字以上にしてください。長い文章のようなパスワードがおすすめです。",
            ),
            Identity::WeakPasswordTooLong => told(
                S::UNPROCESSABLE_ENTITY,
                WEAK_PASSWORD,
                "パスワードは128文字以内にしてください。",
            ),
            Identity::WeakPasswordReused => told(
                S::UNPROCESSABLE_ENTITY,
                WEAK_PASSWORD,
                "新しいパスワードは現在のパスワードと別のものにしてください。",
            ),
            Identity::WeakPasswordCommon => told(
                S::UNPROCESSABLE_ENTITY,
                WEAK_PASSWORD,
                "推測されやすいパスワードです（よく使われる語、ユーザーID、同じ文字の繰り返しを含む）。別のパスワードにしてください。",
            ),
            Identity::Unspecified => INTERNAL,
        },
        Reason::Offices(r) => match r {
            Offices::AlreadyDecided => told(
                S::CONFLICT,
                "already_decided",
                "この申請は既に承認または却下されています。",
            ),
            Offices::InvitationInvalid => told(
                S::UNPROCESSABLE_ENTITY,
                "invitation_invalid",
                "招待コードが正しくないか、既に使われています。市から届いた招待コードを入力してください。",
            ),
            Offices::ApplicationsClosed => told(
                S::FORBIDDEN,
                "applications_closed",
                "現在、事業所登録申請は受け付けていません。高萩市高齢福祉課 地域包括支援グループにお問い合わせください。",
            ),
            Offices::Unspecified => INTERNAL,
        },
        Reason::Careboard(r) => match r {
            Board::BoardClosed => told(
                S::CONFLICT,
                "board_closed",
                "この連絡帳は共有を終了しているため、書き込みや変更はできません。",
            ),
            Board::AlreadyMember => told(
                S::CONFLICT,
                "already_member",
                "このスタッフは既に支援チームに参加しています。",
            ),
            Board::InactiveUser => told(
                S::CONFLICT,
                "inactive_user",
                "利用が停止または終了しているスタッフはチームに追加できません。",
            ),
            Board::RepresentativeMustHandOver => told(
                S::CONFLICT,
                "representative_must_hand_over",
                "代表者はチームから外れる前に、代表者を他のメンバーに引き継いでください。",
            ),
            Board::AlreadyRepresentative => {
                told(S::CONFLICT, "already_representative", "既に代表者です。")
            }
            Board::NotAuthor => told(
                S::FORBIDDEN,
                "not_author",
                "訂正・取り消しができるのは、書き込んだ本人だけです。",
            ),
            Board::ReplyToReply => told(
                S::UNPROCESSABLE_ENTITY,
                "reply_to_reply",
                "返信には返信できません。元の書き込みに返信してください。",
            ),
            Board::PostWithdrawn => told(
                S::CONFLICT,
                "post_withdrawn",
                "この書き込みは取り消されています。返信や訂正はできません。",
            ),
            Board::CorrectionWindowPassed => told(
                S::CONFLICT,
                "correction_window_passed",
                "訂正・取り消しができる期間を過ぎました。補足は返信で書き込んでください。",
            ),
            Board::FileUnsupported => told(
                S::UNSUPPORTED_MEDIA_TYPE,
                "file_unsupported",
                "この種類のファイルは添付できません。写真(JPEG・PNG・WebP)かPDFを選んでください。",
            ),
            Board::FileHeic => told(
                S::UNSUPPORTED_MEDIA_TYPE,
                "file_heic",
                "HEIC形式の写真は添付できません。カメラの設定で「互換性優先」(JPEG)を選んでから撮り直すか、JPEGの写真を選んでください。",
            ),
            Board::FileTooLarge => told(
                S::PAYLOAD_TOO_LARGE,
                "file_too_large",
                "ファイルが大きすぎます。1件{max_mb}MBまでです。",
            ),
            Board::FileTooManyPixels => told(
                S::UNPROCESSABLE_ENTITY,
                "file_too_many_pixels",
                "写真の画素数が大きすぎます。小さくしてから添付してください。",
            ),
            Board::FileCorrupt => told(
                S::UNPROCESSABLE_ENTITY,
                "file_corrupt",
                "ファイルが壊れているか途中で切れているため開けません。もう一度保存してから添付してください。",
            ),
            Board::TooManyFiles => told(
                S::UNPROCESSABLE_ENTITY,
                "too_many_files",
                "添付できるファイルは1件の書き込みにつき{max_files}件までです。",
            ),
            Board::Unspecified => INTERNAL,
        },
        Reason::Notify(r) => match r {
            Notify::NotGateway => FORBIDDEN,
            Notify::Unspecified => INTERNAL,
        },
    }
}

impl From<Refusal> for Failure {
    fn from(refusal: Refusal) -> Self {
        let told = told_of(refusal.reason);
        if told.status.is_server_error() {
            tracing::error!(
                domain = refusal.domain.as_str(),
                reason = refusal.reason.name(),
                "backend failure"
            );
        }
        let message = match refusal.reason {
            // Until the form's labels name them, the fields are only counted.
            Reason::Common(Common::InvalidField) if refusal.fields.len() > 1 => {
                MANY_FIELDS.to_owned()
            }
            Reason::Identity(Identity::OtherOfficeDevice) => OTHER_OFFICE_DEVICE.replace(
                "{office}",
                refusal.fact(DEVICE_OFFICE_NAME).unwrap_or("他の事業所"),
            ),
            Reason::Careboard(Board::FileTooLarge) => told
                .message
                .replace("{max_mb}", refusal.fact(MAX_FILE_MB).unwrap_or("10")),
            Reason::Careboard(Board::TooManyFiles) => told
                .message
                .replace("{max_files}", refusal.fact(MAX_FILES).unwrap_or("4")),
            _ => told.message.to_owned(),
        };
        let mut failure = Failure::new(told.status, told.code, message);
        failure.fields = refusal
            .fields
            .into_iter()
            .map(|f| (f, ANY_FIELD_HINT))
            .collect();
        failure
    }
}

impl From<tonic::Status> for Failure {
    fn from(status: tonic::Status) -> Self {
        if let Some(refusal) = Refusal::from_status(&status) {
            return refusal.into();
        }
        let told = match status.code() {
            // `Cancelled` is what the channel's own deadline gives (`GrpcOptions::deadline`); a
            // call whose connection broke under it (a replica frozen or killed mid-answer) comes
            // back `Unknown`. Every answer of a service carries its reason, so a reason-less one is
            // the way to the service failing, not the service: the page says to try again.
            tonic::Code::Unavailable
            | tonic::Code::DeadlineExceeded
            | tonic::Code::Cancelled
            | tonic::Code::Unknown => UNAVAILABLE,
            _ => INTERNAL,
        };
        tracing::error!(code = ?status.code(), message = status.message(), "backend failure without a reason");
        Failure::new(told.status, told.code, told.message)
    }
}

#[cfg(test)]
mod tests;
