//! Counts for the operation report: no names, no addresses.

use super::{Result, Store};
use chrono::{DateTime, Utc};
use common::stats::month_of;

pub type Monthly = Vec<(String, i64)>;

impl Store {
    /// Active staff and office admins by profession, the city's own people aside.
    pub async fn staff_by_profession(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT profession, count(*) FROM users WHERE status = 'active' AND role IN ('staff', 'office_admin') \
             GROUP BY profession ORDER BY count(*) DESC, profession",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Staff and office admins active at each of `ends` (registered before it, and either never
    /// changed status or last changed it to active), by profession: rows of `(month, profession,
    /// count)`.
    pub async fn staff_by_profession_at(
        &self,
        months: &[String],
        ends: &[DateTime<Utc>],
    ) -> Result<Vec<(String, String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT t.m, u.profession, count(*) FROM unnest($1::text[], $2::timestamptz[]) AS t(m, e) \
             JOIN users u ON u.created_at < t.e \
             WHERE u.role IN ('staff', 'office_admin') \
               AND COALESCE((SELECT c.status FROM user_status_changes c WHERE c.user_id = u.id AND c.at < t.e \
                             ORDER BY c.at DESC LIMIT 1), 'active') = 'active' \
             GROUP BY t.m, u.profession",
        )
        .bind(months)
        .bind(ends)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Distinct people who logged in, per month (from the audit trail, which keeps every login).
    pub async fn active_users(&self, from: DateTime<Utc>, until: DateTime<Utc>) -> Result<Monthly> {
        let month = month_of("at");
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {month} AS m, count(DISTINCT actor_user_id) FROM audit_log \
             WHERE action = 'session.login' AND outcome = 'success' AND at >= $1 AND at < $2 GROUP BY m"
        )))
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Device certificates by the month of `column` (`issued_at` or `revoked_at`).
    pub async fn certificates(
        &self,
        column: &'static str,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Monthly> {
        let month = month_of(column);
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {month} AS m, count(*) FROM device_certificates WHERE {column} >= $1 AND {column} < $2 GROUP BY m"
        )))
        .bind(from)
        .bind(until)
        .fetch_all(&self.pool)
        .await?)
    }
}
