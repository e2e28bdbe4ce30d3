//! Who may use the operator's desk: every operator route against every other kind of caller.

use crate::{desk, filed_incident};
use system_tests::api::Session;
use system_tests::people;

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_operator_endpoints() {
    let d = desk("rk-desk-authz-").await;
    let staff = people::session(&d.stack, &d.w.care, &d.w.care_manager)
        .await
        .unwrap();
    let filed = filed_incident(
        &staff,
        &[
            ("occurred_at", "2026-11-20T09:30"),
            ("device", "事務所PC"),
            ("what_happened", "誤って別の事業所にFAXした"),
        ],
    )
    .await;
    assert_eq!(filed.status, 303);
    let db = d.stack.database("careboard").await.unwrap();
    let incident: uuid::Uuid = sqlx::query_scalar("SELECT id FROM incidents")
        .fetch_one(&db)
        .await
        .unwrap();
    let admin = people::session(&d.stack, &d.w.care, &d.admin)
        .await
        .unwrap();
    let nurse = people::session(&d.stack, &d.w.nursing, &d.w.nurse)
        .await
        .unwrap();
    let no_login = Session::anonymous(
        &d.stack.bootstrap.gateway_url,
        &d.stack.bootstrap.ca_cert,
        Some(&d.w.care.device),
    )
    .unwrap();
    let callers: [(&str, &Session); 4] = [
        ("office admin", &admin),
        ("staff (the reporter)", &staff),
        ("staff of another office", &nurse),
        ("device without login", &no_login),
    ];
    let endpoints = operator_endpoints(&d.op, incident).await;
    assert!(
        endpoints.len() >= 40,
        "the router's operator routes were all found: {endpoints:?}"
    );
    println!(
        "operator endpoints authorization matrix ({} endpoints × {} callers):",
        endpoints.len(),
        callers.len() + 1
    );
    println!("  operator: {} allowed, 0 refused", endpoints.len());
    for (name, s) in callers {
        let mut refused = 0;
        for (method, path) in &endpoints {
            let a = call(s, method, path).await;
            assert!(is_refused(&a), "{name} got {} on {method} {path}", a.status);
            refused += 1;
        }
        println!("  {name}: 0 allowed, {refused} refused");
    }
}

/// Every route of the operator's menus and API, read from the gateway's router itself so that a
/// route added later cannot escape the matrix, plus the incident status the operator moves.
/// Each path is tried with every method; those the router answers 405 for are not endpoints.
/// The operator must get past the check on each (a made-up id then ends in 404, an empty form
/// in its error page); a refusal fails the test.
async fn operator_endpoints(op: &Session, incident: uuid::Uuid) -> Vec<(&'static str, String)> {
    let mut paths: Vec<String> = system_tests::routes::protected_paths()
        .into_iter()
        .filter(|s| s.starts_with("/operator") || s.starts_with("/api/v1/operator"))
        .chain(std::iter::once("/incidents/{id}/status".to_owned()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let mut endpoints = Vec::new();
    for path in paths {
        let id = if path.starts_with("/incidents") {
            incident
        } else {
            uuid::Uuid::now_v7()
        };
        let path = path.replace("{id}", &id.to_string());
        for method in ["GET", "POST", "PUT"] {
            let a = call(op, method, &path).await;
            if a.status == 405 {
                continue;
            }
            assert!(
                !is_refused(&a) && a.status < 500,
                "the operator got {} on {method} {path}",
                a.status
            );
            endpoints.push((method, path.clone()));
        }
    }
    endpoints
}

async fn call(s: &Session, method: &str, path: &str) -> system_tests::api::Answer {
    let api = path.starts_with("/api/");
    let body = serde_json::json!({});
    match method {
        "GET" => s.get(path).await,
        "PUT" => s.put(path, &body).await,
        _ if api => s.post(path, &body).await,
        _ => s.post_form(path, &[("status", "対応中")]).await,
    }
    .unwrap()
}

/// Pages send a browser without a session to the login page; everything else answers 401 or 403.
fn is_refused(a: &system_tests::api::Answer) -> bool {
    // A page's way back after signing in rides along (`/login?next=...`).
    let to_login = a.status == 303
        && a.location
            .as_deref()
            .is_some_and(|l| l == "/login" || l.starts_with("/login?next=/"));
    matches!(a.status, 401 | 403) || to_login
}
