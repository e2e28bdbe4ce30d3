//! Finding posts on a board (by category, urgency and words) and the print view of a period.

use super::Careboard;
use super::board::{MAX_PAGE, PAGE, PostView};
use crate::domain::search::{self, QueryError};
use crate::domain::{Actor, DomainError, may_export, may_read, post};
use crate::error::Result;
use crate::store::{Filter, Store};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use common::ids::{PostId, RecipientId};
use serde_json::json;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The most posts one print holds (a few months of a busy board).
pub const PRINT_LIMIT: usize = 1000;

/// What a search or a print found, with the board's heading.
pub struct Found {
    pub posts: Vec<PostView>,
    pub next_cursor: Option<PostId>,
    /// The words looked for, folded as matched (for highlighting).
    pub words: Vec<String>,
    pub closed: bool,
    pub recipient_name: String,
    pub care_level: String,
    /// The print stopped at `PRINT_LIMIT`.
    pub truncated: bool,
}

/// What a search asks for, as typed.
pub struct Asked<'a> {
    pub words: &'a str,
    pub category: &'a str,
    pub urgent_only: bool,
    pub cursor: Option<PostId>,
    pub limit: u32,
}

/// The period a print covers (dates in Japan, both included), and whether the record leaves the
/// system with it: an export is recorded as `recipient.export`, so the trail tells a page printed
/// for the office from a record handed to another system.
pub struct Period<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub export: bool,
}

fn query_error(_: QueryError) -> DomainError {
    DomainError::invalid("words")
}

/// Midnight in Japan (UTC+9, no summer time), where the period's dates are meant.
fn jst_midnight(day: NaiveDate) -> DateTime<Utc> {
    (day.and_time(NaiveTime::MIN) - chrono::Duration::hours(9)).and_utc()
}

impl Careboard {
    pub async fn search(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        asked: &Asked<'_>,
    ) -> Result<Found> {
        let access = self
            .access(actor, recipient, "board.search", |a, x| {
                may_read(a, x.membership)
            })
            .await?;
        let query = search::query(asked.words).map_err(query_error)?;
        let category = match asked.category.trim() {
            "" => None,
            c => Some(
                *post::CATEGORIES
                    .iter()
                    .find(|k| **k == c)
                    .ok_or_else(|| DomainError::invalid("category"))?,
            ),
        };
        let limit = match asked.limit {
            0 => PAGE,
            n => n.min(MAX_PAGE),
        };
        let filter = Filter {
            category,
            urgent_only: asked.urgent_only,
            grams: query.as_ref().map(|q| q.grams.as_slice()),
        };
        let mut rows = self
            .store
            .search(recipient, &filter, asked.cursor, i64::from(limit) + 1)
            .await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = more.then(|| rows.last().map(|p| p.id)).flatten();
        let words = query.map(|q| q.words).unwrap_or_default();
        // The index finds texts holding the words' characters; the words themselves are checked.
        rows.retain(|p| {
            let text = search::fold(&p.body);
            words.iter().all(|w| text.contains(w.as_str()))
        });
        // Counts only: the words may say something of the recipient's health.
        self.audit_read(
            actor,
            "board.search",
            recipient,
            json!({ "words": words.len(), "category": category.is_some(),
                    "urgent_only": asked.urgent_only, "found": rows.len() }),
        )
        .await?;
        let heading = self.store.heading(recipient).await?;
        Ok(Found {
            posts: self.views(actor, recipient, rows, access.closed).await?,
            next_cursor,
            words,
            closed: access.closed,
            recipient_name: heading.0,
            care_level: heading.1,
            truncated: false,
        })
    }

    /// The print view (印刷): the posts of `[from, to]` (dates in Japan), oldest first, with
    /// their replies. Printing is recorded as such, an export as an export.
    pub async fn print(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        period: &Period<'_>,
    ) -> Result<Found> {
        let action = if period.export {
            "recipient.export"
        } else {
            "board.print"
        };
        let access = self
            .access(actor, recipient, action, |a, x| {
                if period.export {
                    may_export(a, x.membership, self.export_by)
                } else {
                    may_read(a, x.membership)
                }
            })
            .await?;
        let day = |raw: &str, field: &'static str| {
            NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
                .map_err(|_| DomainError::invalid(field))
        };
        let (from, to) = (day(period.from, "from")?, day(period.to, "to")?);
        let end = to.succ_opt().ok_or_else(|| DomainError::invalid("to"))?;
        if from > to {
            return Err(DomainError::invalid("to").into());
        }
        let limit = i64::try_from(PRINT_LIMIT).unwrap_or(i64::MAX);
        let mut rows = self
            .store
            .period(recipient, jst_midnight(from), jst_midnight(end), limit + 1)
            .await?;
        let truncated = rows.len() > PRINT_LIMIT;
        rows.truncate(PRINT_LIMIT);
        self.audit_read(
            actor,
            action,
            recipient,
            json!({ "from": from.to_string(), "to": to.to_string(), "posts": rows.len() }),
        )
        .await?;
        let heading = self.store.heading(recipient).await?;
        Ok(Found {
            posts: self.views(actor, recipient, rows, access.closed).await?,
            next_cursor: None,
            words: Vec::new(),
            closed: access.closed,
            recipient_name: heading.0,
            care_level: heading.1,
            truncated,
        })
    }
}

/// Indexes the posts written before the word index existed, then ends.
pub async fn index_pending_posts(store: Store, shutdown: CancellationToken) {
    while !shutdown.is_cancelled() {
        match store.index_pending_posts(500).await {
            Ok(0) => return,
            Ok(n) => tracing::info!(posts = n, "posts indexed for search"),
            Err(e) => {
                tracing::warn!(error = %e, "indexing posts for search failed; retrying");
                tokio::select! {
                    () = shutdown.cancelled() => return,
                    () = tokio::time::sleep(Duration::from_secs(5)) => {}
                }
            }
        }
    }
}
