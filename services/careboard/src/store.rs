//! Careboard's queries. sqlx errors stop here, as `StoreError`.

use sqlx::PgPool;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
#[error("database: {0}")]
pub struct StoreError(#[from] sqlx::Error);

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipientSummaryRow {
    pub id: Uuid,
    pub display_name: String,
}

#[derive(Clone)]
pub struct Store {
    pool: PgPool,
}

impl Store {
    #[must_use]
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    /// Open boards on which `user_id` is a current member, by index `team_members_current`.
    pub async fn recipients_of(&self, user_id: Uuid) -> Result<Vec<RecipientSummaryRow>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.display_name FROM team_members m JOIN recipients r ON r.id = m.recipient_id \
             WHERE m.user_id = $1 AND m.removed_at IS NULL AND r.status = 'active' ORDER BY r.display_name",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }
}
