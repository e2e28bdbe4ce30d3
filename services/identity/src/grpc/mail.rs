//! The enrollment code's mail, for notify alone (known by its service certificate): the secret
//! travels only over this mutual-TLS call, never in an event.

use super::Reply;
use super::convert::time;
use super::decode::{id, peer_common_name};
use crate::service::Identity;
use proto::identity as pb;
use tonic::{Request, Response};

pub(super) async fn get(
    identity: &Identity,
    request: Request<pb::EnrollmentMailRef>,
) -> Reply<pb::EnrollmentMail> {
    let caller = peer_common_name(&request);
    let code = id(&request.get_ref().code_id, "code_id")?;
    let mail = identity.enrollment_mail(caller.as_deref(), code).await?;
    Ok(Response::new(pb::EnrollmentMail {
        email: mail.to,
        office_name: mail.office_name,
        number: mail.number,
        secret: mail.secret,
        expires_at: time(mail.expires_at),
    }))
}

pub(super) async fn mailed(
    identity: &Identity,
    request: Request<pb::EnrollmentMailRef>,
) -> Reply<pb::MarkEnrollmentMailedResponse> {
    let caller = peer_common_name(&request);
    let code = id(&request.get_ref().code_id, "code_id")?;
    identity.enrollment_mailed(caller.as_deref(), code).await?;
    Ok(Response::new(pb::MarkEnrollmentMailedResponse {}))
}
