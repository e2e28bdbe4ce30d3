//! `cargo xtask bench tls`: the gateway's TLS termination against nginx configured as it would
//! be in front of the gateway, and against nginx answering `/healthz` itself.

use super::load::{self, Client, Count};
use super::{gateway_addr, nginx, rerun_in_release};
use crate::tools;
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;
use system_tests::{Stack, StackOptions};

/// What the gateway should reach, relative to nginx, in handshakes per second.
const TARGET_RATIO: f64 = 1.2;

pub(super) fn tls(root: &Path) -> Result<()> {
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
    let rates = result?;
    print_table(&rates);
    Ok(())
}

struct Rates {
    handshakes: f64,
    keep_alive: f64,
}

/// The gateway; nginx proxying every request to it; nginx answering `/healthz` itself.
struct AllRates {
    gateway: Rates,
    nginx_proxying: Rates,
    nginx_alone: Rates,
}

async fn measure_all(nginx_bin: &Path, dir: &Path) -> Result<AllRates> {
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
    let alone_port = system_tests::free_port()?;
    eprintln!("xtask: starting nginx");
    let mut nginx = nginx::start(
        nginx_bin,
        &nginx_dir,
        (nginx_port, alone_port),
        gateway_port,
        &files,
    )
    .await?;

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
    let nginx_proxying = measure(
        "nginx",
        &client,
        SocketAddr::from(([127, 0, 0, 1], nginx_port)),
    )
    .await?;
    let nginx_alone = measure(
        "nginx alone",
        &client,
        SocketAddr::from(([127, 0, 0, 1], alone_port)),
    )
    .await?;
    nginx.stop();
    drop(stack);
    Ok(AllRates {
        gateway,
        nginx_proxying,
        nginx_alone,
    })
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

fn print_table(r: &AllRates) {
    println!(
        "{:<32} {:>13} {:>17}",
        "server", "handshakes/s", "keep-alive req/s"
    );
    for (name, rates) in [
        ("gateway", &r.gateway),
        ("nginx proxying to the gateway", &r.nginx_proxying),
        ("nginx answering /healthz itself", &r.nginx_alone),
    ] {
        println!(
            "{name:<32} {:>13.1} {:>17.1}",
            rates.handshakes, rates.keep_alive
        );
    }
    println!(
        "targets (reported, not enforced): handshakes ratio {TARGET_RATIO:.2}, keep-alive ratio 1.00"
    );
    println!(
        "keep-alive req/s gateway/nginx answering itself ratio: {:.2}",
        r.gateway.keep_alive / r.nginx_alone.keep_alive
    );
    println!(
        "handshakes/s gateway/nginx ratio: {:.2}",
        r.gateway.handshakes / r.nginx_proxying.handshakes
    );
}
