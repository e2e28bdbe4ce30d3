//! Changing one's own password; required before anything else after an initial password.

use super::views::Password;
use crate::areas::accounts::handlers::identity;
use crate::edge::auth::{ApiWriter, PageUser, Principal, cert_message};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::identity as pb;
use serde::Deserialize;
use utoipa::ToSchema;

async fn change(
    state: &AppState,
    user: &Principal,
    current: &str,
    new: &str,
) -> Result<(), Failure> {
    identity(state)
        .change_password(pb::ChangePasswordRequest {
            session_token: user.token.clone(),
            certificate: Some(cert_message(&user.cert)),
            current_password: current.to_owned(),
            new_password: new.to_owned(),
        })
        .await
        .for_form(labels::PASSWORD)?;
    Ok(())
}

/// The refusals of this form that are about one of its fields.
const PASSWORD_FIELDS: &[(&str, &str)] = &[
    ("wrong_current_password", "current_password"),
    ("weak_password", "new_password"),
    ("mismatch", "confirm_password"),
];

pub async fn page(
    PageUser(user): PageUser,
    Query(q): Query<crate::areas::session::login::ReturnQuery>,
) -> Html<String> {
    pieces::render(&Password {
        csrf: &user.csrf,
        forced: user.must_change_password,
        error: None,
        errors: Vec::new(),
        next: crate::edge::return_to::safe(&q.next).unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
    /// The page the user was on their way to when the change was asked for.
    #[serde(default)]
    next: String,
}

pub async fn form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let result = if form.new_password == form.confirm_password {
        change(&state, &user, &form.current_password, &form.new_password).await
    } else {
        Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mismatch",
            "新しいパスワードと確認用のパスワードが一致しません。",
        ))
    };
    match result {
        Ok(()) => Ok(Redirect::to(crate::edge::return_to::after_login(&form.next)).into_response()),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let refused = pieces::Refused::of(Some(&f), PASSWORD_FIELDS);
            let page = pieces::render(&Password {
                csrf: &user.csrf,
                forced: user.must_change_password,
                error: refused.message,
                errors: refused.fields,
                next: crate::edge::return_to::safe(&form.next).unwrap_or_default(),
            });
            Ok((f.status, page).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::password)]
pub struct PasswordBody {
    current_password: String,
    /// At least 12 characters; not a common password, not containing the login ID.
    new_password: String,
}

/// Change one's own password.
#[utoipa::path(post, operation_id = "change_password", path = "/api/v1/password", request_body = PasswordBody,
    responses((status = 204), (status = 422, body = ErrorBody)))]
pub async fn api(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<PasswordBody>,
) -> Result<StatusCode, ApiError> {
    change(&state, &user, &body.current_password, &body.new_password).await?;
    Ok(StatusCode::NO_CONTENT)
}
