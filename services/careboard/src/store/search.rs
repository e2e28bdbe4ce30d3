//! Finding posts: by category and urgency, by words through the grams index, and by period for
//! the print view.

use super::posts::POST;
use super::{PostRow, Result, Store};
use chrono::{DateTime, Utc};
use common::ids::{PostId, RecipientId};
use uuid::Uuid;

/// What a search narrows to; every part is optional.
pub struct Filter<'a> {
    pub category: Option<&'a str>,
    pub urgent_only: bool,
    /// The grams every match holds (`domain::search::query`).
    pub grams: Option<&'a [String]>,
}

impl Store {
    /// Posts (and, when words are asked for, replies) matching `filter`, newest first, older
    /// than `before`. Word matches are candidates: the caller checks each word is really there.
    pub async fn search(
        &self,
        recipient: RecipientId,
        filter: &Filter<'_>,
        before: Option<PostId>,
        limit: i64,
    ) -> Result<Vec<PostRow>> {
        // Two statements rather than one with `$4 IS NULL OR …`: a generic plan of that could not
        // use the grams index.
        let words = if filter.grams.is_some() {
            "p.grams @> $4"
        } else {
            "p.parent_id IS NULL AND $4::text[] IS NULL"
        };
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {POST} FROM posts p LEFT JOIN inactive_users i ON i.user_id = p.author_user_id \
             WHERE p.recipient_id = $1 AND p.withdrawn_at IS NULL AND {words} \
               AND ($2::text IS NULL OR p.category = $2) AND (NOT $3 OR p.urgent) \
               AND ($5::uuid IS NULL OR p.id < $5) \
             ORDER BY p.id DESC LIMIT $6"
        )))
        .bind(recipient.as_uuid())
        .bind(filter.category)
        .bind(filter.urgent_only)
        .bind(filter.grams)
        .bind(before.map(Uuid::from))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The posts written in `[from, to)`, oldest first, at most `limit`.
    pub async fn period(
        &self,
        recipient: RecipientId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PostRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {POST} FROM posts p LEFT JOIN inactive_users i ON i.user_id = p.author_user_id \
             WHERE p.recipient_id = $1 AND p.parent_id IS NULL AND p.created_at >= $2 AND p.created_at < $3 \
             ORDER BY p.id LIMIT $4"
        )))
        .bind(recipient.as_uuid())
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Computes the grams of posts written before the index existed, a batch at a time;
    /// returns how many were done (0 when none is left).
    pub async fn index_pending_posts(&self, batch: i64) -> Result<usize> {
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, body FROM posts WHERE grams IS NULL ORDER BY id LIMIT $1")
                .bind(batch)
                .fetch_all(&self.pool)
                .await?;
        let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
        // Arrays of arrays must be rectangular in SQL: each row's grams go as one joined text.
        let grams: Vec<String> = rows
            .iter()
            .map(|r| crate::domain::search::grams(&r.1).join("\u{1f}"))
            .collect();
        sqlx::query(
            "UPDATE posts p SET grams = string_to_array(g.grams, E'\\x1f') \
             FROM unnest($1::uuid[], $2::text[]) AS g(id, grams) WHERE p.id = g.id",
        )
        .bind(&ids)
        .bind(&grams)
        .execute(&self.pool)
        .await?;
        Ok(rows.len())
    }
}
