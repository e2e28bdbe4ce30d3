//! Who people are, for others: the staff directory teams are built from (names, professions,
//! offices; no login IDs, no addresses), and mail addresses for notify alone.

use super::Reply;
use super::convert::staff_card;
use super::decode::{actor, bounded, id, optional_id, peer_common_name};
use crate::service::Identity;
use proto::identity as pb;
use tonic::{Request, Response};

pub(super) async fn search_staff(
    identity: &Identity,
    request: Request<pb::SearchStaffRequest>,
) -> Reply<pb::SearchStaffResponse> {
    let req = request.into_inner();
    bounded(&[
        (&req.query, 200, "query"),
        (&req.profession, 100, "profession"),
    ])?;
    let rows = identity
        .search_staff(
            &actor(req.actor.as_ref())?,
            &req.query,
            optional_id(&req.office_id, "office_id")?,
            &req.profession,
        )
        .await?;
    Ok(Response::new(pb::SearchStaffResponse {
        staff: rows.into_iter().map(staff_card).collect(),
    }))
}

pub(super) async fn get_staff_card(
    identity: &Identity,
    request: Request<pb::UserRef>,
) -> Reply<pb::StaffCard> {
    let req = request.into_inner();
    let u = identity
        .staff_card(&actor(req.actor.as_ref())?, id(&req.user_id, "user_id")?)
        .await?;
    Ok(Response::new(staff_card(u)))
}

pub(super) async fn list_mail_addresses(
    identity: &Identity,
    request: Request<pb::ListMailAddressesRequest>,
) -> Reply<pb::ListMailAddressesResponse> {
    let caller = peer_common_name(&request);
    let req = request.into_inner();
    let ids = req
        .user_ids
        .iter()
        .map(|raw| id(raw, "user_ids"))
        .collect::<Result<Vec<_>, _>>()?;
    let admins_of = optional_id(&req.office_admins_of, "office_admins_of")?;
    let rows = identity
        .mail_addresses(caller.as_deref(), &ids, admins_of)
        .await?;
    Ok(Response::new(pb::ListMailAddressesResponse {
        addresses: rows
            .into_iter()
            .map(|(id, email, office)| pb::MailAddress {
                user_id: id.to_string(),
                email,
                office_id: office.to_string(),
            })
            .collect(),
    }))
}
