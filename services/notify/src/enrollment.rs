//! `identity.enrollment_code.issued` carries the code's id only: notify asks identity for the
//! 証明書取得用No/パスワード and the address over mutual TLS when it plans and when it sends the
//! mail, and then tells identity, which destroys its sealed copy. The secret is held in memory
//! for the send only; the delivery row keeps the address, never the secret.

use crate::directory::Directory;
use crate::domain::{Email, templates};
use common::events::CloudEvent;
use uuid::Uuid;

fn code_of(event: &CloudEvent) -> Result<Uuid, Unready> {
    let issued = event
        .data_of(proto::events::CODE_ISSUED)
        .map_err(|e| Unready::Reject(e.to_string()))?;
    issued
        .code_id
        .parse()
        .map_err(|_| Unready::Reject(format!("code_id {:?} is no id", issued.code_id)))
}

/// Why the mail could not be made.
pub enum Unready {
    /// Malformed: it never will be.
    Reject(String),
    /// identity is away: later.
    Retry(String),
}

/// What identity tells of a code waiting for its mail.
pub struct Waiting {
    pub email: String,
    mail: proto::identity::EnrollmentMail,
}

impl Waiting {
    /// The mail itself, written for the address identity gave.
    pub fn compose(&self, portal_url: &str) -> Result<Email, Unready> {
        let expires = chrono::DateTime::parse_from_rfc3339(&self.mail.expires_at)
            .map_err(|e| Unready::Reject(format!("expires_at: {e}")))?
            .to_utc();
        Ok(templates::enrollment_code(
            &self.email,
            &self.mail.office_name,
            &self.mail.number,
            &self.mail.secret,
            &templates::japanese_date(expires),
            portal_url,
        ))
    }
}

impl Directory {
    /// The code's mail; `None` once identity no longer holds its secret (mailed before, used,
    /// or expired), when there is nothing left to send.
    pub async fn enrollment_mail(&self, event: &CloudEvent) -> Result<Option<Waiting>, Unready> {
        let code = code_of(event)?;
        let request = proto::identity::EnrollmentMailRef {
            code_id: code.to_string(),
        };
        match self.identity().get_enrollment_mail(request).await {
            Ok(reply) => {
                let mail = reply.into_inner();
                Ok(Some(Waiting {
                    email: mail.email.clone(),
                    mail,
                }))
            }
            Err(status) if status.code() == tonic::Code::NotFound => {
                tracing::info!(code_id = %code, "enrollment code no longer waiting for its mail");
                Ok(None)
            }
            Err(status) => Err(Unready::Retry(format!(
                "identity: {}",
                proto::errors::describe(&status)
            ))),
        }
    }

    /// Tells identity the code's mail went out, so it destroys the sealed secret.
    pub async fn enrollment_mailed(&self, event: &CloudEvent) -> Result<(), String> {
        let code = code_of(event).map_err(|_| "malformed enrollment event".to_owned())?;
        self.identity()
            .mark_enrollment_mailed(proto::identity::EnrollmentMailRef {
                code_id: code.to_string(),
            })
            .await
            .map_err(|s| format!("identity: {}", proto::errors::describe(&s)))?;
        Ok(())
    }
}
