//! The portal: announcements, and the office profile and map entry its admin keeps.

use crate::world::{Enrolled, application, apply, approve_and_enroll, operator, public, stack};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn announcements_are_drafted_published_unpublished_and_never_render_html() {
    let (_dir, stack) = stack().await;
    let op = operator(&stack).await;
    let draft = op
        .post("/api/v1/operator/announcements", &json!({"title": "説明会のお知らせ", "body": "<script>alert(1)</script>\n\n- 1月10日\n- 1月17日\n\n詳細 https://www.city.takahagi.lg.jp/"}))
        .await
        .unwrap();
    assert_eq!(draft.status, 201, "{}", draft.body);
    let id = draft.body["id"].as_str().unwrap().to_owned();
    let html = draft.body["body_html"].as_str().unwrap();
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    assert!(
        html.contains("<li>1月10日</li>")
            && html.contains("<a href=\"https://www.city.takahagi.lg.jp/\"")
    );
    let portal = || async {
        public(&stack)
            .http
            .get(format!("{}/", stack.bootstrap.gateway_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert!(
        public(&stack)
            .get("/api/v1/public/announcements")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "a draft is not public"
    );
    assert!(!portal().await.contains("説明会のお知らせ"));
    assert_eq!(
        public(&stack)
            .get(&format!("/announcements/{id}"))
            .await
            .unwrap()
            .status,
        404
    );

    op.post(
        &format!("/api/v1/operator/announcements/{id}/publish"),
        &json!({"published": true}),
    )
    .await
    .unwrap();
    assert!(portal().await.contains("説明会のお知らせ"));
    let page = public(&stack)
        .http
        .get(format!(
            "{}/announcements/{id}",
            stack.bootstrap.gateway_url
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<li>1月17日</li>") && !page.contains("<script>alert"));
    let edited = op
        .http
        .put(format!(
            "{}/api/v1/operator/announcements/{id}",
            stack.bootstrap.gateway_url
        ))
        .header("x-csrf-token", &op.csrf)
        .json(&json!({"title": "説明会のお知らせ（更新）", "body": "日程を変更しました。"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    assert!(
        portal().await.contains("（更新）"),
        "an edit keeps it published"
    );
    op.post(
        &format!("/api/v1/operator/announcements/{id}/publish"),
        &json!({"published": false}),
    )
    .await
    .unwrap();
    assert!(!portal().await.contains("説明会のお知らせ"));

    let empty = op
        .post(
            "/api/v1/operator/announcements",
            &json!({"title": " ", "body": ""}),
        )
        .await
        .unwrap();
    assert_eq!(empty.status, 422);
    assert!(
        empty.body["error"]["fields"]
            .as_object()
            .unwrap()
            .contains_key("title")
    );
    assert!(
        portal().await.contains("0293-22-0080"),
        "the city's contact block"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_edits_the_office_profile_and_map_entry_but_not_its_kind() {
    let (dir, stack) = stack().await;
    let op = operator(&stack).await;
    let id = apply(
        &stack,
        &application("すずらん訪問入浴", "suzuran@example.jp"),
    )
    .await;
    let Enrolled {
        office,
        admin,
        initial,
        ..
    } = approve_and_enroll(&stack, &op, &id, "suzuran-admin", dir.path()).await;
    admin
        .post(
            "/api/v1/password",
            &json!({"current_password": initial, "new_password": "yuki no shita ni saku"}),
        )
        .await
        .unwrap();

    let mut profile = application("すずらん訪問入浴", "suzuran@example.jp");
    for k in [
        "admin_name",
        "admin_kana",
        "admin_email",
        "admin_phone",
        "consent",
    ] {
        profile.as_object_mut().unwrap().remove(k);
    }
    profile["phone"] = json!("0293-99-0000");
    profile["latitude"] = json!("36.75");
    let edited = admin
        .patch(&format!("/api/v1/offices/{office}"), &profile)
        .await
        .unwrap();
    assert_eq!(edited.status, 200, "{}", edited.body);
    let map = public(&stack).get("/api/v1/public/offices").await.unwrap();
    assert_eq!(map.body[0]["phone"], "0293-99-0000");
    assert_eq!(map.body[0]["latitude"], 36.75);

    let mut other_kind = profile.clone();
    other_kind["kind"] = json!("病院");
    assert_eq!(
        admin
            .patch(&format!("/api/v1/offices/{office}"), &other_kind)
            .await
            .unwrap()
            .code(),
        "forbidden",
        "the kind is the city's to change"
    );
    let mut bad = profile.clone();
    bad["postal_code"] = json!("12");
    let refused = admin
        .patch(&format!("/api/v1/offices/{office}"), &bad)
        .await
        .unwrap();
    assert_eq!(refused.status, 422);
    assert!(
        refused.body["error"]["fields"]
            .as_object()
            .unwrap()
            .contains_key("postal_code")
    );
    let mut unlisted = profile.clone();
    unlisted["listed"] = json!(null);
    admin
        .patch(&format!("/api/v1/offices/{office}"), &unlisted)
        .await
        .unwrap();
    assert!(
        public(&stack)
            .get("/api/v1/public/offices")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "an unlisted office leaves the map"
    );
    let changed = op
        .patch(&format!("/api/v1/offices/{office}"), &other_kind)
        .await
        .unwrap();
    assert_eq!(
        changed.body["kind"], "病院",
        "the operator may change the kind: {}",
        changed.body
    );
}
