//! Certificates renewed while the process runs. cert-manager (or an operator) rewrites the
//! mounted files in place; a new connection is made with what the files hold then, while the
//! connections already open keep their certificate until they end (servers end every gRPC
//! connection after its maximum age, so none outlives a renewal by more than that).

use super::TlsError;
use crate::config::TlsFiles;
use futures::Stream;
use prometheus_client::metrics::gauge::Gauge;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};
use tokio::net::TcpStream;
use tokio_rustls::{TlsAcceptor, TlsConnector};

/// How often the files are looked at, at most: a `stat` of three files per this period.
const CHECK_EVERY: Duration = Duration::from_secs(2);
/// A peer that does not finish its handshake in this time is dropped.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// Builds the configuration; its error is only logged once the process runs.
type Build<T> = Box<dyn Fn() -> Result<T, String> + Send + Sync>;

/// A TLS configuration built from files, built again when they change. A change that does not
/// build (a key written before its certificate, say) keeps the last good configuration and is
/// tried again at the next check.
pub struct Reloading<T> {
    files: Vec<PathBuf>,
    build: Build<T>,
    state: Mutex<State<T>>,
    /// The certificate file whose expiry is reported, and the gauge it goes to.
    expiry: Mutex<Option<(PathBuf, Gauge)>>,
}

/// What tells a file changed: its time, size and inode (a Secret's files are swapped in by a
/// symbolic link to new ones).
type Stamp = Option<(SystemTime, u64, u64)>;

struct State<T> {
    stamps: Vec<Stamp>,
    checked: Instant,
    current: Arc<T>,
}

fn stamps(files: &[PathBuf]) -> Vec<Stamp> {
    use std::os::unix::fs::MetadataExt;
    files
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f).ok()?;
            Some((m.modified().ok()?, m.len(), m.ino()))
        })
        .collect()
}

impl<T> Reloading<T> {
    /// Fails when the files do not build a configuration now: a process does not start without
    /// its certificate.
    pub fn new<E: std::fmt::Display>(
        files: Vec<PathBuf>,
        build: impl Fn() -> Result<T, E> + Send + Sync + 'static,
    ) -> Result<Arc<Self>, E> {
        let state = State {
            stamps: stamps(&files),
            checked: Instant::now(),
            current: Arc::new(build()?),
        };
        Ok(Arc::new(Self {
            files,
            build: Box::new(move || build().map_err(|e| e.to_string())),
            state: Mutex::new(state),
            expiry: Mutex::new(None),
        }))
    }

    /// Reports when the certificate in `cert` expires to `gauge`, now and after every reload.
    pub fn report_expiry(&self, cert: PathBuf, gauge: Gauge) {
        let mut expiry = self
            .expiry
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *expiry = Some((cert, gauge));
        Self::set_expiry(expiry.as_ref());
    }

    fn set_expiry(expiry: Option<&(PathBuf, Gauge)>) {
        if let Some((cert, gauge)) = expiry
            && let Some(at) = not_after(cert)
        {
            gauge.set(at);
        }
    }

    /// The configuration for a connection made now.
    pub fn current(&self) -> Arc<T> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if state.checked.elapsed() >= CHECK_EVERY {
            state.checked = Instant::now();
            let now = stamps(&self.files);
            if now != state.stamps {
                match (self.build)() {
                    Ok(config) => {
                        state.current = Arc::new(config);
                        state.stamps = now;
                        Self::set_expiry(
                            self.expiry
                                .lock()
                                .unwrap_or_else(std::sync::PoisonError::into_inner)
                                .as_ref(),
                        );
                        tracing::info!("TLS certificate files changed: new connections use them");
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "TLS certificate files changed but do not load; keeping the last good ones");
                    }
                }
            }
        }
        state.current.clone()
    }
}

impl Reloading<rustls::ServerConfig> {
    /// A gRPC server's configuration from `files` (see [`super::server_config`]).
    pub fn server(files: &TlsFiles) -> Result<Arc<Self>, TlsError> {
        let f = files.clone();
        Self::new(all(files), move || super::server_config(&f))
    }
}

impl Reloading<rustls::ClientConfig> {
    /// A gRPC client's configuration from `files` (see [`super::client_config`]).
    pub fn client(files: &TlsFiles) -> Result<Arc<Self>, TlsError> {
        let f = files.clone();
        Self::new(all(files), move || super::client_config(&f))
    }
}

/// The end of the validity of the first certificate in the PEM file `cert`, in Unix seconds.
fn not_after(cert: &std::path::Path) -> Option<i64> {
    let pem = std::fs::read(cert).ok()?;
    let der = rustls_pemfile::certs(&mut pem.as_slice()).next()?.ok()?;
    let (_, parsed) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
    Some(parsed.validity().not_after.timestamp())
}

fn all(files: &TlsFiles) -> Vec<PathBuf> {
    vec![files.ca.clone(), files.cert.clone(), files.key.clone()]
}

/// The TLS connections of `tcp`, each handshake with the configuration current when it began.
/// Handshakes run side by side, so a slow peer holds up nobody; one that fails is dropped here
/// (and logged), since the server has nothing to answer it.
pub fn incoming<S>(
    mut tcp: S,
    tls: Arc<Reloading<rustls::ServerConfig>>,
) -> impl Stream<Item = Result<tokio_rustls::server::TlsStream<TcpStream>, std::io::Error>>
where
    S: Stream<Item = Result<TcpStream, std::io::Error>> + Send + Unpin + 'static,
{
    use futures::StreamExt;
    let (tx, rx) = tokio::sync::mpsc::channel(64);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = tx.closed() => return,
                next = tcp.next() => next,
            };
            let stream = match accepted {
                Some(Ok(s)) => s,
                Some(Err(e)) => {
                    tracing::warn!(error = %e, "accept failed");
                    continue;
                }
                None => return,
            };
            let (tx, acceptor) = (tx.clone(), TlsAcceptor::from(tls.current()));
            tokio::spawn(async move {
                match tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await {
                    Ok(Ok(tls)) => {
                        let _ = tx.send(Ok(tls)).await;
                    }
                    Ok(Err(e)) => tracing::debug!(error = %e, "TLS handshake failed"),
                    Err(_) => tracing::debug!("TLS handshake timed out"),
                }
            });
        }
    });
    futures::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    })
}

/// Connects a gRPC channel over TLS made with the configuration current at each connection;
/// the server's name is the URL's host.
pub fn connector(
    tls: Arc<Reloading<rustls::ClientConfig>>,
) -> impl tower::Service<
    http::Uri,
    Response = hyper_util::rt::TokioIo<tokio_rustls::client::TlsStream<TcpStream>>,
    Error = std::io::Error,
    Future = impl Send,
> + Clone
+ Send
+ 'static {
    tower::service_fn(move |uri: http::Uri| {
        let tls = tls.clone();
        async move {
            let invalid = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
            let host = uri.host().ok_or_else(|| invalid("no host"))?.to_owned();
            let port = uri.port_u16().ok_or_else(|| invalid("no port"))?;
            let tcp = TcpStream::connect((host.as_str(), port)).await?;
            tcp.set_nodelay(true)?;
            let name = rustls::pki_types::ServerName::try_from(host)
                .map_err(|_| invalid("not a host name"))?;
            let stream = TlsConnector::from(tls.current()).connect(name, tcp).await?;
            Ok(hyper_util::rt::TokioIo::new(stream))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[test]
    fn a_changed_file_builds_again_and_a_broken_one_keeps_the_last_good() {
        let dir = std::env::temp_dir().join(format!("rk-reload-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let file = dir.join("cert.pem");
        std::fs::write(&file, "1").unwrap_or_default();
        let builds = Arc::new(AtomicU32::new(0));
        let reloading = {
            let (file, builds) = (file.clone(), builds.clone());
            Reloading::new(vec![file.clone()], move || {
                builds.fetch_add(1, Ordering::SeqCst);
                let text = std::fs::read_to_string(&file).unwrap_or_default();
                text.parse::<u32>()
                    .map_err(|_| TlsError::Empty(text.clone()))
            })
        }
        .ok();
        let Some(reloading) = reloading else {
            panic!("the first build failed");
        };
        assert_eq!(*reloading.current(), 1);
        // Not looked at again before CHECK_EVERY: no build per connection.
        // File times move in steps of a clock tick: a change within one is seen by its size.
        std::fs::write(&file, "22").unwrap_or_default();
        assert_eq!(*reloading.current(), 1);
        assert_eq!(builds.load(Ordering::SeqCst), 1);
        let age = |r: &Reloading<u32>| {
            let mut s = r
                .state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            s.checked = Instant::now()
                .checked_sub(CHECK_EVERY)
                .unwrap_or_else(Instant::now);
        };
        age(&reloading);
        assert_eq!(*reloading.current(), 22);
        std::fs::write(&file, "half-written").unwrap_or_default();
        age(&reloading);
        assert_eq!(*reloading.current(), 22, "the last good one is kept");
        std::fs::write(&file, "3").unwrap_or_default();
        age(&reloading);
        assert_eq!(*reloading.current(), 3, "and the next good one taken");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
