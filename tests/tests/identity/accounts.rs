//! Account forms: a wrong field is named in Japanese and nothing is stored.

use crate::world::{new_office, operator, stack};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn bad_account_input_gets_a_japanese_error_and_stores_nothing() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let office = new_office(
        &stack,
        &op,
        dir.path(),
        "高萩ヘルパーステーション",
        "helper-admin",
    )
    .await;
    let admin = office.admin(&stack, &base).await;
    let valid = json!({"login_id": "helper.one", "name": "介護 一郎", "kana": "カイゴ イチロウ", "profession": "ヘルパー", "email": "h1@example.jp"});
    let cases = [
        ("login_id", json!("ab"), "ユーザーID"),
        ("login_id", json!("空白 あり"), "ユーザーID"),
        ("name", json!(""), "入力内容"),
        ("name", json!("あ".repeat(51)), "入力内容"),
        ("kana", json!("漢字"), "カナ"),
        ("kana", json!("Kaigo"), "カナ"),
        ("profession", json!("魔法使い"), "職種"),
        ("email", json!("not-an-address"), "メールアドレス"),
        ("email", json!("a@b"), "メールアドレス"),
    ];
    for (field, value, words) in cases {
        let mut body = valid.clone();
        body[field] = value.clone();
        let a = admin.post("/api/v1/users", &body).await.unwrap();
        assert_eq!(a.status, 422, "{field}={value}: {}", a.body);
        assert!(
            a.body["error"]["message"].as_str().unwrap().contains(words),
            "{field}: {}",
            a.body
        );
    }
    let mut unknown = valid.clone();
    unknown["is_operator"] = json!(true);
    assert_eq!(
        admin.post("/api/v1/users", &unknown).await.unwrap().status,
        400
    );
    let mut wrong_type = valid.clone();
    wrong_type["office_admin"] = json!("yes");
    assert_eq!(
        admin
            .post("/api/v1/users", &wrong_type)
            .await
            .unwrap()
            .status,
        400
    );
    let mut huge = valid.clone();
    huge["name"] = json!("x".repeat(100_000));
    assert_eq!(
        admin.post("/api/v1/users", &huge).await.unwrap().status,
        413
    );
    let identity = stack.database("identity").await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE login_id = 'helper.one'")
        .fetch_one(&identity)
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(
        admin.post("/api/v1/users", &valid).await.unwrap().status,
        201
    );
}
