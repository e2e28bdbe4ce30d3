//! Counts for the operation report: no names.

use super::{Result, Store};
use chrono::{DateTime, Utc};

impl Store {
    /// Active offices by kind, for the operation report.
    pub async fn by_kind(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT kind, count(*) FROM offices WHERE status = 'active' GROUP BY kind ORDER BY count(*) DESC, kind",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Offices active at each of `ends` (registered before it, not withdrawn by then), by kind:
    /// rows of `(month, kind, count)`.
    pub async fn active_by_kind_at(
        &self,
        months: &[String],
        ends: &[DateTime<Utc>],
    ) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT t.m, o.kind, count(*) FROM unnest($1::text[], $2::timestamptz[]) AS t(m, e) \
             JOIN offices o ON o.created_at < t.e AND (o.withdrawn_at IS NULL OR o.withdrawn_at >= t.e) \
             GROUP BY t.m, o.kind",
        )
        .bind(months)
        .bind(ends)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Offices registered per month in `[from, until)`.
    pub async fn registered(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<(String, i64)>> {
        let month = common::stats::month_of("created_at");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {month} AS m, count(*) FROM offices WHERE created_at >= $1 AND created_at < $2 GROUP BY m"
        )))
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }
}
