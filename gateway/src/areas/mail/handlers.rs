//! Undelivered mail: the operator sees every mail that did not arrive (届かなかったメール), an
//! office admin which of their staff's addresses bounce (メールが届かないスタッフ). notify decides
//! who sees what; the pages add the names people know.

use super::views::{
    AdminBounces, OperatorUndelivered, UndeliveredLine, failure_label, template_label,
};
use crate::areas::accounts::handlers::list_users;
use crate::edge::auth::{ApiUser, PageUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::Json;
use axum::extract::State;
use axum::response::Html;
use proto::common::Role;
use proto::notify as pb;
use serde::Serialize;
use std::collections::HashMap;
use utoipa::ToSchema;

/// Every undelivered mail (operator: all offices; office admin: their own office's).
async fn undelivered(
    state: &AppState,
    user: &Principal,
) -> Result<pb::ListUndeliveredResponse, Failure> {
    let mut notify = state.clients.notify.clone();
    Ok(notify
        .list_undelivered(pb::ListUndeliveredRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner())
}

/// The addresses that bounce, each once.
async fn bouncing(
    state: &AppState,
    user: &Principal,
) -> Result<pb::ListUndeliveredResponse, Failure> {
    let mut notify = state.clients.notify.clone();
    Ok(notify
        .list_bouncing_addresses(pb::ListUndeliveredRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner())
}

/// Names of the people the reader may list, by user id.
async fn names(state: &AppState, user: &Principal) -> Result<HashMap<String, String>, Failure> {
    Ok(list_users(state, user, "", "")
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

async fn office_names(
    state: &AppState,
    user: &Principal,
) -> Result<HashMap<String, String>, Failure> {
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .list_office_directory(proto::offices::ListOfficeDirectoryRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner()
        .offices
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect())
}

fn lines(
    mails: &[pb::UndeliveredMail],
    names: &HashMap<String, String>,
    offices: &HashMap<String, String>,
) -> Vec<UndeliveredLine> {
    mails
        .iter()
        .map(|m| {
            UndeliveredLine::new(
                m,
                names.get(&m.user_id).cloned().unwrap_or_default(),
                offices.get(&m.office_id).cloned().unwrap_or_default(),
            )
        })
        .collect()
}

pub async fn operator_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    user.require_operator()?;
    let answer = undelivered(&state, &user).await?;
    let names = names(&state, &user).await?;
    let offices = office_names(&state, &user).await?;
    Ok(pieces::render(&OperatorUndelivered {
        mails: lines(&answer.mails, &names, &offices),
        sender_domain: &answer.sender_domain,
    }))
}

pub async fn admin_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    if user.role != Role::OfficeAdmin {
        return Err(Failure::forbidden().into());
    }
    let answer = bouncing(&state, &user).await?;
    let names = names(&state, &user).await?;
    let office = crate::areas::session::home::office_name(&state, &user).await?;
    Ok(pieces::render(&AdminBounces {
        office: &office,
        mails: lines(&answer.mails, &names, &HashMap::new()),
        sender_domain: &answer.sender_domain,
    }))
}

// ---- API ----

/// Why a mail counts as undelivered: `failed_permanent` (refused, not tried again) or `dead`
/// (given up after its tries); `unknown` for a state this gateway does not know yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UndeliveredStateOut {
    FailedPermanent,
    Dead,
    Unknown,
}

impl From<pb::UndeliveredState> for UndeliveredStateOut {
    fn from(s: pb::UndeliveredState) -> Self {
        match s {
            pb::UndeliveredState::FailedPermanent => Self::FailedPermanent,
            pb::UndeliveredState::Dead => Self::Dead,
            pb::UndeliveredState::Unspecified => Self::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct UndeliveredOut {
    /// When it was settled as undelivered (RFC 3339).
    failed_at: String,
    /// When it was due (its event handled).
    due_at: String,
    address: String,
    /// Empty when the address is not a user's.
    user_id: String,
    office_id: String,
    /// Which mail, e.g. `urgent_post`, and in Japanese.
    template: String,
    template_label: String,
    state: UndeliveredStateOut,
    /// `unknown_recipient`, `refused`, `mailbox_full`, `temporary` or `invalid_address`, and in
    /// Japanese.
    failure: String,
    failure_label: String,
    attempts: u32,
    /// How many mails to this address did not arrive (bouncing addresses only; else 1).
    failures: u32,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::undelivered)]
pub struct UndeliveredList {
    mails: Vec<UndeliveredOut>,
    /// The sender domain a mobile carrier's filter must allow.
    sender_domain: String,
}

impl From<pb::ListUndeliveredResponse> for UndeliveredList {
    fn from(r: pb::ListUndeliveredResponse) -> Self {
        Self {
            mails: r
                .mails
                .into_iter()
                .map(|m| UndeliveredOut {
                    state: m.state().into(),
                    template_label: template_label(&m.template).to_owned(),
                    failure_label: failure_label(&m.failure).to_owned(),
                    failed_at: m.failed_at,
                    due_at: m.due_at,
                    address: m.address,
                    user_id: m.user_id,
                    office_id: m.office_id,
                    template: m.template,
                    failure: m.failure,
                    attempts: m.attempts,
                    failures: m.failures,
                })
                .collect(),
            sender_domain: r.sender_domain,
        }
    }
}

/// Mail that did not arrive, newest first (operator): who, when and why, never what.
#[utoipa::path(get, path = "/api/v1/operator/undelivered",
    responses((status = 200, body = UndeliveredList), (status = 403, body = ErrorBody)))]
pub async fn api_undelivered(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<UndeliveredList>, ApiError> {
    user.require_operator()?;
    Ok(Json(undelivered(&state, &user).await?.into()))
}

/// The addresses that bounce, each with its latest undelivered mail: an office admin's own
/// staff, or (operator) every office's.
#[utoipa::path(get, path = "/api/v1/bouncing-addresses",
    responses((status = 200, body = UndeliveredList), (status = 403, body = ErrorBody)))]
pub async fn api_bouncing(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<UndeliveredList>, ApiError> {
    Ok(Json(bouncing(&state, &user).await?.into()))
}
