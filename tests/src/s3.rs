//! A real S3-compatible store for the board-file tests: `src/bin/s3-server.rs` (built with the
//! harness) on a free port, its root under the test's directory, a key pair made for this run.
//! careboard reaches it exactly as a production store: `s3://bucket`, an endpoint, signed
//! requests.

use crate::process::{Proc, wait_for_port};
use crate::{bin_dir, free_port};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The bucket the tests' store holds; its name is checked by nothing but the server.
pub const BUCKET: &str = "renrakucho-board-files";

pub struct S3Server {
    pub port: u16,
    pub bucket: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// The server's directory: every object is a file under `root/<bucket>/`.
    pub root: PathBuf,
    /// Held for its drop: the server is stopped (SIGTERM, then SIGKILL) with this value.
    _proc: Proc,
}

impl S3Server {
    /// Starts the server with its data in `dir/s3` and its log in `dir/logs`.
    pub async fn start(dir: &Path) -> anyhow::Result<Self> {
        let root = std::path::absolute(dir.join("s3"))?;
        std::fs::create_dir_all(&root)?;
        let port = free_port()?;
        let access_key_id = format!("RKTEST{}", hex::encode_upper(rand::random::<[u8; 7]>()));
        let secret_access_key = hex::encode(rand::random::<[u8; 20]>());
        let mut command = Command::new(bin_dir().join("s3-server"));
        command
            .env_clear()
            .env("S3_ROOT", &root)
            .env("S3_ADDR", format!("127.0.0.1:{port}"))
            .env("S3_BUCKET", BUCKET)
            .env("S3_ACCESS_KEY_ID", &access_key_id)
            .env("S3_SECRET_ACCESS_KEY", &secret_access_key);
        let mut proc = Proc::spawn("s3-server", command, &dir.join("logs"))?;
        if let Err(e) = wait_for_port(&format!("127.0.0.1:{port}"), Duration::from_secs(10)).await {
            let tail = proc.log_tail();
            proc.stop();
            anyhow::bail!("the S3 server did not start: {e}\n{tail}");
        }
        Ok(Self {
            port,
            bucket: BUCKET.to_owned(),
            access_key_id,
            secret_access_key,
            root,
            _proc: proc,
        })
    }

    #[must_use]
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// careboard's settings for keeping its files here (for `StackOptions.env`).
    #[must_use]
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("OBJECT_STORE_URL".into(), format!("s3://{}", self.bucket)),
            ("OBJECT_STORE_ENDPOINT".into(), self.endpoint()),
            ("OBJECT_STORE_REGION".into(), "us-east-1".into()),
            (
                "OBJECT_STORE_ACCESS_KEY_ID".into(),
                self.access_key_id.clone(),
            ),
            (
                "OBJECT_STORE_SECRET_ACCESS_KEY".into(),
                self.secret_access_key.clone(),
            ),
        ]
    }

    /// The directory whose files are the bucket's objects.
    #[must_use]
    pub fn bucket_dir(&self) -> PathBuf {
        self.root.join(&self.bucket)
    }
}
