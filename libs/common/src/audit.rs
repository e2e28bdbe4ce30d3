//! The audit record every service emits (through its outbox) for each read and write that must
//! be traceable; identity appends them to its hash-chained audit trail. Records name people by
//! id only.

use crate::clock::Clock;
use crate::events::CloudEvent;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AuditRecord {
    pub actor_user_id: Option<Uuid>,
    pub actor_office_id: Option<Uuid>,
    pub cert_serial: Option<String>,
    /// Dotted verb, e.g. `session.login`, `user.create`, `certificate.revoke`.
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// `success`, `denied` or `failure`.
    pub outcome: String,
    #[serde(default)]
    pub details: serde_json::Value,
}

impl AuditRecord {
    #[must_use]
    pub fn new(action: &str, outcome: &str) -> Self {
        Self {
            actor_user_id: None,
            actor_office_id: None,
            cert_serial: None,
            action: action.into(),
            target_type: None,
            target_id: None,
            outcome: outcome.into(),
            details: serde_json::Value::Null,
        }
    }

    #[must_use]
    pub fn by(
        mut self,
        user: Option<Uuid>,
        office: Option<Uuid>,
        cert_serial: Option<&str>,
    ) -> Self {
        self.actor_user_id = user;
        self.actor_office_id = office;
        self.cert_serial = cert_serial.filter(|s| !s.is_empty()).map(str::to_owned);
        self
    }

    #[must_use]
    pub fn on(mut self, target_type: &str, target_id: &impl ToString) -> Self {
        self.target_type = Some(target_type.into());
        self.target_id = Some(target_id.to_string());
        self
    }

    #[must_use]
    pub fn with(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    /// The event `audit.<service>.<action>` carrying this record.
    pub fn event(&self, clock: &dyn Clock, service: &str) -> Result<CloudEvent, serde_json::Error> {
        CloudEvent::new(
            clock,
            &format!("renrakucho/{service}"),
            &format!("{}{service}.{}", proto::events::AUDIT_PREFIX, self.action),
            self.target_id.clone(),
            self,
        )
    }
}
