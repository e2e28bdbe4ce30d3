//! A post sent twice (a double click, a retried API call) is posted, and mailed, once.

use crate::world::{World, html, member, register, wait_until, world};
use proto::common::Role;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// The key rendered into the board's post form.
fn form_key(page: &str) -> String {
    let form = &page[page.find("/posts\"").expect("the post form")..];
    let at = form
        .find("name=\"idempotency_key\" value=\"")
        .expect("a key in the form");
    form[at + 30..].split('"').next().unwrap().to_owned()
}

async fn posts(w: &World) -> i64 {
    let db = w.stack.database("careboard").await.unwrap();
    crate::world::count(&db, "posts").await
}

fn mails_to(w: &World, email: &str) -> usize {
    w.stack.mails().iter().filter(|m| m.contains(email)).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_submitted_twice_is_posted_and_mailed_once() {
    let w = world("rk-board-once-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 松子", "タカハギ マツコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let nurse = w.session(&w.nursing, &w.nurse).await;

    // The page form, sent twice as a double click sends it.
    let page = nurse.get(&format!("/boards/{board}")).await.unwrap();
    let key = form_key(html(&page));
    assert_ne!(
        key,
        form_key(html(&nurse.get(&format!("/boards/{board}")).await.unwrap())),
        "every rendering has a fresh key"
    );
    let form = [
        ("body", "夜間に発熱。主治医に報告済み"),
        ("category", ""),
        ("urgent", "1"),
        ("idempotency_key", key.as_str()),
    ];
    for _ in 0..2 {
        let a = nurse
            .post_form(&format!("/boards/{board}/posts"), &form)
            .await
            .unwrap();
        assert_eq!(a.status, 303, "{}", a.body);
    }
    assert_eq!(posts(&w).await, 1, "one post");

    // The API, retried with its Idempotency-Key: the first answer again.
    let path = format!("/api/v1/boards/{board}/posts");
    let body = json!({"body": "転倒あり。外傷なし", "urgent": true});
    let key = uuid::Uuid::now_v7().to_string();
    let first = nurse
        .post_with(&path, &body, &[("idempotency-key", &key)])
        .await
        .unwrap();
    assert_eq!(first.status, 200, "{}", first.body);
    let again = nurse
        .post_with(&path, &body, &[("idempotency-key", &key)])
        .await
        .unwrap();
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["id"], first.body["id"], "the first answer");
    assert_eq!(posts(&w).await, 2, "one post per key");

    let cm = w.care_manager.email.clone();
    wait_until(Duration::from_secs(20), async || mails_to(&w, &cm) >= 2).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(mails_to(&w, &cm), 2, "one urgent email per post");

    // Without a key, a repeat is a new post, as before.
    for _ in 0..2 {
        let a = nurse
            .post(&path, &json!({"body": "訪問しました"}))
            .await
            .unwrap();
        assert_eq!(a.status, 200, "{}", a.body);
    }
    assert_eq!(posts(&w).await, 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_submissions_with_one_key_make_one_post() {
    let w = world("rk-board-once-race-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 竹子", "タカハギ タケコ").await;
    let cm = Arc::new(w.session(&w.care, &w.care_manager).await);
    let key = uuid::Uuid::now_v7().to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (cm, board, key) = (cm.clone(), board.clone(), key.clone());
        tasks.spawn(async move {
            cm.post_form(
                &format!("/boards/{board}/posts"),
                &[("body", "服薬確認済み"), ("idempotency_key", &key)],
            )
            .await
            .unwrap()
        });
    }
    let mut answered = Vec::new();
    while let Some(a) = tasks.join_next().await {
        let a = a.unwrap();
        assert!(
            a.status == 303 || (a.status == 409 && html(&a).contains("処理中です")),
            "{} {}",
            a.status,
            a.body
        );
        answered.push(a.status);
    }
    assert!(answered.contains(&303));
    assert_eq!(posts(&w).await, 1, "one post for one key: {answered:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_reused_by_another_user_or_for_another_call_is_refused() {
    let w = world("rk-board-once-reuse-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    let other = register(&mut grpc, &rep, "高萩 桃子", "タカハギ モモコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let cm = w.session(&w.care, &w.care_manager).await;
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let key = uuid::Uuid::now_v7().to_string();
    let body = json!({"body": "訪問しました"});
    let path = format!("/api/v1/boards/{board}/posts");
    let a = cm
        .post_with(&path, &body, &[("idempotency-key", &key)])
        .await
        .unwrap();
    assert_eq!(a.status, 200, "{}", a.body);

    let stolen = nurse
        .post_with(&path, &body, &[("idempotency-key", &key)])
        .await
        .unwrap();
    assert_eq!(stolen.status, 422, "{}", stolen.body);
    assert_eq!(stolen.code(), "idempotency_key_reused");
    assert!(
        stolen.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("画面を開き直して")
    );

    let elsewhere = cm
        .post_with(
            &format!("/api/v1/boards/{other}/posts"),
            &body,
            &[("idempotency-key", &key)],
        )
        .await
        .unwrap();
    assert_eq!(elsewhere.status, 422, "{}", elsewhere.body);
    assert_eq!(posts(&w).await, 1, "nothing made by a refused key");

    let doc = cm.get("/api/v1/openapi.json").await.unwrap();
    let params = doc.body["paths"]["/api/v1/boards/{id}/posts"]["post"]["parameters"]
        .as_array()
        .unwrap();
    assert!(
        params
            .iter()
            .any(|p| p["name"] == "Idempotency-Key" && p["in"] == "header"),
        "the API documents the header: {params:?}"
    );

    let bad = cm
        .post_with(&path, &body, &[("idempotency-key", "has a space")])
        .await
        .unwrap();
    assert_eq!(bad.status, 400, "{}", bad.body);
    assert_eq!(posts(&w).await, 1);
}
