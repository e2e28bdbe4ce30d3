//! 事故・ヒヤリハット in the JSON API: filing, the list, one incident and the city's follow-up,
//! through the same functions as the pages. Careboard decides who sees and changes what.

use crate::areas::incidents::handlers::{file, incidents, one, update};
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
#[schema(example = crate::openapi::examples::people::incident_body)]
pub struct IncidentBody {
    /// When it happened, in Japan: `YYYY-MM-DDTHH:MM`, not in the future.
    occurred_at: String,
    /// Which device (e.g. the certificate's device label).
    device: String,
    what_happened: String,
    #[serde(default)]
    action_taken: String,
}

/// Where an incident stands: 受付, 対応中 or 完了; 不明 for a status this gateway does not know
/// yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub enum IncidentStatusOut {
    #[serde(rename = "受付")]
    Received,
    #[serde(rename = "対応中")]
    InProgress,
    #[serde(rename = "完了")]
    Done,
    #[serde(rename = "不明")]
    Unknown,
}

impl From<pb::IncidentStatus> for IncidentStatusOut {
    fn from(s: pb::IncidentStatus) -> Self {
        match s {
            pb::IncidentStatus::Received => Self::Received,
            pb::IncidentStatus::InProgress => Self::InProgress,
            pb::IncidentStatus::Done => Self::Done,
            pb::IncidentStatus::Unspecified => Self::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct IncidentNoteOut {
    at: String,
    by_name: String,
    /// The status the city set with the note.
    status: IncidentStatusOut,
    note: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::incident)]
pub struct IncidentOut {
    id: String,
    office_id: String,
    office_name: String,
    reporter_name: String,
    occurred_at: String,
    device: String,
    what_happened: String,
    action_taken: String,
    status: IncidentStatusOut,
    filed_at: String,
    updated_at: String,
    /// The city's follow-up, oldest first.
    notes: Vec<IncidentNoteOut>,
}

impl From<pb::Incident> for IncidentOut {
    fn from(i: pb::Incident) -> Self {
        Self {
            status: i.status().into(),
            id: i.id,
            office_id: i.office_id,
            office_name: i.office_name,
            reporter_name: i.reporter_name,
            occurred_at: i.occurred_at,
            device: i.device,
            what_happened: i.what_happened,
            action_taken: i.action_taken,
            filed_at: i.filed_at,
            updated_at: i.updated_at,
            notes: i
                .notes
                .into_iter()
                .map(|n| IncidentNoteOut {
                    status: n.status().into(),
                    at: n.at,
                    by_name: n.by_name,
                    note: n.note,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::incidents)]
pub struct IncidentsOut {
    incidents: Vec<IncidentOut>,
}

/// Report an incident (報告義務); the office admin and the city are mailed.
#[utoipa::path(post, path = "/api/v1/incidents", request_body = IncidentBody,
    responses((status = 200, body = IncidentOut), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn file_incident(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<IncidentBody>,
) -> Result<Json<IncidentOut>, ApiError> {
    let request = pb::FileIncidentRequest {
        actor: None,
        occurred_at: body.occurred_at,
        device: body.device,
        what_happened: body.what_happened,
        action_taken: body.action_taken,
    };
    Ok(Json(file(&state, &user, request).await?.into()))
}

/// The incidents the caller may see: their office's, or every office's for the city.
#[utoipa::path(get, path = "/api/v1/incidents",
    responses((status = 200, body = IncidentsOut), (status = 403, body = ErrorBody)))]
pub async fn list_incidents(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<IncidentsOut>, ApiError> {
    Ok(Json(IncidentsOut {
        incidents: incidents(&state, &user)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    }))
}

/// One incident and where it stands.
#[utoipa::path(get, path = "/api/v1/incidents/{id}",
    params(("id" = String, Path, description = "The incident", example = "01a22ee8-1a2b-7c3d-9e4f-5a6b7c8d9e71")),
    responses((status = 200, body = IncidentOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_incident(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<IncidentOut>, ApiError> {
    Ok(Json(one(&state, &user, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::incident_status)]
pub struct IncidentStatusBody {
    /// 受付, 対応中 or 完了.
    status: String,
    /// Up to 1,000 characters.
    #[serde(default)]
    note: String,
}

/// The city moves an incident on (受付 → 対応中 → 完了), with a note.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/status", request_body = IncidentStatusBody,
    params(("id" = String, Path, description = "The incident", example = "01a22ee8-1a2b-7c3d-9e4f-5a6b7c8d9e71")),
    responses((status = 200, body = IncidentOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_incident(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<IncidentStatusBody>,
) -> Result<Json<IncidentOut>, ApiError> {
    let i = update(&state, &user, &id, &body.status, body.note).await?;
    Ok(Json(i.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::areas::incidents::views::status_word;

    #[test]
    fn the_api_sends_each_status_as_the_word_the_pages_show() {
        for s in [
            pb::IncidentStatus::Received,
            pb::IncidentStatus::InProgress,
            pb::IncidentStatus::Done,
            pb::IncidentStatus::Unspecified,
        ] {
            let sent = serde_json::to_value(IncidentStatusOut::from(s)).unwrap();
            assert_eq!(sent, status_word(s), "{s:?}");
        }
    }
}
