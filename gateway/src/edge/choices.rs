//! The choices the forms offer (office kinds, professions, the board's lists), asked once of the services that
//! decide them and kept: they are compiled into those services, so they change only with a
//! deployment.

use super::clients::Clients;
use crate::edge::error::Failure;
use std::sync::Arc;
use tokio::sync::OnceCell;

#[derive(Default)]
pub struct Choices {
    kinds: OnceCell<Vec<String>>,
    professions: OnceCell<Vec<String>>,
    board: OnceCell<proto::careboard::BoardChoices>,
}

pub type SharedChoices = Arc<Choices>;

impl Choices {
    pub async fn kinds(&self, clients: &Clients) -> Result<&[String], Failure> {
        let list = self
            .kinds
            .get_or_try_init(|| async {
                let mut offices = clients.offices.clone();
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

    pub async fn professions(&self, clients: &Clients) -> Result<&[String], Failure> {
        let list = self
            .professions
            .get_or_try_init(|| async {
                let mut identity = clients.identity.clone();
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

    pub async fn board(
        &self,
        clients: &Clients,
    ) -> Result<&proto::careboard::BoardChoices, Failure> {
        self.board
            .get_or_try_init(|| async {
                let mut careboard = clients.careboard.clone();
                Ok::<_, Failure>(
                    careboard
                        .list_board_choices(proto::careboard::ListBoardChoicesRequest {})
                        .await?
                        .into_inner(),
                )
            })
            .await
    }
}
