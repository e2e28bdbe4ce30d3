//! 市の管理メニュー: registering an office directly, as a page and as the JSON API.

use super::directory::list;
use super::views::{OfficeLine, OperatorOffices};
use crate::edge::auth::{ApiUser, ApiWriter, PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, tokyo_time};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::offices as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

async fn register(
    state: &AppState,
    user: &Principal,
    name: &str,
    kind: &str,
    admin_email: &str,
) -> Result<pb::Office, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .register_office(pb::RegisterOfficeRequest {
            actor: Some(user.actor()),
            name: name.to_owned(),
            kind: kind.to_owned(),
            admin_email: admin_email.to_owned(),
        })
        .await
        .for_form(labels::REGISTER_OFFICE)?
        .into_inner())
}

#[derive(Deserialize)]
pub struct Notice {
    registered: Option<String>,
}

struct FormValues<'a> {
    name: &'a str,
    kind: &'a str,
    email: &'a str,
}

async fn render_page(
    state: &AppState,
    user: &Principal,
    notice: Option<&str>,
    failure: Option<&Failure>,
    form: &FormValues<'_>,
) -> Result<Html<String>, PageError> {
    let offices = list(state, user).await?;
    Ok(pieces::render(&OperatorOffices {
        csrf: &user.csrf,
        kinds: state.choices.kinds(&state.clients).await?,
        offices: offices
            .into_iter()
            .map(|o| OfficeLine {
                created_at: tokyo_time(&o.created_at),
                id: o.id,
                name: o.name,
                kind: o.kind,
            })
            .collect(),
        notice,
        error: pieces::FieldError::message(failure),
        errors: pieces::FieldError::all(failure),
        form_name: form.name,
        form_kind: form.kind,
        form_email: form.email,
    }))
}

pub async fn offices_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<Notice>,
) -> Result<Html<String>, PageError> {
    let notice = q.registered.map(|name| {
        format!("「{name}」を登録しました。事業所管理者のメールアドレスに案内を送信します。")
    });
    render_page(
        &state,
        &user,
        notice.as_deref(),
        None,
        &FormValues {
            name: "",
            kind: "",
            email: "",
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    admin_email: String,
}

pub async fn register_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<RegisterForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    match register(&state, &user, &form.name, &form.kind, &form.admin_email).await {
        Ok(office) => {
            let target = format!("/operator/offices?registered={}", urlencode(&office.name));
            Ok(Redirect::to(&target).into_response())
        }
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let values = FormValues {
                name: &form.name,
                kind: &form.kind,
                email: &form.admin_email,
            };
            let page = render_page(&state, &user, None, Some(&f), &values).await?;
            Ok((f.status, page).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

pub(super) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::register_office)]
pub struct RegisterOfficeBody {
    /// 事業所名 (1–100 characters).
    name: String,
    /// 事業所の種別, one of 病院, 診療所, 歯科診療所, 薬局, 訪問看護ステーション, … その他.
    kind: String,
    /// Where the welcome email and enrollment code go.
    admin_email: String,
}

/// An office's standing: `active` (in use) or `withdrawn` (利用廃止: its users disabled, its
/// certificates revoked, its history kept); `unknown` for a state this gateway does not know yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfficeStatusOut {
    Active,
    Withdrawn,
    Unknown,
}

impl From<pb::OfficeStatus> for OfficeStatusOut {
    fn from(s: pb::OfficeStatus) -> Self {
        match s {
            pb::OfficeStatus::Active => Self::Active,
            pb::OfficeStatus::Withdrawn => Self::Withdrawn,
            pb::OfficeStatus::Unspecified => Self::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::office)]
pub struct OfficeBody {
    id: String,
    name: String,
    kind: String,
    admin_email: String,
    status: OfficeStatusOut,
    created_at: String,
}

impl From<pb::Office> for OfficeBody {
    fn from(o: pb::Office) -> Self {
        Self {
            status: o.status().into(),
            id: o.id,
            name: o.name,
            kind: o.kind,
            admin_email: o.admin_email,
            created_at: o.created_at,
        }
    }
}

/// Register an office directly (operator only). A welcome email goes to the admin address.
#[utoipa::path(post, path = "/api/v1/operator/offices", request_body = RegisterOfficeBody,
    responses((status = 201, body = OfficeBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn api_register(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<RegisterOfficeBody>,
) -> Result<Response, ApiError> {
    let office = register(&state, &user, &body.name, &body.kind, &body.admin_email).await?;
    Ok((StatusCode::CREATED, Json(OfficeBody::from(office))).into_response())
}

/// Every registered office, newest first (operator only).
#[utoipa::path(get, operation_id = "list_offices", path = "/api/v1/operator/offices", responses((status = 200, body = Vec<OfficeBody>), (status = 403, body = ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<OfficeBody>>, ApiError> {
    Ok(Json(
        list(&state, &user)
            .await?
            .into_iter()
            .map(OfficeBody::from)
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::enrollment_code)]
pub struct CodeOut {
    /// 証明書取得用No.
    number: String,
    /// 証明書取得用パスワード (also mailed to the office admin).
    secret: String,
    expires_at: String,
}

/// Issue an enrollment code for an office and mail it to the office admin (operator).
#[utoipa::path(post, path = "/api/v1/operator/offices/{id}/enrollment-codes", params(("id" = String, Path, description = "The id (UUID) from a list or an earlier answer.", example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01")),
    responses((status = 201, body = CodeOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_issue_code(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let code = super::one::issue_code(&state, &user, &id).await?;
    Ok((
        StatusCode::CREATED,
        Json(CodeOut {
            number: code.number,
            secret: code.secret,
            expires_at: code.expires_at,
        }),
    )
        .into_response())
}

// ---- suspension (了解なく一時停止) ----
