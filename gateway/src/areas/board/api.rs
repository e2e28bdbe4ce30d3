//! 連絡帳 in the JSON API: posting, the page form's twin; both post through `post`.

use crate::edge::auth::{ApiWriter, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure};
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use proto::careboard as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::board::post_body)]
pub struct PostBody {
    /// The text, up to the board's hard limit (about 100 characters is best).
    body: String,
    /// One of the board's categories, or empty.
    #[serde(default)]
    category: String,
    /// 緊急（重要）: every other team member is emailed at once.
    #[serde(default)]
    urgent: bool,
    /// Up to four files uploaded to the board (`POST /api/v1/boards/{id}/files`) for it.
    #[serde(default)]
    files: Vec<String>,
}

#[derive(Serialize, ToSchema)]
#[allow(clippy::struct_excessive_bools)] // each flag is a separate fact of the post
#[schema(example = crate::openapi::examples::board::post)]
pub struct PostOut {
    id: String,
    recipient_id: String,
    author_name: String,
    created_at: String,
    category: String,
    urgent: bool,
    /// Empty when withdrawn.
    body: String,
    /// The post a reply answers; empty for a post.
    parent_id: String,
    /// When last corrected (編集済み); empty if never.
    edited_at: String,
    /// 取り消し: the text is only in the history.
    withdrawn: bool,
    /// Its photos and documents (`GET /api/v1/boards/{id}/files/{file}`); none when withdrawn.
    files: Vec<crate::areas::board::files::FileOut>,
    author_profession: String,
    author_office: String,
    /// 既読 n/N: the current members other than the author who read it …
    read_by: Vec<PersonOut>,
    /// … out of all of them.
    readers_total: u32,
    /// 確認しました, on an urgent post.
    acknowledged_by: Vec<PersonOut>,
    /// On an urgent post: the members who have not yet acknowledged it (`at` empty).
    not_acknowledged_by: Vec<PersonOut>,
    read_by_actor: bool,
    acknowledged_by_actor: bool,
}

/// A member who read or acknowledged a post, and when.
#[derive(Serialize, ToSchema)]
pub struct PersonOut {
    user_id: String,
    name: String,
    office_name: String,
    /// Empty when it has not happened yet.
    at: String,
}

impl From<pb::Person> for PersonOut {
    fn from(p: pb::Person) -> Self {
        Self {
            user_id: p.user_id,
            name: p.name,
            office_name: p.office_name,
            at: p.at,
        }
    }
}

fn people(list: Vec<pb::Person>) -> Vec<PersonOut> {
    list.into_iter().map(Into::into).collect()
}

impl From<pb::Post> for PostOut {
    fn from(p: pb::Post) -> Self {
        Self {
            id: p.id,
            recipient_id: p.recipient_id,
            author_name: p.author_name,
            created_at: p.created_at,
            category: p.category,
            urgent: p.urgent,
            body: p.body,
            parent_id: p.parent_id,
            edited_at: p.edited_at,
            withdrawn: p.withdrawn,
            files: p.files.into_iter().map(Into::into).collect(),
            author_profession: p.author_profession,
            author_office: p.author_office,
            read_by: people(p.read_by),
            readers_total: p.readers_total,
            acknowledged_by: people(p.acknowledged_by),
            not_acknowledged_by: people(p.not_acknowledged_by),
            read_by_actor: p.read_by_actor,
            acknowledged_by_actor: p.acknowledged_by_actor,
        }
    }
}

/// A new post. Its refusal is careboard's: the page words it for its form (`form_failure`), the
/// API answers it as it is.
pub(super) async fn post(
    state: &AppState,
    user: &Principal,
    id: &str,
    body: &str,
    category: &str,
    urgent: bool,
    file_ids: Vec<String>,
) -> Result<pb::Post, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .create_post(pb::CreatePostRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            body: body.to_owned(),
            category: category.to_owned(),
            urgent,
            file_ids,
        })
        .await?
        .into_inner())
}

/// Post on a board of a team one belongs to.
#[utoipa::path(post, path = "/api/v1/boards/{id}/posts", request_body = PostBody,
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = PostOut), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PostBody>,
) -> Result<Json<PostOut>, ApiError> {
    let post = self::post(
        &state,
        &user,
        &id,
        &body.body,
        &body.category,
        body.urgent,
        body.files,
    )
    .await?;
    Ok(Json(post.into()))
}
