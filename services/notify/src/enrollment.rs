//! `identity.enrollment_code.issued` carries the code's id only: notify asks identity for the
//! 証明書取得用No/パスワード and the address over mutual TLS, mails them, and then tells identity,
//! which destroys its sealed copy. The secret is held in memory for the send only.

use crate::domain::{Email, templates};
use crate::events::{Directory, japanese_date};
use common::events::CloudEvent;
use serde::Deserialize;
use uuid::Uuid;

pub const CODE_ISSUED: &str = "identity.enrollment_code.issued";

/// The part of `identity.enrollment_code.issued` notify reads.
#[derive(Debug, Deserialize)]
struct CodeIssued {
    code_id: Uuid,
}

fn code_of(event: &CloudEvent) -> Result<Uuid, String> {
    event
        .data_as::<CodeIssued>()
        .map(|d| d.code_id)
        .map_err(|e| e.to_string())
}

/// Why the mail could not be made.
pub enum Unready {
    /// Malformed: it never will be.
    Reject(String),
    /// identity is away: later.
    Retry(String),
}

impl Directory {
    /// The mail of the code; `None` once identity no longer holds its secret (mailed before,
    /// used, or expired), when there is nothing left to send.
    pub async fn enrollment_mail(
        &self,
        event: &CloudEvent,
        portal_url: &str,
    ) -> Result<Option<Email>, Unready> {
        let code = code_of(event).map_err(Unready::Reject)?;
        let request = proto::identity::EnrollmentMailRef {
            code_id: code.to_string(),
        };
        let mail = match self.0.clone().get_enrollment_mail(request).await {
            Ok(reply) => reply.into_inner(),
            Err(status) if status.code() == tonic::Code::NotFound => {
                tracing::info!(code_id = %code, "enrollment code no longer waiting for its mail");
                return Ok(None);
            }
            Err(status) => {
                return Err(Unready::Retry(format!(
                    "identity: {:?} {}",
                    status.code(),
                    status.message()
                )));
            }
        };
        let expires = chrono::DateTime::parse_from_rfc3339(&mail.expires_at)
            .map_err(|e| Unready::Reject(format!("expires_at: {e}")))?
            .to_utc();
        Ok(Some(templates::enrollment_code(
            &mail.email,
            &mail.office_name,
            &mail.number,
            &mail.secret,
            &japanese_date(expires),
            portal_url,
        )))
    }

    /// Tells identity the code's mail went out, so it destroys the sealed secret.
    pub async fn enrollment_mailed(&self, event: &CloudEvent) -> Result<(), String> {
        let code = code_of(event)?;
        self.0
            .clone()
            .mark_enrollment_mailed(proto::identity::EnrollmentMailRef {
                code_id: code.to_string(),
            })
            .await
            .map_err(|s| format!("identity: {:?} {}", s.code(), s.message()))?;
        Ok(())
    }
}
