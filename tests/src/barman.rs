//! WAL archiving, base backups and point-in-time recovery with the tools CloudNativePG's Barman
//! Cloud plugin runs (`barman-cloud-*` from Debian's `barman-cli-cloud`), into the tests' S3
//! server: the same objects under the same layout as in the production bucket, gzip-compressed
//! and with server-side encryption asked for, as `deploy/k8s/overlays/prod/objectstore.yaml`
//! configures them.

use crate::free_port;
use crate::postgres::{Postgres, ServerOptions};
use crate::process::run;
use crate::s3::S3Server;
use anyhow::Context;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Where a segment must be archived within, and a restored cluster be promoted within: each
/// segment is one run of a Python tool that takes seconds to start on a busy machine.
const ARCHIVE_WAIT: Duration = Duration::from_mins(1);
const RECOVERY_WAIT: Duration = Duration::from_mins(3);

/// One server's history in the store: `s3://<bucket>/postgres/<server>/{base,wals}/...`.
pub struct BarmanStore {
    endpoint: String,
    destination: String,
    server: String,
    env: Vec<(String, String)>,
    /// The folder on the S3 server's disk that holds the server's archived WAL.
    wals: PathBuf,
}

impl BarmanStore {
    #[must_use]
    pub fn new(s3: &S3Server, server: &str) -> Self {
        Self {
            endpoint: s3.endpoint(),
            destination: format!("s3://{}/postgres", s3.bucket),
            server: server.to_owned(),
            env: vec![
                ("AWS_ACCESS_KEY_ID".into(), s3.access_key_id.clone()),
                ("AWS_SECRET_ACCESS_KEY".into(), s3.secret_access_key.clone()),
                ("AWS_DEFAULT_REGION".into(), "us-east-1".into()),
            ],
            wals: s3.bucket_dir().join("postgres").join(server).join("wals"),
        }
    }

    /// `barman-cloud-*` with the endpoint and credentials; the store's URL and server name
    /// follow the tool's own arguments.
    fn tool(&self, name: &str) -> Command {
        let mut c = Command::new(name);
        c.envs(self.env.iter().map(|(k, v)| (k, v)))
            .arg("--endpoint-url")
            .arg(&self.endpoint);
        c
    }

    /// A shell command line for PostgreSQL (it runs `archive_command` through `sh`); nothing
    /// in it needs quoting: URLs and names are ours.
    fn command_line(&self, tool: &str, options: &str, files: &str) -> String {
        format!(
            "{tool} --endpoint-url {} {options} {} {} {files}",
            self.endpoint, self.destination, self.server
        )
    }

    /// The settings of a cluster that archives every completed WAL segment here.
    #[must_use]
    pub fn archiving(&self) -> ServerOptions {
        let archive = self.command_line("barman-cloud-wal-archive", "--gzip -e AES256", "%p");
        ServerOptions {
            settings: vec![
                ("wal_level".into(), "replica".into()),
                ("archive_mode".into(), "on".into()),
                ("archive_command".into(), archive),
            ],
            env: self.env.clone(),
            ready_within: None,
        }
    }

    /// A base backup of the running cluster `pg`; returns the backup's id.
    pub fn backup(&self, pg: &Postgres) -> anyhow::Result<String> {
        let mut c = self.tool("barman-cloud-backup");
        c.args(["--gzip", "-e", "AES256", "--immediate-checkpoint"])
            .args(["-h", "127.0.0.1", "-U", "postgres", "-p"])
            .arg(pg.port.to_string())
            .arg(&self.destination)
            .arg(&self.server);
        run(c)?;
        self.backups()?
            .pop()
            .context("barman-cloud-backup listed no backup")
    }

    /// The ids of the completed backups, oldest first.
    pub fn backups(&self) -> anyhow::Result<Vec<String>> {
        let mut c = self.tool("barman-cloud-backup-list");
        c.args(["--format", "json"])
            .arg(&self.destination)
            .arg(&self.server);
        let listed: serde_json::Value = serde_json::from_str(&run(c)?)?;
        let mut ids: Vec<String> = listed["backups_list"]
            .as_array()
            .context("no backups_list")?
            .iter()
            .filter(|b| b["status"] == "DONE")
            .filter_map(|b| b["backup_id"].as_str().map(str::to_owned))
            .collect();
        // Ids are the start times, `YYYYMMDDTHHMMSS`.
        ids.sort();
        Ok(ids)
    }

    /// Ends the current WAL segment of `pg` and waits until the archiver has stored it here
    /// (its object is in the bucket); returns the segment's name.
    pub async fn switch_wal(&self, pg: &Postgres) -> anyhow::Result<String> {
        let mut conn = sqlx::PgConnection::connect(&pg.url("postgres")).await?;
        let segment: String = sqlx::query_scalar("SELECT pg_walfile_name(pg_switch_wal())")
            .fetch_one(&mut conn)
            .await?;
        let deadline = Instant::now() + ARCHIVE_WAIT;
        loop {
            // Names of one timeline sort in WAL order.
            let (archived, failed): (Option<String>, Option<String>) =
                sqlx::query_as("SELECT last_archived_wal, last_failed_wal FROM pg_stat_archiver")
                    .fetch_one(&mut conn)
                    .await?;
            if archived.as_deref().is_some_and(|a| a >= segment.as_str()) {
                break;
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "{segment} not archived (last archived {archived:?}, last failed {failed:?}); \
                 see postgres.log"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        let object = self.wals.join(&segment[..16]).join(format!("{segment}.gz"));
        anyhow::ensure!(object.exists(), "{} is not in the store", object.display());
        Ok(segment)
    }

    /// A new cluster in `dir` from base backup `backup` and the archived WAL, replayed up to
    /// `target_time` (as PostgreSQL writes a `timestamptz`) and then promoted: what a recovery
    /// Cluster does with `recoveryTarget.targetTime`. Returned once it accepts writes.
    pub async fn restore(
        &self,
        backup: &str,
        dir: &Path,
        target_time: &str,
    ) -> anyhow::Result<Postgres> {
        let data = std::path::absolute(dir.join("data"))?;
        let mut c = self.tool("barman-cloud-restore");
        c.arg(&self.destination)
            .arg(&self.server)
            .arg(backup)
            .arg(&data);
        run(c)?;
        std::fs::write(data.join("recovery.signal"), "")?;
        // PostgreSQL refuses a data directory that others may read.
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o700))?;
        }
        let restore = self.command_line("barman-cloud-wal-restore", "", "%f %p");
        let options = ServerOptions {
            settings: vec![
                ("restore_command".into(), restore),
                ("recovery_target_time".into(), target_time.to_owned()),
                ("recovery_target_action".into(), "promote".into()),
            ],
            env: self.env.clone(),
            ready_within: Some(RECOVERY_WAIT),
        };
        let logs = dir.join("logs");
        let pg = Postgres::start_with(dir, &logs, free_port()?, false, options).await?;
        // It accepts reads once consistent, before it has reached the target and promoted.
        let deadline = Instant::now() + RECOVERY_WAIT;
        let mut conn = sqlx::PgConnection::connect(&pg.url("postgres")).await?;
        loop {
            let recovering: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
                .fetch_one(&mut conn)
                .await?;
            if !recovering {
                return Ok(pg);
            }
            anyhow::ensure!(
                Instant::now() < deadline,
                "the restored cluster was not promoted; see {}",
                logs.join("postgres.log").display()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
