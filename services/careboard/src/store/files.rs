//! Board files' rows: written before their objects, attached in the post's transaction, swept
//! when their post never came.

use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{FileId, PostId, RecipientId, UserId, uuids};
use serde::{Deserialize, Serialize};
use sqlx::PgConnection;
use uuid::Uuid;

/// What a post shows of one of its files (kept on the post, `posts.files`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct FileCard {
    #[sqlx(try_from = "Uuid")]
    pub id: FileId,
    /// `image` or `pdf`.
    pub kind: String,
    pub mime: String,
    pub name: String,
    pub bytes: i64,
    pub width: i32,
    pub height: i32,
}

/// A file as a read finds it: its card and the board it belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    #[sqlx(flatten)]
    pub card: FileCard,
    pub post_id: Option<Uuid>,
}

/// A file about to be stored.
pub struct NewFile<'a> {
    pub card: &'a FileCard,
    pub recipient: RecipientId,
    pub uploaded_by: UserId,
    pub stored_bytes: i64,
    pub at: DateTime<Utc>,
}

const CARD: &str = "id, kind, mime, name, bytes, width, height";

impl Store {
    /// The row, before any object is written, so the sweeper can always find what was stored.
    pub async fn insert_file(&self, f: &NewFile<'_>) -> Result<()> {
        sqlx::query(
            "INSERT INTO board_files (id, recipient_id, uploaded_by, kind, mime, name, bytes, \
             stored_bytes, width, height, state, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'uploading', $11)",
        )
        .bind(f.card.id.as_uuid())
        .bind(f.recipient.as_uuid())
        .bind(f.uploaded_by.as_uuid())
        .bind(&f.card.kind)
        .bind(&f.card.mime)
        .bind(&f.card.name)
        .bind(f.card.bytes)
        .bind(f.stored_bytes)
        .bind(f.card.width)
        .bind(f.card.height)
        .bind(f.at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Every object of the file is written: it waits for its post, with the upload's audit record.
    pub async fn file_written(&self, id: FileId, events: &[CloudEvent]) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE board_files SET state = 'pending' WHERE id = $1 AND state = 'uploading'",
        )
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut tx, events).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The files `ids` (in that order) that `author` uploaded to `recipient` and that wait for a
    /// post, locked until the post's transaction ends; any other id is simply not found.
    pub async fn pending_files(
        tx: &mut PgConnection,
        recipient: RecipientId,
        author: UserId,
        ids: &[FileId],
    ) -> Result<Vec<FileCard>> {
        let mut found: Vec<FileCard> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CARD} FROM board_files WHERE id = ANY($1) AND recipient_id = $2 \
             AND uploaded_by = $3 AND state = 'pending' FOR UPDATE"
        )))
        .bind(uuids(ids))
        .bind(recipient.as_uuid())
        .bind(author.as_uuid())
        .fetch_all(&mut *tx)
        .await?;
        found.sort_by_key(|f| ids.iter().position(|id| *id == f.id));
        Ok(found)
    }

    /// Ties the files to their post, in the post's transaction (the post row written first).
    pub async fn attach_files(tx: &mut PgConnection, post: PostId, ids: &[FileId]) -> Result<()> {
        sqlx::query(
            "UPDATE board_files SET state = 'attached', post_id = $1, \
             position = array_position($2::uuid[], id) WHERE id = ANY($2)",
        )
        .bind(post.as_uuid())
        .bind(uuids(ids))
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// A file of the board attached to a post that still stands (a withdrawn post's files go
    /// with its text).
    pub async fn attached_file(
        &self,
        recipient: RecipientId,
        id: FileId,
    ) -> Result<Option<StoredFile>> {
        Ok(sqlx::query_as(
            "SELECT f.id, f.kind, f.mime, f.name, f.bytes, f.width, f.height, f.post_id \
             FROM board_files f JOIN posts p ON p.id = f.post_id AND p.withdrawn_at IS NULL \
             WHERE f.id = $1 AND f.recipient_id = $2 AND f.state = 'attached'",
        )
        .bind(id.as_uuid())
        .bind(recipient.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Files no post took within `grace`: the sweeper's work.
    pub async fn stale_files(&self, grace: chrono::Duration, limit: i64) -> Result<Vec<FileId>> {
        let stale: Vec<Uuid> = sqlx::query_scalar(
            "SELECT id FROM board_files WHERE post_id IS NULL \
             AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT $2",
        )
        .bind(grace.as_seconds_f64())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(stale.into_iter().map(FileId::from).collect())
    }

    /// Forgets a swept file, unless a post took it meanwhile.
    pub async fn forget_file(&self, id: FileId) -> Result<bool> {
        Ok(
            sqlx::query("DELETE FROM board_files WHERE id = $1 AND post_id IS NULL")
                .bind(id.as_uuid())
                .execute(&self.pool)
                .await?
                .rows_affected()
                == 1,
        )
    }
}
