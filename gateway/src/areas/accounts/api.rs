//! The staff accounts' JSON API: the same use cases as the pages, in JSON.

use super::handlers::{
    UserBody, create_user, get_user, list_users, reset, set_active, update_user,
};
use crate::edge::auth::{ApiUser, ApiWriter};
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use crate::kit::states::UserStatusOut;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proto::identity as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::user)]
pub struct UserOut {
    id: String,
    login_id: String,
    name: String,
    kana: String,
    profession: String,
    email: String,
    office_id: String,
    /// `operator`, `office_admin` or `staff`.
    role: String,
    status: UserStatusOut,
    must_change_password: bool,
    status_reason: String,
}

impl From<pb::User> for UserOut {
    fn from(u: pb::User) -> Self {
        let role = match u.role() {
            proto::common::Role::Operator => "operator",
            proto::common::Role::OfficeAdmin => "office_admin",
            _ => "staff",
        };
        Self {
            status: u.status().into(),
            role: role.into(),
            id: u.id,
            login_id: u.login_id,
            name: u.name,
            kana: u.kana,
            profession: u.profession,
            email: u.email,
            office_id: u.office_id,
            must_change_password: u.must_change_password,
            status_reason: u.status_reason,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::issued)]
pub struct IssuedOut {
    user: UserOut,
    /// Shown once; the person must change it at first login.
    initial_password: String,
}

impl From<pb::IssuedPassword> for IssuedOut {
    fn from(i: pb::IssuedPassword) -> Self {
        Self {
            user: i
                .user
                .map_or_else(|| UserOut::from(pb::User::default()), UserOut::from),
            initial_password: i.initial_password,
        }
    }
}

/// People of the admin's office (the operator: any office, `office_id` to narrow).
#[utoipa::path(get, operation_id = "list_users", path = "/api/v1/users", params(("office_id" = Option<String>, Query, example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01"), ("q" = Option<String>, Query, example = "佐藤")),
    responses((status = 200, body = Vec<UserOut>), (status = 403, body = ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<crate::edge::json::ListQuery>,
) -> Result<Json<Vec<UserOut>>, ApiError> {
    Ok(Json(
        list_users(&state, &user, &q.office_id, &q.q)
            .await?
            .into_iter()
            .map(UserOut::from)
            .collect(),
    ))
}

/// Create a person's account; the initial password is in the answer, once.
#[utoipa::path(post, operation_id = "create_user", path = "/api/v1/users", request_body = UserBody,
    responses((status = 201, body = IssuedOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_create(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<UserBody>,
) -> Result<Response, ApiError> {
    let issued = create_user(&state, &user, &body).await?;
    Ok((StatusCode::CREATED, Json(IssuedOut::from(issued))).into_response())
}

/// One person's account.
#[utoipa::path(get, operation_id = "get_user", path = "/api/v1/users/{id}", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4a1c-7b20-7d36-b175-8c50f2314d11")), responses((status = 200, body = UserOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_get(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(get_user(&state, &user, &id).await?.into()))
}

/// Edit name, kana, profession, email and the admin flag.
#[utoipa::path(patch, operation_id = "update_user", path = "/api/v1/users/{id}", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4a1c-7b20-7d36-b175-8c50f2314d11")),
    request_body(content = UserBody, example = crate::openapi::examples::people::user_update),
    responses((status = 200, body = UserOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_update(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UserBody>,
) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(update_user(&state, &user, &id, &body).await?.into()))
}

/// Issue a new initial password (ends the person's sessions).
#[utoipa::path(post, path = "/api/v1/users/{id}/password-reset", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4a1c-7b20-7d36-b175-8c50f2314d11")), responses((status = 200, body = IssuedOut), (status = 403, body = ErrorBody)))]
pub async fn api_reset(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
) -> Result<Json<IssuedOut>, ApiError> {
    Ok(Json(reset(&state, &user, &id).await?.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::active)]
pub struct ActiveBody {
    /// false: 廃止 (transfer, retirement); true: reactivate.
    active: bool,
}

/// Deactivate or reactivate an account.
#[utoipa::path(post, path = "/api/v1/users/{id}/active", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4a1c-7b20-7d36-b175-8c50f2314d11")), request_body = ActiveBody, responses((status = 200, body = UserOut), (status = 403, body = ErrorBody)))]
pub async fn api_active(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ActiveBody>,
) -> Result<Json<UserOut>, ApiError> {
    Ok(Json(
        set_active(&state, &user, &id, body.active).await?.into(),
    ))
}
