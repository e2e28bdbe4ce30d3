//! 支援対象者 and their info history.

use super::team::{MemberRow, insert_member};
use super::{Result, Store, enqueue_all};
use crate::domain::consent::Consent;
use crate::domain::recipient::{FieldChange, Recipient};
use crate::domain::states::RecipientStatus;
use chrono::{DateTime, NaiveDate, Utc};
use common::events::CloudEvent;
use common::ids::{RecipientId, UserId};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RecipientRow {
    #[sqlx(try_from = "Uuid")]
    pub id: RecipientId,
    pub display_name: String,
    pub kana: String,
    pub birth_date: Option<NaiveDate>,
    pub sex: String,
    pub address: String,
    pub phone: Option<String>,
    pub insured_number: Option<String>,
    pub medical_insurance: String,
    pub care_level: String,
    pub primary_doctor: String,
    pub key_notes: String,
    #[sqlx(try_from = "String")]
    pub status: RecipientStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub close_reason: Option<String>,
    pub close_note: Option<String>,
}

pub(super) const RECIPIENT: &str = "id, display_name, kana, birth_date, sex, address, phone, insured_number, medical_insurance, \
                         care_level, primary_doctor, key_notes, status, created_at, updated_at, closed_at, close_reason, close_note";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SummaryRow {
    #[sqlx(try_from = "Uuid")]
    pub id: RecipientId,
    pub display_name: String,
    pub kana: String,
    pub care_level: String,
    pub is_representative: bool,
    pub unread: i64,
    pub urgent_unacknowledged: i64,
    pub last_post_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DuplicateRow {
    #[sqlx(try_from = "Uuid")]
    pub id: RecipientId,
    pub display_name: String,
    pub kana: String,
    pub birth_date: Option<NaiveDate>,
    pub is_member: bool,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ChangeRow {
    pub changed_at: DateTime<Utc>,
    pub changed_by_name: String,
    pub changed_by_office: String,
    pub changes: sqlx::types::Json<Vec<FieldChange>>,
}

/// A registration: the recipient, the consent it rests on, and the registrar as representative.
pub struct NewRecipient<'a> {
    pub id: RecipientId,
    pub recipient: &'a Recipient,
    pub consent: &'a Consent,
    pub registrar: &'a MemberRow,
    pub at: DateTime<Utc>,
}

impl Store {
    pub async fn register(
        tx: &mut PgConnection,
        new: &NewRecipient<'_>,
        events: &[CloudEvent],
    ) -> Result<()> {
        let r = new.recipient;
        sqlx::query(
            "INSERT INTO recipients (id, display_name, kana, birth_date, sex, address, phone, insured_number, \
             medical_insurance, care_level, primary_doctor, key_notes, status, created_at, updated_at, \
             registered_by, registered_office) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $16, $13, $13, $14, $15)",
        )
        .bind(new.id.as_uuid())
        .bind(&r.name)
        .bind(&r.kana)
        .bind(r.birth_date)
        .bind(r.sex)
        .bind(&r.address)
        .bind(&r.phone)
        .bind(&r.insured_number)
        .bind(&r.medical_insurance)
        .bind(r.care_level)
        .bind(&r.primary_doctor)
        .bind(&r.key_notes)
        .bind(new.at)
        .bind(new.registrar.user_id.as_uuid())
        .bind(new.registrar.office_id.as_uuid())
        .bind(RecipientStatus::Active.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO consents (recipient_id, obtained_on, obtained_by, office_id, office_name, recorded_by, \
             recorded_by_name, recorded_at, office_keeps_copy, recipient_keeps_original) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new.id.as_uuid())
        .bind(new.consent.obtained_on)
        .bind(&new.consent.obtained_by)
        .bind(new.registrar.office_id.as_uuid())
        .bind(&new.registrar.office_name)
        .bind(new.registrar.user_id.as_uuid())
        .bind(&new.registrar.name)
        .bind(new.at)
        .bind(new.consent.office_keeps_copy)
        .bind(new.consent.recipient_keeps_original)
        .execute(&mut *tx)
        .await?;
        insert_member(&mut *tx, new.id, new.registrar, new.registrar.user_id).await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }

    pub async fn recipient(&self, id: RecipientId) -> Result<Option<RecipientRow>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {RECIPIENT} FROM recipients WHERE id = $1"
        )))
        .bind(id.as_uuid())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The name and care level a board is headed with.
    pub async fn heading(&self, id: RecipientId) -> Result<(String, String)> {
        Ok(
            sqlx::query_as("SELECT display_name, care_level FROM recipients WHERE id = $1")
                .bind(id.as_uuid())
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or_default(),
        )
    }

    /// Same kana (spaces aside) and birth date, among the recipients `user` is on the team of or
    /// registered.
    pub async fn possible_duplicates(
        &self,
        user: UserId,
        kana_key: &str,
        birth_date: NaiveDate,
    ) -> Result<Vec<DuplicateRow>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.display_name, r.kana, r.birth_date, \
             EXISTS (SELECT 1 FROM team_members m WHERE m.recipient_id = r.id AND m.user_id = $1 AND m.removed_at IS NULL) \
               AS is_member \
             FROM recipients r WHERE replace(r.kana, ' ', '') = $2 AND r.birth_date = $3 \
             AND (r.registered_by = $1 OR EXISTS (SELECT 1 FROM team_members m \
                  WHERE m.recipient_id = r.id AND m.user_id = $1 AND m.removed_at IS NULL))",
        )
        .bind(user.as_uuid())
        .bind(kana_key)
        .bind(birth_date)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The open boards `user` is on, those with urgent posts to acknowledge first.
    pub async fn recipients_of(&self, user: UserId) -> Result<Vec<SummaryRow>> {
        Ok(sqlx::query_as(
            "SELECT r.id, r.display_name, r.kana, r.care_level, m.is_representative, \
             (SELECT count(*) FROM posts p WHERE p.recipient_id = r.id AND p.author_user_id <> $1 \
                AND NOT EXISTS (SELECT 1 FROM post_reads pr WHERE pr.post_id = p.id AND pr.user_id = $1)) AS unread, \
             (SELECT count(*) FROM posts p WHERE p.recipient_id = r.id AND p.urgent AND p.author_user_id <> $1 \
                AND NOT EXISTS (SELECT 1 FROM post_acks pa WHERE pa.post_id = p.id AND pa.user_id = $1)) \
                AS urgent_unacknowledged, \
             (SELECT max(p.created_at) FROM posts p WHERE p.recipient_id = r.id) AS last_post_at \
             FROM team_members m JOIN recipients r ON r.id = m.recipient_id \
             WHERE m.user_id = $1 AND m.removed_at IS NULL AND r.status = $2 \
             ORDER BY urgent_unacknowledged DESC, last_post_at DESC NULLS LAST, r.kana",
        )
        .bind(user.as_uuid())
        .bind(RecipientStatus::Active.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn update_recipient(
        tx: &mut PgConnection,
        id: RecipientId,
        r: &Recipient,
        change: &ChangeRow,
        changed_by: UserId,
        events: &[CloudEvent],
    ) -> Result<()> {
        sqlx::query(
            "UPDATE recipients SET display_name = $2, kana = $3, birth_date = $4, sex = $5, address = $6, phone = $7, \
             insured_number = $8, medical_insurance = $9, care_level = $10, primary_doctor = $11, key_notes = $12, \
             updated_at = $13 WHERE id = $1",
        )
        .bind(id.as_uuid())
        .bind(&r.name)
        .bind(&r.kana)
        .bind(r.birth_date)
        .bind(r.sex)
        .bind(&r.address)
        .bind(&r.phone)
        .bind(&r.insured_number)
        .bind(&r.medical_insurance)
        .bind(r.care_level)
        .bind(&r.primary_doctor)
        .bind(&r.key_notes)
        .bind(change.changed_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO recipient_changes (id, recipient_id, changed_by, changed_by_name, changed_by_office, \
             changed_at, changes) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(Uuid::now_v7())
        .bind(id.as_uuid())
        .bind(changed_by.as_uuid())
        .bind(&change.changed_by_name)
        .bind(&change.changed_by_office)
        .bind(change.changed_at)
        .bind(&change.changes)
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }

    pub async fn history(&self, id: RecipientId) -> Result<Vec<ChangeRow>> {
        Ok(sqlx::query_as(
            "SELECT changed_at, changed_by_name, changed_by_office, changes FROM recipient_changes \
             WHERE recipient_id = $1 ORDER BY changed_at DESC",
        )
        .bind(id.as_uuid())
        .fetch_all(&self.pool)
        .await?)
    }

    pub async fn close(
        tx: &mut PgConnection,
        id: RecipientId,
        by: UserId,
        reason: &str,
        note: &str,
        at: DateTime<Utc>,
        events: &[CloudEvent],
    ) -> Result<()> {
        sqlx::query(
            "UPDATE recipients SET status = $6, closed_at = $2, closed_by = $3, close_reason = $4, \
             close_note = $5, updated_at = $2 WHERE id = $1 AND status = $7",
        )
        .bind(id.as_uuid())
        .bind(at)
        .bind(by.as_uuid())
        .bind(reason)
        .bind(note)
        .bind(RecipientStatus::Closed.as_str())
        .bind(RecipientStatus::Active.as_str())
        .execute(&mut *tx)
        .await?;
        enqueue_all(&mut *tx, events).await?;
        Ok(())
    }
}
