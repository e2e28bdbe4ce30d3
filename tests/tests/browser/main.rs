//! Browser tests: Debian's Chromium driven by playwright-core (`tests/e2e/`), against a whole
//! stack started by the harness. Screenshots land in `target/e2e/`.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod board;
mod pages;
mod walkthroughs;

use std::process::{Command, Output};
use system_tests::scenes::{self, TwoOfficesScene};
use system_tests::{Stack, workspace_root};

fn node_script(stack: &Stack, script: &str, extra: &[(&str, &str)]) -> Output {
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

/// Fails with the script's output if it failed; its output otherwise.
fn succeeded(script: &str, out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "browser test {script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Runs one script against `stack` and fails with the script's output if it failed.
fn run_on(stack: &Stack, script: &str, extra: &[(&str, &str)]) -> String {
    succeeded(script, &node_script(stack, script, extra))
}

/// A stack of the browser tests, in a temporary directory of its own.
async fn stack() -> (tempfile::TempDir, Stack) {
    Stack::in_temp_dir("rk-browser-", |o| o).await.unwrap()
}

/// A stack with the operator signed in and the two offices most scenarios start from.
type Offices = TwoOfficesScene;

async fn two_offices() -> Offices {
    scenes::two_offices("rk-browser-", |o| o).await.unwrap()
}

/// The board's scripts, run as its team.
trait Team {
    fn team(&self) -> Vec<(&'static str, String)>;
    fn run_as_team(&self, script: &str, extra: &[(&str, &str)]) -> String;
}

impl Team for Offices {
    /// The care manager and the nurse as the board's scripts sign them in: each on their own
    /// office's device.
    fn team(&self) -> Vec<(&'static str, String)> {
        let w = &self.w;
        vec![
            ("CM_P12", w.care.p12.display().to_string()),
            ("CM_P12_PASSWORD", w.care.p12_password.clone()),
            ("CM_LOGIN", w.care_manager.login_id.clone()),
            ("CM_PASSWORD", w.care_manager.password.clone()),
            ("NS_P12", w.nursing.p12.display().to_string()),
            ("NS_P12_PASSWORD", w.nursing.p12_password.clone()),
            ("NS_LOGIN", w.nurse.login_id.clone()),
            ("NS_PASSWORD", w.nurse.password.clone()),
        ]
    }

    /// Runs a board script as the team, with `extra` besides.
    fn run_as_team(&self, script: &str, extra: &[(&str, &str)]) -> String {
        let team = self.team();
        let mut env: Vec<(&str, &str)> = team.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(extra);
        run_on(&self.stack, script, &env)
    }
}
