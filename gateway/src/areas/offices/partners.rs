//! 連携事業所 on the operator's office page: the offices on whose devices this office's people may
//! also sign in. Identity keeps the list and enforces it at sign-in; by default it is empty.

use crate::areas::accounts::handlers::identity;
use crate::edge::auth::{ApiUser, ApiWriter, PageUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Json, Router};
use proto::identity as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/operator/offices/{id}/partners", post(form))
        .route(
            "/api/v1/operator/offices/{id}/partners",
            get(api_get).put(api_set),
        )
}

pub use super::views::PartnerChoice;

async fn partners(
    state: &AppState,
    user: &Principal,
    office: &str,
) -> Result<Vec<String>, Failure> {
    user.require_operator()?;
    Ok(identity(state)
        .get_office_partners(pb::GetOfficePartnersRequest {
            actor: Some(user.actor()),
            office_id: office.to_owned(),
        })
        .await?
        .into_inner()
        .partner_office_ids)
}

async fn set(
    state: &AppState,
    user: &Principal,
    office: &str,
    ids: Vec<String>,
) -> Result<Vec<String>, Failure> {
    user.require_operator()?;
    Ok(identity(state)
        .set_office_partners(pb::SetOfficePartnersRequest {
            actor: Some(user.actor()),
            office_id: office.to_owned(),
            partner_office_ids: ids,
        })
        .await?
        .into_inner()
        .partner_office_ids)
}

/// The choices of the office page: every other office still in use, and any already chosen.
pub async fn choices(
    state: &AppState,
    user: &Principal,
    office: &str,
    offices: Vec<proto::offices::Office>,
) -> Result<Vec<PartnerChoice>, Failure> {
    let chosen = partners(state, user, office).await?;
    Ok(offices
        .into_iter()
        .filter(|o| {
            o.id != office
                && (o.status() != proto::offices::OfficeStatus::Withdrawn || chosen.contains(&o.id))
        })
        .map(|o| PartnerChoice {
            checked: chosen.contains(&o.id),
            id: o.id,
            name: o.name,
            kind: o.kind,
        })
        .collect())
}

/// The ticked boxes: `partner` once per office, beside the CSRF token.
async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Redirect, PageError> {
    let token = fields
        .iter()
        .find(|(k, _)| k == "csrf_token")
        .map_or("", |(_, v)| v.as_str());
    user.check_csrf(token)?;
    let ids = fields
        .into_iter()
        .filter(|(k, _)| k == "partner")
        .map(|(_, v)| v)
        .collect();
    set(&state, &user, &id, ids).await?;
    Ok(Redirect::to(&format!("/operator/offices/{id}#partners")))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::partners)]
pub struct PartnersBody {
    /// Offices on whose devices this office's people may also sign in (empty: none).
    partner_office_ids: Vec<String>,
}

/// The office's partner offices (operator).
#[utoipa::path(get, operation_id = "get_office_partners", path = "/api/v1/operator/offices/{id}/partners", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01")),
    responses((status = 200, body = PartnersBody), (status = 403, body = ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<PartnersBody>, ApiError> {
    Ok(Json(PartnersBody {
        partner_office_ids: partners(&state, &user, &id).await?,
    }))
}

/// Replace the office's partner offices (operator). Takes effect at each person's next sign-in.
#[utoipa::path(put, path = "/api/v1/operator/offices/{id}/partners", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01")), request_body = PartnersBody,
    responses((status = 200, body = PartnersBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_set(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<PartnersBody>,
) -> Result<Json<PartnersBody>, ApiError> {
    Ok(Json(PartnersBody {
        partner_office_ids: set(&state, &user, &id, body.partner_office_ids).await?,
    }))
}
