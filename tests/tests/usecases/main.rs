//! The services' use cases called in-process: each service crate is `lib.rs` and a thin
//! `main.rs`, so a test builds a service's use-case struct as its `serve` does, over a fresh
//! database on the binary's harness PostgreSQL with the service's own migrations, and with a
//! clock the test moves. Beside the cross-service tests, these check the rules and the events
//! each use case writes, without a gateway, NATS or another service.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod careboard;
mod identity;
mod notify;
mod offices;

use chrono::{DateTime, Utc};
use common::clock::ManualClock;
use serde_json::Value;
use sqlx::PgPool;
use sqlx::migrate::Migrator;
use system_tests::scratch::{self, ScratchDb};

/// A fresh database with `service`'s migrations (and the shared tables) applied.
async fn database(service: &Migrator) -> ScratchDb {
    let db = scratch::fresh("usecases").await.unwrap();
    service_runtime::db::migrate(&db.pool, service)
        .await
        .unwrap();
    db
}

/// When every test's clock starts: a weekday morning in Takahagi (00:30 UTC is 09:30 JST).
fn morning() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-24T00:30:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// A clock standing at [`morning`] until the test moves it.
fn clock() -> ManualClock {
    ManualClock::at(morning())
}

/// The events a use case wrote to the outbox, oldest first: their subject and `CloudEvent`.
async fn outbox(pool: &PgPool) -> Vec<(String, Value)> {
    sqlx::query_as("SELECT subject, payload FROM outbox ORDER BY created_at, id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// The subjects of the outbox's events, oldest first.
async fn subjects(pool: &PgPool) -> Vec<String> {
    outbox(pool).await.into_iter().map(|(s, _)| s).collect()
}
