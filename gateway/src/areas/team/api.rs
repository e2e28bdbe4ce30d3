//! 支援チーム in the JSON API: finding staff, adding and removing members and handing over the
//! representative's role, through the same functions as the team page. Careboard decides who may.

use crate::areas::recipients::schema::TeamOut;
use crate::areas::team::handlers::{Search, add, hand_over, remove, search};
use crate::edge::auth::{ApiUser, ApiWriter};
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use crate::kit::states::UserStatusOut;
use axum::Json;
use axum::extract::{Path, Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StaffQuery {
    /// Part of a name or its kana, up to 50 characters.
    #[serde(default)]
    #[param(example = "田中")]
    q: String,
    /// An office's id.
    #[serde(default)]
    #[param(example = "019d4657-4f35-7c25-a064-7b4f1e203c03")]
    office: String,
    /// One of the profession list.
    #[serde(default)]
    #[param(example = "薬剤師")]
    profession: String,
}

#[derive(Serialize, ToSchema)]
pub struct StaffOut {
    user_id: String,
    name: String,
    kana: String,
    profession: String,
    office_id: String,
    status: UserStatusOut,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::staff)]
pub struct StaffListOut {
    staff: Vec<StaffOut>,
}

/// Find staff of any office to add to a team: by words, office or profession (at least one).
#[utoipa::path(get, path = "/api/v1/staff", params(StaffQuery),
    responses((status = 200, body = StaffListOut), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn search_staff(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<StaffQuery>,
) -> Result<Json<StaffListOut>, ApiError> {
    let s = Search {
        q: q.q,
        office: q.office,
        profession: q.profession,
        ..Search::default()
    };
    let staff = search(&state, &user, &s).await?;
    Ok(Json(StaffListOut {
        staff: staff
            .into_iter()
            .map(|c| StaffOut {
                status: c.status().into(),
                user_id: c.user_id,
                name: c.name,
                kana: c.kana,
                profession: c.profession,
                office_id: c.office_id,
            })
            .collect(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::board::member_body)]
pub struct MemberBody {
    /// The staff member to add (from `GET /api/v1/staff`).
    user_id: String,
}

/// Add a staff member of any office to the team (the representative only).
#[utoipa::path(post, path = "/api/v1/recipients/{id}/team", request_body = MemberBody,
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")),
    responses((status = 200, body = TeamOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<MemberBody>,
) -> Result<Json<TeamOut>, ApiError> {
    Ok(Json(add(&state, &user, &id, &body.user_id).await?.into()))
}

/// Remove a member from the team: the representative alone manages it (one hands the team over
/// before leaving it).
#[utoipa::path(delete, path = "/api/v1/recipients/{id}/team/{user}",
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("user" = String, Path, description = "The member", example = "019d4a1c-9d42-7f58-9397-ae7214536f13")),
    responses((status = 200, body = TeamOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path((id, member)): Path<(String, String)>,
) -> Result<Json<TeamOut>, ApiError> {
    Ok(Json(remove(&state, &user, &id, &member).await?.into()))
}

/// Hand the representative's role over to another member (the representative only).
#[utoipa::path(post, path = "/api/v1/recipients/{id}/team/{user}/representative",
    params(("id" = String, Path, description = "The recipient", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("user" = String, Path, description = "The member who becomes the representative", example = "019d4a1c-7b20-7d36-b175-8c50f2314d11")),
    responses((status = 200, body = TeamOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn hand_over_representative(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path((id, member)): Path<(String, String)>,
) -> Result<Json<TeamOut>, ApiError> {
    Ok(Json(hand_over(&state, &user, &id, &member).await?.into()))
}
