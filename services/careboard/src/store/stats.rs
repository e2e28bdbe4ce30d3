//! Counts for the operation report: no names, no texts.

use super::{Result, Store};
use chrono::{DateTime, Utc};
use common::stats::month_of;

/// Rows of `(YYYY-MM, count)`.
pub type Monthly = Vec<(String, i64)>;

impl Store {
    /// Active and closed recipients now.
    pub async fn recipient_totals(&self) -> Result<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT count(*) FILTER (WHERE status = 'active'), count(*) FILTER (WHERE status = 'closed') FROM recipients",
        )
        .fetch_one(&self.pool)
        .await?)
    }

    /// `column` of `table` (a fixed name from this module's callers) counted per month in
    /// `[from, until)`, with an optional extra condition.
    pub async fn monthly(
        &self,
        table: &'static str,
        column: &'static str,
        condition: &'static str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Monthly> {
        let month = month_of(column);
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {month} AS m, count(*) FROM {table} WHERE {column} >= $1 AND {column} < $2 {condition} \
             GROUP BY m"
        )))
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }
}
