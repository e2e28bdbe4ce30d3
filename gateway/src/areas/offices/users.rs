//! The operator's list of every user and their suspension.

use super::operator::urlencode;
use super::views;
use crate::areas::accounts::handlers::identity;
use crate::edge::auth::{ApiWriter, PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::identity as idpb;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
}

pub async fn users_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<UsersQuery>,
) -> Result<Html<String>, PageError> {
    users_view(&state, &user, &q.q, ("", ""), None).await
}

/// The list, searched by `query`; after a refused 一時停止, its row's reason as typed (`draft`:
/// the user's id and the reason) beside the error.
async fn users_view(
    state: &AppState,
    user: &Principal,
    query: &str,
    draft: (&str, &str),
    failure: Option<&Failure>,
) -> Result<Html<String>, PageError> {
    user.require_operator()?;
    let users = crate::areas::accounts::handlers::list_users(state, user, "", query).await?;
    let refused = failure.map_or(
        pieces::Refused {
            message: None,
            fields: Vec::new(),
        },
        |f| pieces::FieldError::in_row(f, "reason", draft.0),
    );
    Ok(pieces::render(&views::OperatorUsers {
        csrf: &user.csrf,
        query,
        users: users.into_iter().map(pieces::UserLine::from).collect(),
        draft,
        error: refused.message,
        errors: refused.fields,
    }))
}

async fn suspend(
    state: &AppState,
    user: &Principal,
    id: &str,
    suspended: bool,
    reason: &str,
) -> Result<idpb::User, Failure> {
    let changed = identity(state)
        .set_user_suspended(idpb::SetUserSuspendedRequest {
            actor: Some(user.actor()),
            user_id: id.to_owned(),
            suspended,
            reason: reason.to_owned(),
        })
        .await
        .for_form(labels::REASON)?
        .into_inner();
    // This gateway forgets the person's sessions now; the others, when the event reaches them.
    state.live.sessions().user_left(&changed.id);
    Ok(changed)
}

#[derive(Deserialize)]
pub struct SuspensionForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    suspended: String,
    #[serde(default)]
    reason: String,
    /// The search the list was showing, shown again when the form is refused.
    #[serde(default)]
    q: String,
}

pub async fn suspension_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<SuspensionForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let target = match suspend(&state, &user, &id, form.suspended == "1", &form.reason).await {
        Ok(target) => target,
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let page = users_view(&state, &user, &form.q, (&id, &form.reason), Some(&f)).await?;
            return Ok((f.status, page).into_response());
        }
        Err(f) => return Err(f.into()),
    };
    Ok(Redirect::to(&format!(
        "/operator/users?q={}",
        urlencode(&target.login_id)
    ))
    .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::suspension)]
pub struct SuspensionBody {
    suspended: bool,
    /// Required when suspending, up to 200 characters.
    #[serde(default)]
    reason: String,
}

/// Suspend or restore any user at once (operator). Their sessions end on every gateway.
#[utoipa::path(post, path = "/api/v1/operator/users/{id}/suspension", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4a1c-7b20-7d36-b175-8c50f2314d11")), request_body = SuspensionBody,
    responses((status = 200, body = crate::areas::accounts::api::UserOut), (status = 403, body = ErrorBody)))]
pub async fn api_suspension(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<SuspensionBody>,
) -> Result<Json<crate::areas::accounts::api::UserOut>, ApiError> {
    Ok(Json(
        suspend(&state, &user, &id, body.suspended, &body.reason)
            .await?
            .into(),
    ))
}
