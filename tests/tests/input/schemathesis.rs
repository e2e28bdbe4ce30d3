//! The whole JSON API fuzzed from its own `OpenAPI` document by schemathesis (pinned in the tools
//! venv by `cargo xtask test`), once as the city's operator and once as a staff member, each with
//! their device certificate, session cookie and CSRF header: no answer is a server error, and
//! every answer matches the schema the document declares for it.

use crate::world::world;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use system_tests::api::Device;

/// Fixed, so a failure is reproduced by running the test again.
const SEED: &str = "20261201";
/// Per operation and phase: enough to reach every field's edge cases within the CI budget.
const EXAMPLES: &str = "25";

/// Ending the run's own session or changing its password would turn every later call into a 401
/// and prove nothing more; logout and the password change have system tests of their own.
const EXCLUDED: [&str; 2] = ["DELETE /api/v1/session", "POST /api/v1/password"];

/// schemathesis reuses ids it has seen in earlier answers, so as the operator it would withdraw
/// the city's own office, revoke its own device, or suspend or deactivate its own account, and
/// every later call would be refused. These run in the staff member's pass (refused there by
/// role, which checks their answers too), and have workflow tests of their own.
const EXCLUDED_FOR_OPERATOR: [&str; 4] = [
    "POST /api/v1/offices/{id}/withdraw",
    "POST /api/v1/certificates/{serial}/revoke",
    "POST /api/v1/operator/users/{id}/suspension",
    "POST /api/v1/users/{id}/active",
];

fn schemathesis() -> PathBuf {
    std::env::var_os("SCHEMATHESIS_BIN").map_or_else(
        || system_tests::workspace_root().join("target/tools/venv/bin/schemathesis"),
        PathBuf::from,
    )
}

/// Logs in on `device` and returns the session cookie and CSRF token, as a browser script holds
/// them.
async fn login(
    base: &str,
    ca: &Path,
    device: &Device,
    login_id: &str,
    password: &str,
) -> (String, String) {
    let http = system_tests::client::https(ca, Some((&device.cert, &device.key))).unwrap();
    // A login carries the client's pre-session CSRF token, as the login page does.
    let pre: Value = http
        .get(format!("{base}/api/v1/public/csrf-token"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = http
        .post(format!("{base}/api/v1/session"))
        .header("x-csrf-token", pre["csrf_token"].as_str().unwrap())
        .json(&json!({"login_id": login_id, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let cookie = r
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let body: Value = r.json().await.unwrap();
    (cookie, body["csrf_token"].as_str().unwrap().to_owned())
}

/// What one run found: operations, test cases, failures.
struct Counts {
    operations: u64,
    cases: u64,
    failures: u64,
}

fn run(
    who: &str,
    base: &str,
    ca: &Path,
    device: &Device,
    session: &(String, String),
    dir: &Path,
) -> Counts {
    let report = dir.join(format!("schemathesis-{who}.junit.xml"));
    let mut command = Command::new(schemathesis());
    command
        .arg("run")
        .arg(format!("{base}/api/v1/openapi.json"))
        .args(["--url", base])
        .args(["--checks", "not_a_server_error,response_schema_conformance"])
        .args(["--seed", SEED, "--max-examples", EXAMPLES])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--workers", "2", "--no-shrink"])
        // A connection the gateway closes while the fuzzer still writes to it (a refused
        // enrollment ends its connection) is tried again; any answer it gets is still checked.
        .args(["--request-retries", "2"])
        .arg("--tls-verify")
        .arg(ca)
        .arg("--request-cert")
        .arg(&device.cert)
        .arg("--request-cert-key")
        .arg(&device.key)
        .args(["-H", &format!("Cookie: {}", session.0)])
        .args(["-H", &format!("X-CSRF-Token: {}", session.1)])
        .args(["--report", "junit"])
        .arg("--report-junit-path")
        .arg(&report)
        .args(["--warnings", "off"])
        // Its cache of found failures goes with the run, not into the source tree.
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("SCHEMATHESIS_HOOKS", "");
    let operator_only = if who == "operator" {
        &EXCLUDED_FOR_OPERATOR[..]
    } else {
        &[]
    };
    for name in EXCLUDED.iter().chain(operator_only) {
        command.args(["--exclude-name", name]);
    }
    let output = command.output().unwrap_or_else(|e| {
        panic!(
            "cannot run {} ({e}): `cargo xtask test` installs it",
            schemathesis().display()
        )
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    let junit = std::fs::read_to_string(&report).unwrap_or_default();
    let attr = |name: &str| -> u64 {
        junit
            .split(&format!("{name}=\""))
            .nth(1)
            .and_then(|r| r.split('"').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    let counts = Counts {
        operations: attr("tests"),
        // The summary's "Test cases:" line is followed by "  N generated, N passed, ...".
        cases: stdout
            .lines()
            .skip_while(|l| l.trim() != "Test cases:")
            .nth(1)
            .and_then(|l| l.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
        failures: attr("failures") + attr("errors"),
    };
    eprintln!(
        "schemathesis as {who}: {} operations, {} test cases, {} failures",
        counts.operations, counts.cases, counts.failures
    );
    assert!(
        output.status.success() && counts.failures == 0,
        "schemathesis as {who} found failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    counts
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_answers_no_server_error_and_matches_its_schema_for_operator_and_staff() {
    let w = world("rk-input-schemathesis-").await;
    let base = w.stack.bootstrap.gateway_url.clone();
    let ca = w.stack.bootstrap.ca_cert.clone();
    let op = &w.stack.bootstrap.operator;
    let operator_device = Device {
        cert: op.cert_pem.clone(),
        key: op.key_pem.clone(),
    };
    let operator = login(&base, &ca, &operator_device, &op.login_id, &op.password).await;
    let staff = login(
        &base,
        &ca,
        &w.office.device,
        &w.staff.login_id,
        &w.staff.password,
    )
    .await;
    let dir = w.dir.path();
    let started = std::time::Instant::now();
    // The stack's servers go on answering on the runtime's other workers meanwhile.
    let (a, b) = tokio::task::block_in_place(|| {
        // The staff member first: the operator's pass may change the office they belong to.
        let staff = run("staff", &base, &ca, &w.office.device, &staff, dir);
        (
            run("operator", &base, &ca, &operator_device, &operator, dir),
            staff,
        )
    });
    eprintln!(
        "schemathesis: {} operations, {} test cases, {} failures in {:.0} s",
        a.operations + b.operations,
        a.cases + b.cases,
        a.failures + b.failures,
        started.elapsed().as_secs_f64()
    );
    assert!(
        a.operations + EXCLUDED_FOR_OPERATOR.len() as u64 == b.operations && b.operations >= 32,
        "every operation was run"
    );
}
