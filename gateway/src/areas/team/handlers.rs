//! 支援チーム: the representative finds staff of any office and adds them, removes members and
//! hands over the role. Careboard enforces who may; the page only offers it to the representative.

use super::views::{StaffLine, TeamPage};
use crate::areas::recipients::handlers::{CsrfForm, get};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, OfficeChoice, members};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::careboard as pb;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Search {
    pub(super) q: String,
    pub(super) office: String,
    pub(super) profession: String,
    pub(super) registered: String,
}

async fn offices(state: &AppState, user: &Principal) -> Result<Vec<OfficeChoice>, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .list_office_directory(proto::offices::ListOfficeDirectoryRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner()
        .offices
        .into_iter()
        .map(|o| OfficeChoice {
            id: o.id,
            name: o.name,
        })
        .collect())
}

/// Staff of any office by name, office or profession, as identity finds them.
pub(super) async fn search(
    state: &AppState,
    user: &Principal,
    s: &Search,
) -> Result<Vec<proto::identity::StaffCard>, Failure> {
    let mut identity = state.clients.identity.clone();
    Ok(identity
        .search_staff(proto::identity::SearchStaffRequest {
            actor: Some(user.actor()),
            query: s.q.clone(),
            office_id: s.office.clone(),
            profession: s.profession.clone(),
        })
        .await?
        .into_inner()
        .staff)
}

async fn render(
    state: &AppState,
    user: &Principal,
    id: &str,
    s: &Search,
    error: Option<&Failure>,
) -> Result<Html<String>, Failure> {
    let r = get(state, user, id).await?;
    let closed = r.status() == pb::RecipientStatus::Closed;
    let team = members(r.team);
    let representative = r.actor_is_representative;
    let office_list = if representative && !closed {
        offices(state, user).await?
    } else {
        Vec::new()
    };
    let searching = !(s.q.trim().is_empty() && s.office.is_empty() && s.profession.is_empty());
    let mut search_error = None;
    let found = if representative && !closed && searching {
        match search(state, user, s).await {
            Ok(cards) => {
                let names: HashMap<&str, &str> = office_list
                    .iter()
                    .map(|o| (o.id.as_str(), o.name.as_str()))
                    .collect();
                Some(
                    cards
                        .into_iter()
                        .map(|c| StaffLine {
                            member: team.iter().any(|m| m.user_id == c.user_id),
                            office: names
                                .get(c.office_id.as_str())
                                .copied()
                                .unwrap_or("")
                                .to_owned(),
                            user_id: c.user_id,
                            name: c.name,
                            kana: c.kana,
                            profession: c.profession,
                        })
                        .collect(),
                )
            }
            Err(f) if f.code == "invalid_field" => {
                search_error = Some(Failure::bad_request(
                    "検索語は50文字以内で入力するか、事業所または職種を選んでください。",
                ));
                None
            }
            Err(f) => return Err(f),
        }
    } else {
        None
    };
    let name = r.fields.map(|f| f.name).unwrap_or_default();
    let notice = (s.registered == "1").then_some(
        "支援対象者を登録しました。あなたが代表者です。支援にかかわるスタッフをチームに追加してください。",
    );
    Ok(pieces::render(&TeamPage {
        csrf: &user.csrf,
        id,
        name: &name,
        me: &user.user_id,
        members: team,
        representative,
        closed,
        query: &s.q,
        office: &s.office,
        profession: &s.profession,
        offices: office_list,
        professions: state.choices.professions(&state.clients).await?,
        found,
        notice,
        error: error.or(search_error.as_ref()).map(|f| f.message.as_str()),
    }))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(s): Query<Search>,
) -> Result<Html<String>, PageError> {
    Ok(render(&state, &user, &id, &s, None).await?)
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    user_id: String,
}

/// After a team change: back to the team page, or the page again with what went wrong.
async fn answer(
    state: &AppState,
    user: &Principal,
    id: &str,
    result: Result<pb::Team, Failure>,
) -> Result<Response, PageError> {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/recipients/{id}/team")).into_response()),
        Err(f) => {
            if f.status == axum::http::StatusCode::CONFLICT {
                let page = render(state, user, id, &Search::default(), Some(&f)).await?;
                Ok((f.status, page).into_response())
            } else {
                Err(f.into())
            }
        }
    }
}

fn member_request(user: &Principal, id: &str, member: &str) -> pb::MemberRequest {
    pb::MemberRequest {
        actor: Some(user.actor()),
        recipient_id: id.to_owned(),
        user_id: member.to_owned(),
    }
}

/// Adds a member to the team (careboard lets only the representative).
pub(super) async fn add(
    state: &AppState,
    user: &Principal,
    id: &str,
    member: &str,
) -> Result<pb::Team, Failure> {
    let mut careboard = state.clients.careboard.clone();
    let request = member_request(user, id, member);
    Ok(careboard.add_member(request).await?.into_inner())
}

/// Removes a member from the team (the representative, or the member themself).
pub(super) async fn remove(
    state: &AppState,
    user: &Principal,
    id: &str,
    member: &str,
) -> Result<pb::Team, Failure> {
    let mut careboard = state.clients.careboard.clone();
    let request = member_request(user, id, member);
    Ok(careboard.remove_member(request).await?.into_inner())
}

/// Hands the representative's role over to another member.
pub(super) async fn hand_over(
    state: &AppState,
    user: &Principal,
    id: &str,
    member: &str,
) -> Result<pb::Team, Failure> {
    let mut careboard = state.clients.careboard.clone();
    let request = member_request(user, id, member);
    Ok(careboard.hand_over(request).await?.into_inner())
}

pub async fn add_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<AddForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let result = add(&state, &user, &id, &form.user_id).await;
    answer(&state, &user, &id, result).await
}

pub async fn remove_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, member)): Path<(String, String)>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let result = remove(&state, &user, &id, &member).await;
    answer(&state, &user, &id, result).await
}

pub async fn hand_over_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, member)): Path<(String, String)>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let result = hand_over(&state, &user, &id, &member).await;
    answer(&state, &user, &id, result).await
}
