//! Identity's use cases, one module per area. Each reads and writes through the store, decides
//! through the domain, and writes its events (audit included) in the same transaction.

pub mod accounts;
mod approvals;
pub mod audit;
mod blocking;
mod bootstrap;
mod certificates;
mod enrollment;
mod partners;
mod sessions;
mod stats;

pub use blocking::CpuPool;
pub use bootstrap::BootstrapRequest;
pub use sessions::Use;

use crate::domain::access::Actor;
use crate::domain::ca::{self, Kek};
use crate::domain::session::SessionPolicy;
use crate::error::{Error, Result};
use crate::store::{CaRow, Store};
use common::audit::AuditRecord;
use common::clock::SharedClock;
use common::events::CloudEvent;
use common::ids::CertSerial;
use rand::Rng;
use sha2::Digest;
use std::sync::Arc;

pub(crate) fn random<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    rand::rng().fill(&mut buf[..]);
    buf
}

pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    sha2::Sha256::digest(token.as_bytes()).to_vec()
}

/// The CA loaded at start: its key decrypted once, kept in memory only.
pub struct DeviceCa {
    pub cert_pem: String,
    key_pem: String,
}

impl DeviceCa {
    fn der(&self) -> Result<Vec<u8>> {
        x509_parser::pem::parse_x509_pem(self.cert_pem.as_bytes())
            .map(|(_, p)| p.contents)
            .map_err(|e| Error::Internal(format!("CA PEM: {e}")))
    }
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

/// Key-encryption key rotation: the CA's private key and the enrollment secrets waiting to be
/// mailed, opened with the current key, are sealed with the new one. Run with identity stopped;
/// start it again with the new key.
pub async fn rotate_kek(store: &Store, current: &Kek, new: &Kek) -> Result<()> {
    let row = store
        .load_ca()
        .await?
        .ok_or_else(|| Error::Internal("no device CA to re-seal".into()))?;
    let key = current.open(&row.key_nonce, &row.key_sealed)?;
    let nonce = random::<12>();
    let sealed = new.seal(nonce, &key)?;
    // Refuse to write what could not be read back.
    if new.open(&nonce, &sealed)? != key {
        return Err(Error::Internal("re-sealed key does not open".into()));
    }
    let mut secrets = Vec::new();
    for code in store.all_unmailed().await? {
        let purpose = ca::enrollment_secret_purpose(code.id);
        let plain = current.open_for(&purpose, &code.mail_nonce, &code.mail_sealed)?;
        let nonce = random::<12>();
        secrets.push((
            code.id,
            nonce.to_vec(),
            new.seal_for(&purpose, nonce, &plain)?,
        ));
    }
    store.reseal(&nonce, &sealed, &secrets).await?;
    Ok(())
}

/// The rules identity is configured with.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    pub session: SessionPolicy,
    pub cert_validity: chrono::Duration,
    pub code_days: i64,
}

pub struct Identity {
    store: Store,
    clock: SharedClock,
    rules: Rules,
    ca: Arc<DeviceCa>,
    /// Seals the enrollment secrets waiting to be mailed.
    kek: Kek,
    cpu: CpuPool,
    /// Office names and addresses, and approved offices' first admins (absent in the
    /// subcommands, which never need them).
    offices: Option<crate::offices::Offices>,
}

impl Identity {
    #[must_use]
    pub fn new(
        store: Store,
        clock: SharedClock,
        rules: Rules,
        ca: DeviceCa,
        kek: Kek,
        cpu: CpuPool,
    ) -> Self {
        Self {
            store,
            clock,
            rules,
            ca: Arc::new(ca),
            kek,
            cpu,
            offices: None,
        }
    }

    /// Identity as it serves: asking offices for office names, addresses and approved admins.
    #[must_use]
    pub fn with_offices(mut self, offices: crate::offices::Offices) -> Self {
        self.offices = Some(offices);
        self
    }

    fn offices(&self) -> Result<&crate::offices::Offices> {
        self.offices
            .as_ref()
            .ok_or_else(|| Error::Internal("offices is not known to this process".into()))
    }

    /// Whether `given` is the password hashed in `stored` (argon2id, on the CPU pool).
    async fn password_matches(&self, given: &str, stored: &str) -> Result<bool> {
        let (given, stored) = (given.to_owned(), stored.to_owned());
        self.cpu
            .run(move || crate::domain::password::verify(&given, &stored))
            .await
    }

    /// An argon2id hash of `password` with a fresh salt, on the CPU pool.
    async fn password_hash(&self, password: &str) -> Result<String> {
        let (password, salt) = (password.to_owned(), random::<16>());
        self.cpu
            .run(move || crate::domain::password::hash(&password, &salt))
            .await?
            .map_err(Error::Internal)
    }

    #[must_use]
    pub fn ca_pem(&self) -> &str {
        &self.ca.cert_pem
    }

    /// An audit event for `record`, in the current trace.
    fn audit(&self, record: &AuditRecord) -> Result<CloudEvent> {
        record
            .event(self.clock.as_ref(), "identity")
            .map_err(|e| Error::Internal(e.to_string()))
    }

    /// An audit record of something `actor` did.
    fn audit_by(actor: &Actor, action: &str, outcome: &str) -> AuditRecord {
        AuditRecord::new(action, outcome).by(
            Some(actor.user_id.as_uuid()),
            Some(actor.office_id.as_uuid()),
            actor.cert_serial.as_ref().map(CertSerial::as_str),
        )
    }

    fn event<E: serde::Serialize>(
        &self,
        kind: proto::events::Subject<E>,
        subject: String,
        data: &E,
    ) -> Result<CloudEvent> {
        CloudEvent::of(
            self.clock.as_ref(),
            crate::events::SOURCE,
            kind,
            Some(subject),
            data,
        )
        .map_err(|e| Error::Internal(e.to_string()))
    }
}
