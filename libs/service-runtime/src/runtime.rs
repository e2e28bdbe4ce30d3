//! What every service with a database runs on, started the same way everywhere: the pool
//! (migrated), NATS, metrics, the shutdown token, the outbox relay, the pruning of the event
//! tables and of idempotency keys, and the admin endpoints.

use crate::outbox::OutboxRelay;
use common::admin::Readiness;
use common::metrics::Metrics;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] crate::db::MigrateError),
    #[error("nats: {0}")]
    Nats(String),
    #[error("admin endpoints: {0}")]
    Admin(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] common::config::ConfigError),
}

pub struct Runtime {
    pub pool: sqlx::PgPool,
    pub nats: async_nats::Client,
    pub metrics: Metrics,
    pub shutdown: CancellationToken,
    relay_waker: Arc<Notify>,
    tasks: Vec<JoinHandle<()>>,
    admin: JoinHandle<std::io::Result<()>>,
}

impl Runtime {
    pub async fn start(
        database_url: &str,
        nats_url: &str,
        admin_addr: SocketAddr,
        migrator: &sqlx::migrate::Migrator,
    ) -> Result<Self, RuntimeError> {
        let prune = crate::prune::PruneConfig::from_vars(&common::config::Vars::from_process())?;
        let pool = crate::db::connect(database_url, 10).await?;
        crate::db::migrate(&pool, migrator).await?;
        let shutdown = common::shutdown::on_signal();
        let metrics = Metrics::new();
        // Connecting in the background lets the service serve (and write its outbox) while NATS
        // is away.
        let nats = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connect(nats_url)
            .await
            .map_err(|e| RuntimeError::Nats(e.to_string()))?;
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
        let readiness = Readiness {
            check: None,
            probes: vec![crate::db::probe(pool.clone())],
            nats: Some(nats.clone()),
        };
        let admin = tokio::spawn(common::admin::serve(
            admin_addr,
            readiness,
            metrics.clone(),
            shutdown.clone(),
        ));
        Ok(Self {
            pool,
            nats,
            metrics,
            shutdown,
            relay_waker,
            tasks,
            admin,
        })
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
