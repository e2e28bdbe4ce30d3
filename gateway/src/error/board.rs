//! The board's refusals of replies and corrections, in the words of the error table.

use super::Failure;
use axum::http::StatusCode;
use tonic::Code;

/// The failure for a careboard refusal about writing on a board, if `key` is one.
pub(super) fn refusal(code: Code, key: &str) -> Option<Failure> {
    let (status, code, message) = match (code, key) {
        (Code::PermissionDenied, "not_author") => (
            StatusCode::FORBIDDEN,
            "not_author",
            "訂正・取り消しができるのは、書き込んだ本人だけです。",
        ),
        (Code::FailedPrecondition, "reply_to_reply") => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "reply_to_reply",
            "返信には返信できません。元の書き込みに返信してください。",
        ),
        (Code::FailedPrecondition, "post_withdrawn") => (
            StatusCode::CONFLICT,
            "post_withdrawn",
            "この書き込みは取り消されています。返信や訂正はできません。",
        ),
        (Code::FailedPrecondition, "correction_window_passed") => (
            StatusCode::CONFLICT,
            "correction_window_passed",
            "訂正・取り消しができる期間を過ぎました。補足は返信で書き込んでください。",
        ),
        _ => return None,
    };
    Some(Failure::new(status, code, message))
}
