//! 連絡帳: posts, 既読 and 確認しました.

use super::{Result, Store, enqueue_all};
use chrono::{DateTime, Utc};
use common::events::CloudEvent;
use common::ids::{PostId, RecipientId, UserId, uuids};
use common::states::UserStatus;
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct PostRow {
    #[sqlx(try_from = "Uuid")]
    pub id: PostId,
    #[sqlx(try_from = "Uuid")]
    pub recipient_id: RecipientId,
    #[sqlx(try_from = "Uuid")]
    pub author_user_id: UserId,
    pub author_name: String,
    pub author_profession: String,
    pub author_office: String,
    #[sqlx(try_from = "String")]
    pub author_status: UserStatus,
    pub created_at: DateTime<Utc>,
    pub category: Option<String>,
    pub urgent: bool,
    pub body: String,
    /// The post a reply answers; `None` for a post on the timeline.
    pub parent_id: Option<Uuid>,
    pub edited_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    /// Its photos and documents, in the order attached.
    pub files: sqlx::types::Json<Vec<super::FileCard>>,
}

impl PostRow {
    /// The post a reply answers, typed (sqlx's row derive cannot wrap an optional column).
    #[must_use]
    pub fn parent(&self) -> Option<PostId> {
        self.parent_id.map(PostId::from)
    }
}

/// Someone's mark on a post: who and when.
#[derive(Debug, Clone, sqlx::FromRow, serde::Deserialize)]
pub struct Stamp {
    #[sqlx(try_from = "Uuid")]
    pub post_id: PostId,
    #[sqlx(try_from = "Uuid")]
    pub user_id: UserId,
    pub name: String,
    pub office_name: String,
    pub at: DateTime<Utc>,
}

pub(super) const POST: &str = "p.id, p.recipient_id, p.author_user_id, p.author_name, p.author_profession, p.author_office, \
                    coalesce(i.status, 'active') AS author_status, p.created_at, p.category, p.urgent, p.body, \
                    p.parent_id, p.edited_at, p.withdrawn_at, p.files";

impl Store {
    pub async fn post(&self, recipient: RecipientId, id: PostId) -> Result<Option<PostRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {POST} FROM posts p LEFT JOIN inactive_users i ON i.user_id = p.author_user_id \
             WHERE p.recipient_id = $1 AND p.id = $2"
        )))
        .bind(recipient.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Reads of these posts by current members (a removed member's read no longer counts).
    pub async fn reads(&self, recipient: RecipientId, posts: &[PostId]) -> Result<Vec<Stamp>> {
        Ok(sqlx::query_as(
            "SELECT r.post_id, r.user_id, m.name, m.office_name, r.read_at AS at FROM post_reads r \
             JOIN team_members m ON m.recipient_id = $1 AND m.user_id = r.user_id AND m.removed_at IS NULL \
             WHERE r.post_id = ANY($2) ORDER BY r.read_at",
        )
        .bind(recipient.as_uuid())
        .bind(uuids(posts))
        .fetch_all(&self.pool)
        .await?)
    }

    /// Acknowledgements stay with the post, whoever has left since.
    pub async fn acks(&self, recipient: RecipientId, posts: &[PostId]) -> Result<Vec<Stamp>> {
        Ok(sqlx::query_as(
            "SELECT a.post_id, a.user_id, m.name, m.office_name, a.acked_at AS at FROM post_acks a \
             JOIN team_members m ON m.recipient_id = $1 AND m.user_id = a.user_id \
             WHERE a.post_id = ANY($2) ORDER BY a.acked_at",
        )
        .bind(recipient.as_uuid())
        .bind(uuids(posts))
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn insert_post(
        tx: &mut PgConnection,
        p: &PostRow,
        events: &[CloudEvent],
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO posts (id, recipient_id, author_user_id, author_name, author_profession, author_office, \
             category, urgent, body, created_at, parent_id, grams, files) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(p.id.as_uuid())
        .bind(p.recipient_id.as_uuid())
        .bind(p.author_user_id.as_uuid())
        .bind(&p.author_name)
        .bind(&p.author_profession)
        .bind(&p.author_office)
        .bind(&p.category)
        .bind(p.urgent)
        .bind(&p.body)
        .bind(p.created_at)
        .bind(p.parent_id)
        .bind(crate::domain::search::grams(&p.body))
        .bind(&p.files)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }

    /// Marks the posts read by `user` (with the read's audit record) and returns those read for
    /// the first time.
    pub async fn mark_read(
        tx: &mut PgConnection,
        user: UserId,
        posts: &[PostId],
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<Vec<PostId>> {
        let fresh: Vec<Uuid> = sqlx::query_scalar(
            "INSERT INTO post_reads (post_id, user_id, read_at) SELECT unnest($1::uuid[]), $2, $3 \
             ON CONFLICT DO NOTHING RETURNING post_id",
        )
        .bind(uuids(posts))
        .bind(user.as_uuid())
        .bind(at)
        .fetch_all(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(fresh.into_iter().map(PostId::from).collect())
    }

    /// `true` when this was the first acknowledgement by `user`.
    pub async fn acknowledge(
        tx: &mut PgConnection,
        post: PostId,
        user: UserId,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO post_acks (post_id, user_id, acked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(post.as_uuid())
        .bind(user.as_uuid())
        .bind(at)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        sqlx::query(
            "INSERT INTO post_reads (post_id, user_id, read_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(post.as_uuid())
        .bind(user.as_uuid())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if done {
            enqueue_all(&mut *tx, events).await?;
        }
        Ok(done)
    }
}
