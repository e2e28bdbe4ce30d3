//! Pruning of the event tables every service has, on a schedule: published outbox rows and old
//! processed-event ids would otherwise grow without end (and keep what events said at rest).
//!
//! The horizons:
//! - A published outbox row is read by nobody: the relay selects only unpublished rows, and
//!   JetStream de-duplicates on the `Nats-Msg-Id` header within its own window, never on this
//!   table. It is kept `OUTBOX_RETENTION_SECS` (a day by default) for someone looking into a
//!   delivery, then deleted.
//! - A processed-event id is what makes a consumer idempotent past JetStream's two-minute
//!   window. An event can reach a consumer again only while the stream still holds it: a
//!   redelivery after a lost acknowledgement, or a durable consumer recreated from the start of
//!   the stream. The stream keeps an event `STREAM_MAX_AGE` (30 days) at most, so an id older
//!   than that plus a day (for skew between the NATS and PostgreSQL clocks) can never be asked
//!   about again. That horizon is fixed here, not configurable, so no setting can let an event
//!   be handled twice.

use common::config::{ConfigError, Vars};
use common::events::STREAM_MAX_AGE;
use sqlx::PgPool;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How long processed-event ids are kept: the stream's retention and a day.
pub const PROCESSED_HORIZON: Duration = STREAM_MAX_AGE.saturating_add(Duration::from_hours(24));
const _: () = assert!(PROCESSED_HORIZON.as_secs() > STREAM_MAX_AGE.as_secs());

/// Rows deleted per statement, so a first prune of a large table holds no long lock.
const BATCH: i64 = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PruneConfig {
    /// How long a published outbox row is kept.
    pub outbox_retention: Duration,
    /// How often the pruner runs.
    pub every: Duration,
}

impl PruneConfig {
    /// `OUTBOX_RETENTION_SECS` (default a day) and `PRUNE_INTERVAL_SECS` (default an hour).
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let every = vars.parse_or("PRUNE_INTERVAL_SECS", 3600_u64)?;
        if every == 0 {
            return Err(ConfigError::Invalid {
                name: "PRUNE_INTERVAL_SECS".into(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(Self {
            outbox_retention: Duration::from_secs(vars.parse_or("OUTBOX_RETENTION_SECS", 86_400)?),
            every: Duration::from_secs(every),
        })
    }
}

/// What one run deleted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pruned {
    pub outbox: u64,
    pub processed: u64,
}

async fn delete_batches(
    pool: &PgPool,
    sql: &'static str,
    older_than: Duration,
) -> Result<u64, sqlx::Error> {
    let mut total = 0;
    loop {
        let n = sqlx::query(sql)
            .bind(older_than.as_secs_f64())
            .bind(BATCH)
            .execute(pool)
            .await?
            .rows_affected();
        total += n;
        if n < u64::try_from(BATCH).unwrap_or(u64::MAX) {
            return Ok(total);
        }
    }
}

/// Deletes published outbox rows older than `outbox_retention` and processed-event ids older
/// than `PROCESSED_HORIZON`. Ages are taken from the database's clock, which stamped the rows.
pub async fn prune_once(pool: &PgPool, outbox_retention: Duration) -> Result<Pruned, sqlx::Error> {
    let outbox = delete_batches(
        pool,
        "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox \
         WHERE published_at < now() - make_interval(secs => $1) LIMIT $2)",
        outbox_retention,
    )
    .await?;
    let processed = delete_batches(
        pool,
        "DELETE FROM processed_events WHERE (consumer, event_id) IN (SELECT consumer, event_id \
         FROM processed_events WHERE processed_at < now() - make_interval(secs => $1) LIMIT $2)",
        PROCESSED_HORIZON,
    )
    .await?;
    Ok(Pruned { outbox, processed })
}

/// Prunes every `config.every` until shutdown; a failure (database away) waits for the next run.
pub async fn prune_forever(pool: PgPool, config: PruneConfig, shutdown: CancellationToken) {
    loop {
        match prune_once(&pool, config.outbox_retention).await {
            Ok(Pruned {
                outbox: 0,
                processed: 0,
            }) => {}
            Ok(p) => tracing::info!(
                outbox = p.outbox,
                processed = p.processed,
                "event tables pruned"
            ),
            Err(e) => tracing::warn!(error = %e, "pruning failed; trying again later"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(config.every) => {},
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_keep_a_day_of_outbox_and_run_hourly() {
        let cfg =
            PruneConfig::from_vars(&Vars::from_pairs(Vec::<(String, String)>::new())).unwrap();
        assert_eq!(cfg.outbox_retention, Duration::from_hours(24));
        assert_eq!(cfg.every, Duration::from_hours(1));
        let tuned = PruneConfig::from_vars(&Vars::from_pairs([
            ("OUTBOX_RETENTION_SECS", "5"),
            ("PRUNE_INTERVAL_SECS", "2"),
        ]))
        .unwrap();
        assert_eq!(tuned.outbox_retention, Duration::from_secs(5));
        assert!(PruneConfig::from_vars(&Vars::from_pairs([("PRUNE_INTERVAL_SECS", "0")])).is_err());
    }
}
