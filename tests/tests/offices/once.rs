//! A write retried with its idempotency key (an API call retried after a timeout, a form sent
//! twice) returns the first answer and changes nothing: offices' registrations and applications,
//! identity's accounts, whose answer holds a password shown once and so is not given twice.

use crate::world::{application, count, operator, public, stack};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_retried_registration_application_or_account_is_made_once() {
    let (_dir, stack) = stack().await;
    let op = operator(&stack).await;

    let key = uuid::Uuid::now_v7().to_string();
    let office = json!({
        "name": "高萩再送テスト事業所",
        "kind": "訪問看護ステーション",
        "admin_email": "resend@example.jp",
    });
    let mut answers = Vec::new();
    for _ in 0..2 {
        let a = op
            .post_with(
                "/api/v1/operator/offices",
                &office,
                &[("idempotency-key", &key)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 201, "{}", a.body);
        answers.push(a.body["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(answers[0], answers[1], "the first answer again");
    assert_eq!(
        count(
            &stack,
            "SELECT count(*) FROM offices WHERE name = '高萩再送テスト事業所'"
        )
        .await,
        1
    );

    let key = uuid::Uuid::now_v7().to_string();
    let body = application("再送ケアプラン", "resend-apply@example.jp");
    let mut ids = Vec::new();
    let applicant = public(&stack);
    for _ in 0..2 {
        let a = applicant
            .post_with(
                "/api/v1/public/applications",
                &body,
                &[("idempotency-key", &key)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 201, "{}", a.body);
        ids.push(a.body["application_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids[0], ids[1]);
    assert_eq!(
        count(
            &stack,
            "SELECT count(*) FROM applications WHERE name = '再送ケアプラン'"
        )
        .await,
        1
    );

    let key = uuid::Uuid::now_v7().to_string();
    let person = json!({
        "login_id": "ns.resend",
        "name": "再送 花子",
        "kana": "サイソウ ハナコ",
        "profession": "看護師",
        "email": "ns.resend@example.jp",
        "office_id": answers[0],
    });
    let first = op
        .post_with("/api/v1/users", &person, &[("idempotency-key", &key)])
        .await
        .unwrap();
    assert_eq!(first.status, 201, "{}", first.body);
    let again = op
        .post_with("/api/v1/users", &person, &[("idempotency-key", &key)])
        .await
        .unwrap();
    assert_eq!(again.status, 409, "{}", again.body);
    assert!(
        again.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("既に受け付けました"),
        "{}",
        again.body
    );
    let again_text = again.body.to_string();
    let password = first.body["initial_password"].as_str().unwrap();
    assert!(!again_text.contains(password), "the password once only");
    let identity = stack.database("identity").await.unwrap();
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE login_id = 'ns.resend'")
        .fetch_one(&identity)
        .await
        .unwrap();
    assert_eq!(users, 1);
}
