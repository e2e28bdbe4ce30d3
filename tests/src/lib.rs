//! The harness: starts the real parts (PostgreSQL, NATS JetStream, an SMTP server, an OTLP
//! receiver and every Renrakucho binary) on free ports under one directory, and tears them down.
//! `cargo xtask run` uses the same `Stack` with fixed ports under `var/dev/`.

pub mod api;
pub mod barman;
pub mod board;
pub mod bus_users;
pub mod client;
pub mod demo;
pub mod faults;
pub mod grpc;
pub mod markup;
pub mod matrices;
pub mod nats;
pub mod otlp;
pub mod outage;
pub mod people;
pub mod pki;
pub mod postgres;
pub mod process;
pub mod routes;
pub mod s3;
pub mod samples;
pub mod scenes;
pub mod scratch;
mod secrets;
pub mod smtp;
pub mod stack;

pub use stack::{Bootstrap, MailMode, Stack, StackOptions};

/// A port the OS says is free now, and that no other harness process on this machine was handed
/// in the last ten minutes: tests run in parallel processes, and a port released by one stack's
/// probe could otherwise be handed to another stack's server before the first binds it.
pub fn free_port() -> anyhow::Result<u16> {
    let dir = std::env::temp_dir().join("renrakucho-ports");
    std::fs::create_dir_all(&dir)?;
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let claim = dir.join(port.to_string());
        let stale = std::fs::metadata(&claim)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().unwrap_or_default() > std::time::Duration::from_mins(10));
        if stale {
            let _ = std::fs::remove_file(&claim);
        }
        if std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&claim)
            .is_ok()
        {
            return Ok(port);
        }
    }
}

/// The workspace root (where `Cargo.toml` with `[workspace]` lives).
#[must_use]
pub fn workspace_root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(
            || std::path::PathBuf::from("."),
            std::path::Path::to_path_buf,
        )
}

/// Where cargo put the binaries this process was built with (target/debug or target/release).
#[must_use]
pub fn bin_dir() -> std::path::PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dir = exe
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir
}

/// reqwest is built without a default TLS provider; this process uses ring like the services.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
