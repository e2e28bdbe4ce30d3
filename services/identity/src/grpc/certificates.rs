//! Device certificates: enrollment codes, enrollment itself, the office's certificates and their
//! revocation, requests for another one, and the revocation list every gateway reads.

use super::Reply;
use super::convert::{certificate, certificate_request, time};
use super::decode::{actor, bounded, id, optional_id};
use crate::service::Identity;
use proto::identity as pb;
use tonic::{Request, Response};

pub(super) async fn issue_enrollment_code(
    identity: &Identity,
    request: Request<pb::IssueEnrollmentCodeRequest>,
) -> Reply<pb::EnrollmentCode> {
    let req = request.into_inner();
    let (number, secret, expires_at) = identity
        .issue_enrollment_code(
            &actor(req.actor.as_ref())?,
            id(&req.office_id, "office_id")?,
        )
        .await?;
    Ok(Response::new(pb::EnrollmentCode {
        number,
        secret,
        expires_at: time(expires_at),
    }))
}

pub(super) async fn enroll(
    identity: &Identity,
    request: Request<pb::EnrollRequest>,
) -> Reply<pb::EnrollResponse> {
    let req = request.into_inner();
    bounded(&[
        (&req.number, 64, "number"),
        (&req.secret, 64, "secret"),
        (&req.device_label, 400, "device_label"),
        (&req.p12_password, 1024, "p12_password"),
        (&req.source, 128, "source"),
    ])?;
    let e = identity
        .enroll(
            &req.number,
            &req.secret,
            &req.device_label,
            &req.p12_password,
            req.legacy_p12,
            &req.source,
        )
        .await?;
    Ok(Response::new(pb::EnrollResponse {
        p12: e.p12,
        serial: e.serial,
        device_label: e.label,
        office_name: e.office_name,
        not_after: time(e.not_after),
    }))
}

pub(super) async fn list_certificates(
    identity: &Identity,
    request: Request<pb::ListCertificatesRequest>,
) -> Reply<pb::ListCertificatesResponse> {
    let req = request.into_inner();
    bounded(&[(&req.query, 200, "query")])?;
    let rows = identity
        .list_certificates(
            &actor(req.actor.as_ref())?,
            optional_id(&req.office_id, "office_id")?,
            &req.query,
        )
        .await?;
    let now = common::clock::Clock::now(&common::clock::SystemClock);
    Ok(Response::new(pb::ListCertificatesResponse {
        certificates: rows.into_iter().map(|c| certificate(c, now)).collect(),
    }))
}

pub(super) async fn revoke_certificate(
    identity: &Identity,
    request: Request<pb::RevokeCertificateRequest>,
) -> Reply<pb::Certificate> {
    let req = request.into_inner();
    bounded(&[(&req.serial, 64, "serial"), (&req.reason, 1000, "reason")])?;
    let c = identity
        .revoke_certificate(&actor(req.actor.as_ref())?, &req.serial, &req.reason)
        .await?;
    let now = common::clock::Clock::now(&common::clock::SystemClock);
    Ok(Response::new(certificate(c, now)))
}

pub(super) async fn request_certificate(
    identity: &Identity,
    request: Request<pb::RequestCertificateRequest>,
) -> Reply<pb::CertificateRequest> {
    let req = request.into_inner();
    bounded(&[
        (&req.office_name, 400, "office_id"),
        (&req.note, 1000, "note"),
    ])?;
    let r = identity
        .request_certificate(&actor(req.actor.as_ref())?, &req.office_name, &req.note)
        .await?;
    Ok(Response::new(certificate_request(r)))
}

pub(super) async fn list_certificate_requests(
    identity: &Identity,
    request: Request<pb::ListCertificateRequestsRequest>,
) -> Reply<pb::ListCertificateRequestsResponse> {
    let rows = identity
        .list_requests(&actor(request.get_ref().actor.as_ref())?)
        .await?;
    Ok(Response::new(pb::ListCertificateRequestsResponse {
        requests: rows.into_iter().map(certificate_request).collect(),
    }))
}

pub(super) async fn get_revocations(
    identity: &Identity,
    _request: Request<pb::GetRevocationsRequest>,
) -> Reply<pb::GetRevocationsResponse> {
    Ok(Response::new(pb::GetRevocationsResponse {
        serials: identity.revocations().await?,
    }))
}
