//! The portal's お知らせ: reading them (drafts only for the operator) and writing them, the
//! writes run once per idempotency key by the caller (`super::once`).

use super::Reply;
use super::convert::announcement;
use super::decode::{id, optional_actor};
use crate::error::{Result, invalid};
use crate::service::Actor;
use crate::service::Offices;
use proto::offices as pb;
use tonic::{Request, Response, Status};

pub(super) async fn list(
    offices: &Offices,
    request: Request<pb::ListAnnouncementsRequest>,
) -> Reply<pb::ListAnnouncementsResponse> {
    let req = request.into_inner();
    let who = optional_actor(req.actor.as_ref())?;
    let rows = offices
        .announcements(who.as_ref(), req.include_drafts)
        .await?;
    Ok(Response::new(pb::ListAnnouncementsResponse {
        announcements: rows.into_iter().map(announcement).collect(),
    }))
}

pub(super) async fn get(
    offices: &Offices,
    request: Request<pb::GetAnnouncementRequest>,
) -> Reply<pb::Announcement> {
    let req = request.into_inner();
    let who = optional_actor(req.actor.as_ref())?;
    let row = offices
        .announcement(who.as_ref(), id(&req.announcement_id, "announcement_id")?)
        .await?;
    Ok(Response::new(announcement(row)))
}

/// The write, once its request is decoded: a refusal of the input comes before any claim.
pub(super) fn save(
    offices: &Offices,
    actor: Actor,
    req: pb::SaveAnnouncementRequest,
) -> std::result::Result<impl Future<Output = Result<pb::Announcement>> + '_, Status> {
    if req.title.len() > 2000 || req.body.len() > 40_000 {
        return Err(invalid("body"));
    }
    let existing = if req.announcement_id.is_empty() {
        None
    } else {
        Some(id(&req.announcement_id, "announcement_id")?)
    };
    Ok(async move {
        let row = offices
            .save_announcement(&actor, existing, &req.title, &req.body)
            .await?;
        Ok(announcement(row))
    })
}

pub(super) fn publish<'a>(
    offices: &'a Offices,
    actor: Actor,
    req: &pb::PublishAnnouncementRequest,
) -> std::result::Result<impl Future<Output = Result<pb::Announcement>> + 'a, Status> {
    let announcement_id = id(&req.announcement_id, "announcement_id")?;
    let published = req.published;
    Ok(async move {
        let row = offices
            .publish_announcement(&actor, announcement_id, published)
            .await?;
        Ok(announcement(row))
    })
}
