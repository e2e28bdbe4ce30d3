//! TLS termination. Client certificates are verified against the device CA but optional at the
//! handshake, so the portal works without one; the routes that need one check the verified
//! certificate that this module attaches to every request of the connection.

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rustls::RootCertStore;
use rustls::pki_types::CertificateDer;
use rustls::server::WebPkiClientVerifier;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    /// The listener's certificate or key, read as every service reads its own.
    #[error(transparent)]
    Files(#[from] common::tls::TlsError),
    #[error("tls: {0}")]
    Rustls(String),
}

/// Where the connection came from (for rate limiting public forms).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub std::net::SocketAddr);

/// The device certificate a request arrived with, already verified by the TLS layer.
#[derive(Debug, Clone)]
pub struct PeerCert {
    pub serial: String,
    pub fingerprint_sha256: String,
    /// Unix seconds; checked on every request, since a connection can outlive the certificate.
    pub not_after: i64,
}

pub fn server_config(
    cert: &Path,
    key: &Path,
    device_ca_pem: &str,
) -> Result<rustls::ServerConfig, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    for ca in rustls_pemfile::certs(&mut device_ca_pem.as_bytes()).filter_map(Result::ok) {
        roots
            .add(ca)
            .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
    }
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .allow_unauthenticated()
        .build()
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?
        .with_client_cert_verifier(verifier)
        .with_single_cert(common::tls::read_certs(cert)?, common::tls::read_key(key)?)
        .map_err(|e| TlsSetupError::Rustls(e.to_string()))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn peer_cert(der: &CertificateDer<'_>) -> Option<PeerCert> {
    use sha2::Digest;
    let (_, cert) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    Some(PeerCert {
        serial: hex::encode(cert.raw_serial()),
        fingerprint_sha256: hex::encode(sha2::Sha256::digest(der.as_ref())),
        not_after: cert.validity().not_after.timestamp(),
    })
}

/// Accepts connections until cancelled, then lets open requests finish for up to 10 s.
/// The liveness answer, before any layer: a load balancer's probe needs no session, no trace
/// and no count, and answering it first keeps the probe as cheap as a TLS terminator's own.
fn healthy() -> axum::response::Response {
    let mut answer = axum::response::Response::new(axum::body::Body::from("ok"));
    answer.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    answer
}

pub async fn serve(
    listener: TcpListener,
    config: Arc<common::tls::Reloading<rustls::ServerConfig>>,
    app: Router,
    shutdown: CancellationToken,
) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        let (tcp, remote) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
            },
        };
        let acceptor = TlsAcceptor::from(config.current());
        let app = app.clone();
        let watcher = graceful.watcher();
        tokio::spawn(async move {
            let tls =
                match tokio::time::timeout(Duration::from_secs(10), acceptor.accept(tcp)).await {
                    Ok(Ok(tls)) => tls,
                    Ok(Err(e)) => {
                        tracing::debug!(%remote, error = %e, "TLS handshake failed");
                        return;
                    }
                    Err(_) => return,
                };
            let peer = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .and_then(peer_cert);
            let service = tower::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                let app = app.clone();
                let peer = peer.clone();
                async move {
                    if req.uri().path() == "/healthz" {
                        return Ok(healthy());
                    }
                    let mut req = req.map(axum::body::Body::new);
                    req.extensions_mut().insert(peer);
                    req.extensions_mut().insert(ClientAddr(remote));
                    app.oneshot(req).await
                }
            });
            let builder = auto::Builder::new(TokioExecutor::new());
            let conn = builder.serve_connection_with_upgrades(
                TokioIo::new(tls),
                TowerToHyperService::new(service),
            );
            if let Err(e) = watcher.watch(conn.into_owned()).await {
                tracing::debug!(error = %e, "connection ended with error");
            }
        });
    }
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(Duration::from_secs(10)) => tracing::warn!("connections still open at shutdown"),
    }
}
