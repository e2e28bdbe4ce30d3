//! 証明書取得用No/パスワード: issued by the operator, mailed by notify. The secret is kept as a hash
//! for enrollment and, until notify has mailed it, sealed with the key-encryption key; the event
//! that asks for the mail carries the code's id only, so the plaintext is in no outbox row, stream
//! or log.

use super::certificates::secret_hash;
use super::{Identity, random};
use crate::domain::DomainError;
use crate::domain::access::{self, Actor};
use crate::domain::ca::enrollment_secret_purpose;
use crate::domain::enrollment;
use crate::error::{Error, Result};
use crate::events::{CODE_ISSUED, CodeIssued};
use crate::store::{NewCode, SealedMail};
use chrono::{DateTime, Utc};
use common::audit::AuditRecord;
use common::ids::OfficeId;
use common::text::Email;
use uuid::Uuid;

/// What the code's mail says, for notify.
pub struct EnrollmentMail {
    pub to: String,
    pub office_name: String,
    pub number: String,
    pub secret: String,
    pub expires_at: DateTime<Utc>,
}

impl Identity {
    /// The operator issues a 証明書取得用No/パスワード for an office; notify mails it to the
    /// office's admin address, as offices knows it.
    pub async fn issue_enrollment_code(
        &self,
        actor: &Actor,
        office: OfficeId,
    ) -> Result<(String, String, DateTime<Utc>)> {
        access::may_issue_enrollment_codes(actor)?;
        let found = self.offices()?.office(actor, office).await?;
        self.issue_code(actor, found.id, &found.name, &found.admin_email)
            .await
    }

    /// The code for an office whose name and admin address came from offices: the approval's
    /// consumer asked it already (and the in-process tests stand in for it).
    pub async fn issue_code(
        &self,
        actor: &Actor,
        office: OfficeId,
        office_name: &str,
        email: &str,
    ) -> Result<(String, String, DateTime<Utc>)> {
        access::may_issue_enrollment_codes(actor)?;
        let email = Email::parse(email).map_err(|_| DomainError::Invalid("email"))?;
        let office_name = office_name.trim();
        if office_name.is_empty() {
            return Err(DomainError::Invalid("office_id").into());
        }
        let now = self.clock.now();
        let expires_at = now + chrono::Duration::days(self.rules.code_days);
        loop {
            let id = Uuid::now_v7();
            let (number, secret) = enrollment::new_code(&random::<24>());
            let shown = enrollment::display_secret(&secret);
            let nonce = random::<12>();
            let sealed =
                self.kek
                    .seal_for(&enrollment_secret_purpose(id), nonce, shown.as_bytes())?;
            let record = Self::audit_by(actor, "enrollment_code.issue", "success")
                .on("office", &office)
                .with(serde_json::json!({"number": number}));
            let mail = self.event(
                CODE_ISSUED,
                office.to_string(),
                &CodeIssued {
                    code_id: id.to_string(),
                    office_id: office.to_string(),
                },
            )?;
            let code = NewCode {
                id,
                number: &number,
                secret_hash: &secret_hash(&secret),
                office_id: office,
                office_name,
                issued_by: actor.user_id,
                created_at: now,
                expires_at,
                mail: SealedMail {
                    to: email.as_str(),
                    nonce: &nonce,
                    sealed: &sealed,
                },
            };
            if self
                .store
                .insert_code(&code, &[self.audit(&record)?, mail])
                .await?
            {
                return Ok((number, shown, expires_at));
            }
        }
    }

    /// The mail of a code still waiting for it, opened for notify alone. Not found once it has
    /// been mailed, used or has expired.
    pub async fn enrollment_mail(
        &self,
        caller: Option<&str>,
        code: Uuid,
    ) -> Result<EnrollmentMail> {
        access::may_read_mail_addresses(caller)?;
        let row = self
            .store
            .unmailed(code, self.clock.now())
            .await?
            .ok_or(DomainError::NotFound)?;
        let plain = self.kek.open_for(
            &enrollment_secret_purpose(row.id),
            &row.mail_nonce,
            &row.mail_sealed,
        )?;
        let secret = String::from_utf8(plain)
            .map_err(|_| Error::Internal("sealed enrollment secret is not text".into()))?;
        Ok(EnrollmentMail {
            to: row.mail_to,
            office_name: row.office_name,
            number: row.number,
            secret,
            expires_at: row.expires_at,
        })
    }

    /// notify has mailed the code: the sealed secret is destroyed. Idempotent, so a redelivered
    /// event confirms again harmlessly.
    pub async fn enrollment_mailed(&self, caller: Option<&str>, code: Uuid) -> Result<()> {
        access::may_read_mail_addresses(caller)?;
        let now = self.clock.now();
        let record =
            AuditRecord::new("enrollment_code.mailed", "success").on("enrollment_code", &code);
        if self
            .store
            .forget_mailed(code, now, &[self.audit(&record)?])
            .await?
        {
            tracing::info!(code_id = %code, "enrollment secret mailed and destroyed");
        }
        Ok(())
    }

    /// Destroys the sealed secrets of codes that expired before they could be mailed.
    pub async fn forget_expired_mail(&self) -> Result<u64> {
        Ok(self.store.forget_expired_mail(self.clock.now()).await?)
    }
}
