//! Logging in and out, checking a session on every request, changing one's own password.

use super::{Identity, random, token_hash};
use crate::domain::session::{self, SessionState, SessionVerdict};
use crate::domain::{DomainError, LoginId, UserStatus};
use crate::domain::{access, password};
use crate::error::Result;
use crate::events::{SESSION_ENDED, SessionEnded};
use crate::store::UserRow;
use base64::Engine;
use common::audit::AuditRecord;
use common::ids::{CertSerial, UserId};

/// Failed logins from one device in `DEVICE_WINDOW` before it is refused for a while: enough for
/// a busy office, far too few to try many IDs.
const MAX_DEVICE_FAILURES: i64 = 20;
const DEVICE_WINDOW: chrono::Duration = chrono::Duration::minutes(15);

pub struct Opened {
    pub token: String,
    pub csrf: String,
    pub user: UserRow,
}

pub struct Authenticated {
    pub user: UserRow,
    pub csrf: String,
    /// When the session ends unless it is used again.
    pub ends_at: chrono::DateTime<chrono::Utc>,
}

/// Whether a session check is the user's doing (a page, a call) or an open page re-checking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    Active,
    Passive,
}

impl Identity {
    pub async fn login(
        &self,
        login_id: &str,
        password_given: &str,
        serial: &CertSerial,
    ) -> Result<Opened> {
        // Checked at the edge; the store and the audit trail keep it as text.
        let serial = serial.as_str();
        let now = self.clock.now();
        let device = AuditRecord::new("session.login", "denied").by(None, None, Some(serial));
        let Some((device_office, device_office_name)) =
            self.store.device_in_use(serial, now).await?
        else {
            self.store
                .publish(&[self.audit(&device.with(serde_json::json!({"reason": "device"})))?])
                .await?;
            return Err(
                DomainError::Certificate("unknown, revoked or expired device".into()).into(),
            );
        };
        if self
            .store
            .failures_from_device(serial, now - DEVICE_WINDOW)
            .await?
            >= MAX_DEVICE_FAILURES
        {
            self.store
                .publish(&[self.audit(&device.with(serde_json::json!({"reason": "device_rate"})))?])
                .await?;
            return Err(DomainError::RateLimited.into());
        }
        // The lock is keyed by what was typed, so unknown IDs lock exactly like real ones.
        let key = login_id.trim().to_lowercase();
        let (failures, locked_until) = self.store.login_lock(&key).await?;
        if locked_until.is_some_and(|until| until > now) {
            return Err(DomainError::Locked.into());
        }
        let user = match LoginId::parse(login_id) {
            Ok(id) => self.store.user_by_login(id.as_str()).await?,
            Err(_) => None,
        };
        // An unknown ID costs the same work as a wrong password, so timing does not tell
        // whether the ID exists.
        let stored = user
            .as_ref()
            .map_or(password::DUMMY_HASH, |u| u.password_hash.as_str());
        let verified = self.password_matches(password_given, stored).await? && user.is_some();
        let Some(user) = user.filter(|_| verified) else {
            let lock = session::lockout_after(failures + 1).map(|d| now + d);
            let mut record =
                device.with(serde_json::json!({"reason": "credentials", "locked": lock.is_some()}));
            if let Some(u) = self.store.user_by_login(&key).await? {
                record = record.on("user", &u.id);
            }
            let events = [self.audit(&record)?];
            self.store
                .record_login_failure(&key, serial, failures + 1, lock, now, &events)
                .await?;
            return Err(if lock.is_some() {
                DomainError::Locked
            } else {
                DomainError::BadCredentials
            }
            .into());
        };
        match user.status {
            UserStatus::Active => {}
            UserStatus::Suspended => {
                let record = device
                    .on("user", &user.id)
                    .with(serde_json::json!({"reason": "suspended"}));
                self.store.publish(&[self.audit(&record)?]).await?;
                return Err(DomainError::Suspended.into());
            }
            UserStatus::Deactivated => return Err(DomainError::BadCredentials.into()),
        }
        // Checked once the password is known to be right, so the refusal tells nothing about
        // an ID to someone who does not know its password.
        let partner = user.office_id != device_office
            && self.store.is_partner(user.office_id, device_office).await?;
        if !access::may_sign_in_on(user.office_id, device_office, partner) {
            let record = device.on("user", &user.id).with(serde_json::json!({
                "reason": "office",
                "device_office_id": device_office,
                "user_office_id": user.office_id,
            }));
            self.store.publish(&[self.audit(&record)?]).await?;
            return Err(DomainError::OtherOfficeDevice(device_office_name).into());
        }
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let token = b64.encode(random::<32>());
        let csrf = b64.encode(random::<32>());
        let record = AuditRecord::new("session.login", "success")
            .by(
                Some(user.id.as_uuid()),
                Some(user.office_id.as_uuid()),
                Some(serial),
            )
            .on("user", &user.id);
        let events = [self.audit(&record)?];
        self.store
            .open_session(
                user.id,
                &key,
                &token_hash(&token),
                serial,
                &csrf,
                now,
                now + self.rules.session.absolute,
                &events,
            )
            .await?;
        tracing::info!(user_id = %user.id, "login succeeded");
        Ok(Opened { token, csrf, user })
    }

    pub async fn authenticate(&self, token: &str, serial: &CertSerial) -> Result<Authenticated> {
        self.check_session(token, serial, Use::Active).await
    }

    /// The event that tells every gateway to end the open streams of this session.
    fn session_ended(&self, user: UserId, hash: &[u8]) -> Result<common::events::CloudEvent> {
        self.event(
            SESSION_ENDED,
            user.to_string(),
            &SessionEnded {
                session_sha256: hex::encode(hash),
            },
        )
    }

    pub async fn check_session(
        &self,
        token: &str,
        serial: &CertSerial,
        activity: Use,
    ) -> Result<Authenticated> {
        let serial = serial.as_str();
        let now = self.clock.now();
        let hash = token_hash(token);
        let Some(row) = self.store.session(&hash).await? else {
            return Err(DomainError::SessionInvalid.into());
        };
        let state = SessionState {
            cert_serial: row.cert_serial.clone(),
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        };
        let verdict = session::judge(&state, serial, self.rules.session, now);
        if verdict != SessionVerdict::Valid {
            let mut events = vec![self.session_ended(row.user_id, &hash)?];
            if verdict == SessionVerdict::WrongCertificate {
                let record = AuditRecord::new("session.other_certificate", "denied")
                    .by(Some(row.user_id.as_uuid()), None, Some(serial))
                    .on("user", &row.user_id);
                events.push(self.audit(&record)?);
            }
            self.store.delete_session(&hash, &events).await?;
            return Err(DomainError::SessionInvalid.into());
        }
        let user = self.store.user_by_id(row.user_id).await?;
        let Some(user) = user.filter(|u| u.status.is_active()) else {
            self.store
                .delete_session(&hash, &[self.session_ended(row.user_id, &hash)?])
                .await?;
            return Err(DomainError::SessionInvalid.into());
        };
        // Writing on every request would make each page a database write; a few seconds of
        // slack on the idle timer is harmless (a quarter of it when it is short).
        let slack = (self.rules.session.idle / 4).min(chrono::Duration::seconds(15));
        let mut last_seen = row.last_seen_at;
        if activity == Use::Active && now - last_seen > slack {
            self.store.touch_session(&hash, now).await?;
            last_seen = now;
        }
        Ok(Authenticated {
            user,
            csrf: row.csrf_token,
            ends_at: (last_seen + self.rules.session.idle).min(row.expires_at),
        })
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        let hash = token_hash(token);
        let mut events = Vec::new();
        if let Some(row) = self.store.session(&hash).await? {
            let record = AuditRecord::new("session.logout", "success")
                .by(Some(row.user_id.as_uuid()), None, Some(&row.cert_serial))
                .on("user", &row.user_id);
            events.push(self.audit(&record)?);
            events.push(self.session_ended(row.user_id, &hash)?);
        }
        self.store.delete_session(&hash, &events).await?;
        Ok(())
    }

    pub async fn change_password(
        &self,
        token: &str,
        serial: &CertSerial,
        current: &str,
        new: &str,
    ) -> Result<()> {
        let auth = self.authenticate(token, serial).await?;
        let serial = serial.as_str();
        let user = auth.user;
        if !self.password_matches(current, &user.password_hash).await? {
            return Err(DomainError::WrongCurrentPassword.into());
        }
        password::check_policy(new, &user.login_id).map_err(DomainError::WeakPassword)?;
        if new == current {
            return Err(DomainError::WeakPassword(password::Weakness::Reused).into());
        }
        let hash = self.password_hash(new).await?;
        let record = AuditRecord::new("user.password_change", "success")
            .by(
                Some(user.id.as_uuid()),
                Some(user.office_id.as_uuid()),
                Some(serial),
            )
            .on("user", &user.id);
        self.store
            .set_password(
                user.id,
                &hash,
                false,
                self.clock.now(),
                &[self.audit(&record)?],
            )
            .await?;
        Ok(())
    }
}
