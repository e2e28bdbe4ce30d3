//! Every office of the city, as the operator's pages list them.

use crate::edge::auth::Principal;
use crate::edge::error::Failure;
use crate::edge::state::AppState;
use proto::offices as pb;

pub(super) async fn list(state: &AppState, user: &Principal) -> Result<Vec<pb::Office>, Failure> {
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
