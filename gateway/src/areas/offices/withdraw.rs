//! 利用廃止: an office withdrawn by the operator or by its own admin.

use super::operator::OfficeBody;
use super::views;
use crate::edge::auth::{ApiWriter, PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proto::common::Role;
use proto::offices as pb;
use serde::Deserialize;
use utoipa::ToSchema;

async fn withdraw(
    state: &AppState,
    user: &Principal,
    id: &str,
    reason: &str,
) -> Result<pb::Office, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .withdraw_office(pb::WithdrawOfficeRequest {
            actor: Some(user.actor()),
            office_id: id.to_owned(),
            reason: reason.to_owned(),
        })
        .await
        .for_form(labels::REASON)?
        .into_inner())
}

pub async fn withdraw_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<views::OperatorOfficeDraft>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let office = match withdraw(&state, &user, &id, &form.reason).await {
        Ok(office) => office,
        // The operator's page has the form: the reason comes back beside its box.
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY && user.role == Role::Operator => {
            let page = super::one::office_view(&state, &user, &id, &form, Some(&f)).await?;
            return Ok((f.status, page).into_response());
        }
        Err(f) => return Err(f.into()),
    };
    let message = format!(
        "「{}」の利用を廃止しました。この事業所の利用者と電子証明書はすべて使えなくなり、マップからも外れます。記録は残ります。",
        office.name
    );
    Ok(pieces::render(&pieces::Notice {
        title: "利用を廃止しました",
        message: &message,
        secret: None,
        back_href: "/home",
        back_label: "メニューへ戻る",
    })
    .into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::withdraw)]
pub struct WithdrawBody {
    reason: String,
}

/// 利用廃止 of an office, by the operator or the office's own admin: its users and certificates are
/// disabled, its map entry removed, its history kept.
#[utoipa::path(post, path = "/api/v1/offices/{id}/withdraw", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01")), request_body = WithdrawBody,
    responses((status = 200, body = OfficeBody), (status = 403, body = ErrorBody)))]
pub async fn api_withdraw(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<OfficeBody>, ApiError> {
    Ok(Json(
        withdraw(&state, &user, &id, &body.reason).await?.into(),
    ))
}
