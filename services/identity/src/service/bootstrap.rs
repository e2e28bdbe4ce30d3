//! The city's first operator: the account and its first device certificate, made at start-up
//! so that someone can sign in to approve the first offices.

use super::Identity;
use super::certificates::Issued;
use crate::domain::ca::P12Profile;
use crate::domain::{DomainError, LoginId, Role, password, person_name};
use crate::error::Result;
use crate::store::{NewDevice, NewUser, StoreError};
use common::audit::AuditRecord;
use common::ids::{OfficeId, UserId};

impl Identity {
    /// Creates the operator account (if absent) and issues a device certificate for it.
    pub async fn bootstrap_operator(&self, req: &BootstrapRequest) -> Result<BootstrapOutcome> {
        let now = self.clock.now();
        let login = LoginId::parse(&req.login_id)?;
        password::check_policy(&req.password, login.as_str()).map_err(DomainError::WeakPassword)?;
        let hash = self.password_hash(&req.password).await?;
        let name = person_name(&req.name)?;
        let user = NewUser {
            id: UserId::new_v7(),
            login_id: login.as_str(),
            name: &name,
            kana: "",
            profession: "事務",
            email: "",
            office_id: req.office_id,
            role: Role::Operator.as_str(),
            password_hash: &hash,
            must_change_password: req.must_change_password,
        };
        let user_created = match self.store.insert_user(&user, now, &[]).await {
            Ok(()) => true,
            Err(StoreError::Conflict(_)) => false,
            Err(e) => return Err(e.into()),
        };
        let Issued {
            device: issued,
            p12,
            not_before,
            not_after,
        } = self
            .issue(
                &req.office_name,
                &req.device_label,
                &req.p12_password,
                P12Profile::Aes256,
            )
            .await?;
        let device = NewDevice {
            serial: &issued.serial_hex,
            office_id: req.office_id,
            office_name: &req.office_name,
            label: &req.device_label,
            fingerprint: &issued.fingerprint_sha256,
            not_before,
            not_after,
            issued_at: now,
        };
        let record = AuditRecord::new("certificate.issue", "success")
            .by(
                None,
                Some(req.office_id.as_uuid()),
                Some(&issued.serial_hex),
            )
            .on("certificate", &issued.serial_hex)
            .with(serde_json::json!({"bootstrap": true}));
        self.store
            .insert_device(&device, &[self.audit(&record)?])
            .await?;
        Ok(BootstrapOutcome {
            user_created,
            serial: issued.serial_hex,
            p12,
            cert_pem: issued.cert_pem,
            key_pem: issued.key_pem,
        })
    }
}

pub struct BootstrapRequest {
    pub office_id: OfficeId,
    pub office_name: String,
    pub login_id: String,
    pub name: String,
    pub password: String,
    /// Set for a generated password, which sat in a file and a Secret before anyone typed it.
    pub must_change_password: bool,
    pub device_label: String,
    pub p12_password: String,
}

pub struct BootstrapOutcome {
    pub user_created: bool,
    pub serial: String,
    pub p12: Vec<u8>,
    pub cert_pem: String,
    pub key_pem: String,
}
