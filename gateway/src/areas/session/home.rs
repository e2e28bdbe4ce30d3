use super::views::{Home, RecipientLine};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::extract::State;
use axum::response::Html;
use proto::common::Role;

pub async fn office_name(state: &AppState, user: &Principal) -> Result<String, Failure> {
    let mut offices = state.clients.offices.clone();
    let office = offices
        .get_office(proto::offices::GetOfficeRequest {
            actor: Some(user.actor()),
            office_id: user.office_id.clone(),
        })
        .await?
        .into_inner();
    Ok(office.name)
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    let office = office_name(&state, &user).await?;
    let is_operator = user.role == Role::Operator;
    let recipients = if is_operator {
        Vec::new()
    } else {
        let mut careboard = state.clients.careboard.clone();
        careboard
            .list_my_recipients(proto::careboard::ListMyRecipientsRequest {
                actor: Some(user.actor()),
            })
            .await?
            .into_inner()
            .recipients
            .into_iter()
            .map(RecipientLine::from)
            .collect()
    };
    Ok(pieces::render(&Home {
        name: &user.name,
        office: &office,
        role_label: user.role_label(),
        profession: &user.profession,
        is_operator,
        is_admin: user.role == Role::OfficeAdmin,
        csrf: &user.csrf,
        recipients,
    }))
}
