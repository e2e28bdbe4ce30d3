//! The careboard calls behind both the recipient pages and their JSON twins: one function per
//! action, so a page and the API register, change, close and confirm alike.

use crate::edge::auth::Principal;
use crate::edge::error::Failure;
use crate::edge::state::AppState;
use proto::careboard as pb;

/// Registers a recipient with the consent (別紙1). An empty `recipient_id` in the answer means
/// nothing was saved because of possible duplicates (listed), unless `allow_duplicate`.
pub async fn register(
    state: &AppState,
    user: &Principal,
    consent: pb::ConsentFields,
    fields: pb::RecipientFields,
    allow_duplicate: bool,
) -> Result<pb::RegisterRecipientResponse, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .register_recipient(pb::RegisterRecipientRequest {
            actor: Some(user.actor()),
            consent: Some(consent),
            fields: Some(fields),
            allow_duplicate,
        })
        .await?
        .into_inner())
}

/// Changes the recipient's details; careboard keeps the earlier values in the history.
pub async fn update(
    state: &AppState,
    user: &Principal,
    id: &str,
    fields: pb::RecipientFields,
) -> Result<pb::Recipient, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .update_recipient(pb::UpdateRecipientRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            fields: Some(fields),
        })
        .await?
        .into_inner())
}

/// The changes made to the recipient's details, as careboard keeps them.
pub async fn history(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<Vec<pb::HistoryEntry>, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .list_recipient_history(pb::RecipientRef {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
        })
        .await?
        .into_inner()
        .entries)
}

/// Closes the board (read-only from then on), with the reason and a note.
pub async fn close(
    state: &AppState,
    user: &Principal,
    id: &str,
    reason: String,
    note: String,
) -> Result<pb::Recipient, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .close_board(pb::CloseBoardRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            reason,
            note,
        })
        .await?
        .into_inner())
}

/// The city's consent register, newest registration first, a page at a time.
pub async fn consents(
    state: &AppState,
    user: &Principal,
    fax_pending_only: bool,
    cursor: &str,
) -> Result<pb::ListConsentsResponse, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .list_consents(pb::ListConsentsRequest {
            actor: Some(user.actor()),
            fax_pending_only,
            cursor: cursor.to_owned(),
        })
        .await?
        .into_inner())
}

/// The city records that the FAX copy of the consent has arrived.
pub async fn confirm_fax(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<pb::ConsentEntry, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .confirm_consent_fax(pb::RecipientRef {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
        })
        .await?
        .into_inner())
}
