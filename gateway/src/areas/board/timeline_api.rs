//! The board's timeline, 確認しました and live updates in the JSON API: the board page's twins,
//! through the same functions (`pages::timeline`, `pages::acknowledge`, `pages::event_stream`).

use crate::areas::board::api::PostOut;
use crate::areas::board::pages::{acknowledge, event_stream, timeline};
use crate::edge::auth::{ApiUser, ApiWriter};
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use proto::careboard as pb;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// `next_cursor` of the previous page; empty for the newest posts.
    #[serde(default)]
    #[param(example = "01a1e5b0-7c2d-7e3f-8a4b-5c6d7e8f9a01")]
    cursor: String,
    /// One of the board's categories (服薬, 治療, バイタル…; as a post's `category`): only its posts.
    #[serde(default)]
    #[param(example = "バイタル")]
    category: String,
}

/// A post with its replies (oldest first).
#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::thread)]
pub struct ThreadOut {
    #[serde(flatten)]
    post: PostOut,
    replies: Vec<PostOut>,
}

impl From<pb::Post> for ThreadOut {
    fn from(mut p: pb::Post) -> Self {
        let replies = std::mem::take(&mut p.replies);
        Self {
            post: p.into(),
            replies: replies.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::timeline)]
pub struct TimelineOut {
    /// The board's heading.
    recipient_name: String,
    care_level: String,
    /// The board is closed (read-only).
    closed: bool,
    /// Newest first, 50 a page.
    posts: Vec<ThreadOut>,
    /// Empty on the last page.
    next_cursor: String,
    /// On the newest page of an open board: others' urgent posts the caller has not yet
    /// acknowledged, wherever they are in the timeline.
    pinned: Vec<ThreadOut>,
    /// The caller's unread posts on the whole board.
    unread_total: u32,
}

/// The board's timeline, a page at a time, newest first. Reading it marks nothing 既読
/// (`POST /api/v1/boards/{id}/reads` does).
#[utoipa::path(get, path = "/api/v1/boards/{id}/posts",
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"), TimelineQuery),
    responses((status = 200, body = TimelineOut), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn list_posts(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Query(q): Query<TimelineQuery>,
) -> Result<Json<TimelineOut>, ApiError> {
    let t = timeline(&state, &user, &id, &q.cursor, &q.category, 0).await?;
    Ok(Json(TimelineOut {
        recipient_name: t.recipient_name,
        care_level: t.care_level,
        closed: t.closed,
        posts: t.posts.into_iter().map(Into::into).collect(),
        next_cursor: t.next_cursor,
        pinned: t.pinned.into_iter().map(Into::into).collect(),
        unread_total: t.unread_total,
    }))
}

/// 確認しました: acknowledge another member's urgent post. A repeat changes nothing.
#[utoipa::path(post, path = "/api/v1/boards/{id}/posts/{post}/acknowledge",
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("post" = String, Path, description = "The urgent post", example = "01a22a04-fe20-7a31-9c42-5d63e7f80931")),
    responses((status = 200, body = PostOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn acknowledge_post(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path((id, post)): Path<(String, String)>,
) -> Result<Json<PostOut>, ApiError> {
    Ok(Json(acknowledge(&state, &user, &id, &post).await?.into()))
}

/// Live updates of a board (server-sent events), ids only: `event: post` with a new post's or
/// reply's id as `data`; `event: marks` with the comma-separated ids of posts whose 既読 or 確認
/// changed. Fetch the content with `GET /api/v1/boards/{id}/posts`. Comments keep the
/// connection alive; the stream ends when the caller leaves the team, is suspended, or the
/// session or the certificate ends.
#[utoipa::path(get, path = "/api/v1/boards/{id}/events",
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses(
        (status = 200, description = "The event stream", content_type = "text/event-stream",
            body = String, example = crate::openapi::examples::board::events),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn board_events(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(event_stream(state, user, &id).await?)
}
