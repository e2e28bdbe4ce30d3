//! 報告義務 (W10): staff report an incident; the office admin and the city are mailed; the city
//! tracks it through 受付 → 対応中 → 完了 and the reporter sees where it stands.

use crate::areas::recipients::handlers::form_failure;
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::state::AppState;
use crate::views::{self, FieldError, IncidentForm, IncidentLine, IncidentPage, IncidentsPage};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::careboard as pb;
use proto::common::Role;
use serde::Deserialize;

async fn list(state: &AppState, user: &Principal) -> Result<Vec<IncidentLine>, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .list_incidents(pb::ListIncidentsRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner()
        .incidents
        .into_iter()
        .map(IncidentLine::from)
        .collect())
}

async fn list_page(
    state: &AppState,
    user: &Principal,
    form: &IncidentForm,
    failure: Option<&Failure>,
) -> Result<Html<String>, Failure> {
    Ok(views::render(&IncidentsPage {
        csrf: &user.csrf,
        is_operator: user.role == Role::Operator,
        incidents: list(state, user).await?,
        form,
        error: failure.map(|f| f.message.as_str()),
        errors: failure
            .map(|f| {
                f.fields
                    .iter()
                    .map(|(field, _)| FieldError {
                        field: field.clone(),
                        hint: incident_hint(field),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }))
}

fn incident_hint(field: &str) -> &'static str {
    match field {
        "occurred_at" => "発生日時を入力してください（現在より後の日時は指定できません）。",
        "device" => "どの端末か（端末名など）を100文字以内で入力してください。",
        "what_happened" => "何が起きたかを2,000文字以内で入力してください。",
        "action_taken" => "行った対応は2,000文字以内で入力してください。",
        "status" => "状態を選んでください。",
        "note" => "メモは1,000文字以内で入力してください。",
        _ => "入力内容を確認してください。",
    }
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    Ok(list_page(&state, &user, &IncidentForm::default(), None).await?)
}

pub async fn file_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<IncidentForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let mut careboard = state.clients.careboard.clone();
    let answer = careboard
        .file_incident(pb::FileIncidentRequest {
            actor: Some(user.actor()),
            occurred_at: form.occurred_at.clone(),
            device: form.device.clone(),
            what_happened: form.what_happened.clone(),
            action_taken: form.action_taken.clone(),
        })
        .await;
    match answer {
        Ok(i) => {
            Ok(Redirect::to(&format!("/incidents/{}?filed=1", i.into_inner().id)).into_response())
        }
        Err(status) => {
            let mut f = form_failure(status.into());
            if f.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(f.into());
            }
            if let [(field, _)] = f.fields.as_slice() {
                f.message = incident_hint(field).to_owned();
            }
            let page = list_page(&state, &user, &form, Some(&f)).await?;
            Ok((f.status, page).into_response())
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filed {
    filed: String,
}

pub async fn detail(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(q): Query<Filed>,
) -> Result<Html<String>, PageError> {
    let mut careboard = state.clients.careboard.clone();
    let incident = careboard
        .get_incident(pb::IncidentRef {
            actor: Some(user.actor()),
            incident_id: id,
        })
        .await?
        .into_inner();
    Ok(views::render(&IncidentPage::new(
        &user.csrf,
        user.role == Role::Operator,
        (q.filed == "1")
            .then_some("報告を受け付けました。事業所管理者と市にメールで知らせました。"),
        incident,
    )))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StatusForm {
    csrf_token: String,
    status: String,
    note: String,
}

pub async fn status_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<StatusForm>,
) -> Result<Redirect, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let mut careboard = state.clients.careboard.clone();
    careboard
        .update_incident(pb::UpdateIncidentRequest {
            actor: Some(user.actor()),
            incident_id: id.clone(),
            status: form.status,
            note: form.note,
        })
        .await
        .map_err(|s| {
            let mut f = form_failure(s.into());
            if let [(field, _)] = f.fields.as_slice() {
                f.message = incident_hint(field).to_owned();
            }
            f
        })?;
    Ok(Redirect::to(&format!("/incidents/{id}")))
}
