//! 既読 reported by the page in batches and 確認しました: what the reader has seen (the unread count
//! and the pinned urgent posts are read with the page, in `page`).

use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{PostId, RecipientId, UserId, uuids};
use sqlx::PgConnection;
use uuid::Uuid;

impl Store {
    /// Marks read by `user` those of `posts` that are on `recipient`'s board and not by `user`
    /// (a post of another board is never touched), with the read's audit record; returns the
    /// posts read for the first time.
    pub async fn mark_shown(
        tx: &mut PgConnection,
        recipient: RecipientId,
        user: UserId,
        posts: &[PostId],
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<Vec<PostId>> {
        let fresh: Vec<Uuid> = sqlx::query_scalar(
            "INSERT INTO post_reads (post_id, user_id, read_at) \
             SELECT p.id, $2, $3 FROM posts p \
             WHERE p.recipient_id = $1 AND p.id = ANY($4) AND p.author_user_id <> $2 \
             ON CONFLICT DO NOTHING RETURNING post_id",
        )
        .bind(recipient.as_uuid())
        .bind(user.as_uuid())
        .bind(at)
        .bind(uuids(posts))
        .fetch_all(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(fresh.into_iter().map(PostId::from).collect())
    }

    /// Those of `posts` on `recipient`'s board that `user` has read or wrote.
    pub async fn read_among(
        &self,
        recipient: RecipientId,
        user: UserId,
        posts: &[PostId],
    ) -> Result<Vec<PostId>> {
        let read: Vec<Uuid> = sqlx::query_scalar(
            "SELECT p.id FROM posts p WHERE p.recipient_id = $1 AND p.id = ANY($3) \
             AND (p.author_user_id = $2 \
                  OR EXISTS (SELECT 1 FROM post_reads r WHERE r.post_id = p.id AND r.user_id = $2)) \
             ORDER BY p.id",
        )
        .bind(recipient.as_uuid())
        .bind(user.as_uuid())
        .bind(uuids(posts))
        .fetch_all(&self.pool)
        .await?;
        Ok(read.into_iter().map(PostId::from).collect())
    }
}
