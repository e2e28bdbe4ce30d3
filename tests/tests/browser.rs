//! Browser tests: Debian's Chromium driven by playwright-core (`tests/e2e/`), against a whole
//! stack started by the harness. Screenshots land in `target/e2e/`.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use system_tests::{Stack, StackOptions, workspace_root};

fn node_script(stack: &Stack, script: &str, extra: &[(&str, &str)]) -> std::process::Output {
    let op = &stack.bootstrap.operator;
    let root = workspace_root();
    let mut command = Command::new("node");
    command
        .arg(root.join("tests/e2e").join(script))
        .env("GATEWAY_URL", &stack.bootstrap.gateway_url)
        .env("P12_PATH", &op.p12)
        .env("P12_PASSWORD", &op.p12_password)
        .env("LOGIN_ID", &op.login_id)
        .env("PASSWORD", &op.password)
        .env("MAIL_DIR", &stack.bootstrap.mail_dir)
        .env(
            "SCREENSHOT_DIR",
            root.join("target/e2e")
                .join(script.trim_end_matches(".mjs")),
        );
    for (k, v) in extra {
        command.env(k, v);
    }
    command
        .output()
        .expect("node runs (cargo xtask test installs it)")
}

/// Starts a stack, runs one script against it, and fails with the script's output if it failed.
async fn run(script: &str, extra: &[(&str, &str)]) -> (tempfile::TempDir, Stack) {
    let dir = tempfile::Builder::new()
        .prefix("rk-browser-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let out = node_script(&stack, script, extra);
    assert!(
        out.status.success(),
        "browser test {script} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, stack)
}

#[tokio::test(flavor = "multi_thread")]
async fn operator_registers_an_office_in_the_browser_and_the_email_arrives() {
    let (_dir, stack) = run(
        "foundation.mjs",
        &[("OFFICE_EMAIL", "clinic-admin@example.jp")],
    )
    .await;
    let welcome = stack
        .mails()
        .into_iter()
        .filter(|m| m.contains("clinic-admin@example.jp"))
        .count();
    assert_eq!(welcome, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn enrollment_devices_staff_and_suspension_work_in_the_browser() {
    run("identity.mjs", &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_applies_is_approved_enrolls_and_appears_on_the_map_in_the_browser() {
    run("offices.mjs", &[]).await;
}
