//! 事業所登録申請: applying, review (approval, rejection, twice), invitation-only mode and every wrong field.

use crate::world::{
    Enrolled, application, apply, approve_and_enroll, count, mail_with, operator, public, stack,
};
use serde_json::{Value, json};
use system_tests::Stack;

#[tokio::test(flavor = "multi_thread")]
async fn an_office_applies_is_approved_enrolls_and_appears_on_the_map() {
    let (dir, stack) = stack().await;
    let body = application("さくらケアプラン", "sakura@example.jp");
    let checked = public(&stack)
        .post("/api/v1/public/applications?dry_run=true", &body)
        .await
        .unwrap();
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert_eq!(
        count(&stack, "SELECT count(*) FROM applications").await,
        0,
        "a dry run stores nothing"
    );
    let id = apply(&stack, &body).await;
    let receipt = mail_with(&stack, &["sakura@example.jp", "受け付けました"]).await;
    assert!(receipt.contains("さくらケアプラン"));
    let notice = mail_with(&stack, &["city@example.jp"]).await;
    assert!(
        !notice.contains("高萩 一郎") && !notice.contains("sakura@example.jp"),
        "the city's notice names no person"
    );

    let op = operator(&stack).await;
    let queue = op.get("/api/v1/operator/applications").await.unwrap();
    assert_eq!(queue.body[0]["status"], "pending");
    let Enrolled { admin, .. } =
        approve_and_enroll(&stack, &op, &id, "sakura-admin", dir.path()).await;
    assert_eq!(
        admin.get("/api/v1/me").await.unwrap().body["office"],
        "さくらケアプラン"
    );

    let map = public(&stack).get("/api/v1/public/offices").await.unwrap();
    let listed: Vec<&Value> = map.body.as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), 1, "{}", map.body);
    assert_eq!(listed[0]["name"], "さくらケアプラン");
    assert_eq!(
        listed[0]["phone"], "0293-22-1234",
        "full-width digits were normalised"
    );
    assert!(listed[0].get("admin_email").is_none());
    let other_kind = public(&stack)
        .get("/api/v1/public/offices?kind=%E8%96%AC%E5%B1%80")
        .await
        .unwrap();
    assert_eq!(
        other_kind.body.as_array().unwrap().len(),
        0,
        "the kind filter applies"
    );
    let page = public(&stack)
        .http
        .get(format!("{}/map", stack.bootstrap.gateway_url))
        .send()
        .await
        .unwrap();
    assert!(
        page.text().await.unwrap().contains("さくらケアプラン"),
        "the list view shows the office"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_wrong_field_is_named_in_japanese_and_nothing_is_stored() {
    let (_dir, stack) = stack().await;
    let mut bad = application("あおぞら", "aozora@example.jp");
    bad["kana"] = json!("青空");
    bad["code"] = json!("12345");
    bad["postal_code"] = json!("318");
    bad["phone"] = json!("電話");
    bad["latitude"] = json!("51.5");
    bad["longitude"] = json!("-0.12");
    bad["admin_email"] = json!("aozora@");
    bad["consent"] = json!(null);
    let a = public(&stack)
        .post("/api/v1/public/applications", &bad)
        .await
        .unwrap();
    assert_eq!(a.status, 422, "{}", a.body);
    let fields = a.body["error"]["fields"].as_object().unwrap();
    for f in [
        "kana",
        "code",
        "postal_code",
        "phone",
        "location",
        "admin_email",
        "consent",
    ] {
        assert!(fields.contains_key(f), "{f} not named: {}", a.body);
    }
    assert!(fields["location"].as_str().unwrap().contains("日本国内"));
    assert!(!fields.contains_key("name"));
    let unknown = public(&stack)
        .post(
            "/api/v1/public/applications",
            &json!({"name": "x", "admin": true}),
        )
        .await
        .unwrap();
    assert_eq!(unknown.status, 400);
    assert_eq!(count(&stack, "SELECT count(*) FROM applications").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn rejection_mails_the_reason_and_approving_twice_creates_one_office() {
    let (_dir, stack) = stack().await;
    let op = operator(&stack).await;
    let rejected = apply(&stack, &application("にじ薬局", "niji@example.jp")).await;
    let no_reason = op
        .post(
            &format!("/api/v1/operator/applications/{rejected}/reject"),
            &json!({"reason": " "}),
        )
        .await
        .unwrap();
    assert_eq!(no_reason.status, 422);
    // On the page: the reason's box is pointed out, the application still pending.
    let page = op
        .post_form(
            &format!("/operator/applications/{rejected}/reject"),
            &[("reason", " ")],
        )
        .await
        .unwrap();
    assert_eq!(page.status, 422);
    let html = page.body.as_str().unwrap_or_default();
    system_tests::markup::field_error(html, "reason").unwrap();
    assert!(html.contains("却下する"), "the forms are still there");
    let r = op
        .post(
            &format!("/api/v1/operator/applications/{rejected}/reject"),
            &json!({"reason": "市外の事業所のため"}),
        )
        .await
        .unwrap();
    assert_eq!(r.body["status"], "rejected", "{}", r.body);
    mail_with(&stack, &["niji@example.jp", "市外の事業所のため"]).await;

    let id = apply(&stack, &application("ひかり診療所", "hikari@example.jp")).await;
    let before = count(&stack, "SELECT count(*) FROM offices").await;
    let path = format!("/api/v1/operator/applications/{id}/approve");
    let second = operator(&stack).await;
    let (first_body, second_body) = (
        json!({"admin_login_id": "hikari-a"}),
        json!({"admin_login_id": "hikari-b"}),
    );
    let (a, b) = tokio::join!(
        op.post(&path, &first_body),
        second.post(&path, &second_body)
    );
    let mut statuses = [a.unwrap().status, b.unwrap().status];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(
        count(&stack, "SELECT count(*) FROM offices").await,
        before + 1
    );
    let again = op
        .post(&path, &json!({"admin_login_id": "hikari-c"}))
        .await
        .unwrap();
    assert_eq!(again.code(), "already_decided");
}

#[tokio::test(flavor = "multi_thread")]
async fn by_invitation_only_an_application_needs_an_unused_code_from_the_city() {
    let (_dir, stack) = Stack::in_temp_dir("rk-offices-", |o| {
        o.with_env(&[("APPLICATION_MODE", "invitation")])
    })
    .await
    .unwrap();
    let body = application("つばき診療所", "tsubaki@example.jp");
    let without = public(&stack)
        .post("/api/v1/public/applications", &body)
        .await
        .unwrap();
    assert_eq!(without.code(), "invitation_invalid", "{}", without.body);
    assert!(
        without.body["error"]["fields"]
            .as_object()
            .unwrap()
            .contains_key("invitation_code")
    );

    let op = operator(&stack).await;
    let invited = op
        .post(
            "/api/v1/operator/invitations",
            &json!({"note": "つばき診療所"}),
        )
        .await
        .unwrap();
    assert_eq!(invited.status, 201, "{}", invited.body);
    let code = invited.body["code"].as_str().unwrap().to_owned();
    let mut with = body.clone();
    with["invitation_code"] = json!(code.to_lowercase());
    let checked = public(&stack)
        .post("/api/v1/public/applications?dry_run=true", &with)
        .await
        .unwrap();
    assert_eq!(
        checked.status, 200,
        "a dry run does not use the code: {}",
        checked.body
    );
    assert_eq!(
        public(&stack)
            .post("/api/v1/public/applications", &with)
            .await
            .unwrap()
            .status,
        201
    );
    let again = public(&stack)
        .post("/api/v1/public/applications", &with)
        .await
        .unwrap();
    assert_eq!(again.code(), "invitation_invalid", "a code is used once");
    assert_eq!(count(&stack, "SELECT count(*) FROM applications").await, 1);
    let staff_like = public(&stack)
        .post("/api/v1/operator/invitations", &json!({}))
        .await
        .unwrap();
    assert_eq!(staff_like.status, 403);
}
