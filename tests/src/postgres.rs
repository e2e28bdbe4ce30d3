//! A private PostgreSQL cluster on its own port. As root the server runs as the `postgres` user
//! (PostgreSQL refuses to run as root).

use crate::process::{Proc, run};
use anyhow::Context;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Postgres {
    pub port: u16,
    proc: Option<Proc>,
    data: PathBuf,
    sock: PathBuf,
    logs: PathBuf,
    root: bool,
    durable: bool,
    options: ServerOptions,
}

/// What a cluster needs beyond the harness's own settings: WAL archiving for the point-in-time
/// drill, or the recovery settings of a cluster restored from that archive.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// `-c` settings, given after the harness's own (so a later one wins).
    pub settings: Vec<(String, String)>,
    /// Environment of the server, and so of its `archive_command` and `restore_command`.
    pub env: Vec<(String, String)>,
    /// How long a start may take; 30 s if unset. Recovery from an archive fetches segment by
    /// segment before it accepts a connection.
    pub ready_within: Option<Duration>,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The newest installed server binary `name`, from Debian's versioned directory or PATH.
fn pg_bin(name: &str) -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path().join("bin").join(name))
                .filter(|p| p.exists())
                .collect()
        })
        .unwrap_or_default();
    versions.sort_by_key(|p| {
        p.components()
            .nth(4)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    versions.pop().unwrap_or_else(|| PathBuf::from(name))
}

fn as_postgres(program: PathBuf, root: bool) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.arg("-u").arg("postgres").arg("--").arg(program);
        c
    } else {
        Command::new(program)
    }
}

impl Postgres {
    /// Starts (creating on first use) the cluster in `dir`. `durable` false turns fsync off,
    /// for throwaway test clusters.
    pub async fn start(dir: &Path, logs: &Path, port: u16, durable: bool) -> anyhow::Result<Self> {
        Self::start_with(dir, logs, port, durable, ServerOptions::default()).await
    }

    /// As [`Postgres::start`], with `options` on top of the harness's settings. A `dir` whose
    /// `data` already holds a cluster (a restored base backup) is started as it is.
    pub async fn start_with(
        dir: &Path,
        logs: &Path,
        port: u16,
        durable: bool,
        options: ServerOptions,
    ) -> anyhow::Result<Self> {
        let root = is_root();
        let data = dir.join("data");
        let sock = dir.join("sock");
        std::fs::create_dir_all(&sock)?;
        if root {
            run({
                let mut c = Command::new("chown");
                c.arg("-R").arg("postgres").arg(dir);
                c
            })?;
            // The server user must be able to reach the directory through its parents.
            let mut p = dir.parent();
            while let Some(parent) = p {
                let _ = Command::new("chmod").arg("o+x").arg(parent).status();
                p = parent.parent();
            }
        }
        if !data.join("PG_VERSION").exists() {
            let mut initdb = as_postgres(pg_bin("initdb"), root);
            initdb.arg("-D").arg(&data).args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]);
            run(initdb).context("initdb (is PostgreSQL installed? cargo xtask installs it)")?;
        }
        let mut pg = Self {
            port,
            proc: None,
            data,
            sock,
            logs: logs.to_owned(),
            root,
            durable,
            options,
        };
        pg.restart().await?;
        Ok(pg)
    }

    fn server(&self) -> Command {
        let mut server = as_postgres(pg_bin("postgres"), self.root);
        server
            .arg("-D")
            .arg(&self.data)
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-c")
            .arg("listen_addresses=127.0.0.1")
            .arg("-c")
            .arg(format!("unix_socket_directories={}", self.sock.display()))
            .arg("-c")
            .arg("max_connections=200")
            // What the board bench counts statements with; loaded, it only counts.
            .arg("-c")
            .arg("shared_preload_libraries=pg_stat_statements");
        if !self.durable {
            server.args([
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
            ]);
        }
        for (name, value) in &self.options.settings {
            server.arg("-c").arg(format!("{name}={value}"));
        }
        // runuser passes the environment on to the server (it resets only HOME, SHELL, USER
        // and LOGNAME).
        server.envs(self.options.env.iter().map(|(k, v)| (k, v)));
        server
    }

    /// Starts the server on the same port and data directory. After a crash the server's
    /// children take a moment to notice their postmaster is gone; until they have, a new one
    /// refuses the shared memory they still hold, so it is tried again.
    pub async fn restart(&mut self) -> anyhow::Result<()> {
        if let Some(mut p) = self.proc.take() {
            p.stop();
        }
        let deadline =
            Instant::now() + self.options.ready_within.unwrap_or(Duration::from_secs(30));
        loop {
            let mut proc = Proc::spawn("postgres", self.server(), &self.logs)?;
            match self.wait_ready(&mut proc, deadline).await {
                Ok(true) => {
                    self.proc = Some(proc);
                    return Ok(());
                }
                Ok(false) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Ok(false) => anyhow::bail!("PostgreSQL did not start:\n{}", proc.log_tail()),
                Err(e) => return Err(e.context(proc.log_tail())),
            }
        }
    }

    /// SIGKILL to the postmaster (not to `runuser` above it) and to every backend, as when its
    /// node dies: nothing is shut down cleanly, recovery replays the WAL at the next start. The
    /// backends go too: left alone, an orphaned backend keeps answering on its open connection
    /// until it notices its postmaster is gone, which a dead node's never does. The postmaster is
    /// stopped first so that it cannot start new backends in between.
    pub async fn kill(&mut self) -> anyhow::Result<()> {
        let pid_file =
            std::fs::read_to_string(self.data.join("postmaster.pid")).context("postmaster.pid")?;
        let pid = pid_file
            .lines()
            .next()
            .context("empty postmaster.pid")?
            .trim()
            .to_owned();
        let signal = |args: &[&str]| {
            let mut c = Command::new(args[0]);
            c.args(&args[1..]);
            c
        };
        run(signal(&["kill", "-STOP", &pid]))?;
        // pkill exits 1 when no backend is running: nothing to kill is not a failure.
        let _ = signal(&["pkill", "-KILL", "-P", &pid]).status();
        run(signal(&["kill", "-KILL", &pid]))?;
        if let Some(mut p) = self.proc.take() {
            // As root this reaps `runuser`, which exits once its postmaster has.
            let deadline = Instant::now() + Duration::from_secs(5);
            while p.exited().is_none() && Instant::now() < deadline {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            p.kill();
        }
        Ok(())
    }

    #[must_use]
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// True once it accepts connections, false if the server exited first.
    async fn wait_ready(&self, proc: &mut Proc, deadline: Instant) -> anyhow::Result<bool> {
        loop {
            match sqlx::PgConnection::connect(&self.url("postgres")).await {
                Ok(c) => {
                    let _ = c.close().await;
                    return Ok(true);
                }
                Err(_) if proc.exited().is_some() => return Ok(false),
                Err(e) if Instant::now() > deadline => {
                    return Err(e).context("PostgreSQL did not become ready");
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    /// Creates each database that does not exist yet (one per service).
    pub async fn create_databases(&self, names: &[&str]) -> anyhow::Result<()> {
        let mut conn = sqlx::PgConnection::connect(&self.url("postgres")).await?;
        for name in names {
            let exists: Option<i32> =
                sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
                    .bind(name)
                    .fetch_optional(&mut conn)
                    .await?;
            if exists.is_none() {
                // Names are ours (the service names), never input.
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                    .execute(&mut conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// A backup of one database as an operator's job takes it: `pg_dump` in the custom format.
    pub fn dump(&self, db: &str, to: &Path) -> anyhow::Result<()> {
        let mut c = Command::new(pg_bin("pg_dump"));
        c.args(["--format=custom", "--no-owner", "--file"])
            .arg(to)
            .arg(self.url(db));
        run(c).map(drop)
    }

    /// Everything one database holds, as plain SQL text (to look for what must not be stored).
    pub fn dump_sql(&self, db: &str) -> anyhow::Result<String> {
        let mut c = Command::new(pg_bin("pg_dump"));
        c.args(["--format=plain", "--no-owner"]).arg(self.url(db));
        run(c)
    }

    /// The restore drill's two steps: the database is dropped (every connection cut) and created
    /// empty, then `pg_restore` fills it from `from`.
    pub async fn wipe_and_restore(&self, db: &str, from: &Path) -> anyhow::Result<()> {
        let mut conn = sqlx::PgConnection::connect(&self.url("postgres")).await?;
        // Names are ours (the service names), never input.
        // Two statements: a multi-statement string runs as one transaction, which neither allows.
        for statement in [
            format!("DROP DATABASE \"{db}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{db}\""),
        ] {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(&mut conn)
                .await?;
        }
        let mut c = Command::new(pg_bin("pg_restore"));
        c.args(["--no-owner", "--exit-on-error", "--dbname"])
            .arg(self.url(db))
            .arg(from);
        run(c).map(drop)
    }
}
