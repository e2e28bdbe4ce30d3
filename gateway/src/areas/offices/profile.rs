//! An office's profile and map entry, as its admin (or the operator) edits them.

use super::views::OfficeEdit;
use crate::areas::applications::apply::ApplicationBody;
use crate::edge::auth::{ApiWriter, PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, FieldError};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proto::offices as pb;
use serde::Deserialize;

async fn update(
    state: &AppState,
    user: &Principal,
    id: &str,
    body: &ApplicationBody,
) -> Result<pb::Office, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .update_office(pb::UpdateOfficeRequest {
            actor: Some(user.actor()),
            office_id: id.to_owned(),
            fields: Some(body.fields()),
        })
        .await
        .for_form(labels::OFFICE)?
        .into_inner())
}

fn view(
    state: &AppState,
    user: &Principal,
    body: &ApplicationBody,
    notice: Option<&str>,
    failure: Option<&Failure>,
) -> Response {
    let errors: Vec<FieldError> = failure
        .map(|f| {
            f.fields
                .iter()
                .map(|(field, hint)| FieldError::new(field, *hint))
                .collect()
        })
        .unwrap_or_default();
    let page = pieces::render(&OfficeEdit {
        csrf: &user.csrf,
        office_id: &user.office_id,
        form: body.form(),
        notice,
        error: pieces::FieldError::message(failure),
        errors,
        tiles: &state.map_tiles,
    });
    crate::areas::portal::map::with_tiles_csp(state, page)
}

async fn current(state: &AppState, user: &Principal) -> Result<ApplicationBody, Failure> {
    let mut offices = state.clients.offices.clone();
    let o = offices
        .get_office(pb::GetOfficeRequest {
            actor: Some(user.actor()),
            office_id: user.office_id.clone(),
        })
        .await?
        .into_inner();
    Ok(ApplicationBody::from_office(&o))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Response, PageError> {
    if user.role != proto::common::Role::OfficeAdmin {
        return Err(Failure::forbidden().into());
    }
    let body = current(&state, &user).await?;
    Ok(view(&state, &user, &body, None, None))
}

#[derive(Deserialize)]
pub struct OfficeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(flatten)]
    body: ApplicationBody,
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<OfficeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let id = user.office_id.clone();
    match update(&state, &user, &id, &form.body).await {
        Ok(o) => Ok(view(
            &state,
            &user,
            &ApplicationBody::from_office(&o),
            Some("事業所の情報を更新しました。"),
            None,
        )),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let status = f.status;
            Ok((status, view(&state, &user, &form.body, None, Some(&f))).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

/// Edit an office's profile and map entry (its admin; the operator for any office, kind and
/// code included).
#[utoipa::path(patch, operation_id = "update_office_profile", path = "/api/v1/offices/{id}", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01")),
    request_body(content = ApplicationBody, example = crate::openapi::examples::people::office_profile),
    responses((status = 200, body = crate::areas::offices::operator::OfficeBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApplicationBody>,
) -> Result<Json<crate::areas::offices::operator::OfficeBody>, ApiError> {
    Ok(Json(update(&state, &user, &id, &body).await?.into()))
}
