//! Invitations: a one-time code the city hands an office it invites to apply.

use crate::edge::auth::{ApiWriter, PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use proto::offices as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

async fn invite(state: &AppState, user: &Principal, note: &str) -> Result<String, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .issue_invitation(pb::IssueInvitationRequest {
            actor: Some(user.actor()),
            note: note.to_owned(),
        })
        .await
        .for_form(labels::INVITATION)?
        .into_inner()
        .code)
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    note: String,
}

pub async fn invite_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<InviteForm>,
) -> Result<Html<String>, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let code = invite(&state, &user, &form.note).await?;
    Ok(pieces::render(&pieces::Notice {
        title: "招待コードを発行しました",
        message: "この招待コードを申請する事業所に伝えてください。1回だけ使えます。",
        secret: Some(("招待コード", &code)),
        back_href: "/operator/applications",
        back_label: "事業所登録申請へ戻る",
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::invite)]
pub struct InviteBody {
    /// Whom it is for, for the city's record.
    #[serde(default)]
    note: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::invitation)]
pub struct InvitationOut {
    /// Shown once; single use.
    code: String,
}

/// Issue an invitation code for applying while applications are by invitation (operator).
#[utoipa::path(post, path = "/api/v1/operator/invitations", request_body = InviteBody,
    responses((status = 201, body = InvitationOut), (status = 403, body = ErrorBody)))]
pub async fn api_invite(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<InviteBody>,
) -> Result<Response, ApiError> {
    let code = invite(&state, &user, &body.note).await?;
    Ok((StatusCode::CREATED, Json(InvitationOut { code })).into_response())
}
