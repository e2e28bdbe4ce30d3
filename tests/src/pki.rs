//! The internal CA of a local stack and the certificates it signs: one per service for mutual
//! TLS between gateway and services, and the gateway's server certificate for `localhost`.
//! (The device CA is not here: identity owns it.)

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct CertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

#[derive(Debug, Clone)]
pub struct DevPki {
    pub ca: PathBuf,
    dir: PathBuf,
}

/// The certificates a local stack needs: each gRPC service and the gateway as a client, and
/// the gateway's HTTPS server certificate.
pub const SERVICE_NAMES: [&str; 5] = ["identity", "offices", "careboard", "notify", "gateway"];

impl DevPki {
    /// Creates the CA and every certificate in `dir`, reusing what exists.
    pub fn ensure(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let ca = dir.join("ca.pem");
        let ca_key = dir.join("ca-key.pem");
        if !ca.exists() || !ca_key.exists() {
            let key = KeyPair::generate()?;
            let mut params = CertificateParams::default();
            params
                .distinguished_name
                .push(DnType::CommonName, "Renrakucho internal CA (local)");
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
            let cert = params.self_signed(&key)?;
            std::fs::write(&ca, cert.pem())?;
            write_private(&ca_key, &key.serialize_pem())?;
        }
        let pki = Self {
            ca,
            dir: dir.to_owned(),
        };
        let issuer = pki.issuer()?;
        for name in SERVICE_NAMES
            .iter()
            .copied()
            .chain(["gateway-server", "nats"])
        {
            let files = pki.files(name);
            if !files.cert.exists() || !files.key.exists() {
                pki.issue(&issuer, name)?;
            }
        }
        Ok(pki)
    }

    fn issuer(&self) -> anyhow::Result<Issuer<'static, KeyPair>> {
        Ok(Issuer::from_ca_cert_pem(
            &std::fs::read_to_string(&self.ca)?,
            KeyPair::from_pem(&std::fs::read_to_string(self.dir.join("ca-key.pem"))?)?,
        )?)
    }

    /// A new key and certificate for `name`, with the same names and uses, swapped in over the
    /// old files at once (as Kubernetes swaps a renewed Secret's files) while its process runs.
    pub fn renew(&self, name: &str) -> anyhow::Result<()> {
        let issuer = self.issuer()?;
        let staged = self.dir.join("renewal");
        std::fs::create_dir_all(&staged)?;
        let fresh = Self {
            ca: self.ca.clone(),
            dir: staged,
        };
        fresh.issue(&issuer, name)?;
        let (new, old) = (fresh.files(name), self.files(name));
        std::fs::rename(&new.key, &old.key)?;
        std::fs::rename(&new.cert, &old.cert)?;
        Ok(())
    }

    /// The certificate of `name`: each service's serves and calls (the gateway's only calls),
    /// `gateway-server` is the browser-facing one, `nats` the bus's.
    fn issue(&self, issuer: &Issuer<'_, KeyPair>, name: &str) -> anyhow::Result<()> {
        let (sans, client_too): (Vec<&str>, bool) = match name {
            "gateway-server" => (vec!["localhost", "127.0.0.1"], false),
            "nats" => (vec!["nats", "localhost", "127.0.0.1"], false),
            service => (vec![service, "localhost", "127.0.0.1"], true),
        };
        let files = self.files(name);
        let key = KeyPair::generate()?;
        let mut params =
            CertificateParams::new(sans.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())?;
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        if client_too {
            params
                .extended_key_usages
                .push(ExtendedKeyUsagePurpose::ClientAuth);
        }
        let cert = params.signed_by(&key, issuer)?;
        std::fs::write(&files.cert, cert.pem())?;
        write_private(&files.key, &key.serialize_pem())?;
        Ok(())
    }

    #[must_use]
    pub fn files(&self, name: &str) -> CertFiles {
        CertFiles {
            cert: self.dir.join(format!("{name}.pem")),
            key: self.dir.join(format!("{name}-key.pem")),
        }
    }
}

fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, contents)?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

/// A client certificate from a CA nobody trusts, to check that the gateway refuses it.
pub fn foreign_client(dir: &Path) -> anyhow::Result<CertFiles> {
    std::fs::create_dir_all(dir)?;
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::default();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Somebody else's CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign];
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::default();
    params
        .distinguished_name
        .push(DnType::CommonName, "foreign-device");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.signed_by(&key, &issuer)?;
    let files = CertFiles {
        cert: dir.join("foreign.pem"),
        key: dir.join("foreign-key.pem"),
    };
    std::fs::write(&files.cert, cert.pem())?;
    write_private(&files.key, &key.serialize_pem())?;
    Ok(files)
}
