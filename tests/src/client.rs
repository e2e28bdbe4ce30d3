//! HTTPS clients for the gateway: trusting the stack's CA, with or without a client certificate.

use anyhow::Context;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use std::path::Path;
use std::sync::Arc;

fn certs(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path).with_context(|| path.display().to_string())?;
    Ok(rustls_pemfile::certs(&mut pem.as_slice())
        .filter_map(Result::ok)
        .collect())
}

fn key(path: &Path) -> anyhow::Result<PrivateKeyDer<'static>> {
    let pem = std::fs::read(path).with_context(|| path.display().to_string())?;
    rustls_pemfile::private_key(&mut pem.as_slice())?.context("no private key")
}

/// A client with a cookie store, trusting `ca`, presenting `client` (cert, key) if given.
pub fn https(ca: &Path, client: Option<(&Path, &Path)>) -> anyhow::Result<reqwest::Client> {
    crate::install_crypto_provider();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    for c in certs(ca)? {
        roots.add(c)?;
    }
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots);
    let config = match client {
        Some((cert, k)) => builder.with_client_auth_cert(certs(cert)?, key(k)?)?,
        None => builder.with_no_client_auth(),
    };
    Ok(reqwest::Client::builder()
        .use_preconfigured_tls(config)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(20))
        .build()?)
}
