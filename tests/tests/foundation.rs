//! The foundation walks end to end: certificates at the door, login, the API, and an office
//! registration that becomes one email, in one trace.

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use system_tests::{Stack, StackOptions, client};

async fn stack() -> (tempfile::TempDir, Stack) {
    let dir = tempfile::Builder::new().prefix("rk-test-").tempdir().unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path())).await.unwrap();
    (dir, stack)
}

fn operator_client(stack: &Stack) -> reqwest::Client {
    let op = &stack.bootstrap.operator;
    client::https(&stack.bootstrap.ca_cert, Some((&op.cert_pem, &op.key_pem))).unwrap()
}

fn anonymous_client(stack: &Stack) -> reqwest::Client {
    client::https(&stack.bootstrap.ca_cert, None).unwrap()
}

fn url(stack: &Stack, path: &str) -> String {
    format!("{}{path}", stack.bootstrap.gateway_url)
}

async fn login(stack: &Stack, http: &reqwest::Client) -> String {
    let op = &stack.bootstrap.operator;
    let resp = http
        .post(url(stack, "/api/v1/session"))
        .json(&json!({"login_id": op.login_id, "password": op.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
    let cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-rk_session="), "{cookie}");
    for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    let body: Value = resp.json().await.unwrap();
    body["csrf_token"].as_str().unwrap().to_owned()
}

async fn wait_for_mails(stack: &Stack, n: usize, within: Duration) -> Vec<String> {
    let deadline = Instant::now() + within;
    loop {
        let mails = stack.mails();
        if mails.len() >= n || Instant::now() > deadline {
            return mails;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn public_pages_work_without_a_certificate_and_the_rest_is_refused() {
    let (_dir, stack) = stack().await;
    let http = anonymous_client(&stack);
    let portal = http.get(url(&stack, "/")).send().await.unwrap();
    assert_eq!(portal.status(), 200);
    assert!(portal.text().await.unwrap().contains("電子@連絡帳"));
    assert_eq!(http.get(url(&stack, "/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(http.get(url(&stack, "/static/app.css")).send().await.unwrap().status(), 200);

    let login = http.get(url(&stack, "/login")).send().await.unwrap();
    assert_eq!(login.status(), 403);
    assert!(login.text().await.unwrap().contains("電子証明書が必要です"));
    let me = http.get(url(&stack, "/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 403);
    let body: Value = me.json().await.unwrap();
    assert_eq!(body["error"]["code"], "certificate_required");
}

#[tokio::test(flavor = "multi_thread")]
async fn operator_logs_in_sees_itself_and_logs_out() {
    let (_dir, stack) = stack().await;
    let http = operator_client(&stack);
    let csrf = login(&stack, &http).await;
    let me: Value = http.get(url(&stack, "/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["login_id"], "operator");
    assert_eq!(me["role"], "operator");
    assert_eq!(me["office"], "高萩市 高齢福祉課");

    let without_token = http.delete(url(&stack, "/api/v1/session")).send().await.unwrap();
    assert_eq!(without_token.status(), 403);
    let out = http.delete(url(&stack, "/api/v1/session")).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(out.status(), 204);
    let after = http.get(url(&stack, "/api/v1/me")).send().await.unwrap();
    assert_eq!(after.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn office_registration_becomes_one_welcome_email_in_one_trace() {
    let (_dir, stack) = stack().await;
    let http = operator_client(&stack);
    let csrf = login(&stack, &http).await;
    let created = http
        .post(url(&stack, "/api/v1/operator/offices"))
        .header("x-csrf-token", &csrf)
        .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .json(&json!({"name": "高萩訪問看護ステーション", "kind": "訪問看護ステーション", "admin_email": "kanri@houkan.example.jp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{:?}", created.text().await);
    let mails = wait_for_mails(&stack, 2, Duration::from_secs(15)).await;
    let welcome: Vec<&String> = mails.iter().filter(|m| m.contains("kanri@houkan.example.jp")).collect();
    assert_eq!(welcome.len(), 1, "{mails:?}");

    let otlp = stack.otlp.as_ref().unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    loop {
        let services: std::collections::BTreeSet<String> =
            otlp.spans().into_iter().filter(|s| s.trace_id == trace).map(|s| s.service).collect();
        if ["gateway", "offices", "notify"].iter().all(|s| services.contains(*s)) {
            break;
        }
        assert!(Instant::now() < deadline, "trace reached only {services:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
