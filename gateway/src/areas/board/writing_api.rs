//! Replies, corrections and a post's history in the JSON API: the page forms' twins.

use crate::areas::board::api::PostOut;
use crate::areas::board::writing::{correct, history, reply, withdraw};
use crate::edge::auth::{ApiUser, ApiWriter};
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use proto::careboard as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::board::reply_body)]
pub struct ReplyBody {
    /// The reply, up to the board's hard limit.
    body: String,
    /// Up to four files uploaded to the board (`POST /api/v1/boards/{id}/files`) for it.
    #[serde(default)]
    files: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::board::correction)]
pub struct CorrectionBody {
    /// The corrected text.
    body: String,
    /// A post's category (one of the board's, or empty); ignored for a reply.
    #[serde(default)]
    category: String,
}

/// What replaced an earlier text: `edited` (訂正) or `withdrawn` (取り消し); `unknown` for a kind
/// this gateway does not know yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RevisionKindOut {
    Edited,
    Withdrawn,
    Unknown,
}

impl From<pb::RevisionKind> for RevisionKindOut {
    fn from(k: pb::RevisionKind) -> Self {
        match k {
            pb::RevisionKind::Edited => Self::Edited,
            pb::RevisionKind::Withdrawn => Self::Withdrawn,
            pb::RevisionKind::Unspecified => Self::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RevisionOut {
    kind: RevisionKindOut,
    body: String,
    category: String,
    changed_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::history)]
pub struct HistoryOut {
    post: PostOut,
    /// Earlier texts, oldest first.
    revisions: Vec<RevisionOut>,
}

/// Reply to a post (one level: a reply to a reply is refused with 422 `reply_to_reply`).
#[utoipa::path(post, path = "/api/v1/boards/{id}/posts/{post}/replies", request_body = ReplyBody,
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("post" = String, Path, description = "The post replied to", example = "01a22a04-fe20-7a31-9c42-5d63e7f80931")),
    responses((status = 200, body = PostOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn create_reply(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path((id, post)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReplyBody>,
) -> Result<Json<PostOut>, ApiError> {
    Ok(Json(
        reply(&state, &user, &id, &post, &body.body, body.files)
            .await?
            .into(),
    ))
}

/// Correct one's own post or reply within the city's window; the earlier text is kept.
#[utoipa::path(patch, path = "/api/v1/boards/{id}/posts/{post}", request_body = CorrectionBody,
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("post" = String, Path, description = "The post or reply", example = "01a22a04-fe20-7a31-9c42-5d63e7f80931")),
    responses((status = 200, body = PostOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn correct_post(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path((id, post)): Path<(String, String)>,
    ApiJson(body): ApiJson<CorrectionBody>,
) -> Result<Json<PostOut>, ApiError> {
    let p = correct(&state, &user, &id, &post, &body.body, &body.category).await?;
    Ok(Json(p.into()))
}

/// Withdraw (取り消し) one's own post or reply within the city's window; it stays in the history.
#[utoipa::path(post, path = "/api/v1/boards/{id}/posts/{post}/withdrawal",
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("post" = String, Path, description = "The post or reply", example = "01a22a04-fe20-7a31-9c42-5d63e7f80931")),
    responses((status = 200, body = PostOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw_post(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path((id, post)): Path<(String, String)>,
) -> Result<Json<PostOut>, ApiError> {
    Ok(Json(withdraw(&state, &user, &id, &post).await?.into()))
}

/// A post's history (編集履歴): every earlier text, for any member of the team.
#[utoipa::path(get, path = "/api/v1/boards/{id}/posts/{post}/history",
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("post" = String, Path, description = "The post or reply", example = "01a22a04-fe20-7a31-9c42-5d63e7f80931")),
    responses((status = 200, body = HistoryOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn post_history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((id, post)): Path<(String, String)>,
) -> Result<Json<HistoryOut>, ApiError> {
    let h = history(&state, &user, &id, &post).await?;
    Ok(Json(HistoryOut {
        post: h.post.unwrap_or_default().into(),
        revisions: h
            .revisions
            .into_iter()
            .map(|r: pb::PostRevision| RevisionOut {
                kind: r.kind().into(),
                body: r.body,
                category: r.category,
                changed_at: r.changed_at,
            })
            .collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revisions_kind_keeps_its_words_in_the_api() {
        let sent = |k| serde_json::to_value(RevisionKindOut::from(k)).unwrap();
        assert_eq!(sent(pb::RevisionKind::Edited), "edited");
        assert_eq!(sent(pb::RevisionKind::Withdrawn), "withdrawn");
        assert_eq!(sent(pb::RevisionKind::Unspecified), "unknown");
    }
}
