//! Recipients and their teams (支援対象者, 支援チーム): registering with consent, reading and
//! updating the basic info with its history, the team's changes and closing the board.

use super::Reply;
use super::convert::{fields_in, recipient, team, time};
use super::decode::{actor, id, once};
use crate::domain::consent::ConsentInput;
use crate::service::{Careboard, Registered};
use proto::careboard as pb;
use tonic::{Request, Response};

pub(super) async fn list_my_recipients(
    careboard: &Careboard,
    request: Request<pb::ListMyRecipientsRequest>,
) -> Reply<pb::ListMyRecipientsResponse> {
    let actor = actor(request.get_ref().actor.as_ref())?;
    let rows = careboard.my_recipients(&actor).await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    Ok(Response::new(pb::ListMyRecipientsResponse {
        recipients: rows
            .into_iter()
            .map(|r| pb::RecipientSummary {
                id: r.id.to_string(),
                display_name: r.display_name,
                unread_posts: count(r.unread),
                kana: r.kana,
                care_level: r.care_level,
                urgent_unacknowledged: count(r.urgent_unacknowledged),
                last_post_at: r.last_post_at.map(time).unwrap_or_default(),
                is_representative: r.is_representative,
            })
            .collect(),
    }))
}

pub(super) async fn register_recipient(
    careboard: &Careboard,
    request: Request<pb::RegisterRecipientRequest>,
) -> Reply<pb::RegisterRecipientResponse> {
    let once = once(&request, "RegisterRecipient")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let c = req.consent.unwrap_or_default();
    let consent = ConsentInput {
        obtained_on: c.obtained_on,
        obtained_by: c.obtained_by,
        office_keeps_copy: c.office_keeps_copy,
        recipient_keeps_original: c.recipient_keeps_original,
    };
    let outcome = careboard
        .register(
            once.as_ref(),
            &actor,
            &consent,
            &fields_in(req.fields),
            req.allow_duplicate,
        )
        .await?;
    Ok(Response::new(match outcome {
        Registered::Saved(id) => pb::RegisterRecipientResponse {
            recipient_id: id.to_string(),
            duplicates: Vec::new(),
        },
        Registered::Duplicates(rows) => pb::RegisterRecipientResponse {
            recipient_id: String::new(),
            duplicates: rows
                .into_iter()
                .map(|d| pb::DuplicateHint {
                    recipient_id: d.id.to_string(),
                    name: d.display_name,
                    kana: d.kana,
                    birth_date: d.birth_date.map(|b| b.to_string()).unwrap_or_default(),
                    is_member: d.is_member,
                })
                .collect(),
        },
    }))
}

pub(super) async fn get_recipient(
    careboard: &Careboard,
    request: Request<pb::RecipientRef>,
) -> Reply<pb::Recipient> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let view = careboard
        .recipient(&actor, id(&req.recipient_id, "recipient_id")?)
        .await?;
    Ok(Response::new(recipient(view)))
}

pub(super) async fn update_recipient(
    careboard: &Careboard,
    request: Request<pb::UpdateRecipientRequest>,
) -> Reply<pb::Recipient> {
    let once = once(&request, "UpdateRecipient")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let view = careboard
        .update(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            &fields_in(req.fields),
        )
        .await?;
    Ok(Response::new(recipient(view)))
}

pub(super) async fn list_recipient_history(
    careboard: &Careboard,
    request: Request<pb::RecipientRef>,
) -> Reply<pb::ListRecipientHistoryResponse> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let rows = careboard
        .history(&actor, id(&req.recipient_id, "recipient_id")?)
        .await?;
    Ok(Response::new(pb::ListRecipientHistoryResponse {
        entries: rows
            .into_iter()
            .map(|r| pb::HistoryEntry {
                changed_at: time(r.changed_at),
                changed_by_name: r.changed_by_name,
                changed_by_office: r.changed_by_office,
                changes: r
                    .changes
                    .0
                    .into_iter()
                    .map(|c| pb::FieldChange {
                        field: c.field,
                        before: c.before,
                        after: c.after,
                    })
                    .collect(),
            })
            .collect(),
    }))
}

pub(super) async fn add_member(
    careboard: &Careboard,
    request: Request<pb::MemberRequest>,
) -> Reply<pb::Team> {
    let once = once(&request, "AddMember")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let members = careboard
        .add_member(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            id(&req.user_id, "user_id")?,
        )
        .await?;
    Ok(Response::new(team(members)))
}

pub(super) async fn remove_member(
    careboard: &Careboard,
    request: Request<pb::MemberRequest>,
) -> Reply<pb::Team> {
    let once = once(&request, "RemoveMember")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let members = careboard
        .remove_member(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            id(&req.user_id, "user_id")?,
        )
        .await?;
    Ok(Response::new(team(members)))
}

pub(super) async fn hand_over(
    careboard: &Careboard,
    request: Request<pb::MemberRequest>,
) -> Reply<pb::Team> {
    let once = once(&request, "HandOver")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let members = careboard
        .hand_over(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            id(&req.user_id, "user_id")?,
        )
        .await?;
    Ok(Response::new(team(members)))
}

pub(super) async fn close_board(
    careboard: &Careboard,
    request: Request<pb::CloseBoardRequest>,
) -> Reply<pb::Recipient> {
    let once = once(&request, "CloseBoard")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let view = careboard
        .close(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            &req.reason,
            &req.note,
        )
        .await?;
    Ok(Response::new(recipient(view)))
}
