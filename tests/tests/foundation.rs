//! The foundation walks end to end: certificates at the door, login, the API, and an office
//! registration that becomes one email, in one trace, even through redelivery and outages.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use system_tests::{Stack, StackOptions};

async fn stack() -> (tempfile::TempDir, Stack) {
    let dir = tempfile::Builder::new()
        .prefix("rk-test-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    (dir, stack)
}

/// The client's pre-session CSRF token (its cookie lands in the client's store), which every
/// write before login carries.
async fn pre_session_token(stack: &Stack, http: &reqwest::Client) -> String {
    let body: Value = http
        .get(stack.url("/api/v1/public/csrf-token"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["csrf_token"].as_str().unwrap().to_owned()
}

async fn login(stack: &Stack, http: &reqwest::Client) -> String {
    let op = &stack.bootstrap.operator;
    let token = pre_session_token(stack, http).await;
    let resp = http
        .post(stack.url("/api/v1/session"))
        .header("x-csrf-token", token)
        .json(&json!({"login_id": op.login_id, "password": op.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200, "{:?}", resp.text().await);
    let cookie = resp
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("__Host-rk_session="), "{cookie}");
    for attr in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    let body: Value = resp.json().await.unwrap();
    body["csrf_token"].as_str().unwrap().to_owned()
}

async fn register_office(
    stack: &Stack,
    http: &reqwest::Client,
    csrf: &str,
    email: &str,
) -> reqwest::Response {
    http.post(stack.url("/api/v1/operator/offices"))
        .header("x-csrf-token", csrf)
        .json(&json!({"name": "高萩訪問看護ステーション", "kind": "訪問看護ステーション", "admin_email": email}))
        .send()
        .await
        .unwrap()
}

fn mails_to<'a>(mails: &'a [String], address: &str) -> Vec<&'a String> {
    mails.iter().filter(|m| m.contains(address)).collect()
}

async fn count(pool: &sqlx::PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn public_pages_work_without_a_certificate_and_the_rest_is_refused() {
    let (dir, stack) = stack().await;
    let http = stack.anonymous_client().unwrap();
    let portal = http.get(stack.url("/")).send().await.unwrap();
    assert_eq!(portal.status(), 200);
    assert!(portal.text().await.unwrap().contains("電子@連絡帳"));
    assert_eq!(
        http.get(stack.url("/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        http.get(stack.url("/static/app.css"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let login = http.get(stack.url("/login")).send().await.unwrap();
    assert_eq!(login.status(), 403);
    assert!(login.text().await.unwrap().contains("電子証明書が必要です"));
    let me = http.get(stack.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 403);
    let body: Value = me.json().await.unwrap();
    assert_eq!(body["error"]["code"], "certificate_required");
    let unknown = http.get(stack.url("/no/such/page")).send().await.unwrap();
    assert_eq!(
        unknown.status(),
        403,
        "unknown routes are not public either"
    );

    // A certificate from a CA the gateway does not trust never gets a page.
    let foreign = system_tests::pki::foreign_client(&dir.path().join("foreign")).unwrap();
    let stranger = system_tests::client::https(
        &stack.bootstrap.ca_cert,
        Some((&foreign.cert, &foreign.key)),
    )
    .unwrap();
    match stranger.get(stack.url("/login")).send().await {
        Err(_) => {}
        Ok(resp) => assert!(resp.status().is_client_error(), "{}", resp.status()),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn operator_logs_in_sees_itself_and_logs_out() {
    let (_dir, stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let csrf = login(&stack, &http).await;
    let me: Value = http
        .get(stack.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["login_id"], "operator");
    assert_eq!(me["role"], "operator");
    assert_eq!(me["office"], "高萩市 高齢福祉課");
    let openapi: Value = http
        .get(stack.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(openapi["openapi"].as_str().unwrap().starts_with("3."));
    assert!(openapi["paths"]["/api/v1/operator/offices"]["post"].is_object());

    let without_token = http
        .delete(stack.url("/api/v1/session"))
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), 403);
    let out = http
        .delete(stack.url("/api/v1/session"))
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let after = http.get(stack.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(after.status(), 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_logins_and_bad_bodies_get_clear_errors_and_store_nothing() {
    let (_dir, stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let token = pre_session_token(&stack, &http).await;
    let attempt = |body: Value| {
        let http = http.clone();
        let url = stack.url("/api/v1/session");
        let token = token.clone();
        async move {
            http.post(url)
                .header("x-csrf-token", token)
                .json(&body)
                .send()
                .await
                .unwrap()
        }
    };
    let wrong = attempt(json!({"login_id": "operator", "password": "not the password"})).await;
    assert_eq!(wrong.status(), 401);
    assert!(wrong.headers().get("set-cookie").is_none());
    let wrong: Value = wrong.json().await.unwrap();
    let unknown: Value = attempt(json!({"login_id": "nobody", "password": "whatever-it-is"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrong["error"]["code"], "bad_credentials");
    assert_eq!(
        wrong, unknown,
        "the answer must not tell whether the ID exists"
    );
    assert!(
        wrong["error"]["message"]
            .as_str()
            .unwrap()
            .contains("パスワード")
    );

    let unknown_field =
        attempt(json!({"login_id": "operator", "password": "x", "admin": true})).await;
    assert_eq!(unknown_field.status(), 400);
    let wrong_type = attempt(json!({"login_id": 7, "password": "x"})).await;
    assert_eq!(wrong_type.status(), 400);
    let malformed = http
        .post(stack.url("/api/v1/session"))
        .header("x-csrf-token", &token)
        .header("content-type", "application/json")
        .body("{\"login_id\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["code"], "invalid_json");
    let huge = http
        .post(stack.url("/api/v1/session"))
        .header("x-csrf-token", &token)
        .header("content-type", "application/json")
        .body(format!(
            "{{\"login_id\": \"{}\", \"password\": \"x\"}}",
            "a".repeat(200_000)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);

    let identity = stack.database("identity").await.unwrap();
    assert_eq!(count(&identity, "SELECT count(*) FROM sessions").await, 0);

    // A logged-in operator sending a bad office: a Japanese message naming the field, nothing stored.
    let csrf = login(&stack, &http).await;
    let bad = register_office(&stack, &http, &csrf, "not-an-address").await;
    assert_eq!(bad.status(), 422);
    let body: Value = bad.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("メールアドレス"),
        "{body}"
    );
    let offices = stack.database("offices").await.unwrap();
    assert_eq!(
        count(
            &offices,
            "SELECT count(*) FROM offices WHERE NOT is_operator_office"
        )
        .await,
        0
    );
    assert_eq!(count(&offices, "SELECT count(*) FROM outbox WHERE payload->>'type' = 'offices.office.registered' AND payload->'data'->>'admin_email' = 'not-an-address'").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn office_registration_becomes_one_welcome_email_in_one_trace() {
    let (_dir, stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let csrf = login(&stack, &http).await;
    let created = http
        .post(stack.url("/api/v1/operator/offices"))
        .header("x-csrf-token", &csrf)
        .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .json(&json!({"name": "高萩訪問看護ステーション", "kind": "訪問看護ステーション", "admin_email": "kanri@houkan.example.jp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{:?}", created.text().await);
    let deadline = Instant::now() + Duration::from_secs(15);
    while mails_to(&stack.mails(), "kanri@houkan.example.jp").is_empty()
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mails = stack.mails();
    assert_eq!(
        mails_to(&mails, "kanri@houkan.example.jp").len(),
        1,
        "{mails:?}"
    );

    let otlp = stack.otlp.as_ref().unwrap();
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    loop {
        let services: std::collections::BTreeSet<String> = otlp
            .spans()
            .into_iter()
            .filter(|s| s.trace_id == trace)
            .map(|s| s.service)
            .collect();
        if ["gateway", "offices", "notify"]
            .iter()
            .all(|s| services.contains(*s))
        {
            break;
        }
        assert!(
            Instant::now() < deadline + Duration::from_secs(10),
            "trace reached only {services:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_delivered_twice_sends_one_email() {
    let (_dir, stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let csrf = login(&stack, &http).await;
    assert_eq!(
        register_office(&stack, &http, &csrf, "twice@example.jp")
            .await
            .status(),
        201
    );
    let first = stack.wait_for_mails(2, Duration::from_secs(15)).await;
    assert_eq!(mails_to(&first, "twice@example.jp").len(), 1);

    // Redeliver the same event past JetStream's de-duplication: another message id, same event.
    let offices = stack.database("offices").await.unwrap();
    let payload: Value = sqlx::query_scalar(
        "SELECT payload FROM outbox WHERE payload->'data'->>'admin_email' = 'twice@example.jp'",
    )
    .fetch_one(&offices)
    .await
    .unwrap();
    let nats = stack.nats.client("admin").await.unwrap();
    let js = async_nats::jetstream::new(nats);
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", "redelivery-1");
    js.publish_with_headers(
        "offices.office.registered",
        headers,
        serde_json::to_vec(&payload).unwrap().into(),
    )
    .await
    .unwrap()
    .await
    .unwrap();
    let notify = stack.database("notify").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    // The duplicate is consumed (and skipped) once the consumer has moved past it.
    loop {
        let info = js
            .get_stream("RENRAKUCHO")
            .await
            .unwrap()
            .consumer_info("notify")
            .await
            .unwrap();
        if info.num_pending == 0 && info.num_ack_pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "notify did not consume the duplicate"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(mails_to(&stack.mails(), "twice@example.jp").len(), 1);
    assert_eq!(
        count(
            &notify,
            "SELECT count(*) FROM deliveries WHERE recipient = 'twice@example.jp'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_succeeds_while_nats_and_notify_are_down_and_mails_once_they_return() {
    let (_dir, mut stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let csrf = login(&stack, &http).await;
    stack.stop_binary("notify");
    stack.nats.stop();
    assert_eq!(
        register_office(&stack, &http, &csrf, "later@example.jp")
            .await
            .status(),
        201
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(mails_to(&stack.mails(), "later@example.jp").is_empty());

    stack.nats.restart().await.unwrap();
    stack.start_binary("notify").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while mails_to(&stack.mails(), "later@example.jp").is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(mails_to(&stack.mails(), "later@example.jp").len(), 1);
}

/// Every route behind the certificate check, read from the gateway's router itself so that a
/// route added later is covered too: without a certificate each is refused whatever the method;
/// with one but no login, only logging in (and the API's description) answers.
#[tokio::test(flavor = "multi_thread")]
async fn every_protected_route_needs_a_certificate_and_then_a_login() {
    const OPEN_WITHOUT_LOGIN: [(&str, &str); 4] = [
        ("GET", "/login"),
        ("POST", "/login"),
        ("POST", "/api/v1/session"),
        ("GET", "/api/v1/openapi.json"),
    ];
    let (_dir, stack) = stack().await;
    let paths = system_tests::routes::protected_paths();
    assert!(paths.len() > 60, "the router was read: {paths:?}");

    let no_certificate = stack.anonymous_client().unwrap();
    let no_login = stack.operator_client().unwrap();
    // Writes carry the pre-session CSRF token, as the gateway's own pages would.
    let token = pre_session_token(&stack, &no_login).await;
    let (mut endpoints, mut refused_without_login) = (0, 0);
    for route in &paths {
        let path = ["{id}", "{post}", "{user}", "{file}"].iter().fold(
            route
                .replace("{serial}", "0123456789abcdef")
                .replace("{variant}", "thumb"),
            |p, name| p.replace(name, &uuid::Uuid::now_v7().to_string()),
        );
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
            let a = no_certificate
                .request(m.clone(), stack.url(&path))
                .send()
                .await
                .unwrap();
            assert_eq!(a.status(), 403, "{method} {route} without a certificate");
            let b = no_login
                .request(m, stack.url(&path))
                .header("x-csrf-token", &token)
                .send()
                .await
                .unwrap();
            let status = b.status().as_u16();
            if status == 405 {
                continue;
            }
            endpoints += 1;
            if OPEN_WITHOUT_LOGIN.contains(&(method, route.as_str())) {
                assert!(status < 500, "{method} {route}: {status}");
                continue;
            }
            // A page opened by a link is come back to after signing in (menu pages need not).
            let back = format!("/login?next={path}");
            let to_login = status == 303
                && b.headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .is_some_and(|l| l == "/login" || (method == "GET" && l == back));
            assert!(
                to_login || status == 401,
                "{method} {route} answered {status} without a login"
            );
            refused_without_login += 1;
        }
    }
    println!(
        "protected routes: {endpoints} endpoints, each refused without a certificate; \
         without a login {refused_without_login} refused, {} open (logging in, the API's description)",
        endpoints - refused_without_login
    );
}
