//! Internal mutual TLS for gRPC: every service presents a certificate from the internal CA and
//! accepts only peers holding one.

use crate::config::TlsFiles;
use tonic::transport::{Certificate, ClientTlsConfig, Identity, ServerTlsConfig};

#[derive(Debug, thiserror::Error)]
#[error("cannot read TLS file {path}: {source}")]
pub struct TlsError {
    path: String,
    source: std::io::Error,
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, TlsError> {
    std::fs::read(path).map_err(|source| TlsError {
        path: path.display().to_string(),
        source,
    })
}

pub fn server_config(files: &TlsFiles) -> Result<ServerTlsConfig, TlsError> {
    Ok(ServerTlsConfig::new()
        .identity(Identity::from_pem(read(&files.cert)?, read(&files.key)?))
        .client_ca_root(Certificate::from_pem(read(&files.ca)?)))
}

pub fn client_config(files: &TlsFiles, server_name: &str) -> Result<ClientTlsConfig, TlsError> {
    Ok(ClientTlsConfig::new()
        .domain_name(server_name)
        .ca_certificate(Certificate::from_pem(read(&files.ca)?))
        .identity(Identity::from_pem(read(&files.cert)?, read(&files.key)?)))
}
