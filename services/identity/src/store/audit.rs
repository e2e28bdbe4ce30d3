use super::{Result, Store};
use crate::domain::audit::AuditOutcome;
use chrono::{DateTime, Utc};
use common::ids::{OfficeId, UserId};
use std::sync::Arc;
use uuid::Uuid;

/// One row of the audit trail as stored (and as hashed, see `domain::audit`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub event_id: Uuid,
    pub at: DateTime<Utc>,
    pub source: String,
    pub action: String,
    pub actor_user_id: Option<Uuid>,
    pub actor_office_id: Option<Uuid>,
    pub cert_serial: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub outcome: String,
    pub details: serde_json::Value,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// A row of the audit viewer: the record with who its actor is.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditLine {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub source: String,
    pub action: String,
    pub actor_user_id: Option<Uuid>,
    pub actor_login_id: Option<String>,
    pub actor_name: Option<String>,
    pub actor_office_id: Option<Uuid>,
    pub cert_serial: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    #[sqlx(try_from = "String")]
    pub outcome: AuditOutcome,
    pub details: serde_json::Value,
}

/// What the viewer filters on; `None` is no filter.
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub user: Option<UserId>,
    pub office: Option<OfficeId>,
    pub target_id: Option<String>,
    /// Matched as a prefix.
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub before_seq: Option<i64>,
    pub outcome: Option<AuditOutcome>,
}

impl Store {
    /// Newest first; the indexes on actor, office and target keep a filtered page cheap.
    pub async fn audit_lines(&self, f: &AuditFilter, limit: i64) -> Result<Vec<AuditLine>> {
        let action = f
            .action
            .as_deref()
            .map(|a| format!("{}%", a.replace(['%', '_', '\\'], "")));
        Ok(sqlx::query_as(
            "SELECT a.seq, a.at, a.source, a.action, a.actor_user_id, u.login_id AS actor_login_id, \
             u.name AS actor_name, a.actor_office_id, a.cert_serial, a.target_type, a.target_id, a.outcome, a.details \
             FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
             WHERE ($1::uuid IS NULL OR a.actor_user_id = $1) AND ($2::uuid IS NULL OR a.actor_office_id = $2) \
             AND ($3::text IS NULL OR a.target_id = $3) AND ($4::text IS NULL OR a.action LIKE $4) \
             AND ($5::timestamptz IS NULL OR a.at >= $5) AND ($6::timestamptz IS NULL OR a.at < $6) \
             AND ($7::bigint IS NULL OR a.seq < $7) AND ($9::text IS NULL OR a.outcome = $9) \
             ORDER BY a.seq DESC LIMIT $8",
        )
        .bind(f.user.map(|u| u.as_uuid()))
        .bind(f.office.map(|o| o.as_uuid()))
        .bind(&f.target_id)
        .bind(action)
        .bind(f.from)
        .bind(f.until)
        .bind(f.before_seq)
        .bind(limit)
        .bind(f.outcome.map(AuditOutcome::as_str))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Appends a record after the last one, once per event, in one statement: the consumer's
    /// claim and the row commit together or not at all. The last link is remembered, so an append
    /// reads nothing first; another replica's append in between takes the `seq` this one chose, the
    /// statement fails on the key, and it is tried again after the real last link. `seq` as the key
    /// is what keeps the chain from forking.
    pub async fn append_audit(
        &self,
        consumer: &str,
        mut row: AuditRow,
        hash_of: impl Fn(&AuditRow) -> Vec<u8>,
    ) -> Result<bool> {
        let mut head = self.audit_head.0.lock().await;
        for _ in 0..APPEND_TRIES {
            let (seq, prev) = match head.as_ref() {
                Some(last) => (last.0 + 1, last.1.clone()),
                None => self.last_link().await?,
            };
            row.seq = seq;
            row.prev_hash = prev;
            row.hash = hash_of(&row);
            match self.insert_link(consumer, &row).await {
                Ok(appended) => {
                    if appended {
                        *head = Some((row.seq, row.hash.clone()));
                    }
                    return Ok(appended);
                }
                Err(e) => {
                    *head = None;
                    match constraint(&e) {
                        Some("audit_log_pkey") => {}
                        // Written already (its claim pruned since): nothing to do.
                        Some("audit_log_event_id_key") => return Ok(false),
                        _ => return Err(e.into()),
                    }
                }
            }
        }
        Err(sqlx::Error::Protocol("the audit chain kept moving under this append".into()).into())
    }

    /// The `seq` after the last link, and that link's hash (zeros before the first).
    async fn last_link(&self) -> Result<(i64, Vec<u8>)> {
        let last: Option<(i64, Vec<u8>)> =
            sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                .fetch_optional(&self.pool)
                .await?;
        Ok(last.map_or((1, vec![0u8; 32]), |(s, h)| (s + 1, h)))
    }

    /// False when the consumer had handled the event already.
    async fn insert_link(&self, consumer: &str, row: &AuditRow) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "WITH claimed AS (INSERT INTO processed_events (consumer, event_id) VALUES ($15, $2) \
             ON CONFLICT DO NOTHING RETURNING 1) \
             INSERT INTO audit_log (seq, event_id, at, source, action, actor_user_id, actor_office_id, cert_serial, \
             target_type, target_id, outcome, details, prev_hash, hash) \
             SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 FROM claimed",
        )
        .bind(row.seq)
        .bind(row.event_id)
        .bind(row.at)
        .bind(&row.source)
        .bind(&row.action)
        .bind(row.actor_user_id)
        .bind(row.actor_office_id)
        .bind(&row.cert_serial)
        .bind(&row.target_type)
        .bind(&row.target_id)
        .bind(&row.outcome)
        .bind(&row.details)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .bind(consumer)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The trail in order from just after `seq`, for verification a page at a time.
    pub async fn audit_rows_after(&self, seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
        Ok(sqlx::query_as(
            "SELECT seq, event_id, at, source, action, actor_user_id, actor_office_id, cert_serial, target_type, \
             target_id, outcome, details, prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(seq)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// How often an append is tried against a chain other replicas keep extending.
const APPEND_TRIES: usize = 8;

/// A link of the chain: its `seq` and hash.
type Link = (i64, Vec<u8>);

/// The last link written or read by this process.
#[derive(Clone, Default)]
pub struct Head(Arc<tokio::sync::Mutex<Option<Link>>>);

fn constraint(e: &sqlx::Error) -> Option<&str> {
    e.as_database_error().and_then(|d| d.constraint())
}
