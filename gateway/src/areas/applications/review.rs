//! The operator's review of 事業所登録申請: approve (the office, its admin account and an enrollment
//! code, mailed) or reject (the reason, mailed). Deciding twice changes nothing.

use super::views::{ApplicationDetail, ApplicationLine, Applications, application_status};
use crate::areas::accounts::handlers::identity;
use crate::edge::auth::{ApiUser, ApiWriter, PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, tokyo_time};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use proto::identity as idpb;
use proto::offices as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

async fn list(state: &AppState, user: &Principal) -> Result<Vec<pb::Application>, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .list_applications(pb::ListApplicationsRequest {
            actor: Some(user.actor()),
            status: pb::ApplicationStatus::Unspecified.into(),
        })
        .await?
        .into_inner()
        .applications)
}

async fn get(state: &AppState, user: &Principal, id: &str) -> Result<pb::Application, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .get_application(pb::GetApplicationRequest {
            actor: Some(user.actor()),
            application_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

/// Approves: one decision by offices, which creates the office; identity then opens the first
/// admin's account and mails the enrollment code, from offices' event. The ユーザーID is asked of
/// identity first (a question, not a write), so a taken or malformed one is pointed out on the
/// form before anything is decided.
async fn approve(
    state: &AppState,
    user: &Principal,
    id: &str,
    admin_login_id: &str,
) -> Result<pb::Office, Failure> {
    user.require_operator()?;
    identity(state)
        .check_login_id(idpb::CheckLoginIdRequest {
            actor: Some(user.actor()),
            login_id: admin_login_id.to_owned(),
        })
        .await
        .for_form(labels::STAFF)?;
    let mut offices = state.clients.offices.clone();
    let decided = offices
        .decide_application(pb::DecideApplicationRequest {
            actor: Some(user.actor()),
            application_id: id.to_owned(),
            approve: true,
            reason: String::new(),
            admin_login_id: admin_login_id.to_owned(),
        })
        .await?
        .into_inner();
    decided.office.ok_or_else(|| {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "システムエラーが発生しました。",
        )
    })
}

async fn reject(
    state: &AppState,
    user: &Principal,
    id: &str,
    reason: &str,
) -> Result<pb::Application, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    let decided = offices
        .decide_application(pb::DecideApplicationRequest {
            actor: Some(user.actor()),
            application_id: id.to_owned(),
            approve: false,
            reason: reason.to_owned(),
            admin_login_id: String::new(),
        })
        .await
        .for_form(labels::DECISION)?
        .into_inner();
    decided.application.ok_or_else(|| {
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "システムエラーが発生しました。",
        )
    })
}

pub async fn list_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    let items = list(&state, &user).await?;
    let mode = crate::areas::applications::apply::mode(&state).await?;
    Ok(pieces::render(&Applications {
        csrf: &user.csrf,
        mode: crate::areas::applications::apply::mode_words(mode),
        items: items
            .into_iter()
            .map(|a| {
                let status = application_status(a.status());
                let f = a.fields.unwrap_or_default();
                ApplicationLine {
                    id: a.id,
                    name: f.name,
                    kind: f.kind,
                    status,
                    submitted_at: tokyo_time(&a.submitted_at),
                }
            })
            .collect(),
    }))
}

/// A decision refused, with what was typed: the admin's login id, or the reason.
#[derive(Default)]
struct Decision<'a> {
    login_id: &'a str,
    reason: &'a str,
    failure: Option<&'a Failure>,
}

async fn detail(
    state: &AppState,
    user: &Principal,
    id: &str,
    d: Decision<'_>,
) -> Result<Html<String>, PageError> {
    let app = get(state, user, id).await?;
    let fields = app.fields.clone().unwrap_or_default();
    // The admin's login id is checked as any user's: `login_id` is this form's admin_login_id.
    let mut refused = pieces::Refused::of(d.failure, &[("login_id_taken", "admin_login_id")]);
    for e in &mut refused.fields {
        if e.field == "login_id" {
            "admin_login_id".clone_into(&mut e.field);
        }
    }
    Ok(pieces::render(&ApplicationDetail {
        csrf: &user.csrf,
        id: &app.id,
        status: application_status(app.status()),
        pending: app.status() == pb::ApplicationStatus::Pending,
        fields: &fields,
        reason: &app.reason,
        office_id: &app.office_id,
        draft_login_id: d.login_id,
        draft_reason: d.reason,
        error: refused.message,
        errors: refused.fields,
    }))
}

pub async fn detail_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    detail(&state, &user, &id, Decision::default()).await
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    admin_login_id: String,
}

pub async fn approve_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<ApproveForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    match approve(&state, &user, &id, &form.admin_login_id).await {
        Ok(office) => {
            let message = format!(
                "「{}」を登録しました。事業所管理者（ユーザーID「{}」）のアカウントを作成し、証明書取得用Noを事業所管理者のメールアドレスに送信します。初期パスワードは、登録した事業所の画面の「初期パスワードを発行」で発行し、電話などメール以外の方法で本人に伝えてください。",
                office.name,
                form.admin_login_id.trim()
            );
            let back = format!("/operator/offices/{}", office.id);
            Ok(pieces::render(&pieces::Notice {
                title: "申請を承認しました",
                message: &message,
                secret: None,
                back_href: &back,
                back_label: "登録した事業所の画面へ",
            })
            .into_response())
        }
        Err(f) if f.status.is_client_error() && f.status != StatusCode::FORBIDDEN => {
            let status = f.status;
            let d = Decision {
                login_id: &form.admin_login_id,
                failure: Some(&f),
                ..Decision::default()
            };
            Ok((status, detail(&state, &user, &id, d).await?).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

#[derive(Deserialize)]
pub struct RejectForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
}

pub async fn reject_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<RejectForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    match reject(&state, &user, &id, &form.reason).await {
        Ok(_) => Ok(detail(&state, &user, &id, Decision::default())
            .await?
            .into_response()),
        Err(f) if f.status.is_client_error() && f.status != StatusCode::FORBIDDEN => {
            let status = f.status;
            let d = Decision {
                reason: &form.reason,
                failure: Some(&f),
                ..Decision::default()
            };
            Ok((status, detail(&state, &user, &id, d).await?).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

// ---- API ----

/// Where an application stands: `pending` (waiting for the city's decision), `approved` (its
/// office created) or `rejected` (the reason mailed to the applicant); `unknown` for a state this
/// gateway does not know yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatusOut {
    Pending,
    Approved,
    Rejected,
    Unknown,
}

impl From<pb::ApplicationStatus> for ApplicationStatusOut {
    fn from(s: pb::ApplicationStatus) -> Self {
        match s {
            pb::ApplicationStatus::Pending => Self::Pending,
            pb::ApplicationStatus::Approved => Self::Approved,
            pb::ApplicationStatus::Rejected => Self::Rejected,
            pb::ApplicationStatus::Unspecified => Self::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::application_out)]
pub struct ApplicationOut {
    id: String,
    status: ApplicationStatusOut,
    name: String,
    kind: String,
    admin_email: String,
    submitted_at: String,
    reason: String,
    office_id: String,
}

impl From<pb::Application> for ApplicationOut {
    fn from(a: pb::Application) -> Self {
        let status = a.status().into();
        let f = a.fields.unwrap_or_default();
        Self {
            id: a.id,
            status,
            name: f.name,
            kind: f.kind,
            admin_email: f.admin_email,
            submitted_at: a.submitted_at,
            reason: a.reason,
            office_id: a.office_id,
        }
    }
}

/// Every application, newest first (operator).
#[utoipa::path(get, operation_id = "list_applications", path = "/api/v1/operator/applications", responses((status = 200, body = Vec<ApplicationOut>), (status = 403, body = ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<ApplicationOut>>, ApiError> {
    Ok(Json(
        list(&state, &user)
            .await?
            .into_iter()
            .map(ApplicationOut::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::approve)]
pub struct ApproveBody {
    /// The login ID for the office's first admin.
    admin_login_id: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::approved)]
pub struct ApprovedOut {
    office_id: String,
    /// The first admin's account, opened shortly after the answer; its initial password is
    /// issued by `POST /api/v1/users/{id}/password-reset` and given by another channel than email.
    admin_login_id: String,
}

/// Approve an application (operator): creates the office; its first admin's account and an
/// enrollment code (mailed to the admin) follow within moments.
#[utoipa::path(post, path = "/api/v1/operator/applications/{id}/approve", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d3f10-2a3b-7c4d-8e5f-6a7b8c9d0e61")), request_body = ApproveBody,
    responses((status = 201, body = ApprovedOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_approve(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ApproveBody>,
) -> Result<Response, ApiError> {
    let office = approve(&state, &user, &id, &body.admin_login_id).await?;
    let out = ApprovedOut {
        office_id: office.id,
        admin_login_id: body.admin_login_id.trim().to_owned(),
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::reject)]
pub struct RejectBody {
    /// Mailed to the applicant.
    reason: String,
}

/// Reject an application with a reason (operator).
#[utoipa::path(post, path = "/api/v1/operator/applications/{id}/reject", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d3f10-2a3b-7c4d-8e5f-6a7b8c9d0e61")), request_body = RejectBody,
    responses((status = 200, body = ApplicationOut), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn api_reject(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RejectBody>,
) -> Result<Json<ApplicationOut>, ApiError> {
    Ok(Json(reject(&state, &user, &id, &body.reason).await?.into()))
}

// ---- 招待コード (applications by invitation only) ----
