//! Events between services: the CloudEvents 1.0 envelope, the stream, and the durable consumer.
//!
//! Publishers write through the transactional outbox (`service_runtime::outbox`); consumers here
//! are durable, and make themselves idempotent with `outbox::claim`.

use crate::clock::Clock;
use crate::metrics::{Metrics, ResultLabel};
use async_nats::jetstream;
use chrono::{DateTime, Utc};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// The one stream every service publishes to; subjects are `<service>.<entity>.<verb>`.
pub const STREAM: &str = "RENRAKUCHO";
pub const STREAM_SUBJECTS: [&str; 5] = [
    "identity.>",
    "offices.>",
    "careboard.>",
    "audit.>",
    "notify.>",
];
/// How long the stream keeps an event; also how far back a consumer may see one again, so the
/// processed-event tables keep their ids at least this long (`service_runtime::prune`).
pub const STREAM_MAX_AGE: Duration = Duration::from_hours(720);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CloudEvent {
    pub specversion: String,
    pub id: Uuid,
    pub source: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub time: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub datacontenttype: String,
    pub data: serde_json::Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
}

impl CloudEvent {
    /// A new event of `kind` (also its NATS subject) about `subject`, in the current trace.
    pub fn new(
        clock: &dyn Clock,
        source: &str,
        kind: &str,
        subject: Option<String>,
        data: &impl Serialize,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            specversion: "1.0".into(),
            id: Uuid::now_v7(),
            source: source.into(),
            kind: kind.into(),
            time: clock.now(),
            subject,
            datacontenttype: "application/json".into(),
            data: serde_json::to_value(data)?,
            traceparent: crate::telemetry::current_traceparent(),
        })
    }

    /// A new event on `subject`, whose data can only be the message that subject names.
    pub fn of<E: Serialize>(
        clock: &dyn Clock,
        source: &str,
        subject: proto::events::Subject<E>,
        about: Option<String>,
        data: &E,
    ) -> Result<Self, serde_json::Error> {
        Self::new(clock, source, subject.name(), about, data)
    }

    pub fn data_as<T: for<'de> Deserialize<'de>>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_value(self.data.clone())
    }

    /// The data as the message of `subject`; refused when the event is of another kind, so a
    /// handler cannot read one event as another.
    pub fn data_of<E: for<'de> Deserialize<'de>>(
        &self,
        subject: proto::events::Subject<E>,
    ) -> Result<E, serde_json::Error> {
        if subject != *self.kind.as_str() {
            return Err(<serde_json::Error as serde::de::Error>::custom(format!(
                "a {} event read as {}",
                self.kind,
                subject.name()
            )));
        }
        self.data_as()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error("nats: {0}")]
    Nats(String),
}

pub fn nats_err(e: impl std::fmt::Display) -> EventError {
    EventError::Nats(e.to_string())
}

/// How many NATS nodes keep a copy of the stream (`NATS_STREAM_REPLICAS`): 1 on a single
/// server, 3 on the three-node cluster so that losing a node loses no event.
fn stream_replicas() -> Result<usize, EventError> {
    match crate::config::Vars::from_process().parse_or("NATS_STREAM_REPLICAS", 1_usize) {
        Ok(n @ 1..=5) => Ok(n),
        Ok(n) => Err(EventError::Nats(format!(
            "NATS_STREAM_REPLICAS must be 1 to 5 (JetStream's limit), not {n}"
        ))),
        Err(e) => Err(nats_err(e)),
    }
}

/// How many messages a durable consumer may hold unacknowledged (`NATS_MAX_ACK_PENDING`, by
/// default JetStream's 1000); past it JetStream hands out no more. Handlers acknowledge once the
/// work is stored, so waiting work (an email's next try) holds no place here.
fn max_ack_pending() -> Result<i64, EventError> {
    match crate::config::Vars::from_process().parse_or("NATS_MAX_ACK_PENDING", 1000_i64) {
        Ok(n @ 1..=100_000) => Ok(n),
        Ok(n) => Err(EventError::Nats(format!(
            "NATS_MAX_ACK_PENDING must be 1 to 100000, not {n}"
        ))),
        Err(e) => Err(nats_err(e)),
    }
}

pub async fn ensure_stream(js: &jetstream::Context) -> Result<(), EventError> {
    let config = jetstream::stream::Config {
        name: STREAM.into(),
        subjects: STREAM_SUBJECTS.iter().map(|s| (*s).to_owned()).collect(),
        storage: jetstream::stream::StorageType::File,
        num_replicas: stream_replicas()?,
        duplicate_window: Duration::from_mins(2),
        max_age: STREAM_MAX_AGE,
        ..Default::default()
    };
    let stream = js
        .get_or_create_stream(config.clone())
        .await
        .map_err(nats_err)?;
    // A stream created while the cluster was smaller keeps its count, and one created by an
    // older release its subjects, until told otherwise.
    let current = &stream.cached_info().config;
    if current.num_replicas != config.num_replicas || current.subjects != config.subjects {
        js.update_stream(config).await.map_err(nats_err)?;
    }
    Ok(())
}

/// What a handler says about one event.
#[derive(Debug)]
pub enum Handled {
    Done,
    /// A passing failure (mail server down, database busy): redeliver later.
    Retry(String),
    /// The event can never be handled (malformed): acknowledge it and log.
    Reject(String),
    /// Part of the work is scheduled for later (an email's next try): redeliver after this
    /// long. Nothing failed now, so it is not logged as a failure.
    Later(Duration),
}

/// How long JetStream waits for an answer before it hands a message out again. Short, so that
/// the events a crashed process held come back soon; a long handling keeps its hold by telling
/// JetStream it is still at work (`PROGRESS_EVERY`).
const ACK_WAIT: Duration = Duration::from_secs(15);
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

/// Runs `work`, telling JetStream now and then that `message` is still being handled.
async fn working<Fut: std::future::Future<Output = Handled>>(
    message: &jetstream::Message,
    work: Fut,
) -> Handled {
    let mut work = std::pin::pin!(work);
    let mut beat =
        tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
    loop {
        tokio::select! {
            handled = &mut work => return handled,
            _ = beat.tick() => {
                if let Err(e) = message.ack_with(jetstream::AckKind::Progress).await {
                    tracing::warn!(error = %e, "progress not told; the event may be redelivered");
                }
            }
        }
    }
}

/// Runs a durable pull consumer named `name` over `subjects`, handing each decoded event to
/// `handle` until cancelled, at most `limit` at a time. Redelivery after a `Retry` waits 2 s.
pub async fn consume<F, Fut>(
    js: &jetstream::Context,
    name: &str,
    subjects: &[&str],
    limit: usize,
    metrics: Metrics,
    shutdown: CancellationToken,
    handle: F,
) -> Result<(), EventError>
where
    F: Fn(CloudEvent) -> Fut,
    Fut: std::future::Future<Output = Handled>,
{
    let stream = js.get_stream(STREAM).await.map_err(nats_err)?;
    let config = jetstream::consumer::pull::Config {
        durable_name: Some(name.into()),
        filter_subjects: subjects.iter().map(|s| (*s).to_owned()).collect(),
        ack_policy: jetstream::consumer::AckPolicy::Explicit,
        ack_wait: ACK_WAIT,
        max_deliver: -1,
        max_ack_pending: max_ack_pending()?,
        ..Default::default()
    };
    // A release that consumes more subjects widens the existing durable consumer in place, so
    // its position in the stream is kept.
    let consumer: jetstream::consumer::PullConsumer = match stream
        .get_consumer::<jetstream::consumer::pull::Config>(name)
        .await
    {
        Ok(mut existing) => {
            let current = existing.info().await.map_err(nats_err)?.config.clone();
            if current.filter_subjects == config.filter_subjects
                && current.ack_wait == config.ack_wait
                && current.max_ack_pending == config.max_ack_pending
            {
                existing
            } else {
                stream.update_consumer(config).await.map_err(nats_err)?
            }
        }
        Err(_) => stream.create_consumer(config).await.map_err(nats_err)?,
    };
    let mut messages = consumer.messages().await.map_err(nats_err)?;
    let pending = metrics
        .events_pending
        .get_or_create(&crate::metrics::ConsumerLabel {
            consumer: name.to_owned(),
        })
        .clone();
    let mut lag = tokio::time::interval(Duration::from_secs(10));
    let limit = limit.max(1);
    let mut in_flight = futures::stream::FuturesUnordered::new();
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = lag.tick() => {
                let mut info_of = consumer.clone();
                if let Ok(info) = info_of.info().await {
                    pending.set(i64::try_from(info.num_pending).unwrap_or(i64::MAX));
                }
            }
            Some(()) = in_flight.next(), if !in_flight.is_empty() => {}
            next = messages.next(), if in_flight.len() < limit => {
                let Some(message) = next else {
                    return Err(EventError::Nats("consumer stream ended".into()));
                };
                match message {
                    Ok(m) => in_flight.push(process(m, name, &metrics, &handle)),
                    Err(e) => tracing::warn!(error = %e, "consumer message error"),
                }
            }
        }
    }
    // What was started is finished (an email half sent is worse than a late stop).
    while in_flight.next().await.is_some() {}
    Ok(())
}

/// Hands one message to `handle` in the trace it came with, and acknowledges it as told.
async fn process<F, Fut>(message: jetstream::Message, name: &str, metrics: &Metrics, handle: &F)
where
    F: Fn(CloudEvent) -> Fut,
    Fut: std::future::Future<Output = Handled>,
{
    let result = match serde_json::from_slice::<CloudEvent>(&message.payload) {
        Err(e) => Handled::Reject(format!("not a CloudEvent: {e}")),
        Ok(event) => {
            let span = tracing::info_span!(
                "event.consume",
                consumer = name,
                event_id = %event.id,
                kind = %event.kind,
                trace_id = tracing::field::Empty
            );
            let header_tp = message
                .headers
                .as_ref()
                .and_then(|h| h.get("traceparent"))
                .map(|v| v.as_str().to_owned());
            crate::telemetry::set_parent(
                &span,
                header_tp.as_deref().or(event.traceparent.as_deref()),
            );
            let work = tracing::Instrument::instrument(handle(event), span);
            working(&message, work).await
        }
    };
    let (label, ack) = match result {
        Handled::Done => ("done", message.ack().await),
        Handled::Reject(why) => {
            tracing::error!(consumer = name, reason = %why, "event rejected");
            ("rejected", message.ack().await)
        }
        Handled::Retry(why) => {
            tracing::warn!(consumer = name, reason = %why, "event will be retried");
            let nak = jetstream::AckKind::Nak(Some(Duration::from_secs(2)));
            ("retry", message.ack_with(nak).await)
        }
        Handled::Later(after) => {
            let nak = jetstream::AckKind::Nak(Some(after));
            ("later", message.ack_with(nak).await)
        }
    };
    metrics
        .events_consumed
        .get_or_create(&ResultLabel { result: label })
        .inc();
    if let Err(e) = ack {
        tracing::warn!(error = %e, "ack failed; the event will be redelivered");
    }
}

/// `consume` for the life of the process, one event at a time: the stream may not exist yet (no
/// publisher has started) or NATS may be away, so the consumer is restarted until shutdown.
pub async fn consume_forever<F, Fut>(
    js: jetstream::Context,
    name: &'static str,
    subjects: &'static [&'static str],
    metrics: Metrics,
    shutdown: CancellationToken,
    handle: F,
) where
    F: Fn(CloudEvent) -> Fut,
    Fut: std::future::Future<Output = Handled>,
{
    consume_concurrently_forever(js, name, subjects, 1, metrics, shutdown, handle).await;
}

/// `consume_forever` with up to `limit` events handled at once: for a handler that waits on
/// others (a mail server) and is idempotent per unit of work, not only per event.
pub async fn consume_concurrently_forever<F, Fut>(
    js: jetstream::Context,
    name: &'static str,
    subjects: &'static [&'static str],
    limit: usize,
    metrics: Metrics,
    shutdown: CancellationToken,
    handle: F,
) where
    F: Fn(CloudEvent) -> Fut,
    Fut: std::future::Future<Output = Handled>,
{
    while !shutdown.is_cancelled() {
        let run = async {
            ensure_stream(&js).await?;
            consume(
                &js,
                name,
                subjects,
                limit,
                metrics.clone(),
                shutdown.clone(),
                &handle,
            )
            .await
        };
        if let Err(e) = run.await {
            tracing::warn!(consumer = name, error = %e, "consumer stopped; restarting");
            tokio::select! {
                () = shutdown.cancelled() => {},
                () = tokio::time::sleep(Duration::from_secs(1)) => {},
            }
        }
    }
}

#[cfg(test)]
mod tests;
