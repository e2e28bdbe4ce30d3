//! Device certificates: enrollment codes, enrollment, listing, revocation, requests for more
//! (the bootstrap operator's first one is in `bootstrap`).

use super::{Identity, random};
use crate::domain::DomainError;
use crate::domain::access::{self, Actor};
use crate::domain::ca::{self, DeviceRequest, IssuedDevice, P12Profile};
use crate::domain::enrollment::{self, CodeState};
use crate::error::Result;
use crate::events::{CERTIFICATE_REVOKED, CertificateRevoked};
use crate::store::{CertificateRow, NewDevice, RequestRow};
use common::audit::AuditRecord;
use common::ids::OfficeId;
use sha2::Digest;
use subtle::ConstantTimeEq;
use uuid::Uuid;

pub struct Enrolled {
    pub p12: Vec<u8>,
    pub serial: String,
    pub label: String,
    pub office_name: String,
    pub not_after: chrono::DateTime<chrono::Utc>,
}

pub(super) fn secret_hash(secret: &str) -> Vec<u8> {
    sha2::Sha256::digest(secret.as_bytes()).to_vec()
}

/// A device certificate just issued, with its PKCS#12 file.
pub(super) struct Issued {
    pub(super) device: IssuedDevice,
    pub(super) p12: Vec<u8>,
    pub(super) not_before: chrono::DateTime<chrono::Utc>,
    pub(super) not_after: chrono::DateTime<chrono::Utc>,
}

impl Identity {
    /// Issues a certificate for `label` of `office_name` and packs it as PKCS#12 under
    /// `p12_password`, on the CPU pool (key generation, signing and the file's key derivation).
    pub(super) async fn issue(
        &self,
        office_name: &str,
        label: &str,
        p12_password: &str,
        profile: P12Profile,
    ) -> Result<Issued> {
        let now = self.clock.now();
        let not_before = now - chrono::Duration::minutes(5);
        let not_after = now + self.rules.cert_validity;
        let ca = self.ca.clone();
        let (office_name, label, p12_password) = (
            office_name.to_owned(),
            label.to_owned(),
            p12_password.to_owned(),
        );
        let serial = random::<16>();
        let (device, p12) = self
            .cpu
            .run(move || -> Result<_> {
                let device = ca::issue_device(
                    &ca.cert_pem,
                    &ca.key_pem,
                    &DeviceRequest {
                        office_name: &office_name,
                        device_label: &label,
                        serial,
                        not_before,
                        not_after,
                    },
                )?;
                let p12 = ca::pkcs12(&device, &ca.der()?, &label, &p12_password, profile)?;
                Ok((device, p12))
            })
            .await??;
        Ok(Issued {
            device,
            p12,
            not_before,
            not_after,
        })
    }

    /// 初回の証明書設定: a valid code buys one certificate, once. Every refusal looks the same.
    pub async fn enroll(
        &self,
        number: &str,
        secret: &str,
        label: &str,
        p12_password: &str,
        legacy: bool,
        source: &str,
    ) -> Result<Enrolled> {
        let now = self.clock.now();
        let label = enrollment::device_label(label)?;
        enrollment::p12_password(p12_password)?;
        let attempts = self
            .store
            .count_enrollment_attempt(source, now, now - enrollment::SOURCE_WINDOW)
            .await?;
        if attempts > enrollment::MAX_SOURCE_ATTEMPTS {
            return Err(DomainError::RateLimited.into());
        }
        let refused = |why: &str| {
            AuditRecord::new("certificate.enroll", "denied")
                .with(serde_json::json!({"reason": why, "source": source}))
        };
        let Some(number) = enrollment::normalize_number(number) else {
            return Err(DomainError::EnrollmentRefused.into());
        };
        let Some(code) = self.store.code(&number).await? else {
            self.store
                .publish(&[self.audit(&refused("unknown"))?])
                .await?;
            return Err(DomainError::EnrollmentRefused.into());
        };
        let state = CodeState {
            expires_at: code.expires_at,
            used: code.used_at.is_some(),
            failures: code.failures,
        };
        if enrollment::usable(&state, now).is_err() {
            self.store
                .publish(&[self.audit(&refused("unusable").on("office", &code.office_id))?])
                .await?;
            return Err(DomainError::EnrollmentRefused.into());
        }
        let given = enrollment::normalize_secret(secret)
            .map(|s| secret_hash(&s))
            .unwrap_or_default();
        if !bool::from(given.ct_eq(&code.secret_hash)) {
            let events = [self.audit(&refused("secret").on("office", &code.office_id))?];
            self.store.record_code_failure(&number, &events).await?;
            return Err(DomainError::EnrollmentRefused.into());
        }
        let profile = if legacy {
            P12Profile::Legacy3Des
        } else {
            P12Profile::Aes256
        };
        let Issued {
            device: issued,
            p12,
            not_before,
            not_after,
        } = self
            .issue(&code.office_name, &label, p12_password, profile)
            .await?;
        let device = NewDevice {
            serial: &issued.serial_hex,
            office_id: code.office_id,
            office_name: &code.office_name,
            label: &label,
            fingerprint: &issued.fingerprint_sha256,
            not_before,
            not_after,
            issued_at: now,
        };
        let record = AuditRecord::new("certificate.issue", "success")
            .by(
                None,
                Some(code.office_id.as_uuid()),
                Some(&issued.serial_hex),
            )
            .on("certificate", &issued.serial_hex)
            .with(serde_json::json!({"number": number, "legacy_p12": legacy}));
        if !self
            .store
            .redeem_code(&number, &device, &[self.audit(&record)?])
            .await?
        {
            return Err(DomainError::EnrollmentRefused.into());
        }
        Ok(Enrolled {
            p12,
            serial: issued.serial_hex,
            label,
            office_name: code.office_name,
            not_after,
        })
    }

    pub async fn list_certificates(
        &self,
        actor: &Actor,
        office: Option<OfficeId>,
        query: &str,
    ) -> Result<Vec<CertificateRow>> {
        let office = if actor.is_operator() {
            office
        } else {
            Some(actor.office_id)
        };
        if let Some(o) = office {
            access::may_manage_certificates_of(actor, o)?;
        }
        if query.chars().count() > 50 {
            return Err(DomainError::Invalid("query").into());
        }
        Ok(self.store.list_certificates(office, query.trim()).await?)
    }

    /// Revokes at once; gateways learn by event and refuse it on their next request.
    pub async fn revoke_certificate(
        &self,
        actor: &Actor,
        serial: &str,
        reason: &str,
    ) -> Result<CertificateRow> {
        let cert = self
            .store
            .certificate(serial)
            .await?
            .ok_or(DomainError::NotFound)?;
        access::may_manage_certificates_of(actor, cert.office_id)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(DomainError::Invalid("reason").into());
        }
        let record = Self::audit_by(actor, "certificate.revoke", "success")
            .on("certificate", &serial)
            .with(serde_json::json!({"reason": reason}));
        let revoked = self.event(
            CERTIFICATE_REVOKED,
            serial.to_owned(),
            &CertificateRevoked {
                serial: serial.to_owned(),
                office_id: cert.office_id.to_string(),
            },
        )?;
        self.store
            .revoke(
                serial,
                reason,
                self.clock.now(),
                &[self.audit(&record)?, revoked],
            )
            .await?;
        self.store
            .certificate(serial)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    /// 追加発行: an office admin asks the city for another certificate.
    pub async fn request_certificate(
        &self,
        actor: &Actor,
        office_name: &str,
        note: &str,
    ) -> Result<RequestRow> {
        access::may_request_certificate(actor)?;
        let note = note.trim();
        if note.chars().count() > 200 || office_name.trim().is_empty() {
            return Err(DomainError::Invalid("note").into());
        }
        let row = RequestRow {
            id: Uuid::now_v7(),
            office_id: actor.office_id,
            office_name: office_name.trim().to_owned(),
            requested_by: actor.user_id,
            note: note.to_owned(),
            created_at: self.clock.now(),
            done_at: None,
        };
        let record =
            Self::audit_by(actor, "certificate.request", "success").on("office", &actor.office_id);
        self.store
            .insert_request(&row, &[self.audit(&record)?])
            .await?;
        Ok(row)
    }

    /// An office withdrew (利用廃止): its people and devices stop at once.
    pub async fn office_withdrawn(
        &self,
        event: common::events::CloudEvent,
    ) -> common::events::Handled {
        use common::events::Handled;
        let Some(office) = event
            .data_of(proto::events::OFFICE_WITHDRAWN)
            .ok()
            .and_then(|w| w.office_id.parse::<OfficeId>().ok())
        else {
            return Handled::Reject("office_id missing".into());
        };
        let now = self.clock.now();
        let make = |serial: &str| {
            self.event(
                CERTIFICATE_REVOKED,
                serial.to_owned(),
                &CertificateRevoked {
                    serial: serial.to_owned(),
                    office_id: office.to_string(),
                },
            )
            .ok()
        };
        match self
            .store
            .withdraw_office(crate::events::OFFICES_CONSUMER, event.id, office, now, make)
            .await
        {
            Ok(n) => {
                tracing::info!(office_id = %office, revoked = n, "office withdrawn");
                Handled::Done
            }
            Err(e) => Handled::Retry(e.to_string()),
        }
    }

    pub async fn list_requests(&self, actor: &Actor) -> Result<Vec<RequestRow>> {
        access::may_issue_enrollment_codes(actor)?;
        Ok(self.store.open_requests().await?)
    }

    /// The device CA's current CRL, valid for a day.
    pub async fn crl(&self) -> Result<String> {
        let revoked = self.store.revoked_with_times().await?;
        let now = self.clock.now();
        Ok(ca::crl(
            &self.ca.cert_pem,
            &self.ca.key_pem,
            &revoked,
            now,
            now + chrono::Duration::days(1),
        )?)
    }

    pub async fn revocations(&self) -> Result<Vec<String>> {
        Ok(self.store.revoked_serials().await?)
    }
}

impl Identity {
    /// Raises `identity.certificate.expiring` once for each device certificate that expires
    /// within `days`, so its office's admins can ask for a new one in time.
    pub async fn warn_expiring(&self, days: i64) -> Result<usize> {
        let now = self.clock.now();
        Ok(self
            .store
            .warn_expiring(now, now + chrono::Duration::days(days), |c| {
                self.event(
                    crate::events::CERTIFICATE_EXPIRING,
                    c.serial.clone(),
                    &crate::events::CertificateExpiring {
                        serial: c.serial.clone(),
                        office_id: c.office_id.to_string(),
                        office_name: c.office_name.clone(),
                        label: c.label.clone(),
                        not_after: c
                            .not_after
                            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    },
                )
                .ok()
            })
            .await?)
    }
}
