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

use crate::tools;
use anyhow::{Context, Result, bail};
use load::{Client, Count};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use system_tests::{Stack, StackOptions};

const BENCHES: [&str; 4] = ["board", "login", "photos", "tls"];

/// What the gateway should reach, relative to nginx, in handshakes per second.
const TARGET_RATIO: f64 = 1.2;

pub fn bench(root: &Path, name: Option<&str>) -> Result<()> {
    match name {
        Some("tls") => tls(root),
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

fn tls(root: &Path) -> Result<()> {
    tools::ensure_system_packages(false)?;
    tools::venv_python(root)?;
    let nginx = nginx::ensure_installed()?;
    let bin_dir = system_tests::bin_dir();
    if !bin_dir.ends_with("release") {
        return rerun_in_release(root, &bin_dir, "tls");
    }

    let runtime = tokio::runtime::Runtime::new()?;
    let dir = tempfile::Builder::new()
        .prefix("renrakucho-bench-tls-")
        .tempdir()?;
    let result = runtime.block_on(measure_all(&nginx, dir.path()));
    // The stack and nginx are gone by now; their logs go with the directory unless the run failed.
    if result.is_err() {
        eprintln!("xtask: logs kept in {}", dir.keep().display());
    }
    let (gateway, nginx) = result?;
    print_table(&gateway, &nginx);
    Ok(())
}

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

struct Rates {
    handshakes: f64,
    keep_alive: f64,
}

async fn measure_all(nginx_bin: &Path, dir: &Path) -> Result<(Rates, Rates)> {
    eprintln!("xtask: starting the stack");
    let opts = StackOptions {
        otlp: false,
        env: vec![("RUST_LOG".into(), "warn".into())],
        ..StackOptions::for_test(dir)
    };
    let stack = Stack::start(opts)
        .await
        .context("the stack did not start")?;
    let operator = &stack.bootstrap.operator;
    let gateway_port = gateway_addr(&stack)?.port();

    let nginx_dir = dir.join("nginx");
    std::fs::create_dir_all(&nginx_dir)?;
    let client_ca = nginx_dir.join("device-ca.pem");
    std::fs::write(
        &client_ca,
        device_ca_pem(&operator.p12, &operator.p12_password)?,
    )?;
    let crl = nginx_dir.join("device-ca.crl");
    std::fs::write(&crl, export_crl(&stack)?)?;
    let server = stack.pki.files("gateway-server");
    let files = nginx::Files {
        server_cert: server.cert,
        server_key: server.key,
        client_ca,
        crl,
        upstream_cert: operator.cert_pem.clone(),
        upstream_key: operator.key_pem.clone(),
        upstream_ca: stack.bootstrap.ca_cert.clone(),
    };
    let nginx_port = system_tests::free_port()?;
    eprintln!("xtask: starting nginx");
    let mut nginx = nginx::start(nginx_bin, &nginx_dir, nginx_port, gateway_port, &files).await?;

    let client = Client::new(
        &stack.bootstrap.ca_cert,
        Some((&operator.cert_pem, &operator.key_pem)),
    )?;
    let anonymous = Client::new(&stack.bootstrap.ca_cert, None)?;
    // nginx must really demand and check the certificate, or the comparison is not like for like.
    match anonymous
        .one_shot(SocketAddr::from(([127, 0, 0, 1], nginx_port)))
        .await
    {
        Ok(r) if r.status == 400 => {}
        Ok(r) => bail!(
            "nginx answered {} to a client without a certificate",
            r.status
        ),
        Err(e) => bail!("nginx did not answer a client without a certificate: {e:#}"),
    }

    let gateway = measure(
        "gateway",
        &client,
        SocketAddr::from(([127, 0, 0, 1], gateway_port)),
    )
    .await?;
    let behind_nginx = measure(
        "nginx",
        &client,
        SocketAddr::from(([127, 0, 0, 1], nginx_port)),
    )
    .await?;
    nginx.stop();
    drop(stack);
    Ok((gateway, behind_nginx))
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

/// The device CA travels as the second certificate of every device's `.p12`.
fn device_ca_pem(p12: &Path, password: &str) -> Result<String> {
    let der = std::fs::read(p12).with_context(|| format!("cannot read {}", p12.display()))?;
    let store = p12_keystore::KeyStore::from_pkcs12(
        &der,
        password,
        p12_keystore::Pkcs12ImportPolicy::Relaxed,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e:?}", p12.display()))?;
    let (_, chain) = store
        .private_key_chain()
        .with_context(|| format!("no key in {}", p12.display()))?;
    let [leaf, ca, ..] = chain.certs() else {
        bail!("{} holds no CA certificate after the leaf", p12.display());
    };
    if ca.subject() != leaf.issuer() {
        bail!(
            "the second certificate in {} ({}) did not issue the first",
            p12.display(),
            ca.subject()
        );
    }
    Ok(pem("CERTIFICATE", ca.as_der()))
}

fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    // Base64 is ASCII, so every 64-byte slice is a whole line.
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// `identity export-crl`, run beside the stack's identity with its environment.
fn export_crl(stack: &Stack) -> Result<String> {
    let mut command = Command::new(system_tests::bin_dir().join("identity"));
    command
        .arg("export-crl")
        .env_clear()
        .envs(stack.service_env("identity"))
        // Logs share stdout with the CRL.
        .env("RUST_LOG", "error");
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    let output = command.output().context("cannot run identity export-crl")?;
    if !output.status.success() {
        bail!(
            "identity export-crl failed ({}):\n{}",
            output.status,
            tools::output_text(&output)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let begin = "-----BEGIN X509 CRL-----";
    let end = "-----END X509 CRL-----";
    match (stdout.find(begin), stdout.find(end)) {
        (Some(b), Some(e)) if b < e => Ok(format!("{}\n", &stdout[b..e + end.len()])),
        _ => bail!("identity export-crl printed no CRL:\n{stdout}"),
    }
}

/// Handshakes, then keep-alive requests, failing when a server could not be measured.
async fn measure(name: &str, client: &Client, addr: SocketAddr) -> Result<Rates> {
    if let Err(e) = client
        .one_shot(addr)
        .await
        .and_then(|r| load::expect_healthy(&r))
    {
        bail!("{name} could not be measured: {e:#}");
    }
    eprintln!(
        "xtask: {name}: full handshakes, {} connections, {:?} (+{:?} warm-up)",
        load::CONCURRENCY,
        load::MEASURE,
        load::WARM_UP
    );
    let handshakes = checked(name, "handshakes", &load::handshakes(client, addr).await?)?;
    eprintln!("xtask: {name}: keep-alive requests");
    let keep_alive = checked(name, "keep-alive", &load::keep_alive(client, addr).await?)?;
    Ok(Rates {
        handshakes,
        keep_alive,
    })
}

/// The rate, unless failures make it meaningless: none completed, or more than 1 % failed.
fn checked(name: &str, what: &str, count: &Count) -> Result<f64> {
    let error = count.last_error.as_deref().unwrap_or("");
    if count.completed == 0 || count.failed * 100 > count.completed + count.failed {
        bail!(
            "{name} could not be measured ({what}): {} completed, {} failed; last error: {error}",
            count.completed,
            count.failed
        );
    }
    if count.failed > 0 {
        eprintln!(
            "xtask: {name}: {what}: {} of {} failed; last error: {error}",
            count.failed,
            count.completed + count.failed
        );
    }
    Ok(count.per_second())
}

fn print_table(gateway: &Rates, nginx: &Rates) {
    println!(
        "{:<8} {:>13} {:>17}",
        "server", "handshakes/s", "keep-alive req/s"
    );
    for (name, r) in [("gateway", gateway), ("nginx", nginx)] {
        println!("{name:<8} {:>13.1} {:>17.1}", r.handshakes, r.keep_alive);
    }
    println!("target for the ratio below: {TARGET_RATIO:.2} (reported, not enforced)");
    println!(
        "handshakes/s gateway/nginx ratio: {:.2}",
        gateway.handshakes / nginx.handshakes
    );
}
