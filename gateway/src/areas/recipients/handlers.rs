//! 支援対象者: registration with the consent (別紙1), the info page, edits and their history,
//! closing the board, and the city's consent register. Careboard decides who may see what; these
//! handlers only carry the request and render the answer.

use super::views::{
    ConsentLine, ConsentsPage, DuplicateLine, HistoryLine, HistoryPage, RecipientForm,
    RecipientFormPage, RecipientPage, recipient_hint,
};
use crate::areas::recipients::records;
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, FieldError, field_name, members, tokyo_time};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::careboard as pb;
use serde::Deserialize;

/// A careboard refusal of a form, in the words of the recipient and board forms.
pub fn form_failure(mut f: Failure) -> Failure {
    if f.code == "invalid_field" {
        for (field, hint) in &mut f.fields {
            *hint = recipient_hint(field);
        }
        f.message = match f.fields.as_slice() {
            [(_, hint)] => (*hint).to_owned(),
            _ => "入力内容に誤りがあります。各項目の説明に従って直してください。".to_owned(),
        };
    }
    f
}

fn field_errors(f: &Failure) -> Vec<FieldError> {
    f.fields
        .iter()
        .map(|(field, hint)| FieldError::new(field, *hint))
        .collect()
}

/// Today in Japan, the latest date a consent can carry.
fn today(state: &AppState) -> String {
    common::japan::today(state.clock.now()).to_string()
}

pub async fn get(state: &AppState, user: &Principal, id: &str) -> Result<pb::Recipient, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .get_recipient(pb::RecipientRef {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

async fn form_page(
    state: &AppState,
    user: &Principal,
    mode: &'static str,
    id: &str,
    form: &RecipientForm,
    failure: Option<&Failure>,
    duplicates: Vec<DuplicateLine>,
) -> Result<Html<String>, Failure> {
    let choices = state.choices.board(&state.clients).await?;
    Ok(pieces::render(&RecipientFormPage {
        csrf: &user.csrf,
        mode,
        recipient_id: id,
        form,
        choices,
        error: pieces::FieldError::message(failure),
        errors: failure.map(field_errors).unwrap_or_default(),
        duplicates,
        today: &today(state),
    }))
}

pub async fn new_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    if user.role == proto::common::Role::Operator {
        return Err(Failure::forbidden().into());
    }
    let form = RecipientForm {
        obtained_on: today(&state),
        ..RecipientForm::default()
    };
    Ok(form_page(&state, &user, "new", "", &form, None, Vec::new()).await?)
}

pub async fn register_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<RecipientForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let consent = pb::ConsentFields {
        obtained_on: form.obtained_on.clone(),
        obtained_by: form.obtained_by.clone(),
        office_keeps_copy: form.office_keeps_copy == "1",
        recipient_keeps_original: form.recipient_keeps_original == "1",
    };
    let answer = records::register(
        &state,
        &user,
        consent,
        form.fields(),
        form.allow_duplicate == "1",
    )
    .await;
    match answer {
        Ok(r) => {
            if r.recipient_id.is_empty() {
                let duplicates = r
                    .duplicates
                    .into_iter()
                    .map(|d| DuplicateLine {
                        id: d.recipient_id,
                        name: d.name,
                        kana: d.kana,
                        birth_date: d.birth_date,
                        is_member: d.is_member,
                    })
                    .collect();
                let page = form_page(&state, &user, "new", "", &form, None, duplicates).await?;
                Ok((StatusCode::CONFLICT, page).into_response())
            } else {
                Ok(
                    Redirect::to(&format!("/recipients/{}/team?registered=1", r.recipient_id))
                        .into_response(),
                )
            }
        }
        Err(failure) => {
            let f = form_failure(failure);
            if f.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(f.into());
            }
            let page = form_page(&state, &user, "new", "", &form, Some(&f), Vec::new()).await?;
            Ok((f.status, page).into_response())
        }
    }
}

async fn info_page(
    state: &AppState,
    user: &Principal,
    r: pb::Recipient,
    refused: Option<(&CloseForm, &Failure)>,
) -> Result<Html<String>, Failure> {
    let choices = state.choices.board(&state.clients).await?;
    let fields = r.fields.clone().unwrap_or_default();
    let consent = r.consent.clone().unwrap_or_default();
    Ok(pieces::render(&RecipientPage {
        csrf: &user.csrf,
        id: &r.id,
        f: &fields,
        closed: r.status() == pb::RecipientStatus::Closed,
        close_reason: &r.close_reason,
        close_note: &r.close_note,
        closed_at: tokyo_time(&r.closed_at),
        consent_recorded: tokyo_time(&consent.recorded_at),
        consent,
        members: members(r.team),
        representative: r.actor_is_representative,
        close_reasons: &choices.close_reasons,
        draft: refused.map_or(("", ""), |(d, _)| (d.reason.as_str(), d.note.as_str())),
        error: pieces::FieldError::message(refused.map(|(_, f)| f)),
        errors: refused.map(|(_, f)| field_errors(f)).unwrap_or_default(),
    }))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let r = get(&state, &user, &id).await?;
    Ok(info_page(&state, &user, r, None).await?)
}

pub async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let r = get(&state, &user, &id).await?;
    let form = RecipientForm::from_fields(r.fields.unwrap_or_default());
    Ok(form_page(&state, &user, "edit", &id, &form, None, Vec::new()).await?)
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<RecipientForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let answer = records::update(&state, &user, &id, form.fields()).await;
    match answer {
        Ok(_) => Ok(Redirect::to(&format!("/recipients/{id}")).into_response()),
        Err(failure) => {
            let f = form_failure(failure);
            if f.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(f.into());
            }
            let page = form_page(&state, &user, "edit", &id, &form, Some(&f), Vec::new()).await?;
            Ok((f.status, page).into_response())
        }
    }
}

pub async fn history_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let r = get(&state, &user, &id).await?;
    let history = records::history(&state, &user, &id).await?;
    let name = r.fields.map(|f| f.name).unwrap_or_default();
    Ok(pieces::render(&HistoryPage {
        id: &id,
        name: &name,
        entries: history
            .into_iter()
            .map(|e| HistoryLine {
                at: tokyo_time(&e.changed_at),
                by: e.changed_by_name,
                office: e.changed_by_office,
                changes: e
                    .changes
                    .into_iter()
                    .map(|c| (field_name(&c.field).to_owned(), c.before, c.after))
                    .collect(),
            })
            .collect(),
    }))
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

pub async fn close_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CloseForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let answer = records::close(&state, &user, &id, form.reason.clone(), form.note.clone()).await;
    match answer {
        Ok(_) => Ok(Redirect::to(&format!("/recipients/{id}")).into_response()),
        Err(failure) => {
            let f = form_failure(failure);
            if f.status != StatusCode::UNPROCESSABLE_ENTITY {
                return Err(f.into());
            }
            let r = get(&state, &user, &id).await?;
            let page = info_page(&state, &user, r, Some((&form, &f))).await?;
            Ok((f.status, page).into_response())
        }
    }
}

#[derive(Deserialize)]
pub struct ConsentsQuery {
    #[serde(default)]
    pending: String,
    #[serde(default)]
    cursor: String,
}

pub async fn consents_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<ConsentsQuery>,
) -> Result<Html<String>, PageError> {
    let pending_only = q.pending == "1";
    let list = records::consents(&state, &user, pending_only, &q.cursor).await?;
    Ok(pieces::render(&ConsentsPage {
        csrf: &user.csrf,
        pending_only,
        paged: !q.cursor.is_empty(),
        next_cursor: &list.next_cursor,
        entries: list.entries.into_iter().map(ConsentLine::from).collect(),
    }))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf_token: String,
}

pub async fn fax_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Redirect, PageError> {
    user.check_csrf(&form.csrf_token)?;
    records::confirm_fax(&state, &user, &id).await?;
    Ok(Redirect::to("/operator/consents"))
}
