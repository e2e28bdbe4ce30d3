//! 市の管理メニュー: registering an office directly, as a page and as the JSON API.

use super::AppState;
use super::api::ApiJson;
use super::forms::PageForm;
use crate::auth::{ApiUser, ApiWriter, PageUser, Principal};
use crate::error::{ApiError, ErrorBody, Failure, PageError};
use crate::views::{self, OfficeLine, OperatorOffices};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::offices as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The choices offered on the form; offices validates the kind it receives.
const KINDS: [&str; 14] = [
    "病院",
    "診療所",
    "歯科診療所",
    "薬局",
    "訪問看護ステーション",
    "居宅介護支援事業所",
    "地域包括支援センター",
    "訪問介護",
    "通所介護",
    "小規模多機能型居宅介護",
    "介護老人保健施設",
    "特別養護老人ホーム",
    "市町村",
    "その他",
];

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
        .await?
        .into_inner())
}

async fn list(state: &AppState, user: &Principal) -> Result<Vec<pb::Office>, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .list_offices(pb::ListOfficesRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner()
        .offices)
}

fn tokyo_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).unwrap_or(*t.offset()))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
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
    error: Option<&str>,
    form: &FormValues<'_>,
) -> Result<Html<String>, PageError> {
    let offices = list(state, user).await?;
    Ok(views::render(&OperatorOffices {
        csrf: &user.csrf,
        kinds: &KINDS,
        offices: offices
            .into_iter()
            .map(|o| OfficeLine {
                created_at: tokyo_time(&o.created_at),
                name: o.name,
                kind: o.kind,
            })
            .collect(),
        notice,
        error,
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
            let page = render_page(&state, &user, None, Some(&f.message), &values).await?;
            Ok((f.status, page).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

fn urlencode(s: &str) -> String {
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
pub struct RegisterOfficeBody {
    /// 事業所名 (1–100 characters).
    name: String,
    /// 事業所の種別, one of 病院, 診療所, 歯科診療所, 薬局, 訪問看護ステーション, … その他.
    kind: String,
    /// Where the welcome email and enrollment code go.
    admin_email: String,
}

#[derive(Serialize, ToSchema)]
pub struct OfficeBody {
    id: String,
    name: String,
    kind: String,
    admin_email: String,
    status: String,
    created_at: String,
}

impl From<pb::Office> for OfficeBody {
    fn from(o: pb::Office) -> Self {
        Self {
            id: o.id,
            name: o.name,
            kind: o.kind,
            admin_email: o.admin_email,
            status: o.status,
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
#[utoipa::path(get, path = "/api/v1/operator/offices", responses((status = 200, body = Vec<OfficeBody>), (status = 403, body = ErrorBody)))]
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
