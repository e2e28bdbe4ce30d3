//! 連携事業所, set by the operator on an office's page.

use super::Reply;
use super::decode::{actor, id};
use crate::service::Identity;
use common::ids::OfficeId;
use proto::identity as pb;
use tonic::{Request, Response};

fn reply(office: OfficeId, partners: &[OfficeId]) -> pb::OfficePartners {
    pb::OfficePartners {
        office_id: office.to_string(),
        partner_office_ids: partners.iter().map(ToString::to_string).collect(),
    }
}

pub(super) async fn get(
    identity: &Identity,
    request: Request<pb::GetOfficePartnersRequest>,
) -> Reply<pb::OfficePartners> {
    let req = request.into_inner();
    let office = id(&req.office_id, "office_id")?;
    let partners = identity
        .partners(&actor(req.actor.as_ref())?, office)
        .await?;
    Ok(Response::new(reply(office, &partners)))
}

pub(super) async fn set(
    identity: &Identity,
    request: Request<pb::SetOfficePartnersRequest>,
) -> Reply<pb::OfficePartners> {
    let req = request.into_inner();
    let office = id(&req.office_id, "office_id")?;
    // Bounded before parsing: the domain refuses more than a few dozen anyway.
    if req.partner_office_ids.len() > 1000 {
        return Err(crate::error::invalid("partner_office_ids"));
    }
    let partners = req
        .partner_office_ids
        .iter()
        .map(|raw| id(raw, "partner_office_ids"))
        .collect::<Result<Vec<_>, _>>()?;
    let set = identity
        .set_partners(&actor(req.actor.as_ref())?, office, &partners)
        .await?;
    Ok(Response::new(reply(office, &set)))
}
