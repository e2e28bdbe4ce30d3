//! 報告義務 (W10): staff report an incident; the office admin and the city are mailed; the city
//! tracks it through 受付 → 対応中 → 完了 and the reporter sees where it stands.

use super::views::{IncidentForm, IncidentLine, IncidentPage, IncidentsPage, status_named};
use crate::areas::recipients::handlers::form_failure;
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, FieldError};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::careboard as pb;
use proto::common::Role;
use serde::Deserialize;

/// The incidents `user` may see: their office's, or all of them for the city.
pub(super) async fn incidents(
    state: &AppState,
    user: &Principal,
) -> Result<Vec<pb::Incident>, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .list_incidents(pb::ListIncidentsRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner()
        .incidents)
}

async fn list(state: &AppState, user: &Principal) -> Result<Vec<IncidentLine>, Failure> {
    Ok(incidents(state, user)
        .await?
        .into_iter()
        .map(IncidentLine::from)
        .collect())
}

/// Files an incident report; careboard mails the office admin and the city.
pub(super) async fn file(
    state: &AppState,
    user: &Principal,
    request: pb::FileIncidentRequest,
) -> Result<pb::Incident, Failure> {
    let mut careboard = state.clients.careboard.clone();
    careboard
        .file_incident(pb::FileIncidentRequest {
            actor: Some(user.actor()),
            ..request
        })
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| worded(s.into()))
}

/// One incident with its notes.
pub(super) async fn one(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<pb::Incident, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .get_incident(pb::IncidentRef {
            actor: Some(user.actor()),
            incident_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

/// The city moves an incident on (受付 → 対応中 → 完了, the status's word), with a note.
pub(super) async fn update(
    state: &AppState,
    user: &Principal,
    id: &str,
    status: &str,
    note: String,
) -> Result<pb::Incident, Failure> {
    let mut careboard = state.clients.careboard.clone();
    careboard
        .update_incident(pb::UpdateIncidentRequest {
            actor: Some(user.actor()),
            incident_id: id.to_owned(),
            status: status_named(status).into(),
            note,
        })
        .await
        .map(tonic::Response::into_inner)
        .map_err(|s| worded(s.into()))
}

/// A refusal in the words of the incident form.
fn worded(f: Failure) -> Failure {
    let mut f = form_failure(f);
    if let [(field, _)] = f.fields.as_slice() {
        f.message = incident_hint(field).to_owned();
    }
    f
}

async fn list_page(
    state: &AppState,
    user: &Principal,
    form: &IncidentForm,
    failure: Option<&Failure>,
) -> Result<Html<String>, Failure> {
    Ok(pieces::render(&IncidentsPage {
        csrf: &user.csrf,
        is_operator: user.role == Role::Operator,
        incidents: list(state, user).await?,
        form,
        error: pieces::FieldError::message(failure),
        errors: failure
            .map(|f| {
                f.fields
                    .iter()
                    .map(|(field, _)| FieldError::new(field, incident_hint(field)))
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
    let request = pb::FileIncidentRequest {
        actor: None,
        occurred_at: form.occurred_at.clone(),
        device: form.device.clone(),
        what_happened: form.what_happened.clone(),
        action_taken: form.action_taken.clone(),
    };
    match file(&state, &user, request).await {
        Ok(i) => Ok(Redirect::to(&format!("/incidents/{}?filed=1", i.id)).into_response()),
        Err(f) => {
            if f.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(f.into());
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
    let incident = one(&state, &user, &id).await?;
    Ok(pieces::render(&IncidentPage::new(
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
    update(&state, &user, &id, &form.status, form.note).await?;
    Ok(Redirect::to(&format!("/incidents/{id}")))
}
