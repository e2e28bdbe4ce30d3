//! The device certificate authority: ECDSA P-256 certificates, one per PC or tablet, the
//! subject naming the office and the device; the CA key sealed with a key-encryption key (KEK).

use super::DomainError;
use chrono::{DateTime, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, SerialNumber,
};
use ring::aead::{AES_256_GCM, Aad, LessSafeKey, Nonce, UnboundKey};

const CA_COMMON_NAME: &str = "Renrakucho Device CA";
const SEAL_AAD: &[u8] = b"renrakucho-device-ca-key";

fn cert_err(e: impl std::fmt::Display) -> DomainError {
    DomainError::Certificate(e.to_string())
}

fn to_time(t: DateTime<Utc>) -> Result<time::OffsetDateTime, DomainError> {
    time::OffsetDateTime::from_unix_timestamp(t.timestamp()).map_err(cert_err)
}

/// The key-encryption key, 32 bytes, from `IDENTITY_CA_KEK` (base64). It seals the CA's private
/// key and the enrollment secrets waiting to be mailed, each under its own associated data so
/// that one sealed value cannot be passed off as another.
#[derive(Clone)]
pub struct Kek(LessSafeKey);

impl Kek {
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DomainError> {
        let key = UnboundKey::new(&AES_256_GCM, bytes).map_err(|_| {
            DomainError::Certificate("the key-encryption key must be 32 bytes".into())
        })?;
        Ok(Self(LessSafeKey::new(key)))
    }

    /// Seals the CA's private key.
    pub fn seal(&self, nonce: [u8; 12], plaintext: &[u8]) -> Result<Vec<u8>, DomainError> {
        self.seal_for(SEAL_AAD, nonce, plaintext)
    }

    pub fn open(&self, nonce: &[u8], sealed: &[u8]) -> Result<Vec<u8>, DomainError> {
        self.open_for(SEAL_AAD, nonce, sealed)
    }

    /// Seals `plaintext` for `purpose` (the associated data); only `open_for` with the same
    /// purpose opens it.
    pub fn seal_for(
        &self,
        purpose: &[u8],
        nonce: [u8; 12],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, DomainError> {
        let mut data = plaintext.to_vec();
        self.0
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(purpose),
                &mut data,
            )
            .map_err(|_| DomainError::Certificate("sealing failed".into()))?;
        Ok(data)
    }

    pub fn open_for(
        &self,
        purpose: &[u8],
        nonce: &[u8],
        sealed: &[u8],
    ) -> Result<Vec<u8>, DomainError> {
        let nonce = Nonce::try_assume_unique_for_key(nonce)
            .map_err(|_| DomainError::Certificate("bad nonce".into()))?;
        let mut data = sealed.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, Aad::from(purpose), &mut data)
            .map_err(|_| {
                DomainError::Certificate(
                    "a sealed value cannot be decrypted with IDENTITY_CA_KEK (wrong or rotated key?)".into(),
                )
            })?;
        Ok(plain.to_vec())
    }
}

/// The associated data an enrollment secret is sealed under: its code's id.
#[must_use]
pub fn enrollment_secret_purpose(code_id: uuid::Uuid) -> Vec<u8> {
    format!("renrakucho-enrollment-secret:{code_id}").into_bytes()
}

pub struct NewCa {
    pub cert_pem: String,
    pub key_pem: String,
}

pub fn create_ca(now: DateTime<Utc>) -> Result<NewCa, DomainError> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(cert_err)?;
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, CA_COMMON_NAME);
    dn.push(DnType::OrganizationName, "Renrakucho");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = to_time(now - chrono::Duration::minutes(5))?;
    params.not_after = to_time(now + chrono::Duration::days(365 * 20))?;
    let cert = params.self_signed(&key).map_err(cert_err)?;
    Ok(NewCa {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

pub struct DeviceRequest<'a> {
    pub office_name: &'a str,
    pub device_label: &'a str,
    pub serial: [u8; 16],
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

pub struct IssuedDevice {
    pub serial_hex: String,
    pub fingerprint_sha256: String,
    pub cert_der: Vec<u8>,
    pub cert_pem: String,
    pub key_der: Vec<u8>,
    pub key_pem: String,
}

pub fn issue_device(
    ca_cert_pem: &str,
    ca_key_pem: &str,
    req: &DeviceRequest<'_>,
) -> Result<IssuedDevice, DomainError> {
    let ca_key = KeyPair::from_pem(ca_key_pem).map_err(cert_err)?;
    let issuer = Issuer::from_ca_cert_pem(ca_cert_pem, ca_key).map_err(cert_err)?;
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(cert_err)?;
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, req.office_name);
    dn.push(DnType::CommonName, req.device_label);
    params.distinguished_name = dn;
    // The top bit is cleared so the DER integer stays positive and 16 bytes long.
    let mut serial = req.serial;
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.not_before = to_time(req.not_before)?;
    params.not_after = to_time(req.not_after)?;
    let cert = params.signed_by(&key, &issuer).map_err(cert_err)?;
    let der = cert.der().to_vec();
    Ok(IssuedDevice {
        serial_hex: hex::encode(serial),
        fingerprint_sha256: fingerprint(&der),
        cert_pem: cert.pem(),
        cert_der: der,
        key_der: key.serialize_der(),
        key_pem: key.serialize_pem(),
    })
}

/// A CRL of the device CA, for TLS terminators that read one (nginx's `ssl_crl`, rustls'
/// `with_crls`). `revoked` holds (serial hex, revocation time).
pub fn crl(
    ca_cert_pem: &str,
    ca_key_pem: &str,
    revoked: &[(String, DateTime<Utc>)],
    this_update: DateTime<Utc>,
    next_update: DateTime<Utc>,
) -> Result<String, DomainError> {
    let ca_key = KeyPair::from_pem(ca_key_pem).map_err(cert_err)?;
    let issuer = Issuer::from_ca_cert_pem(ca_cert_pem, ca_key).map_err(cert_err)?;
    let revoked_certs = revoked
        .iter()
        .map(|(serial, at)| {
            Ok(rcgen::RevokedCertParams {
                serial_number: SerialNumber::from_slice(&hex::decode(serial).map_err(cert_err)?),
                revocation_time: to_time(*at)?,
                reason_code: None,
                invalidity_date: None,
            })
        })
        .collect::<Result<Vec<_>, DomainError>>()?;
    let params = rcgen::CertificateRevocationListParams {
        this_update: to_time(this_update)?,
        next_update: to_time(next_update)?,
        crl_number: SerialNumber::from(u64::try_from(this_update.timestamp()).unwrap_or(0)),
        issuing_distribution_point: None,
        revoked_certs,
        key_identifier_method: rcgen::KeyIdMethod::Sha256,
    };
    params
        .signed_by(&issuer)
        .map_err(cert_err)?
        .pem()
        .map_err(cert_err)
}

#[must_use]
pub fn fingerprint(der: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(der))
}

/// Which PKCS#12 protection to use. AES is the default; the legacy profile exists only for
/// devices (older macOS, Android, Windows Server) that cannot import AES-protected files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    dead_code,
    reason = "the legacy profile is chosen on the enrollment page"
)]
pub enum P12Profile {
    Aes256,
    Legacy3Des,
}

pub fn pkcs12(
    issued: &IssuedDevice,
    ca_der: &[u8],
    label: &str,
    password: &str,
    profile: P12Profile,
) -> Result<Vec<u8>, DomainError> {
    use p12_keystore::{
        Certificate, EncryptionAlgorithm, KeyStore, KeyStoreEntry, MacAlgorithm, PrivateKey,
        PrivateKeyChain,
    };
    let key = PrivateKey::from_der(&issued.key_der).map_err(cert_err)?;
    let chain = vec![
        Certificate::from_der(&issued.cert_der).map_err(cert_err)?,
        Certificate::from_der(ca_der).map_err(cert_err)?,
    ];
    let local_id = hex::decode(&issued.fingerprint_sha256).map_err(cert_err)?;
    let mut store = KeyStore::new();
    store.add_entry(
        label,
        KeyStoreEntry::PrivateKeyChain(PrivateKeyChain::new(local_id, key, chain)),
    );
    let writer = store.writer(password);
    let writer = match profile {
        P12Profile::Aes256 => writer
            .encryption_algorithm(EncryptionAlgorithm::PbeWithHmacSha256AndAes256)
            .mac_algorithm(MacAlgorithm::HmacSha256),
        P12Profile::Legacy3Des => writer
            .encryption_algorithm(EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc)
            .mac_algorithm(MacAlgorithm::HmacSha1),
    };
    writer.write().map_err(cert_err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::FromDer;

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-01T00:00:00Z")
            .unwrap()
            .into()
    }

    #[test]
    fn kek_round_trips_and_refuses_another_key() {
        let kek = Kek::from_bytes(&[1; 32]).unwrap();
        let sealed = kek.seal([2; 12], b"secret").unwrap();
        assert_eq!(kek.open(&[2; 12], &sealed).unwrap(), b"secret");
        let other = Kek::from_bytes(&[9; 32]).unwrap();
        assert!(other.open(&[2; 12], &sealed).is_err());
        assert!(Kek::from_bytes(&[1; 16]).is_err());
    }

    #[test]
    fn an_enrollment_secret_opens_only_for_its_own_code() {
        let kek = Kek::from_bytes(&[1; 32]).unwrap();
        let (a, b) = (uuid::Uuid::from_u128(1), uuid::Uuid::from_u128(2));
        let sealed = kek
            .seal_for(&enrollment_secret_purpose(a), [3; 12], b"ABCD-EFGH")
            .unwrap();
        assert!(!sealed.windows(9).any(|w| w == b"ABCD-EFGH"));
        assert_eq!(
            kek.open_for(&enrollment_secret_purpose(a), &[3; 12], &sealed)
                .unwrap(),
            b"ABCD-EFGH"
        );
        assert!(
            kek.open_for(&enrollment_secret_purpose(b), &[3; 12], &sealed)
                .is_err()
        );
        assert!(kek.open(&[3; 12], &sealed).is_err(), "nor as the CA key");
    }

    #[test]
    fn device_certificate_names_office_and_device_and_imports_as_pkcs12() {
        let ca = create_ca(now()).unwrap();
        let issued = issue_device(
            &ca.cert_pem,
            &ca.key_pem,
            &DeviceRequest {
                office_name: "高萩訪問看護ステーション",
                device_label: "事務所PC-1",
                serial: [0xff; 16],
                not_before: now(),
                not_after: now() + chrono::Duration::days(365),
            },
        )
        .unwrap();
        assert_eq!(issued.serial_hex.len(), 32);
        let (_, parsed) = x509_parser::parse_x509_certificate(&issued.cert_der).unwrap();
        let subject = parsed.subject().to_string();
        assert!(subject.contains("事務所PC-1"), "{subject}");
        assert!(subject.contains("高萩訪問看護ステーション"), "{subject}");
        let ca_der = x509_parser::pem::parse_x509_pem(ca.cert_pem.as_bytes())
            .unwrap()
            .1
            .contents;
        let legacy = pkcs12(
            &issued,
            &ca_der,
            "device",
            "pass phrase",
            P12Profile::Legacy3Des,
        )
        .unwrap();
        assert!(
            p12_keystore::KeyStore::from_pkcs12(
                &legacy,
                "pass phrase",
                p12_keystore::Pkcs12ImportPolicy::Relaxed
            )
            .is_ok()
        );
        let p12 = pkcs12(
            &issued,
            &ca_der,
            "device",
            "pass phrase",
            P12Profile::Aes256,
        )
        .unwrap();
        let store = p12_keystore::KeyStore::from_pkcs12(
            &p12,
            "pass phrase",
            p12_keystore::Pkcs12ImportPolicy::Relaxed,
        )
        .unwrap();
        assert!(store.private_key_chain().is_some());
        assert!(
            p12_keystore::KeyStore::from_pkcs12(
                &p12,
                "wrong",
                p12_keystore::Pkcs12ImportPolicy::Relaxed
            )
            .is_err()
        );
        let list = crl(
            &ca.cert_pem,
            &ca.key_pem,
            &[(issued.serial_hex.clone(), now())],
            now(),
            now() + chrono::Duration::days(1),
        )
        .unwrap();
        let der = x509_parser::pem::parse_x509_pem(list.as_bytes())
            .unwrap()
            .1
            .contents;
        let (_, parsed) =
            x509_parser::revocation_list::CertificateRevocationList::from_der(&der).unwrap();
        let serials: Vec<String> = parsed
            .iter_revoked_certificates()
            .map(|r| hex::encode(r.raw_serial()))
            .collect();
        assert_eq!(serials, vec![issued.serial_hex.clone()]);
    }
}
