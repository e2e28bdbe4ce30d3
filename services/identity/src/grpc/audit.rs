//! The operator's view of what happened: the operation report's counts and the audit trail.

use super::Reply;
use super::convert::time;
use super::decode::{actor, bounded, optional_id, outcome_filter};
use crate::domain::audit::ChainVerdict;
use crate::service::Identity;
use proto::identity as pb;
use tonic::{Request, Response};
use uuid::Uuid;

pub(super) async fn get_identity_stats(
    identity: &Identity,
    request: Request<proto::common::StatsRequest>,
) -> Reply<pb::IdentityStats> {
    let req = request.into_inner();
    let s = identity
        .stats(&actor(req.actor.as_ref())?, &req.from_month, &req.to_month)
        .await?;
    let months = |rows: Vec<(String, u64)>| {
        rows.into_iter()
            .map(|(month, value)| proto::common::MonthCount { month, value })
            .collect()
    };
    Ok(Response::new(pb::IdentityStats {
        staff_by_profession: s
            .staff_by_profession
            .into_iter()
            .map(|(label, value)| proto::common::LabelCount { label, value })
            .collect(),
        active_users: months(s.active_users),
        certificates_issued: months(s.certificates_issued),
        certificates_revoked: months(s.certificates_revoked),
        staff_by_profession_monthly: proto::common::LabelMonths::from_rows(
            s.staff_by_profession_monthly,
        ),
    }))
}

pub(super) async fn list_audit(
    identity: &Identity,
    request: Request<pb::ListAuditRequest>,
) -> Reply<pb::ListAuditResponse> {
    let req = request.into_inner();
    bounded(&[
        (&req.user, 100, "user"),
        (&req.target_id, 100, "target_id"),
        (&req.action, 100, "action"),
        (&req.from, 20, "from"),
        (&req.to, 20, "to"),
    ])?;
    let query = crate::service::audit::AuditQuery {
        user: &req.user,
        office: optional_id(&req.office_id, "office_id")?,
        target_id: &req.target_id,
        action: &req.action,
        from: &req.from,
        to: &req.to,
        before_seq: req.before_seq,
        limit: req.limit,
        outcome: outcome_filter(req.outcome)?,
    };
    let lines = identity
        .audit_lines(&actor(req.actor.as_ref())?, &query)
        .await?;
    let asked = match req.limit {
        0 => 200,
        n => n.min(5000) as usize,
    };
    let next_before_seq = if lines.len() == asked {
        lines.last().map_or(0, |l| l.seq)
    } else {
        0
    };
    let opt = |v: Option<Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
    Ok(Response::new(pb::ListAuditResponse {
        entries: lines
            .into_iter()
            .map(|l| pb::AuditEntry {
                seq: l.seq,
                at: time(l.at),
                source: l.source,
                action: l.action,
                actor_user_id: opt(l.actor_user_id),
                actor_login_id: l.actor_login_id.unwrap_or_default(),
                actor_name: l.actor_name.unwrap_or_default(),
                actor_office_id: opt(l.actor_office_id),
                cert_serial: l.cert_serial.unwrap_or_default(),
                target_type: l.target_type.unwrap_or_default(),
                target_id: l.target_id.unwrap_or_default(),
                outcome: pb::AuditOutcome::from(l.outcome).into(),
                details: l.details.to_string(),
            })
            .collect(),
        next_before_seq,
    }))
}

pub(super) async fn verify_audit_chain(
    identity: &Identity,
    request: Request<pb::VerifyAuditChainRequest>,
) -> Reply<pb::VerifyAuditChainResponse> {
    let verdict = identity
        .verify_audit(&actor(request.get_ref().actor.as_ref())?)
        .await?;
    Ok(Response::new(match verdict {
        ChainVerdict::Intact { records } => pb::VerifyAuditChainResponse {
            intact: true,
            records: records as u64,
            first_broken_seq: 0,
        },
        ChainVerdict::BrokenAt { seq, checked } => pb::VerifyAuditChainResponse {
            intact: false,
            records: checked as u64,
            first_broken_seq: seq,
        },
    }))
}
