//! The audit trail: records arrive as `audit.*` events from every service (identity's own
//! included) and are appended to the hash chain once each.

use super::Identity;
use crate::domain::access::{self, Actor};
use crate::domain::audit::{AuditOutcome, ChainVerdict, ChainWalk, Hashed, link_hash};
use crate::error::Result;
use crate::store::AuditRow;
use chrono::SubsecRound;
use common::audit::AuditRecord;
use common::events::{CloudEvent, Handled};

pub const CONSUMER: &str = "identity-audit";

/// The text forms of a row's fields that are not text already.
struct Texts {
    event_id: String,
    actor_user_id: String,
    actor_office_id: String,
    details: String,
}

fn texts(row: &AuditRow) -> Texts {
    let opt = |v: Option<uuid::Uuid>| v.map(|u| u.to_string()).unwrap_or_default();
    Texts {
        event_id: row.event_id.to_string(),
        actor_user_id: opt(row.actor_user_id),
        actor_office_id: opt(row.actor_office_id),
        // serde_json keeps object keys sorted, so equal details serialize equally.
        details: serde_json::to_string(&row.details).unwrap_or_default(),
    }
}

fn fields<'a>(row: &'a AuditRow, t: &'a Texts) -> Hashed<'a> {
    Hashed {
        seq: row.seq,
        event_id: &t.event_id,
        at_micros: row.at.timestamp_micros(),
        source: &row.source,
        action: &row.action,
        actor_user_id: &t.actor_user_id,
        actor_office_id: &t.actor_office_id,
        cert_serial: row.cert_serial.as_deref().unwrap_or(""),
        target_type: row.target_type.as_deref().unwrap_or(""),
        target_id: row.target_id.as_deref().unwrap_or(""),
        outcome: &row.outcome,
        details: &t.details,
    }
}

fn hash_row(row: &AuditRow) -> Vec<u8> {
    link_hash(&row.prev_hash, &fields(row, &texts(row)))
}

impl Identity {
    pub async fn append_audit(&self, event: CloudEvent) -> Handled {
        let record: AuditRecord = match event.data_as() {
            Ok(r) => r,
            Err(e) => return Handled::Reject(format!("not an audit record: {e}")),
        };
        // The viewer reads every stored outcome as one of its values.
        if let Err(e) = record.outcome.parse::<AuditOutcome>() {
            return Handled::Reject(format!("not an audit record: {e}"));
        }
        let row = AuditRow {
            seq: 0,
            event_id: event.id,
            // Stored with microseconds; hashed the same way it will be read back.
            at: event.time.trunc_subsecs(6),
            source: event.source.clone(),
            action: record.action,
            actor_user_id: record.actor_user_id,
            actor_office_id: record.actor_office_id,
            cert_serial: record.cert_serial,
            target_type: record.target_type,
            target_id: record.target_id,
            outcome: record.outcome,
            details: record.details,
            prev_hash: Vec::new(),
            hash: Vec::new(),
        };
        match self.store.append_audit(CONSUMER, row, hash_row).await {
            Ok(_) => Handled::Done,
            Err(e) => Handled::Retry(e.to_string()),
        }
    }

    /// Re-computes every link of the chain, a page at a time: years of records never sit in
    /// memory at once.
    pub async fn verify_audit(&self, actor: &Actor) -> Result<ChainVerdict> {
        const PAGE: i64 = 5_000;
        access::may_read_audit(actor)?;
        let mut walk = ChainWalk::default();
        loop {
            let rows = self.store.audit_rows_after(walk.last_seq(), PAGE).await?;
            for r in &rows {
                if let Err(broken) = walk.step(&fields(r, &texts(r)), &r.prev_hash, &r.hash) {
                    return Ok(broken);
                }
            }
            if rows.len() < usize::try_from(PAGE).unwrap_or(usize::MAX) {
                return Ok(walk.finish());
            }
        }
    }
}

/// The viewer's filters as typed; checked here.
#[derive(Debug, Default)]
pub struct AuditQuery<'a> {
    pub user: &'a str,
    pub office: Option<common::ids::OfficeId>,
    pub target_id: &'a str,
    pub action: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub before_seq: i64,
    pub limit: u32,
    /// `None` for every outcome.
    pub outcome: Option<AuditOutcome>,
}

/// Midnight in Japan at the start of `date` (`YYYY-MM-DD`), as UTC.
fn japan_midnight(
    date: &str,
    field: &'static str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    if date.trim().is_empty() {
        return Ok(None);
    }
    let day = chrono::NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| crate::domain::DomainError::Invalid(field))?;
    Ok(common::japan::midnight(day))
}

impl Identity {
    pub async fn audit_lines(
        &self,
        actor: &Actor,
        q: &AuditQuery<'_>,
    ) -> Result<Vec<crate::store::AuditLine>> {
        use crate::domain::DomainError;
        access::may_read_audit(actor)?;
        let user = match q.user.trim() {
            "" => None,
            raw => match raw.parse::<common::ids::UserId>() {
                Ok(id) => Some(id),
                Err(_) => Some(
                    self.store
                        .user_by_login(raw)
                        .await?
                        .map(|u| u.id)
                        .ok_or(DomainError::Invalid("user"))?,
                ),
            },
        };
        let until = japan_midnight(q.to, "to")?.map(|t| t + chrono::Duration::days(1));
        let filter = crate::store::AuditFilter {
            user,
            office: q.office,
            target_id: Some(q.target_id.trim().to_owned()).filter(|t| !t.is_empty()),
            action: Some(q.action.trim().to_owned()).filter(|a| !a.is_empty()),
            from: japan_midnight(q.from, "from")?,
            until,
            before_seq: (q.before_seq > 0).then_some(q.before_seq),
            outcome: q.outcome,
        };
        let limit = match q.limit {
            0 => 200,
            n => n.min(5000),
        };
        Ok(self.store.audit_lines(&filter, i64::from(limit)).await?)
    }
}
