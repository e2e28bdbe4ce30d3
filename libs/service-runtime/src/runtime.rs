//! What every service with a database runs on, started the same way everywhere: the admin
//! endpoints first, then the pool (migrated), NATS, metrics, the shutdown token, the outbox
//! relay, the pruning of the event tables and of idempotency keys.
//!
//! Start-up waits instead of exiting: the database may come after the service (a cluster starts
//! everything at once), and an exit would only restart the wait under a crash-loop back-off.
//! Meanwhile `/healthz` answers and `/readyz` says what is awaited. Once the gRPC listener is
//! bound (`grpc_listener`) the service is ready whenever its database answers; NATS is not asked,
//! since writes wait in the outbox until it is back.

use crate::outbox::OutboxRelay;
use common::admin::Readiness;
use common::bus::BusConfig;
use common::metrics::Metrics;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] crate::db::MigrateError),
    #[error(transparent)]
    Nats(#[from] common::bus::BusError),
    #[error("admin endpoints: {0}")]
    Admin(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] common::config::ConfigError),
    #[error("gRPC listener: {0}")]
    Grpc(std::io::Error),
    #[error(transparent)]
    Tls(#[from] common::tls::TlsError),
    #[error("stopped while starting ({0})")]
    Stopped(&'static str),
}

/// Where a service's start-up waits, with `/readyz` saying what is awaited.
#[derive(Clone)]
struct Startup {
    readiness: Readiness,
    shutdown: CancellationToken,
}

impl Startup {
    async fn until_ok<T, E, F, Fut>(
        &self,
        what: &'static str,
        mut attempt: F,
    ) -> Result<T, RuntimeError>
    where
        E: std::fmt::Display,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        self.readiness.waiting_for(what);
        let mut pause = Duration::from_millis(200);
        let mut tries = 0u32;
        loop {
            let outcome = tokio::select! {
                () = self.shutdown.cancelled() => return Err(RuntimeError::Stopped(what)),
                outcome = attempt() => outcome,
            };
            match outcome {
                Ok(value) => return Ok(value),
                Err(e) => {
                    tries += 1;
                    tracing::warn!(error = %e, tries, waiting_for = what, "not yet; trying again");
                }
            }
            tokio::select! {
                () = self.shutdown.cancelled() => return Err(RuntimeError::Stopped(what)),
                () = tokio::time::sleep(pause) => {},
            }
            pause = (pause * 2).min(Duration::from_secs(5));
        }
    }
}

pub struct Runtime {
    pub pool: sqlx::PgPool,
    pub nats: async_nats::Client,
    pub metrics: Metrics,
    pub shutdown: CancellationToken,
    startup: Startup,
    relay_waker: Arc<Notify>,
    tasks: Vec<JoinHandle<()>>,
    admin: JoinHandle<std::io::Result<()>>,
}

impl Runtime {
    /// `name` is the service's (its NATS connection is named after it).
    pub async fn start(
        name: &str,
        database_url: &str,
        nats: &BusConfig,
        admin_addr: SocketAddr,
        migrator: &sqlx::migrate::Migrator,
    ) -> Result<Self, RuntimeError> {
        let prune = crate::prune::PruneConfig::from_vars(&common::config::Vars::from_process())?;
        let shutdown = common::shutdown::on_signal();
        let metrics = Metrics::new();
        let readiness = Readiness::starting("waiting for the database");
        let admin = common::admin::start(
            admin_addr,
            readiness.clone(),
            metrics.clone(),
            shutdown.clone(),
        )
        .await?;
        let startup = Startup {
            readiness,
            shutdown: shutdown.clone(),
        };
        let pool = startup
            .until_ok("waiting for the database", || {
                crate::db::connect_once(database_url, 10)
            })
            .await?;
        startup
            .until_ok("running migrations", || crate::db::migrate(&pool, migrator))
            .await?;
        startup.readiness.waiting_for("starting");
        let nats = nats.connect(name).await?;
        let relay = OutboxRelay::new(
            pool.clone(),
            async_nats::jetstream::new(nats.clone()),
            metrics.clone(),
        );
        let relay_waker = relay.waker();
        let tasks = vec![
            tokio::spawn(relay.run(shutdown.clone())),
            tokio::spawn(crate::prune::prune_forever(
                pool.clone(),
                prune,
                shutdown.clone(),
            )),
            tokio::spawn(crate::idempotency::prune_forever(
                pool.clone(),
                shutdown.clone(),
            )),
        ];
        Ok(Self {
            pool,
            nats,
            metrics,
            shutdown,
            startup,
            relay_waker,
            tasks,
            admin,
        })
    }

    /// Binds the gRPC listener; from then on the service is ready whenever its database answers.
    pub fn grpc_listener(
        &self,
        addr: SocketAddr,
        tls: &common::config::TlsFiles,
    ) -> Result<
        impl futures::Stream<
            Item = Result<tokio_rustls::server::TlsStream<tokio::net::TcpStream>, std::io::Error>,
        > + use<>,
        RuntimeError,
    > {
        let config = common::tls::Reloading::server(tls)?;
        config.report_expiry(
            tls.cert.clone(),
            self.metrics
                .tls_not_after
                .get_or_create(&common::metrics::CertificateLabel { purpose: "grpc" })
                .clone(),
        );
        let tcp = tonic::transport::server::TcpIncoming::bind(addr)
            .map_err(RuntimeError::Grpc)?
            .with_nodelay(Some(true));
        tracing::info!(%addr, "gRPC listening");
        self.startup
            .readiness
            .serving(None, vec![crate::db::probe(self.pool.clone())]);
        Ok(common::tls::incoming(tcp, config))
    }

    /// Lets a writer wake the outbox relay at once.
    #[must_use]
    pub fn relay_waker(&self) -> Arc<Notify> {
        self.relay_waker.clone()
    }

    #[must_use]
    pub fn jetstream(&self) -> async_nats::jetstream::Context {
        async_nats::jetstream::new(self.nats.clone())
    }

    /// Runs `task` until shutdown; `finish` waits for it.
    pub fn spawn(&mut self, task: impl std::future::Future<Output = ()> + Send + 'static) {
        self.tasks.push(tokio::spawn(task));
    }

    /// Stops everything started here and waits for it.
    pub async fn finish(self) -> Result<(), RuntimeError> {
        self.shutdown.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
        self.admin
            .await
            .map_err(|e| RuntimeError::Admin(std::io::Error::other(e)))??;
        Ok(())
    }
}
