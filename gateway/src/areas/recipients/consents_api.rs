//! The city's consent register (同意書台帳) in the JSON API: the operator pages' twins.

use crate::areas::recipients::records;
use crate::areas::recipients::schema::{ConsentOut, RecipientStatusOut};
use crate::edge::auth::{ApiUser, ApiWriter};
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use proto::careboard as pb;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsentsQuery {
    /// `1`: only those whose FAX copy has not arrived yet.
    #[serde(default)]
    #[param(example = "1")]
    pending: String,
    /// `next_cursor` of the previous page; empty for the newest registrations.
    #[serde(default)]
    #[param(example = "019dd2a1-4b5c-7d6e-8f7a-9b0c1d2e3f31")]
    cursor: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::consent_entry)]
pub struct ConsentEntryOut {
    recipient_id: String,
    recipient_name: String,
    recipient_kana: String,
    office_id: String,
    consent: ConsentOut,
    registered_by_name: String,
    /// The recipient's.
    status: RecipientStatusOut,
}

impl From<pb::ConsentEntry> for ConsentEntryOut {
    fn from(e: pb::ConsentEntry) -> Self {
        Self {
            status: e.status().into(),
            recipient_id: e.recipient_id,
            recipient_name: e.recipient_name,
            recipient_kana: e.recipient_kana,
            office_id: e.office_id,
            consent: e.consent.unwrap_or_default().into(),
            registered_by_name: e.registered_by_name,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::consents)]
pub struct ConsentsOut {
    /// Newest registration first.
    entries: Vec<ConsentEntryOut>,
    /// Empty on the last page.
    next_cursor: String,
}

/// The consent register, for the city (operator).
#[utoipa::path(get, path = "/api/v1/operator/consents", params(ConsentsQuery),
    responses((status = 200, body = ConsentsOut), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn list_consents(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ConsentsQuery>,
) -> Result<Json<ConsentsOut>, ApiError> {
    let list = records::consents(&state, &user, q.pending == "1", &q.cursor).await?;
    Ok(Json(ConsentsOut {
        entries: list.entries.into_iter().map(Into::into).collect(),
        next_cursor: list.next_cursor,
    }))
}

/// Record that the FAX copy of a recipient's consent has arrived (the city only).
#[utoipa::path(post, path = "/api/v1/operator/consents/{id}/fax",
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = ConsentEntryOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn confirm_consent_fax(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
) -> Result<Json<ConsentEntryOut>, ApiError> {
    Ok(Json(records::confirm_fax(&state, &user, &id).await?.into()))
}
