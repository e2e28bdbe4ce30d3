//! 運営状況の報告: what careboard counts for the city, per month of the chosen period.

use super::Careboard;
use crate::domain::{Actor, DomainError, may_administer_consent};
use crate::error::Result;
use common::stats::MonthRange;

pub struct BoardStats {
    pub recipients_active: u64,
    pub recipients_closed: u64,
    pub recipients_registered: Vec<(String, u64)>,
    pub boards_closed: Vec<(String, u64)>,
    pub posts: Vec<(String, u64)>,
    pub urgent_posts: Vec<(String, u64)>,
    pub incidents: Vec<(String, u64)>,
    pub active_month_end: Vec<(String, u64)>,
    pub closed_month_end: Vec<(String, u64)>,
    pub files: Vec<(String, u64)>,
    pub file_megabytes: Vec<(String, u64)>,
}

impl Careboard {
    pub async fn stats(&self, actor: &Actor, from: &str, to: &str) -> Result<BoardStats> {
        may_administer_consent(actor)?;
        self.ensure_active(actor).await?;
        let range = MonthRange::parse(from, to, self.clock.now())
            .map_err(|_| DomainError::Invalid(vec!["period"]))?;
        let (start, end) = (range.start(), range.end());
        let measured = async |rows, measure| -> Result<Vec<(String, u64)>> {
            Ok(range.fill(&self.store.monthly(rows, measure, start, end).await?))
        };
        let count =
            async |table, column, condition| measured((table, column, condition), "count(*)").await;
        // Only files a post took: an upload swept unattached was never on the board.
        let files = ("board_files", "created_at", "AND post_id IS NOT NULL");
        let (active, closed) = self.store.recipient_totals().await?;
        let (months, ends) = range.month_ends();
        let at_ends = self.store.recipients_at(&months, &ends).await?;
        let column = |pick: fn(&(String, i64, i64)) -> i64| {
            range.fill(
                &at_ends
                    .iter()
                    .map(|row| (row.0.clone(), pick(row)))
                    .collect::<Vec<_>>(),
            )
        };
        Ok(BoardStats {
            active_month_end: column(|r| r.1),
            closed_month_end: column(|r| r.2),
            recipients_active: u64::try_from(active).unwrap_or(0),
            recipients_closed: u64::try_from(closed).unwrap_or(0),
            recipients_registered: count("recipients", "created_at", "").await?,
            boards_closed: count("recipients", "closed_at", "").await?,
            posts: count("posts", "created_at", "").await?,
            urgent_posts: count("posts", "created_at", "AND urgent").await?,
            incidents: count("incidents", "filed_at", "").await?,
            files: measured(files, "count(*)").await?,
            file_megabytes: measured(files, "ceil(coalesce(sum(stored_bytes), 0) / 1048576.0)")
                .await?,
        })
    }
}
