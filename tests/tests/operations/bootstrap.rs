//! The first install as the bootstrap Job runs it (deploy/k8s/jobs/bootstrap): the two commands
//! given no password, the second reading the first's output from a file, and the first login
//! with nothing but the files they wrote.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;
use system_tests::api::{Device, Session};
use system_tests::{Stack, bin_dir, process};

/// `offices bootstrap-operator-office`, then `identity bootstrap-operator`, into `out`; returns
/// what identity printed.
fn bootstrap(stack: &Stack, out: &Path) -> serde_json::Value {
    let mut offices = Command::new(bin_dir().join("offices"));
    offices
        .arg("bootstrap-operator-office")
        .envs(stack.service_env("offices"))
        .env("BOOTSTRAP_ADMIN_EMAIL", "koreisha@city.takahagi.invalid")
        .env("BOOTSTRAP_OUT_DIR", out);
    process::run(offices).unwrap();
    let mut identity = Command::new(bin_dir().join("identity"));
    identity
        .arg("bootstrap-operator")
        .envs(stack.service_env("identity"))
        .env("BOOTSTRAP_OUT_DIR", out)
        .env("BOOTSTRAP_OFFICE_ID_FILE", out.join("office_id"))
        .env("BOOTSTRAP_OFFICE_NAME_FILE", out.join("office_name"))
        .env("BOOTSTRAP_LOGIN_ID", "city.admin");
    let printed = process::run(identity).unwrap();
    let last = printed.lines().rev().find(|l| !l.trim().is_empty());
    serde_json::from_str(last.unwrap_or("")).unwrap()
}

fn read(out: &Path, name: &str) -> String {
    std::fs::read_to_string(out.join(name)).unwrap()
}

async fn login(stack: &Stack, out: &Path, password: &str, name: &str) -> Session {
    let p12 = std::fs::read(out.join("operator.p12")).unwrap();
    let device = Device::from_p12(&p12, &read(out, "p12_password"), out, name).unwrap();
    Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &device,
        &read(out, "login_id"),
        password,
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_operator_signs_in_with_what_the_bootstrap_wrote_and_a_second_run_changes_no_password()
 {
    let (dir, stack) = Stack::in_temp_dir("rk-ops-bootstrap-", |o| o)
        .await
        .unwrap();

    let first = dir.path().join("first");
    let issued = bootstrap(&stack, &first);
    assert_eq!(issued["user_created"], true, "{issued}");
    for name in [
        "office_id",
        "login_id",
        "password",
        "p12_password",
        "operator.p12",
    ] {
        let mode = std::fs::metadata(first.join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name} is readable by others");
    }
    let generated = read(&first, "password");
    assert!(generated.chars().count() >= 16, "{generated}");

    // The generated password sat in a Secret: it opens the session, and nothing else until
    // it is replaced.
    let op = login(&stack, &first, &generated, "first").await;
    let me = op.get("/api/v1/me").await.unwrap();
    assert_eq!(me.body["must_change_password"], true, "{}", me.body);
    let offices = op.get("/api/v1/operator/offices").await.unwrap();
    assert_eq!(
        offices.code(),
        "password_change_required",
        "{}",
        offices.body
    );
    let own = "hiru no kawa wa nagai desu";
    let changed = op
        .post(
            "/api/v1/password",
            &serde_json::json!({"current_password": generated, "new_password": own}),
        )
        .await
        .unwrap();
    assert_eq!(changed.status, 204, "{}", changed.body);
    let op = login(&stack, &first, own, "first-again").await;
    let offices = op.get("/api/v1/operator/offices").await.unwrap();
    assert_eq!(offices.status, 200, "{}", offices.body);

    // Run again (a lost file, say): the same office, the same account and its password, and
    // only a new device certificate.
    let second = dir.path().join("second");
    let again = bootstrap(&stack, &second);
    assert_eq!(again["user_created"], false, "{again}");
    assert_ne!(again["serial"], issued["serial"]);
    assert_eq!(read(&second, "office_id"), read(&first, "office_id"));
    assert!(
        !second.join("password").exists(),
        "a password that opens nothing was written"
    );
    let op = login(&stack, &second, own, "second").await;
    let offices = op.get("/api/v1/operator/offices").await.unwrap();
    assert_eq!(offices.status, 200, "{}", offices.body);
}
