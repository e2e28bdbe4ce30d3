//! The choices the forms offer (office kinds, professions, the board's lists), asked once of the services that
//! decide them and kept: they are compiled into those services, so they change only with a
//! deployment.

use super::AppState;
use crate::error::Failure;
use std::sync::Arc;
use tokio::sync::OnceCell;

#[derive(Default)]
pub struct Choices {
    kinds: OnceCell<Vec<String>>,
    professions: OnceCell<Vec<String>>,
    board: OnceCell<proto::careboard::BoardChoices>,
}

pub type SharedChoices = Arc<Choices>;

pub async fn kinds(state: &AppState) -> Result<&[String], Failure> {
    let list = state
        .choices
        .kinds
        .get_or_try_init(|| async {
            let mut offices = state.clients.offices.clone();
            Ok::<_, Failure>(
                offices
                    .list_kinds(proto::offices::ListKindsRequest {})
                    .await?
                    .into_inner()
                    .kinds,
            )
        })
        .await?;
    Ok(list)
}

pub async fn professions(state: &AppState) -> Result<&[String], Failure> {
    let list = state
        .choices
        .professions
        .get_or_try_init(|| async {
            let mut identity = state.clients.identity.clone();
            Ok::<_, Failure>(
                identity
                    .list_professions(proto::identity::ListProfessionsRequest {})
                    .await?
                    .into_inner()
                    .professions,
            )
        })
        .await?;
    Ok(list)
}

pub async fn board(state: &AppState) -> Result<&proto::careboard::BoardChoices, Failure> {
    state
        .choices
        .board
        .get_or_try_init(|| async {
            let mut careboard = state.clients.careboard.clone();
            Ok::<_, Failure>(
                careboard
                    .list_board_choices(proto::careboard::ListBoardChoicesRequest {})
                    .await?
                    .into_inner(),
            )
        })
        .await
}
