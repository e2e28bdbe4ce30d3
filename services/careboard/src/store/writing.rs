//! Replies, corrections and withdrawals: the rows under a post and the history of its text.

use super::posts::POST;
use super::{PostRow, Result, Store, enqueue_all};
use crate::domain::states::RevisionKind;
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{PostId, RecipientId, UserId, uuids};
use sqlx::PgConnection;
use uuid::Uuid;

/// An earlier text of a post, as it was before a correction or a withdrawal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RevisionRow {
    pub id: Uuid,
    #[sqlx(try_from = "Uuid")]
    pub post_id: PostId,
    /// What replaced this text.
    #[sqlx(try_from = "String")]
    pub kind: RevisionKind,
    pub body: String,
    pub category: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// A change of a post's text: what it said before, and what it says now.
pub struct Change<'a> {
    pub revision: &'a RevisionRow,
    pub changed_by: UserId,
    /// `None` for a withdrawal.
    pub now: Option<(&'a str, Option<&'a str>)>,
}

impl Store {
    /// The replies to these posts, oldest first.
    pub async fn replies(
        &self,
        recipient: RecipientId,
        parents: &[PostId],
    ) -> Result<Vec<PostRow>> {
        if parents.is_empty() {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {POST} FROM posts p LEFT JOIN inactive_users i ON i.user_id = p.author_user_id \
             WHERE p.parent_id = ANY($2) AND p.recipient_id = $1 ORDER BY p.id"
        )))
        .bind(recipient.as_uuid())
        .bind(uuids(parents))
        .fetch_all(&self.pool)
        .await?)
    }

    /// The post, locked until the write's transaction ends.
    pub async fn post_locked(
        conn: &mut PgConnection,
        recipient: RecipientId,
        id: PostId,
    ) -> Result<Option<PostRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {POST} FROM posts p LEFT JOIN inactive_users i ON i.user_id = p.author_user_id \
             WHERE p.recipient_id = $1 AND p.id = $2 FOR UPDATE OF p"
        )))
        .bind(recipient.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(conn)
        .await?)
    }

    /// Keeps the earlier text, then corrects or withdraws the post, with the change's events.
    pub async fn change_post(
        conn: &mut PgConnection,
        change: &Change<'_>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let r = change.revision;
        sqlx::query(
            "INSERT INTO post_revisions (id, post_id, kind, body, category, changed_by, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(r.id)
        .bind(r.post_id.as_uuid())
        .bind(r.kind.as_str())
        .bind(&r.body)
        .bind(&r.category)
        .bind(change.changed_by.as_uuid())
        .bind(r.changed_at)
        .execute(&mut *conn)
        .await?;
        match change.now {
            Some((body, category)) => {
                sqlx::query(
                    "UPDATE posts SET body = $2, category = $3, grams = $4, edited_at = $5 WHERE id = $1",
                )
                .bind(r.post_id.as_uuid())
                .bind(body)
                .bind(category)
                .bind(crate::domain::search::grams(body))
                .bind(r.changed_at)
                .execute(&mut *conn)
                .await?;
            }
            // A withdrawn text is no longer found; it stays in the history.
            None => {
                sqlx::query("UPDATE posts SET withdrawn_at = $2, grams = '{}' WHERE id = $1")
                    .bind(r.post_id.as_uuid())
                    .bind(r.changed_at)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        enqueue_all(conn, events).await
    }

    /// The post's earlier texts, oldest first.
    pub async fn revisions(&self, post: PostId) -> Result<Vec<RevisionRow>> {
        Ok(sqlx::query_as(
            "SELECT id, post_id, kind, body, category, changed_at FROM post_revisions \
             WHERE post_id = $1 ORDER BY changed_at, id",
        )
        .bind(post.as_uuid())
        .fetch_all(&self.pool)
        .await?)
    }
}
