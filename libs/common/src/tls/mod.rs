//! Internal mutual TLS for gRPC: every service presents a certificate from the internal CA and
//! accepts only peers holding one. The files are read again when they change (see [`reload`]),
//! so a renewed certificate is used without a restart.

pub mod reload;

use crate::config::TlsFiles;
use rustls::RootCertStore;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

pub use reload::{Reloading, connector, incoming};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read TLS file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("no certificate or key in {0}")]
    Empty(String),
    #[error("TLS configuration: {0}")]
    Rustls(String),
}

fn read(path: &Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// The certificates of a PEM file (a chain: the leaf first); a file without one is refused.
/// Public for the gateway's own listener, whose client certificates come from the device CA.
pub fn read_certs(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = read(path)?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut pem.as_slice())
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        return Err(TlsError::Empty(path.display().to_string()));
    }
    Ok(certs)
}

/// The first private key of a PEM file (PKCS#8, PKCS#1 or SEC1).
pub fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsError> {
    let pem = read(path)?;
    rustls_pemfile::private_key(&mut pem.as_slice())
        .ok()
        .flatten()
        .ok_or_else(|| TlsError::Empty(path.display().to_string()))
}

fn roots(path: &Path) -> Result<Arc<RootCertStore>, TlsError> {
    let mut roots = RootCertStore::empty();
    for ca in read_certs(path)? {
        roots.add(ca).map_err(|e| TlsError::Rustls(e.to_string()))?;
    }
    Ok(Arc::new(roots))
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A gRPC server's TLS: its certificate, and a client certificate from the internal CA required.
pub fn server_config(files: &TlsFiles) -> Result<rustls::ServerConfig, TlsError> {
    let rustls = |e: rustls::Error| TlsError::Rustls(e.to_string());
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(roots(&files.ca)?, provider())
            .build()
            .map_err(|e| TlsError::Rustls(e.to_string()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(rustls)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(read_certs(&files.cert)?, read_key(&files.key)?)
        .map_err(rustls)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// A gRPC client's TLS: the server verified against the internal CA, this service's certificate
/// presented.
pub fn client_config(files: &TlsFiles) -> Result<rustls::ClientConfig, TlsError> {
    let rustls = |e: rustls::Error| TlsError::Rustls(e.to_string());
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(rustls)?
        .with_root_certificates(roots(&files.ca)?)
        .with_client_auth_cert(read_certs(&files.cert)?, read_key(&files.key)?)
        .map_err(rustls)?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}
