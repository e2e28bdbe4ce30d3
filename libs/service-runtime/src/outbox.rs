//! The transactional outbox: a state change and its event are written in one transaction
//! (`enqueue`); the relay publishes with the event id as `Nats-Msg-Id`, so a relay that dies
//! between publish and mark publishes a duplicate that JetStream drops within its window; past
//! that window consumers drop it through `claim` (a processed-event table keyed by event id).

use async_nats::jetstream;
use common::events::{CloudEvent, EventError, ensure_stream, nats_err};
use common::metrics::Metrics;
use sqlx::{PgConnection, PgPool};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// Writes `event` to the outbox inside the caller's transaction.
pub async fn enqueue(conn: &mut PgConnection, event: &CloudEvent) -> Result<(), sqlx::Error> {
    let payload = serde_json::to_value(event).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    sqlx::query(
        "INSERT INTO outbox (id, subject, payload, traceparent, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(event.id)
    .bind(&event.kind)
    .bind(payload)
    .bind(&event.traceparent)
    .bind(event.time)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that this consumer has handled `event_id`. False when it already had: the caller
/// skips the work and acknowledges.
pub async fn claim(
    conn: &mut PgConnection,
    consumer: &str,
    event_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
    )
    .bind(consumer)
    .bind(event_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Why a round of the relay stopped; the relay retries either.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    Events(#[from] EventError),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

/// Moves outbox rows to JetStream, oldest first, until cancelled.
#[derive(Clone)]
pub struct OutboxRelay {
    pool: PgPool,
    js: jetstream::Context,
    wake: Arc<Notify>,
    metrics: Metrics,
}

/// What the last round says of the rows still waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backlog {
    /// It was full: more are waiting.
    Waiting,
    /// It did not fill: nothing was left behind it.
    CaughtUp,
    /// Nothing could be published.
    Unknown,
}

/// Rows relayed per round; a full round is followed by another at once.
const BATCH: usize = 100;
/// How long a woken relay waits for what the writers around it are about to enqueue, so that a
/// burst of page views (each with its audit record) costs one round, not one each.
const GATHER: Duration = Duration::from_millis(10);
/// How often the backlog gauge is counted when rounds do not fill: a count is a statement, and
/// a round that did not fill left nothing behind it.
const RECOUNT: Duration = Duration::from_secs(10);

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: Uuid,
    subject: String,
    payload: serde_json::Value,
    traceparent: Option<String>,
}

impl OutboxRelay {
    #[must_use]
    pub fn new(pool: PgPool, js: jetstream::Context, metrics: Metrics) -> Self {
        Self {
            pool,
            js,
            wake: Arc::new(Notify::new()),
            metrics,
        }
    }

    /// Lets a writer wake the relay at once instead of at its next poll.
    #[must_use]
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    pub async fn run(self, shutdown: CancellationToken) {
        let mut backoff = Duration::from_millis(100);
        let mut stream_ready = false;
        let mut counted: Option<std::time::Instant> = None;
        loop {
            if !stream_ready {
                match ensure_stream(&self.js).await {
                    Ok(()) => stream_ready = true,
                    Err(e) => tracing::warn!(error = %e, "event stream not available yet"),
                }
            }
            let round = if stream_ready {
                Some(self.relay_batch().await)
            } else {
                None
            };
            match round {
                Some(Ok(n)) if n >= BATCH => {
                    backoff = Duration::from_millis(100);
                    self.count_backlog(&mut counted, Backlog::Waiting).await;
                    continue;
                }
                Some(Ok(_)) => {
                    backoff = Duration::from_millis(100);
                    self.count_backlog(&mut counted, Backlog::CaughtUp).await;
                }
                None => self.count_backlog(&mut counted, Backlog::Unknown).await,
                Some(Err(e)) => {
                    self.count_backlog(&mut counted, Backlog::Unknown).await;
                    tracing::warn!(error = %e, "outbox relay failed; will retry");
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = self.wake.notified() => tokio::time::sleep(GATHER).await,
                () = tokio::time::sleep(backoff.max(Duration::from_millis(250))) => {},
            }
        }
    }

    /// The backlog gauge: counted after a full round (more is waiting) and at most every
    /// `RECOUNT` otherwise; in between, a round that did not fill shows it at zero, and a relay
    /// that cannot publish leaves it where the last count put it.
    async fn count_backlog(&self, counted: &mut Option<std::time::Instant>, backlog: Backlog) {
        let due = counted.is_none_or(|at| at.elapsed() >= RECOUNT);
        match backlog {
            Backlog::Waiting => {}
            _ if due => {}
            Backlog::CaughtUp => {
                self.metrics.outbox_backlog.set(0);
                return;
            }
            Backlog::Unknown => return,
        }
        match sqlx::query_scalar::<_, i64>("SELECT count(*) FROM outbox WHERE published_at IS NULL")
            .fetch_one(&self.pool)
            .await
        {
            Ok(backlog) => {
                self.metrics.outbox_backlog.set(backlog);
                *counted = Some(std::time::Instant::now());
            }
            Err(e) => tracing::warn!(error = %e, "outbox backlog not counted"),
        }
    }

    /// Sends one event; JetStream's acknowledgement is awaited by the caller, so a batch is sent
    /// in a row and acknowledged together instead of one round trip per event.
    async fn publish(
        &self,
        row: &OutboxRow,
    ) -> Result<async_nats::jetstream::context::PublishAckFuture, EventError> {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert("Nats-Msg-Id", row.id.to_string().as_str());
        if let Some(tp) = &row.traceparent {
            headers.insert("traceparent", tp.as_str());
        }
        let body = serde_json::to_vec(&row.payload).map_err(|e| EventError::Nats(e.to_string()))?;
        self.js
            .publish_with_headers(row.subject.clone(), headers, body.into())
            .await
            .map_err(nats_err)
    }

    async fn relay_batch(&self) -> Result<usize, RelayError> {
        let mut tx = self.pool.begin().await?;
        let rows: Vec<OutboxRow> = sqlx::query_as(
            "SELECT id, subject, payload, traceparent FROM outbox WHERE published_at IS NULL \
             ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED",
        )
        .bind(i64::try_from(BATCH).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
        if rows.is_empty() {
            tx.commit().await?;
            return Ok(0);
        }
        let mut pending = Vec::with_capacity(rows.len());
        for row in &rows {
            let span = tracing::info_span!(
                "outbox.publish",
                event_id = %row.id,
                subject = %row.subject,
                trace_id = tracing::field::Empty
            );
            common::telemetry::set_parent(&span, row.traceparent.as_deref());
            // Instrumented, never entered: a guard held across an await moves between threads.
            let ack = tracing::Instrument::instrument(self.publish(row), span).await?;
            pending.push((row.id, ack));
        }
        // Only what JetStream acknowledged is marked; the rest is sent again next round, and
        // its `Nats-Msg-Id` keeps JetStream from storing it twice.
        let mut published = Vec::with_capacity(pending.len());
        let mut failed = None;
        for (id, ack) in pending {
            match ack.await {
                Ok(_) => published.push(id),
                Err(e) => failed = Some(RelayError::from(nats_err(e))),
            }
        }
        if !published.is_empty() {
            sqlx::query("UPDATE outbox SET published_at = now() WHERE id = ANY($1)")
                .bind(&published)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        self.metrics.outbox_published.inc_by(published.len() as u64);
        if let Some(e) = failed {
            return Err(e);
        }
        Ok(published.len())
    }
}

/// The event tables every service has; applied by `db::migrate` before its own migrations.
pub const OUTBOX_DDL: &str = include_str!("../sql/outbox.sql");
