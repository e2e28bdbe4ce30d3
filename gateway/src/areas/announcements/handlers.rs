//! お知らせ: the portal's announcements. The city drafts, publishes, unpublishes and edits them;
//! everyone reads the published ones.

use super::views::{AnnouncementEdit, AnnouncementPage, Announcements};
use crate::edge::auth::{ApiUser, ApiWriter, PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, AnnouncementLine, tokyo_time};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::offices as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub async fn published(state: &AppState) -> Result<Vec<pb::Announcement>, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .list_announcements(pb::ListAnnouncementsRequest {
            actor: None,
            include_drafts: false,
        })
        .await?
        .into_inner()
        .announcements)
}

async fn all(state: &AppState, user: &Principal) -> Result<Vec<pb::Announcement>, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .list_announcements(pb::ListAnnouncementsRequest {
            actor: Some(user.actor()),
            include_drafts: true,
        })
        .await?
        .into_inner()
        .announcements)
}

async fn one(
    state: &AppState,
    user: Option<&Principal>,
    id: &str,
) -> Result<pb::Announcement, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .get_announcement(pb::GetAnnouncementRequest {
            actor: user.map(Principal::actor),
            announcement_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

async fn save(
    state: &AppState,
    user: &Principal,
    id: &str,
    title: &str,
    body: &str,
) -> Result<pb::Announcement, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .save_announcement(pb::SaveAnnouncementRequest {
            actor: Some(user.actor()),
            announcement_id: id.to_owned(),
            title: title.to_owned(),
            body: body.to_owned(),
        })
        .await
        .for_form(labels::ANNOUNCEMENT)?
        .into_inner())
}

async fn publish(
    state: &AppState,
    user: &Principal,
    id: &str,
    published: bool,
) -> Result<pb::Announcement, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .publish_announcement(pb::PublishAnnouncementRequest {
            actor: Some(user.actor()),
            announcement_id: id.to_owned(),
            published,
        })
        .await?
        .into_inner())
}

pub fn line(a: pb::Announcement) -> AnnouncementLine {
    AnnouncementLine {
        published: !a.published_at.is_empty(),
        date: tokyo_time(if a.published_at.is_empty() {
            &a.updated_at
        } else {
            &a.published_at
        }),
        id: a.id,
        title: a.title,
    }
}

/// The public page of one published announcement.
pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let a = one(&state, None, &id).await?;
    Ok(pieces::render(&AnnouncementPage {
        title: &a.title,
        date: &tokyo_time(&a.published_at),
        body_html: &crate::kit::text::announcement_html(&a.body),
    }))
}

pub async fn operator_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    let items = all(&state, &user).await?;
    Ok(pieces::render(&Announcements {
        csrf: &user.csrf,
        items: items.into_iter().map(line).collect(),
    }))
}

fn edit_view(user: &Principal, a: &pb::Announcement, error: Option<&Failure>) -> Html<String> {
    pieces::render(&AnnouncementEdit {
        csrf: &user.csrf,
        id: &a.id,
        title: &a.title,
        body: &a.body,
        published: !a.published_at.is_empty(),
        preview: &crate::kit::text::announcement_html(&a.body),
        error: pieces::FieldError::message(error),
        errors: pieces::FieldError::all(error),
    })
}

pub async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    user.require_operator()?;
    let a = one(&state, Some(&user), &id).await?;
    Ok(edit_view(&user, &a, None))
}

#[derive(Deserialize)]
pub struct SaveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn save_form(
    state: &AppState,
    user: &Principal,
    id: &str,
    form: &SaveForm,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    match save(state, user, id, &form.title, &form.body).await {
        Ok(a) => Ok(Redirect::to(&format!("/operator/announcements/{}", a.id)).into_response()),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let draft = pb::Announcement {
                id: id.to_owned(),
                title: form.title.clone(),
                body: form.body.clone(),
                ..Default::default()
            };
            Ok((f.status, edit_view(user, &draft, Some(&f))).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

pub async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<SaveForm>,
) -> Result<Response, PageError> {
    save_form(&state, &user, "", &form).await
}

pub async fn update_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<SaveForm>,
) -> Result<Response, PageError> {
    save_form(&state, &user, &id, &form).await
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    published: String,
}

pub async fn publish_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<PublishForm>,
) -> Result<Redirect, PageError> {
    user.check_csrf(&form.csrf_token)?;
    publish(&state, &user, &id, form.published == "1").await?;
    Ok(Redirect::to(&format!("/operator/announcements/{id}")))
}

// ---- API ----

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::announcement)]
pub struct AnnouncementOut {
    id: String,
    title: String,
    /// Plain text; see `body_html` for the safe rendering.
    body: String,
    body_html: String,
    /// Empty while a draft.
    published_at: String,
    updated_at: String,
}

impl From<pb::Announcement> for AnnouncementOut {
    fn from(a: pb::Announcement) -> Self {
        Self {
            body_html: crate::kit::text::announcement_html(&a.body),
            id: a.id,
            title: a.title,
            body: a.body,
            published_at: a.published_at,
            updated_at: a.updated_at,
        }
    }
}

/// Published announcements, newest first (public).
#[utoipa::path(get, path = "/api/v1/public/announcements", responses((status = 200, body = Vec<AnnouncementOut>)))]
pub async fn api_published(
    State(state): State<AppState>,
) -> Result<Json<Vec<AnnouncementOut>>, ApiError> {
    Ok(Json(
        published(&state)
            .await?
            .into_iter()
            .map(AnnouncementOut::from)
            .collect(),
    ))
}

/// Every announcement, drafts included (operator).
#[utoipa::path(get, path = "/api/v1/operator/announcements", responses((status = 200, body = Vec<AnnouncementOut>), (status = 403, body = ErrorBody)))]
pub async fn api_all(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<AnnouncementOut>>, ApiError> {
    Ok(Json(
        all(&state, &user)
            .await?
            .into_iter()
            .map(AnnouncementOut::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::announcement_body)]
pub struct AnnouncementBody {
    /// Up to 100 characters.
    title: String,
    /// Up to 5,000 characters of plain text.
    body: String,
}

/// Draft a new announcement (operator).
#[utoipa::path(post, operation_id = "create_announcement", path = "/api/v1/operator/announcements", request_body = AnnouncementBody,
    responses((status = 201, body = AnnouncementOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<AnnouncementBody>,
) -> Result<Response, ApiError> {
    let a = save(&state, &user, "", &body.title, &body.body).await?;
    Ok((StatusCode::CREATED, Json(AnnouncementOut::from(a))).into_response())
}

/// Edit an announcement (operator); it stays published or draft as it was.
#[utoipa::path(put, operation_id = "update_announcement", path = "/api/v1/operator/announcements/{id}", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019f3c4d-5e6f-7081-9a2b-3c4d5e6f7a51")), request_body = AnnouncementBody,
    responses((status = 200, body = AnnouncementOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AnnouncementBody>,
) -> Result<Json<AnnouncementOut>, ApiError> {
    Ok(Json(
        save(&state, &user, &id, &body.title, &body.body)
            .await?
            .into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::publish)]
pub struct PublishBody {
    published: bool,
}

/// Publish or unpublish an announcement (operator).
#[utoipa::path(post, path = "/api/v1/operator/announcements/{id}/publish", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019f3c4d-5e6f-7081-9a2b-3c4d5e6f7a51")), request_body = PublishBody,
    responses((status = 200, body = AnnouncementOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_publish(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PublishBody>,
) -> Result<Json<AnnouncementOut>, ApiError> {
    Ok(Json(
        publish(&state, &user, &id, body.published).await?.into(),
    ))
}
