//! Every developer command, in Rust: `cargo xtask run` (the whole system locally),
//! `cargo xtask test` (every check and test), `cargo xtask bench <name>`, `cargo xtask tools`
//! (only the pinned tools the tests use: the venv and the FHIR schema).

mod bench;
mod demo;
mod k8s;
mod run;
mod test;
mod tools;

use std::path::PathBuf;

fn root() -> PathBuf {
    system_tests::workspace_root()
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("run") => run::run(&root(), args.iter().any(|a| a == "--demo")),
        Some("test") => test::test(&root()),
        Some("bench") => bench::bench(&root(), args.get(1).map(String::as_str)),
        Some("tools") => {
            tools::venv_python(&root())?;
            tools::ensure_fhir_schema(&root()).map(drop)
        }
        _ => {
            eprintln!("usage: cargo xtask <run [--demo] | test | bench NAME | tools>");
            eprintln!("  run    start the whole system on this machine (https://localhost:8443)");
            eprintln!(
                "         --demo: and seed a sample city (offices, staff, boards) through its API"
            );
            eprintln!(
                "  test   formatting, lints, every test (unit, cross-service, browser) and the k8s manifests"
            );
            eprintln!("  tools  the pinned tools the tests use (venv, FHIR schema), nothing else");
            eprintln!("  bench  tls: the gateway's TLS termination against nginx (release build)");
            eprintln!(
                "         photos: memory during 20 uploads of 10 MB, upload MB/s, a page of photos (release build)"
            );
            eprintln!(
                "         board: timelines at 1M and 10M posts, posting, urgent email (release build)"
            );
            eprintln!(
                "         login: timeline p99 with and without 20 logins/s, identity's memory (release build)"
            );
            std::process::exit(2);
        }
    }
}
