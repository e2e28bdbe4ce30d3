//! Identity's use cases: log in, check a session, log out, bootstrap the operator. Each one reads
//! and writes through the store and decides through the domain.

use crate::domain::ca::{self, DeviceRequest, Kek, P12Profile};
use crate::domain::password;
use crate::domain::session::{self, SessionPolicy, SessionState, SessionVerdict};
use crate::domain::{DomainError, LoginId, Role, UserStatus};
use crate::error::{Error, Result};
use crate::store::{CaRow, NewDevice, Store, UserRow};
use base64::Engine;
use common::clock::SharedClock;
use rand::Rng;
use sha2::Digest;
use uuid::Uuid;

fn random<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    rand::rng().fill(&mut buf[..]);
    buf
}

fn token_hash(token: &str) -> Vec<u8> {
    sha2::Sha256::digest(token.as_bytes()).to_vec()
}

/// The CA loaded at start: its key decrypted once, kept in memory only.
pub struct DeviceCa {
    pub cert_pem: String,
    key_pem: String,
}

/// Loads the CA, or creates it when the database has none. A CA that exists but cannot be
/// decrypted stops the service: a new CA would silently invalidate every device certificate.
pub async fn load_or_create_ca(store: &Store, kek: &Kek, clock: &SharedClock) -> Result<DeviceCa> {
    if store.load_ca().await?.is_none() {
        let created = ca::create_ca(clock.now())?;
        let nonce = random::<12>();
        let sealed = kek.seal(nonce, created.key_pem.as_bytes())?;
        let row = CaRow {
            cert_pem: created.cert_pem,
            key_nonce: nonce.to_vec(),
            key_sealed: sealed,
        };
        store.insert_ca(&row, clock.now()).await?;
        tracing::info!("device CA created");
    }
    let row = store
        .load_ca()
        .await?
        .ok_or_else(|| Error::Internal("device CA missing after creation".into()))?;
    let key = kek.open(&row.key_nonce, &row.key_sealed)?;
    let key_pem =
        String::from_utf8(key).map_err(|_| Error::Internal("device CA key is not PEM".into()))?;
    Ok(DeviceCa {
        cert_pem: row.cert_pem,
        key_pem,
    })
}

pub struct Opened {
    pub token: String,
    pub csrf: String,
    pub user: UserRow,
}

pub struct Authenticated {
    pub user: UserRow,
    pub csrf: String,
}

pub struct Identity {
    store: Store,
    clock: SharedClock,
    policy: SessionPolicy,
    ca: DeviceCa,
    cert_days: i64,
}

impl Identity {
    #[must_use]
    pub fn new(
        store: Store,
        clock: SharedClock,
        policy: SessionPolicy,
        ca: DeviceCa,
        cert_days: i64,
    ) -> Self {
        Self {
            store,
            clock,
            policy,
            ca,
            cert_days,
        }
    }

    #[must_use]
    pub fn ca_pem(&self) -> &str {
        &self.ca.cert_pem
    }

    pub async fn login(
        &self,
        login_id: &str,
        password_given: &str,
        serial: &str,
    ) -> Result<Opened> {
        let now = self.clock.now();
        if !self.store.device_in_use(serial, now).await? {
            return Err(DomainError::Certificate("unknown or revoked device".into()).into());
        }
        let user = match LoginId::parse(login_id) {
            Ok(id) => self.store.user_by_login(id.as_str()).await?,
            Err(_) => None,
        };
        let Some(user) = user else {
            // Same work as a wrong password, so timing does not tell whether the ID exists.
            let _ = password::verify(password_given, password::DUMMY_HASH);
            return Err(DomainError::BadCredentials.into());
        };
        if user.locked_until.is_some_and(|until| until > now) {
            return Err(DomainError::Locked.into());
        }
        if !password::verify(password_given, &user.password_hash) {
            let lock = session::lockout_after(user.failed_logins + 1).map(|d| now + d);
            self.store.record_login_failure(user.id, lock).await?;
            tracing::info!(user_id = %user.id, locked = lock.is_some(), "login failed");
            return Err(if lock.is_some() {
                DomainError::Locked
            } else {
                DomainError::BadCredentials
            }
            .into());
        }
        match UserStatus::parse(&user.status) {
            Some(UserStatus::Active) => {}
            Some(UserStatus::Suspended) => return Err(DomainError::Suspended.into()),
            _ => return Err(DomainError::BadCredentials.into()),
        }
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let token = b64.encode(random::<32>());
        let csrf = b64.encode(random::<32>());
        self.store
            .open_session(
                user.id,
                &token_hash(&token),
                serial,
                &csrf,
                now,
                now + self.policy.absolute,
            )
            .await?;
        tracing::info!(user_id = %user.id, "login succeeded");
        Ok(Opened { token, csrf, user })
    }

    pub async fn authenticate(&self, token: &str, serial: &str) -> Result<Authenticated> {
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
        if session::judge(&state, serial, self.policy, now) != SessionVerdict::Valid {
            self.store.delete_session(&hash).await?;
            return Err(DomainError::SessionInvalid.into());
        }
        let user = self.store.user_by_id(row.user_id).await?;
        let Some(user) = user.filter(|u| u.status == "active") else {
            self.store.delete_session(&hash).await?;
            return Err(DomainError::SessionInvalid.into());
        };
        // Writing on every request would make each page a database write; a few seconds of
        // slack on the idle timer is harmless.
        if now - row.last_seen_at > chrono::Duration::seconds(15) {
            self.store.touch_session(&hash, now).await?;
        }
        Ok(Authenticated {
            user,
            csrf: row.csrf_token,
        })
    }

    pub async fn logout(&self, token: &str) -> Result<()> {
        self.store.delete_session(&token_hash(token)).await?;
        Ok(())
    }

    /// Creates the operator account (if absent) and issues a device certificate for it.
    pub async fn bootstrap_operator(&self, req: &BootstrapRequest) -> Result<BootstrapOutcome> {
        let now = self.clock.now();
        let login = LoginId::parse(&req.login_id)?;
        password::check_policy(&req.password, login.as_str()).map_err(DomainError::WeakPassword)?;
        let hash = password::hash(&req.password, &random::<16>()).map_err(Error::Internal)?;
        let user = UserRow {
            id: Uuid::now_v7(),
            login_id: login.as_str().to_owned(),
            name: req.name.clone(),
            office_id: req.office_id,
            role: Role::Operator.as_str().to_owned(),
            password_hash: hash,
            must_change_password: false,
            status: "active".into(),
            failed_logins: 0,
            locked_until: None,
        };
        let user_created = self.store.insert_user_if_absent(&user, now).await?;
        let issued = ca::issue_device(
            &self.ca.cert_pem,
            &self.ca.key_pem,
            &DeviceRequest {
                office_name: &req.office_name,
                device_label: &req.device_label,
                serial: random::<16>(),
                not_before: now - chrono::Duration::minutes(5),
                not_after: now + chrono::Duration::days(self.cert_days),
            },
        )?;
        self.store
            .insert_device(&NewDevice {
                serial: &issued.serial_hex,
                office_id: req.office_id,
                label: &req.device_label,
                fingerprint: &issued.fingerprint_sha256,
                not_before: now - chrono::Duration::minutes(5),
                not_after: now + chrono::Duration::days(self.cert_days),
                issued_at: now,
            })
            .await?;
        let ca_der = pem_to_der(&self.ca.cert_pem)?;
        let p12 = ca::pkcs12(
            &issued,
            &ca_der,
            &req.device_label,
            &req.p12_password,
            P12Profile::Aes256,
        )?;
        Ok(BootstrapOutcome {
            user_created,
            serial: issued.serial_hex,
            p12,
            cert_pem: issued.cert_pem,
            key_pem: issued.key_pem,
        })
    }
}

fn pem_to_der(pem: &str) -> Result<Vec<u8>> {
    x509_parser::pem::parse_x509_pem(pem.as_bytes())
        .map(|(_, p)| p.contents)
        .map_err(|e| Error::Internal(format!("CA PEM: {e}")))
}

pub struct BootstrapRequest {
    pub office_id: Uuid,
    pub office_name: String,
    pub login_id: String,
    pub name: String,
    pub password: String,
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
