//! Counts for the operation report: no names, no texts.

use super::{Result, Store};
use crate::domain::states::RecipientStatus;
use chrono::{DateTime, Utc};
use common::stats::month_of;

/// Rows of `(YYYY-MM, count)`.
pub type Monthly = Vec<(String, i64)>;

impl Store {
    /// Active and closed recipients now.
    pub async fn recipient_totals(&self) -> Result<(i64, i64)> {
        Ok(sqlx::query_as(
            "SELECT count(*) FILTER (WHERE status = $1), count(*) FILTER (WHERE status = $2) FROM recipients",
        )
        .bind(RecipientStatus::Active.as_str())
        .bind(RecipientStatus::Closed.as_str())
        .fetch_one(&self.pool)
        .await?)
    }

    /// Recipients at each of `ends`: rows of `(month, still shared, closed by then)`.
    pub async fn recipients_at(
        &self,
        months: &[String],
        ends: &[DateTime<Utc>],
    ) -> Result<Vec<(String, i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT t.m, count(*) FILTER (WHERE r.closed_at IS NULL OR r.closed_at >= t.e), \
             count(*) FILTER (WHERE r.closed_at < t.e) \
             FROM unnest($1::text[], $2::timestamptz[]) AS t(m, e) \
             JOIN recipients r ON r.created_at < t.e GROUP BY t.m",
        )
        .bind(months)
        .bind(ends)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Rows of `table` (a fixed name from this module's callers) per month of `column` in
    /// `[from, until)`, with an optional extra condition: `measure` of each month's rows (a
    /// fixed aggregate, `count(*)` unless a caller sums).
    pub async fn monthly(
        &self,
        (table, column, condition): (&'static str, &'static str, &'static str),
        measure: &'static str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Monthly> {
        let month = month_of(column);
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {month} AS m, ({measure})::bigint FROM {table} WHERE {column} >= $1 AND {column} < $2 {condition} \
             GROUP BY m"
        )))
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }
}
