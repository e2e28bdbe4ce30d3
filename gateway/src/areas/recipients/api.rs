//! 支援対象者 in the JSON API: the twins of the registration, info, edit, history and close pages.
//! Each calls the same `records` function as its page; careboard decides who may.

use crate::areas::recipients::handlers::get;
use crate::areas::recipients::records;
use crate::areas::recipients::schema::{ConsentBody, RecipientFieldsBody, RecipientOut};
use crate::edge::auth::{ApiUser, ApiWriter};
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::board::register)]
pub struct RegisterBody {
    consent: ConsentBody,
    fields: RecipientFieldsBody,
    /// Register even though recipients with the same name and birth date exist.
    #[serde(default)]
    allow_duplicate: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::duplicate)]
pub struct DuplicateOut {
    recipient_id: String,
    name: String,
    kana: String,
    birth_date: String,
    /// Whether the caller is on that team (and may open it).
    is_member: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::registered)]
pub struct RegisteredOut {
    /// The new recipient (the caller is the team's representative); empty when nothing was saved
    /// because of the possible duplicates listed.
    recipient_id: String,
    duplicates: Vec<DuplicateOut>,
}

/// Register a recipient with the consent (別紙1); the caller becomes the representative. With
/// possible duplicates and no `allow_duplicate`, nothing is saved and they are listed.
#[utoipa::path(post, path = "/api/v1/recipients", request_body = RegisterBody,
    responses((status = 200, body = RegisteredOut), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn register_recipient(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<RegisterBody>,
) -> Result<Json<RegisteredOut>, ApiError> {
    let r = records::register(
        &state,
        &user,
        body.consent.into(),
        body.fields.into(),
        body.allow_duplicate,
    )
    .await?;
    Ok(Json(RegisteredOut {
        recipient_id: r.recipient_id,
        duplicates: r
            .duplicates
            .into_iter()
            .map(|d| DuplicateOut {
                recipient_id: d.recipient_id,
                name: d.name,
                kana: d.kana,
                birth_date: d.birth_date,
                is_member: d.is_member,
            })
            .collect(),
    }))
}

/// A recipient's details, consent and team, for a member of the team (the opening is audited).
#[utoipa::path(get, path = "/api/v1/recipients/{id}",
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = RecipientOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_recipient(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<RecipientOut>, ApiError> {
    Ok(Json(get(&state, &user, &id).await?.into()))
}

/// Change a recipient's details (every field is sent); the earlier values go to the history.
#[utoipa::path(put, path = "/api/v1/recipients/{id}", request_body = RecipientFieldsBody,
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = RecipientOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn update_recipient(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RecipientFieldsBody>,
) -> Result<Json<RecipientOut>, ApiError> {
    Ok(Json(
        records::update(&state, &user, &id, body.into())
            .await?
            .into(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct FieldChangeOut {
    /// The field's name, as in `RecipientFieldsBody`.
    field: String,
    before: String,
    after: String,
}

#[derive(Serialize, ToSchema)]
pub struct HistoryEntryOut {
    changed_at: String,
    changed_by_name: String,
    changed_by_office: String,
    changes: Vec<FieldChangeOut>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::recipient_history)]
pub struct RecipientHistoryOut {
    entries: Vec<HistoryEntryOut>,
}

/// The changes made to a recipient's details (変更履歴).
#[utoipa::path(get, path = "/api/v1/recipients/{id}/history",
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = RecipientHistoryOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn recipient_history(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<RecipientHistoryOut>, ApiError> {
    let entries = records::history(&state, &user, &id).await?;
    Ok(Json(RecipientHistoryOut {
        entries: entries
            .into_iter()
            .map(|e| HistoryEntryOut {
                changed_at: e.changed_at,
                changed_by_name: e.changed_by_name,
                changed_by_office: e.changed_by_office,
                changes: e
                    .changes
                    .into_iter()
                    .map(|c| FieldChangeOut {
                        field: c.field,
                        before: c.before,
                        after: c.after,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::board::close)]
pub struct CloseBody {
    /// 死亡, 転居, 同意撤回, 施設入所 or その他.
    reason: String,
    #[serde(default)]
    note: String,
}

/// Close the board (the representative only): it stays readable, and nothing more can be
/// written.
#[utoipa::path(post, path = "/api/v1/recipients/{id}/close", request_body = CloseBody,
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = RecipientOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn close_board(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CloseBody>,
) -> Result<Json<RecipientOut>, ApiError> {
    let r = records::close(&state, &user, &id, body.reason, body.note).await?;
    Ok(Json(r.into()))
}
