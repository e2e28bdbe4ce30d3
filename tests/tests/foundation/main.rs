//! The foundation walks end to end: certificates at the door, login, the API, and an office
//! registration that becomes one email, in one trace, even through redelivery and outages.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod door;
mod login;
mod registration;

use serde_json::{Value, json};
use system_tests::Stack;

async fn stack() -> (tempfile::TempDir, Stack) {
    let (dir, stack) = Stack::in_temp_dir("rk-test-", |o| o).await.unwrap();
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
