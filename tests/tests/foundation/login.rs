//! Logging in, seeing oneself and logging out; bad logins and bad bodies answered clearly.

use crate::{count, login, pre_session_token, register_office, stack};
use serde_json::{Value, json};

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
