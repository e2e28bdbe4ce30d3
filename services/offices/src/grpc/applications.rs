//! The review of 事業所登録申請: the operator's decision, run once per idempotency key by the
//! caller (`super::once`), and the approved office's first admin, which identity alone may read.

use super::Reply;
use super::convert::{application, office};
use super::decode::id;
use crate::error::{Result, invalid};
use crate::service::{Actor, Offices};
use proto::offices as pb;
use tonic::{Request, Response, Status};

/// The decision, once its request is decoded: a refusal of the input comes before any claim.
pub(super) fn decide(
    offices: &Offices,
    actor: Actor,
    req: pb::DecideApplicationRequest,
) -> std::result::Result<impl Future<Output = Result<pb::DecideApplicationResponse>> + '_, Status> {
    if req.reason.len() > 4000 {
        return Err(invalid("reason"));
    }
    if req.admin_login_id.len() > 256 {
        return Err(invalid("admin_login_id"));
    }
    let application_id = id(&req.application_id, "application_id")?;
    Ok(async move {
        let (app, created) = offices
            .decide(
                &actor,
                application_id,
                req.approve,
                &req.reason,
                &req.admin_login_id,
            )
            .await?;
        Ok(pb::DecideApplicationResponse {
            application: Some(application(app)),
            office: created.map(office),
        })
    })
}

pub(super) async fn approved_admin(
    offices: &Offices,
    request: &Request<pb::ApprovedAdminRef>,
) -> Reply<pb::ApprovedAdmin> {
    let caller = common::grpc::peer::peer_common_name(request);
    let application_id = id(&request.get_ref().application_id, "application_id")?;
    let a = offices
        .approved_admin(caller.as_deref(), application_id)
        .await?;
    Ok(Response::new(pb::ApprovedAdmin {
        application_id: application_id.to_string(),
        office_id: a.office_id.to_string(),
        office_name: a.office_name,
        login_id: a.login_id,
        name: a.name,
        kana: a.kana,
        email: a.email,
    }))
}
