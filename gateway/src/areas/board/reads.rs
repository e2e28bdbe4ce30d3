//! 既読 as the reader's screen reports it: the board's script sends, every few seconds, the posts
//! it has actually shown; the API's twin takes the same report as JSON. Both call `mark_shown`.
//! Opening a board marks nothing.

use crate::edge::auth::{ApiWriter, PageUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use proto::careboard as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether the board's script sent the request (it asks for cards, not pages).
pub fn from_script(headers: &HeaderMap) -> bool {
    headers
        .get("x-requested-with")
        .is_some_and(|v| v == "fetch")
}

/// Whether a person followed a link here (the browser opens a page), rather than a script or
/// a program asking for a post's card.
pub fn navigated(headers: &HeaderMap) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if from_script(headers) {
        return false;
    }
    match header("sec-fetch-mode") {
        Some(mode) => mode == "navigate",
        // A browser too old to say so still asks for HTML first.
        None => header("accept").is_some_and(|a| a.starts_with("text/html")),
    }
}

/// One post of the board, as careboard shows it to `user` (and audits the read).
pub async fn one_post(
    state: &AppState,
    user: &Principal,
    id: &str,
    post: &str,
) -> Result<pb::Post, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .get_post(pb::PostRef {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            post_id: post.to_owned(),
        })
        .await?
        .into_inner())
}

/// The most posts one report may name (careboard refuses more).
const MAX_IDS: usize = 120;

fn too_many() -> Failure {
    Failure::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_field",
        "一度に既読にできる書き込みは120件までです。",
    )
}

/// Marks read, for `user`, the posts of board `id` that their screen has shown; the answer is
/// those of them now read.
async fn mark_shown(
    state: &AppState,
    user: &Principal,
    id: String,
    post_ids: Vec<String>,
) -> Result<Vec<String>, Failure> {
    if post_ids.len() > MAX_IDS {
        return Err(too_many());
    }
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .mark_posts_read(pb::MarkPostsReadRequest {
            actor: Some(user.actor()),
            recipient_id: id,
            post_ids,
        })
        .await?
        .into_inner()
        .read_post_ids)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShownForm {
    csrf_token: String,
    /// The ids of the posts shown, separated by commas.
    post_ids: String,
}

/// The page's report. The script gets 204; a plain form (there is none, but a browser may
/// resend) goes back to the board.
pub async fn shown_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    PageForm(form): PageForm<ShownForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let ids: Vec<String> = form
        .post_ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    mark_shown(&state, &user, id.clone(), ids).await?;
    if from_script(&headers) {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Ok(Redirect::to(&format!("/boards/{id}")).into_response())
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::board::shown)]
pub struct ShownBody {
    /// The posts of this board the reader's screen has shown (1 to 120). Posts of other boards and
    /// one's own are left alone.
    post_ids: Vec<String>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::read)]
pub struct ReadOut {
    /// Those of the posts sent that are now read by the caller (newly or before).
    read_post_ids: Vec<String>,
}

/// Report posts of a board as shown to the caller: they become 既読. Reading the timeline marks
/// nothing; a repeat changes nothing.
#[utoipa::path(post, path = "/api/v1/boards/{id}/reads", request_body = ShownBody,
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = ReadOut), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn api_shown(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ShownBody>,
) -> Result<Json<ReadOut>, ApiError> {
    let read_post_ids = mark_shown(&state, &user, id, body.post_ids).await?;
    Ok(Json(ReadOut { read_post_ids }))
}
