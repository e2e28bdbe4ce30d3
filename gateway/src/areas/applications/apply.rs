//! 事業所登録申請: the public form, a confirmation step, then the application is sent. Every
//! wrong field is shown next to itself and the form keeps what was typed.

use super::views::ApplyPage;
use crate::edge::csrf::PreSession;
use crate::edge::error::{ApiError, ErrorBody, Failure, ForForm, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, ApplyForm, FieldError};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use proto::offices as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The form's fields, as typed (checkboxes arrive only when ticked).
#[derive(Deserialize, Default, Clone, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::application)]
pub struct ApplicationBody {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kana: String,
    #[serde(default)]
    kind: String,
    /// 医療機関コード or 介護保険事業所番号 (10 digits) where the kind has one.
    #[serde(default)]
    code: String,
    #[serde(default)]
    postal_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    fax: String,
    #[serde(default)]
    latitude: String,
    #[serde(default)]
    longitude: String,
    #[serde(default)]
    admin_name: String,
    #[serde(default)]
    admin_kana: String,
    #[serde(default)]
    admin_email: String,
    #[serde(default)]
    admin_phone: String,
    /// "1" (form) when the office is to appear on the public map.
    #[serde(default)]
    listed: Option<String>,
    /// "1" (form) when the applicant accepts the usage rules.
    #[serde(default)]
    consent: Option<String>,
    /// 招待コード, required while applications are by invitation only.
    #[serde(default)]
    invitation_code: String,
    /// The form's pre-session token, already checked by the CSRF guard; API calls send it as a
    /// header instead.
    #[serde(default)]
    #[schema(ignore)]
    #[expect(
        dead_code,
        reason = "the CSRF guard reads it from the body before this form"
    )]
    csrf_token: String,
}

impl ApplicationBody {
    pub fn fields(&self) -> pb::ApplicationFields {
        pb::ApplicationFields {
            name: self.name.clone(),
            kana: self.kana.clone(),
            kind: self.kind.clone(),
            code: self.code.clone(),
            postal_code: self.postal_code.clone(),
            address: self.address.clone(),
            phone: self.phone.clone(),
            fax: self.fax.clone(),
            latitude: self.latitude.clone(),
            longitude: self.longitude.clone(),
            admin_name: self.admin_name.clone(),
            admin_kana: self.admin_kana.clone(),
            admin_email: self.admin_email.clone(),
            admin_phone: self.admin_phone.clone(),
            listed: self
                .listed
                .as_deref()
                .is_some_and(|v| v == "1" || v == "true"),
            consent: self
                .consent
                .as_deref()
                .is_some_and(|v| v == "1" || v == "true"),
        }
    }

    pub fn form(&self) -> ApplyForm<'_> {
        ApplyForm {
            name: &self.name,
            kana: &self.kana,
            kind: &self.kind,
            code: &self.code,
            postal_code: &self.postal_code,
            address: &self.address,
            phone: &self.phone,
            fax: &self.fax,
            latitude: &self.latitude,
            longitude: &self.longitude,
            admin_name: &self.admin_name,
            admin_kana: &self.admin_kana,
            admin_email: &self.admin_email,
            admin_phone: &self.admin_phone,
            listed: self.fields().listed,
            consent: self.fields().consent,
            invitation_code: &self.invitation_code,
        }
    }
}

async fn submit(
    state: &AppState,
    body: &ApplicationBody,
    dry_run: bool,
) -> Result<(String, ApplicationBody), Failure> {
    let mut offices = state.clients.offices.clone();
    let answer = offices
        .submit_application(pb::SubmitApplicationRequest {
            fields: Some(body.fields()),
            dry_run,
            invitation_code: body.invitation_code.clone(),
        })
        .await
        .for_form(labels::OFFICE)?;
    let answer = answer.into_inner();
    Ok((
        answer.application_id,
        answer
            .normalized
            .map(ApplicationBody::from)
            .unwrap_or_default(),
    ))
}

impl ApplicationBody {
    /// An office as stored, in the form's terms (for editing its profile).
    pub fn from_office(o: &pb::Office) -> Self {
        let at = |v: f64| {
            if o.has_location {
                v.to_string()
            } else {
                String::new()
            }
        };
        Self {
            name: o.name.clone(),
            kana: o.kana.clone(),
            kind: o.kind.clone(),
            code: o.code.clone(),
            postal_code: o.postal_code.clone(),
            address: o.address.clone(),
            phone: o.phone.clone(),
            fax: o.fax.clone(),
            latitude: at(o.latitude),
            longitude: at(o.longitude),
            listed: o.listed.then(|| "1".to_owned()),
            ..Self::default()
        }
    }
}

impl From<pb::ApplicationFields> for ApplicationBody {
    fn from(f: pb::ApplicationFields) -> Self {
        let flag = |on: bool| on.then(|| "1".to_owned());
        Self {
            name: f.name,
            kana: f.kana,
            kind: f.kind,
            code: f.code,
            postal_code: f.postal_code,
            address: f.address,
            phone: f.phone,
            fax: f.fax,
            latitude: f.latitude,
            longitude: f.longitude,
            admin_name: f.admin_name,
            admin_kana: f.admin_kana,
            admin_email: f.admin_email,
            admin_phone: f.admin_phone,
            listed: flag(f.listed),
            consent: flag(f.consent),
            invitation_code: String::new(),
            csrf_token: String::new(),
        }
    }
}

/// How applications are accepted now (`APPLICATION_MODE`) as the city's staff say it.
pub(super) fn mode_words(mode: pb::ApplicationMode) -> &'static str {
    match mode {
        pb::ApplicationMode::Open => "どの事業所も申請できます",
        pb::ApplicationMode::Invitation => {
            "市の招待コードを受け取った事業所のみ申請できます（招待制）"
        }
        pb::ApplicationMode::Closed => "受け付けていません",
        pb::ApplicationMode::Unspecified => "確認できません",
    }
}

pub(super) async fn mode(state: &AppState) -> Result<pb::ApplicationMode, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .get_application_mode(pb::GetApplicationModeRequest {})
        .await?
        .into_inner()
        .mode())
}

async fn page(
    state: &AppState,
    csrf: &str,
    body: &ApplicationBody,
    step: &'static str,
    failure: Option<&Failure>,
) -> Result<Html<String>, PageError> {
    let mode = mode(state).await?;
    let errors: Vec<FieldError> = failure
        .map(|f| {
            f.fields
                .iter()
                .map(|(field, hint)| FieldError::new(field, *hint))
                .collect()
        })
        .unwrap_or_default();
    Ok(pieces::render(&ApplyPage {
        stage: step,
        csrf,
        form: body.form(),
        kinds: state.choices.kinds(&state.clients).await?,
        error: pieces::FieldError::message(failure),
        errors,
        tiles: &state.map_tiles,
        mode,
    }))
}

pub async fn form_page(
    State(state): State<AppState>,
    PreSession(csrf): PreSession,
) -> Result<Response, PageError> {
    Ok(crate::areas::portal::map::with_tiles_csp(
        &state,
        page(&state, &csrf, &ApplicationBody::default(), "form", None).await?,
    ))
}

/// The form posted: checked without storing; on success the confirmation page.
pub async fn confirm(
    State(state): State<AppState>,
    PreSession(csrf): PreSession,
    PageForm(body): PageForm<ApplicationBody>,
) -> Result<Response, PageError> {
    match submit(&state, &body, true).await {
        // What is confirmed is what will be stored: the canonical forms.
        Ok((_, normalized)) => {
            let normalized = ApplicationBody {
                invitation_code: body.invitation_code.clone(),
                ..normalized
            };
            Ok(crate::areas::portal::map::with_tiles_csp(
                &state,
                page(&state, &csrf, &normalized, "confirm", None).await?,
            ))
        }
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let status = f.status;
            Ok((
                status,
                crate::areas::portal::map::with_tiles_csp(
                    &state,
                    page(&state, &csrf, &body, "form", Some(&f)).await?,
                ),
            )
                .into_response())
        }
        Err(f) => Err(f.into()),
    }
}

/// The confirmation page's "修正する": back to the form with everything kept.
pub async fn edit(
    State(state): State<AppState>,
    PreSession(csrf): PreSession,
    PageForm(body): PageForm<ApplicationBody>,
) -> Result<Response, PageError> {
    Ok(crate::areas::portal::map::with_tiles_csp(
        &state,
        page(&state, &csrf, &body, "form", None).await?,
    ))
}

/// The confirmation page's "送信する": the application is stored and the receipt mailed.
pub async fn send(
    State(state): State<AppState>,
    PreSession(csrf): PreSession,
    PageForm(body): PageForm<ApplicationBody>,
) -> Result<Response, PageError> {
    match submit(&state, &body, false).await {
        Ok(_) => Ok(pieces::render(&pieces::Notice {
            title: "事業所登録申請を受け付けました",
            message: "受付のメールを管理者のメールアドレスにお送りしました。市で内容を確認し、登録が済みましたら「証明書取得用No/パスワード」をお送りします。",
            secret: None,
            back_href: "/",
            back_label: "ポータルサイトへ戻る",
        })
        .into_response()),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let status = f.status;
            Ok((status, crate::areas::portal::map::with_tiles_csp(&state, page(&state, &csrf, &body, "form", Some(&f)).await?)).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

#[derive(Deserialize)]
pub struct DryRun {
    #[serde(default)]
    dry_run: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::application_accepted)]
pub struct ApplicationAccepted {
    /// Empty for a dry run.
    application_id: String,
}

/// 事業所登録申請 (public). `?dry_run=true` only checks. Wrong fields come back in
/// `error.fields`, each with what to do.
#[utoipa::path(post, operation_id = "submit_application", path = "/api/v1/public/applications", request_body = ApplicationBody, params(("dry_run" = Option<bool>, Query, example = true)),
    responses((status = 201, body = ApplicationAccepted), (status = 200, body = ApplicationAccepted), (status = 422, body = ErrorBody)))]
pub async fn api(
    State(state): State<AppState>,
    Query(q): Query<DryRun>,
    ApiJson(body): ApiJson<ApplicationBody>,
) -> Result<Response, ApiError> {
    let (id, _) = submit(&state, &body, q.dry_run).await?;
    let status = if q.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(ApplicationAccepted { application_id: id })).into_response())
}
