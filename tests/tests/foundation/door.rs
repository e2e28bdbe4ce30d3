//! At the door: the public pages open without a certificate, every other route needs one and
//! then a login.

use crate::{pre_session_token, stack};
use serde_json::Value;

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
