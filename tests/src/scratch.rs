//! Scratch databases for in-process tests: one harness PostgreSQL per test binary, shared by the
//! binary's test processes (nextest runs each test in a process of its own), and a fresh database
//! per test.
//!
//! The cluster outlives the process that started it and is stopped by the last one out. Who is
//! in is told by a shared lock each process holds on `<binary>.users.lock` for as long as it uses
//! the cluster: the kernel releases it when the process ends however it ends, so a crashed test
//! never keeps the cluster up for good. Starting and stopping happen under the exclusive lock
//! `<binary>.start.lock`, so no process joins a cluster that another is stopping.

use crate::free_port;
use crate::postgres::{Postgres, ServerOptions};
use anyhow::Context;
use sqlx::{Connection, PgPool};
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// A database of its own for one test, on the binary's shared cluster.
pub struct ScratchDb {
    pub pool: PgPool,
    pub url: String,
    /// Declared last, so the pool has closed before the cluster may stop.
    _user: ClusterUser,
}

/// Where the cluster of `binary` lives, and its locks beside it.
struct Places {
    dir: PathBuf,
    start_lock: PathBuf,
    users_lock: PathBuf,
}

impl Places {
    fn of(binary: &str) -> Self {
        let base = std::env::temp_dir();
        Self {
            dir: base.join(format!("rk-scratch-{binary}")),
            start_lock: base.join(format!("rk-scratch-{binary}.start.lock")),
            users_lock: base.join(format!("rk-scratch-{binary}.users.lock")),
        }
    }

    fn port_file(&self) -> PathBuf {
        self.dir.join("port")
    }
}

/// This process's use of the cluster: the shared lock, held until dropped.
struct ClusterUser {
    places: Places,
    users: Option<File>,
}

fn lock_file(path: &Path) -> anyhow::Result<File> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open {}", path.display()))
}

fn url(port: u16, db: &str) -> String {
    format!("postgres://postgres@127.0.0.1:{port}/{db}")
}

/// The port of a cluster that answers, if there is one.
async fn running(places: &Places) -> Option<u16> {
    let port: u16 = std::fs::read_to_string(places.port_file())
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let conn = sqlx::PgConnection::connect(&url(port, "postgres"))
        .await
        .ok()?;
    let _ = conn.close().await;
    Some(port)
}

/// A fresh, empty database on the cluster of `binary`, started if no test of the binary is
/// using one.
pub async fn fresh(binary: &str) -> anyhow::Result<ScratchDb> {
    let places = Places::of(binary);
    let start = lock_file(&places.start_lock)?;
    // Blocking, but held only while a cluster starts (seconds), never across a test.
    start.lock()?;
    let port = if let Some(port) = running(&places).await {
        port
    } else {
        // What a crashed run left: nothing of it is needed.
        stop(&places);
        let port = free_port()?;
        let pg = Postgres::start_with(
            &places.dir,
            &places.dir.join("logs"),
            port,
            false,
            ServerOptions::default(),
        )
        .await?;
        // The cluster belongs to every test process of the binary, not to this one: the last
        // process out stops it (`ClusterUser`'s drop), so this handle must not.
        std::mem::forget(pg);
        std::fs::write(places.port_file(), port.to_string())?;
        port
    };
    let users = lock_file(&places.users_lock)?;
    users.lock_shared()?;
    start.unlock()?;
    let user = ClusterUser {
        places,
        users: Some(users),
    };

    let name = format!("t_{}", uuid::Uuid::now_v7().simple());
    let mut admin = sqlx::PgConnection::connect(&url(port, "postgres")).await?;
    // The name is ours (a UUID), never input.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
        .execute(&mut admin)
        .await?;
    admin.close().await?;
    let url = url(port, &name);
    let pool = PgPool::connect(&url).await?;
    Ok(ScratchDb {
        pool,
        url,
        _user: user,
    })
}

/// Stops the cluster in `places` if one is running there, and removes it.
fn stop(places: &Places) {
    let pid = std::fs::read_to_string(places.dir.join("data/postmaster.pid"))
        .ok()
        .and_then(|text| text.lines().next().map(str::trim).map(str::to_owned));
    if let Some(pid) = pid {
        // SIGINT is PostgreSQL's fast shutdown: sessions are ended, nothing waits on clients.
        let _ = Command::new("kill").arg("-INT").arg(&pid).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while places.dir.join("data/postmaster.pid").exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    let _ = std::fs::remove_dir_all(&places.dir);
}

impl Drop for ClusterUser {
    fn drop(&mut self) {
        let Ok(start) = lock_file(&self.places.start_lock) else {
            return;
        };
        if start.lock().is_err() {
            return;
        }
        // Out first, then see whether anyone is still in.
        drop(self.users.take());
        if let Ok(users) = lock_file(&self.places.users_lock)
            && users.try_lock().is_ok()
        {
            stop(&self.places);
            let _ = users.unlock();
        }
        let _ = start.unlock();
    }
}
