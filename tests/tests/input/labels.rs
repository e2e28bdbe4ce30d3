//! Field errors in the words of their own form, and an office the city registered directly
//! saving its 事業所情報.

use crate::world::world;
use serde_json::json;
use system_tests::people;

fn profile(postal_code: &str) -> Vec<(&'static str, &str)> {
    vec![
        // As the page carries them, hidden: the city registered the office without a code.
        ("kind", "訪問看護ステーション"),
        ("code", ""),
        ("name", "高萩さくら訪問看護ステーション"),
        ("kana", "タカハギサクラホウモンカンゴステーション"),
        ("postal_code", postal_code),
        ("address", "茨城県高萩市本町1-100-1"),
        ("phone", "0293-22-0080"),
        ("fax", ""),
        ("latitude", "36.7197"),
        ("longitude", "140.7167"),
        ("listed", "1"),
    ]
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_the_city_registered_saves_its_profile_and_errors_name_their_own_field() {
    let w = world("rk-input-labels-").await;
    let admin = people::session(&w.stack, &w.office, &w.admin)
        .await
        .unwrap();

    let page = admin.get("/admin/office").await.unwrap();
    assert_eq!(page.status, 200);
    let saved = admin
        .post_form("/admin/office", &profile("318-0034"))
        .await
        .unwrap();
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert!(
        saved
            .body
            .as_str()
            .unwrap()
            .contains("事業所の情報を更新しました。"),
        "{}",
        saved.body
    );
    let map = w.op.get("/api/v1/public/offices").await.unwrap();
    assert_eq!(map.body[0]["phone"], "0293-22-0080", "{}", map.body);

    let wrong = admin
        .post_form("/admin/office", &profile("12"))
        .await
        .unwrap();
    assert_eq!(wrong.status, 422);
    let html = wrong.body.as_str().unwrap();
    assert!(
        html.contains("郵便番号を7桁の数字で入力してください"),
        "{html}"
    );
    assert!(!html.contains("入力内容の入力内容"), "{html}");

    // The same office by the API, its code still the one on file (none).
    let fields: serde_json::Map<String, serde_json::Value> = profile("318-0034")
        .into_iter()
        .filter(|(k, _)| *k != "listed")
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    let edited = admin
        .patch(&format!("/api/v1/offices/{}", w.office.id), &fields.into())
        .await
        .unwrap();
    assert_eq!(edited.status, 200, "{}", edited.body);

    // A person's 氏名 is not an office's 事業所名.
    let long = "長".repeat(60);
    let refused = admin
        .post(
            "/api/v1/users",
            &json!({"login_id": "ns.long", "name": long, "kana": "ナガイ", "profession": "看護師",
                    "email": "long@example.jp"}),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 422, "{}", refused.body);
    let message = refused.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("氏名"), "{message}");
    assert!(!message.contains("事業所名"), "{message}");
    assert_eq!(
        refused.body["error"]["fields"]["name"],
        "氏名を50文字以内で入力してください。"
    );
    let page = admin
        .post_form(
            "/admin/users",
            &[
                ("login_id", "ns.long"),
                ("name", &long),
                ("kana", "ナガイ"),
                ("profession", "看護師"),
                ("email", "long@example.jp"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(page.status, 422);
    let html = page.body.as_str().unwrap();
    assert!(
        html.contains("氏名を50文字以内で入力してください。"),
        "{html}"
    );
    assert!(!html.contains("事業所名"), "{html}");
}
