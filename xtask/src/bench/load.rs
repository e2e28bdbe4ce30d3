//! The load generator: full mutual-TLS handshakes per second, and requests per second over
//! connections kept open, with the same client against every server.

use super::http::{Reader, Response, read_to_eof};
use anyhow::{Context, Result, bail};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// Servers and load generator share two cores, so more tasks would only measure scheduling.
pub const CONCURRENCY: usize = 8;
/// Lets connection pools, caches and CPU frequency settle before counting.
pub const WARM_UP: Duration = Duration::from_secs(1);
pub const MEASURE: Duration = Duration::from_secs(5);
/// A server that stops answering fails the bench instead of hanging it.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);

const CLOSE_REQUEST: &[u8] =
    b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
const KEEP_ALIVE_REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

#[derive(Clone)]
pub struct Client {
    connector: TlsConnector,
    server_name: ServerName<'static>,
}

fn certs(path: &Path) -> Result<Vec<CertificateDer<'static>>> {
    let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let certs: Vec<_> = rustls_pemfile::certs(&mut pem.as_slice())
        .filter_map(Result::ok)
        .collect();
    if certs.is_empty() {
        bail!("no certificate in {}", path.display());
    }
    Ok(certs)
}

fn key(path: &Path) -> Result<PrivateKeyDer<'static>> {
    let pem = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    rustls_pemfile::private_key(&mut pem.as_slice())?
        .with_context(|| format!("no private key in {}", path.display()))
}

impl Client {
    /// TLS 1.3 trusting `ca`, presenting `identity` (certificate, key) when given. Resumption is
    /// off so that every connection costs both sides a full handshake.
    pub fn new(ca: &Path, identity: Option<(&Path, &Path)>) -> Result<Self> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = rustls::RootCertStore::empty();
        for c in certs(ca)? {
            roots.add(c)?;
        }
        let builder = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])?
            .with_root_certificates(roots);
        let mut config = match identity {
            Some((cert, k)) => builder.with_client_auth_cert(certs(cert)?, key(k)?)?,
            None => builder.with_no_client_auth(),
        };
        config.resumption = rustls::client::Resumption::disabled();
        // The gateway also speaks h2; both servers must answer the same HTTP/1.1 exchange.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            connector: TlsConnector::from(Arc::new(config)),
            server_name: ServerName::try_from("localhost")?,
        })
    }

    async fn connect(&self, addr: SocketAddr) -> Result<TlsStream<TcpStream>> {
        let tcp = TcpStream::connect(addr).await?;
        tcp.set_nodelay(true)?;
        Ok(self
            .connector
            .connect(self.server_name.clone(), tcp)
            .await?)
    }

    /// One request on a fresh connection that the server then closes.
    pub async fn one_shot(&self, addr: SocketAddr) -> Result<Response> {
        let mut tls = self.connect(addr).await?;
        tls.write_all(CLOSE_REQUEST).await?;
        tls.flush().await?;
        let response = Reader::default().response(&mut tls).await?;
        read_to_eof(&mut tls, &mut Vec::new()).await?;
        Ok(response)
    }
}

/// What one measurement counted inside its window.
pub struct Count {
    pub completed: u64,
    pub failed: u64,
    pub last_error: Option<String>,
}

/// Only what completes between the end of the warm-up and the end of the window counts.
#[derive(Clone, Copy)]
pub struct Window {
    from: Instant,
    until: Instant,
}

impl Window {
    fn starting_now() -> Self {
        Self::after(WARM_UP, MEASURE)
    }

    /// A window of `measure` that opens once `warm_up` has passed.
    pub fn after(warm_up: Duration, measure: Duration) -> Self {
        let from = Instant::now() + warm_up;
        Self {
            from,
            until: from + measure,
        }
    }

    /// Whether to send another request.
    pub fn open(&self) -> bool {
        Instant::now() < self.until
    }

    /// Whether what completes now counts.
    pub fn counts(&self) -> bool {
        let now = Instant::now();
        now >= self.from && now < self.until
    }
}

impl Count {
    #[expect(
        clippy::cast_precision_loss,
        reason = "counts of a few seconds stay far below 2^52"
    )]
    pub fn per_second(&self) -> f64 {
        self.completed as f64 / MEASURE.as_secs_f64()
    }

    fn new() -> Self {
        Self {
            completed: 0,
            failed: 0,
            last_error: None,
        }
    }

    fn record(&mut self, window: Window, outcome: Result<()>) {
        match outcome {
            Ok(()) if window.counts() => self.completed += 1,
            Ok(()) => {}
            Err(e) => {
                self.failed += 1;
                self.last_error = Some(format!("{e:#}"));
            }
        }
    }

    fn add(&mut self, other: Self) {
        self.completed += other.completed;
        self.failed += other.failed;
        if other.last_error.is_some() {
            self.last_error = other.last_error;
        }
    }
}

async fn step<T>(work: impl Future<Output = Result<T>>) -> Result<T> {
    tokio::time::timeout(STEP_TIMEOUT, work)
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {STEP_TIMEOUT:?}"))?
}

/// The gateway's `/healthz`, whether reached directly or through nginx.
pub fn expect_healthy(response: &Response) -> Result<()> {
    if response.status == 200 && response.body == b"ok" {
        Ok(())
    } else {
        bail!(
            "/healthz answered {} {:?}",
            response.status,
            String::from_utf8_lossy(&response.body)
        )
    }
}

/// Connect, full handshake, one request, read until the server closes, again and again.
pub async fn handshakes(client: &Client, addr: SocketAddr) -> Result<Count> {
    let window = Window::starting_now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut count = Count::new();
                while window.open() {
                    let outcome = step(client.one_shot(addr))
                        .await
                        .and_then(|r| expect_healthy(&r));
                    count.record(window, outcome);
                }
                count
            })
        })
        .collect();
    join(tasks).await
}

/// Requests one after another on connections kept open (reopened only if the server closes).
pub async fn keep_alive(client: &Client, addr: SocketAddr) -> Result<Count> {
    let window = Window::starting_now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let mut conn = Conn::new(client, addr);
            tokio::spawn(async move {
                let mut count = Count::new();
                while window.open() {
                    let outcome = conn
                        .send(KEEP_ALIVE_REQUEST)
                        .await
                        .and_then(|r| expect_healthy(&r));
                    count.record(window, outcome);
                }
                count
            })
        })
        .collect();
    join(tasks).await
}

/// One connection kept open for request after request, opened on first use and again after
/// the server closed it or a request failed.
pub struct Conn {
    client: Client,
    addr: SocketAddr,
    open: Option<(TlsStream<TcpStream>, Reader)>,
}

impl Conn {
    pub fn new(client: &Client, addr: SocketAddr) -> Self {
        Self {
            client: client.clone(),
            addr,
            open: None,
        }
    }

    /// Sends one complete request and reads its response.
    pub async fn send(&mut self, request: &[u8]) -> Result<Response> {
        let outcome = step(async {
            let (tls, reader) = match &mut self.open {
                Some(c) => c,
                None => self
                    .open
                    .insert((self.client.connect(self.addr).await?, Reader::default())),
            };
            tls.write_all(request).await?;
            tls.flush().await?;
            reader.response(tls).await
        })
        .await;
        if outcome.as_ref().map_or(true, |r| r.close) {
            self.open = None;
        }
        outcome
    }
}

async fn join(tasks: Vec<tokio::task::JoinHandle<Count>>) -> Result<Count> {
    let mut total = Count::new();
    for task in tasks {
        total.add(task.await.context("a load task panicked")?);
    }
    Ok(total)
}
