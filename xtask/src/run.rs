//! `cargo xtask run`: the whole system on this machine, data kept under `var/dev/`.

use crate::tools;
use anyhow::Context;
use std::path::Path;
use system_tests::{MailMode, Stack, StackOptions};

pub fn run(root: &Path, demo: bool) -> anyhow::Result<()> {
    tools::ensure_system_packages(false)?;
    tools::venv_python(root)?;
    eprintln!("xtask: building the binaries");
    tools::run_shown(
        tools::cargo()
            .args(["build", "--workspace", "--bins"])
            .current_dir(root),
    )?;
    let dir = root.join("var").join("dev");
    std::fs::create_dir_all(&dir)?;
    let mail = match std::env::var("SMTP_URL") {
        Ok(url) if !url.is_empty() => MailMode::Url(url),
        _ => MailMode::Dir(dir.join("mail")),
    };
    let env = ["OTEL_EXPORTER_OTLP_ENDPOINT", "RUST_LOG"]
        .into_iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| (k.to_owned(), v)))
        .collect();
    let opts = StackOptions {
        dir: dir.clone(),
        gateway_port: Some(8443),
        mail,
        otlp: false,
        durable: true,
        env,
        postgres: system_tests::postgres::ServerOptions::default(),
    };

    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let started = std::time::Instant::now();
        let stack = Stack::start(opts)
            .await
            .context("the system did not start; see var/dev/logs/")?;
        let b = &stack.bootstrap;
        println!();
        println!(
            "Renrakucho is running ({:.1} s): {}/",
            started.elapsed().as_secs_f64(),
            b.gateway_url
        );
        println!(
            "  server CA (trust it, or accept the warning): {}",
            b.ca_cert.display()
        );
        println!("  operator login ID: {}", b.operator.login_id);
        println!("  operator password: {}", b.operator.password);
        println!(
            "  device certificate: {} (import password: {})",
            b.operator.p12.display(),
            b.operator.p12_password
        );
        println!(
            "  NATS: {} over TLS, one user per binary; the nats CLI as admin: \
             --tlsca {} --user admin --password \"$(cat {})\"",
            stack.nats.url(),
            b.ca_cert.display(),
            stack.dir.join("nats").join("admin.password").display()
        );
        println!("  mail: {}", b.mail_dir.display());
        println!("  logs: {}", stack.log_dir().display());
        println!("  details: {}", stack.dir.join("bootstrap.json").display());
        // A city that cannot be seeded leaves the system running as it is.
        if demo && let Err(e) = crate::demo::seed(&stack).await {
            eprintln!("xtask: the demo city could not be seeded: {e:#}");
        }
        println!("Stop with Ctrl-C.");
        wait_for_stop().await;
        eprintln!("xtask: stopping");
        drop(stack);
        Ok(())
    })
}

async fn wait_for_stop() {
    let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
    else {
        let _ = tokio::signal::ctrl_c().await;
        return;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {},
        _ = term.recv() => {},
    }
}
