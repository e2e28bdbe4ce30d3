//! Requests forged by another site: a login or a write sent from elsewhere is refused with a
//! Japanese page and sets or changes nothing; the gateway's own pages keep working.

use crate::world::{operator, operator_device, stack};
use serde_json::json;
use system_tests::api::Session;

const OWN: &str = "same-origin";

/// The pre-session token the login page put in its form.
fn form_token(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

fn encode(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        char::from(b).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={v}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

async fn sessions(stack: &system_tests::Stack) -> i64 {
    let db = stack.database("identity").await.unwrap();
    sqlx::query_scalar("SELECT count(*) FROM sessions")
        .fetch_one(&db)
        .await
        .unwrap()
}

async fn offices(stack: &system_tests::Stack) -> i64 {
    let db = stack.database("offices").await.unwrap();
    sqlx::query_scalar("SELECT count(*) FROM offices WHERE NOT is_operator_office")
        .fetch_one(&db)
        .await
        .unwrap()
}

/// A login form as a browser posts it, with the given `Origin` and `Sec-Fetch-Site`.
async fn post_login(
    s: &Session,
    token: &str,
    origin: Option<&str>,
    site: Option<&str>,
    stack: &system_tests::Stack,
) -> reqwest::Response {
    let op = &stack.bootstrap.operator;
    let mut request = s
        .http
        .post(format!("{}/login", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&[
            ("csrf_token", token),
            ("login_id", &op.login_id),
            ("password", &op.password),
        ]));
    if let Some(o) = origin {
        request = request.header("origin", o);
    }
    if let Some(site) = site {
        request = request
            .header("sec-fetch-site", site)
            .header("sec-fetch-mode", "navigate");
    }
    request.send().await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_login_from_another_site_is_refused_and_sets_no_session() {
    let (_dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let browser = Session::anonymous(
        &base,
        &stack.bootstrap.ca_cert,
        Some(&operator_device(&stack)),
    )
    .unwrap();
    let page = browser.get("/login").await.unwrap();
    assert_eq!(page.status, 200);
    let token = form_token(page.body.as_str().unwrap());
    let plain_http = base.replace("https://", "http://");

    // Another site's page submitting the city's login form, with and without what a browser
    // says of it.
    let refusals = [
        (Some("https://evil.example"), Some("cross-site")),
        (Some("https://evil.example"), None),
        (Some("null"), Some("cross-site")),
        (Some("null"), None),
        (None, Some("cross-site")),
        (None, Some(OWN)),
        (Some(plain_http.as_str()), Some("same-site")),
    ];
    for (origin, site) in refusals {
        let refused = post_login(&browser, &token, origin, site, &stack).await;
        assert_eq!(refused.status(), 403, "{origin:?} {site:?}");
        assert!(
            refused.headers().get("set-cookie").is_none(),
            "{origin:?} {site:?} set a cookie"
        );
        let text = refused.text().await.unwrap();
        assert!(
            text.contains("ほかのサイトから送られた操作"),
            "{origin:?} {site:?}: {text}"
        );
    }
    // Without the pre-session token, even from the gateway's own page.
    let no_token = post_login(&browser, "", Some(&base), Some(OWN), &stack).await;
    assert_eq!(no_token.status(), 403);
    assert!(no_token.text().await.unwrap().contains("画面を開き直して"));
    let wrong_token = post_login(&browser, "forged", Some(&base), Some(OWN), &stack).await;
    assert_eq!(wrong_token.status(), 403);
    // Another client's token is no good either: it is bound to that client's cookie.
    let other = Session::anonymous(
        &base,
        &stack.bootstrap.ca_cert,
        Some(&operator_device(&stack)),
    )
    .unwrap();
    let theirs = form_token(other.get("/login").await.unwrap().body.as_str().unwrap());
    let stolen = post_login(&browser, &theirs, Some(&base), Some(OWN), &stack).await;
    assert_eq!(stolen.status(), 403);
    assert_eq!(
        sessions(&stack).await,
        0,
        "no refused login opened a session"
    );

    // The gateway's own login page works, as a browser and as a program.
    let own = post_login(&browser, &token, Some(&base), Some(OWN), &stack).await;
    assert_eq!(own.status(), 303, "{:?}", own.text().await);
    assert_eq!(browser.get("/api/v1/me").await.unwrap().status, 200);
    let program = post_login(&other, &theirs, None, None, &stack).await;
    assert_eq!(program.status(), 303);
    assert_eq!(sessions(&stack).await, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_write_from_another_site_is_refused_and_changes_nothing() {
    let (_dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let form = encode(&[
        ("csrf_token", &op.csrf),
        ("name", "偽装訪問看護ステーション"),
        ("kind", "訪問看護ステーション"),
        ("admin_email", "forged@example.jp"),
    ]);
    let body = json!({"name": "偽装訪問看護ステーション", "kind": "訪問看護ステーション", "admin_email": "forged@example.jp"});
    for (origin, site) in [
        (Some("https://evil.example"), Some("cross-site")),
        (Some("null"), Some("cross-site")),
        (None, Some("same-site")),
        (None, Some(OWN)),
        (Some("https://evil.example"), None),
    ] {
        let headers = |mut r: reqwest::RequestBuilder| {
            if let Some(o) = origin {
                r = r.header("origin", o);
            }
            if let Some(site) = site {
                r = r.header("sec-fetch-site", site);
            }
            r
        };
        // The page's form, even with the session's own token.
        let page = headers(op.http.post(format!("{base}/operator/offices")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 403, "{origin:?} {site:?}");
        assert!(
            page.text()
                .await
                .unwrap()
                .contains("ほかのサイトから送られた操作")
        );
        let api = headers(op.http.post(format!("{base}/api/v1/operator/offices")))
            .header("x-csrf-token", &op.csrf)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(api.status(), 403);
        let answer: serde_json::Value = api.json().await.unwrap();
        assert_eq!(answer["error"]["code"], "cross_site", "{answer}");
    }
    // The gateway's own pages without the session's token.
    let untokened = op
        .http
        .post(format!("{base}/operator/offices"))
        .header("origin", &base)
        .header("sec-fetch-site", OWN)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(encode(&[("name", "偽装訪問看護ステーション")]))
        .send()
        .await
        .unwrap();
    assert_eq!(untokened.status(), 403);
    let logout = op
        .http
        .delete(format!("{base}/api/v1/session"))
        .header("x-csrf-token", "forged")
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 403);
    assert_eq!(offices(&stack).await, 0, "nothing was registered");
    assert_eq!(op.get("/api/v1/me").await.unwrap().status, 200, "still in");

    // From the gateway's own page, with the token, it works.
    let own = op
        .http
        .post(format!("{base}/api/v1/operator/offices"))
        .header("origin", &base)
        .header("sec-fetch-site", OWN)
        .header("x-csrf-token", &op.csrf)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 201, "{:?}", own.text().await);
    assert_eq!(offices(&stack).await, 1);
}
