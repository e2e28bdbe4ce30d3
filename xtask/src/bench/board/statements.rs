//! The SQL statements one timeline page view costs, across every database of the cluster
//! (identity's session check and audit record included), counted by `pg_stat_statements`: at
//! scale every statement is a cost, whatever its plan.

use super::data::{READ_BOARDS, recipient_id};
use super::team::Login;
use crate::bench::load::{Client, Conn};
use anyhow::{Result, bail};
use sqlx::PgPool;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Page views counted, one after another on one connection.
const VIEWS: u32 = 200;
/// How long the services' own background work (relays, schedulers, sweepers) is counted alone,
/// to take it out of the page views' count.
const IDLE: Duration = Duration::from_secs(5);
/// Events a page view causes (its audit record) are written shortly after its answer.
const SETTLE: Duration = Duration::from_secs(2);

pub struct Statements {
    /// All statements of the page views' window, less the background's, per view.
    pub per_view: f64,
    /// The statements run at least once per two views: (database, calls per view, statement).
    pub each: Vec<(String, f64, String)>,
}

pub(super) async fn per_page_view(
    db: &PgPool,
    client: &Client,
    addr: SocketAddr,
    login: &Login,
) -> Result<Statements> {
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(db)
        .await?;
    reset(db).await?;
    tokio::time::sleep(IDLE).await;
    let background = total(db).await? / IDLE.as_secs_f64();
    reset(db).await?;
    let started = Instant::now();
    let mut conn = Conn::new(client, addr);
    for n in 0..VIEWS {
        let page = conn
            .send(&login.get(&format!(
                "/boards/{}",
                recipient_id(u64::from(n) % READ_BOARDS)
            )))
            .await?;
        if page.status != 200 {
            bail!("a timeline page answered {}", page.status);
        }
    }
    tokio::time::sleep(SETTLE).await;
    let window = started.elapsed().as_secs_f64();
    let views = f64::from(VIEWS);
    let per_view = (total(db).await? - background * window) / views;
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT d.datname::text, s.calls, left(regexp_replace(s.query, '\\s+', ' ', 'g'), 110) \
         FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid \
         WHERE s.calls >= $1 AND s.query NOT ILIKE '%pg_stat_statements%' \
         ORDER BY d.datname, s.calls DESC",
    )
    .bind(i64::from(VIEWS / 2))
    .fetch_all(db)
    .await?;
    #[expect(clippy::cast_precision_loss, reason = "call counts are small")]
    let each = rows
        .into_iter()
        .map(|(db, calls, query)| (db, calls as f64 / views, query))
        .collect();
    Ok(Statements { per_view, each })
}

async fn reset(db: &PgPool) -> Result<()> {
    sqlx::query("SELECT pg_stat_statements_reset()")
        .execute(db)
        .await?;
    Ok(())
}

/// Statements executed since the last reset, the bench's own questions left out.
async fn total(db: &PgPool) -> Result<f64> {
    let calls: Option<f64> = sqlx::query_scalar(
        "SELECT sum(calls)::float8 FROM pg_stat_statements WHERE query NOT ILIKE '%pg_stat_statements%'",
    )
    .fetch_one(db)
    .await?;
    Ok(calls.unwrap_or_default())
}
