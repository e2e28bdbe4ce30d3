//! `cargo xtask bench <name>`: measurements that are reported, not enforced.
//!
//! `board` loads the 連絡帳 with 1M and then 10M posts and reads timelines through the gateway,
//! then measures post creation and urgent post → email latency; it records its figures at the
//! end of the README.
//!
//! `login` measures the timeline's p99 alone and while 20 logins a second run (the ratio), then
//! identity's peak and settled resident memory after a burst of logins.
//!
//! `photos` measures the gateway's and careboard's memory during 20 uploads of 10 MB at once,
//! upload throughput, and a board page with photos against one without.
//!
//! `tls` compares the gateway's TLS termination with nginx configured as it would be in front
//! of the gateway: full mutual-TLS handshakes per second, and requests per second on
//! connections kept open.

mod board;
mod board_report;
mod http;
mod load;
mod nginx;
mod photos;
mod tls;

use crate::tools;
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use system_tests::Stack;

const BENCHES: [&str; 4] = ["board", "login", "photos", "tls"];

pub fn bench(root: &Path, name: Option<&str>) -> Result<()> {
    match name {
        Some("tls") => tls::tls(root),
        Some("board") => board(root),
        Some("login") => login(root),
        Some("photos") => photos(root),
        Some(other) => bail!(
            "unknown benchmark {other:?}; available: {}",
            BENCHES.join(", ")
        ),
        None => bail!(
            "name a benchmark: cargo xtask bench <{}>",
            BENCHES.join(" | ")
        ),
    }
}

/// The package list of the release build; it has to include xtask, which runs the bench.
const RELEASE_PACKAGES: [&str; 6] = [
    "gateway",
    "identity",
    "offices",
    "careboard",
    "notify",
    "xtask",
];

/// A debug build would measure the compiler's unoptimised crypto rather than the server, and
/// the stack runs the binaries that sit beside the running xtask: so build everything in
/// release and let the release xtask run the bench.
fn rerun_in_release(root: &Path, bin_dir: &Path, bench: &str) -> Result<()> {
    eprintln!("xtask: building the release binaries");
    let mut build = tools::cargo();
    build
        .args(["build", "--release", "--bins"])
        .current_dir(root);
    for p in RELEASE_PACKAGES {
        build.args(["-p", p]);
    }
    tools::run_shown(&mut build)?;
    let release = bin_dir
        .parent()
        .map_or_else(|| root.join("target"), Path::to_path_buf)
        .join("release")
        .join("xtask");
    let status = Command::new(&release)
        .args(["bench", bench])
        .status()
        .with_context(|| format!("cannot run {}", release.display()))?;
    std::process::exit(status.code().unwrap_or(1));
}

fn board(root: &Path) -> Result<()> {
    tools::ensure_system_packages(false)?;
    tools::venv_python(root)?;
    let bin_dir = system_tests::bin_dir();
    if !bin_dir.ends_with("release") {
        return rerun_in_release(root, &bin_dir, "board");
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let dir = tempfile::Builder::new()
        .prefix("renrakucho-bench-board-")
        .tempdir()?;
    let result = runtime.block_on(board::run(dir.path()));
    if result.is_err() {
        eprintln!("xtask: logs kept in {}", dir.keep().display());
    }
    let figures = result?;
    let report = board_report::report(&figures);
    print!("{report}");
    board_report::record_in_readme(root, &report)?;
    Ok(())
}

fn login(root: &Path) -> Result<()> {
    in_release(root, "login", |dir| async move {
        Ok(board::login::report(&board::login::run(&dir).await?))
    })
}

fn photos(root: &Path) -> Result<()> {
    in_release(root, "photos", |dir| async move {
        Ok(photos::report(&photos::run(&dir).await?))
    })
}

/// Runs bench `name` in a release build on a fresh temporary directory (kept when it fails, for
/// its logs) and prints what `run` reports.
fn in_release<F, Fut>(root: &Path, name: &str, run: F) -> Result<()>
where
    F: FnOnce(std::path::PathBuf) -> Fut,
    Fut: std::future::Future<Output = Result<String>>,
{
    tools::ensure_system_packages(false)?;
    tools::venv_python(root)?;
    let bin_dir = system_tests::bin_dir();
    if !bin_dir.ends_with("release") {
        return rerun_in_release(root, &bin_dir, name);
    }
    let runtime = tokio::runtime::Runtime::new()?;
    let dir = tempfile::Builder::new()
        .prefix(&format!("renrakucho-bench-{name}-"))
        .tempdir()?;
    let result = runtime.block_on(run(dir.path().to_owned()));
    if result.is_err() {
        eprintln!("xtask: logs kept in {}", dir.keep().display());
    }
    print!("{}", result?);
    Ok(())
}

/// The gateway's address, from its URL.
fn gateway_addr(stack: &Stack) -> Result<SocketAddr> {
    let url = &stack.bootstrap.gateway_url;
    let port: u16 = url
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .with_context(|| format!("no port in {url}"))?;
    Ok(SocketAddr::from(([127, 0, 0, 1], port)))
}
