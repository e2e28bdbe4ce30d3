//! Replies and corrections: one level of replies under a post, read like posts; an author's
//! corrections and withdrawals within the city's window, every earlier text kept and audited.

use crate::world::{World, html, member, register, wait_until, world};
use proto::careboard as pb;
use proto::common::{Actor, Role};
use std::time::Duration;
use system_tests::{Stack, StackOptions};
use tonic::Code;

fn new_post(actor: &Actor, board: &str, body: &str) -> pb::CreatePostRequest {
    pb::CreatePostRequest {
        actor: Some(actor.clone()),
        recipient_id: board.into(),
        body: body.into(),
        category: "バイタル".into(),
        urgent: false,
        file_ids: Vec::new(),
    }
}

fn reply(actor: &Actor, board: &str, post: &str, body: &str) -> pb::CreateReplyRequest {
    pb::CreateReplyRequest {
        actor: Some(actor.clone()),
        recipient_id: board.into(),
        post_id: post.into(),
        body: body.into(),
        file_ids: Vec::new(),
    }
}

fn post_ref(actor: &Actor, board: &str, post: &str) -> pb::PostRef {
    pb::PostRef {
        actor: Some(actor.clone()),
        recipient_id: board.into(),
        post_id: post.into(),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn replies_sit_under_their_post_are_read_like_posts_and_go_one_level_deep() {
    let w = world("rk-board-replies-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let post = grpc
        .create_post(new_post(&rep, &board, "夜間に転倒あり。経過を見てください"))
        .await
        .unwrap()
        .into_inner();

    // The nurse replies from the board page; the page shows it under the post.
    let page_nurse = w.session(&w.nursing, &w.nurse).await;
    let answer = page_nurse
        .post_form(
            &format!("/boards/{board}/posts/{}/replies", post.id),
            &[("body", "訪問時に確認、打撲のみ")],
        )
        .await
        .unwrap();
    assert_eq!(answer.status, 303, "{:?}", answer.body);
    assert!(answer.location.unwrap().contains("#post-"));
    // The API twin replies the same way.
    let api_reply = page_nurse
        .post(
            &format!("/api/v1/boards/{board}/posts/{}/replies", post.id),
            &serde_json::json!({"body": "湿布を貼りました\n明日も確認します"}),
        )
        .await
        .unwrap();
    assert_eq!(api_reply.status, 200, "{}", api_reply.body);
    assert_eq!(api_reply.body["parent_id"], post.id.as_str());
    let reply_id = api_reply.body["id"].as_str().unwrap().to_owned();

    let page_rep = w.session(&w.care, &w.care_manager).await;
    let board_page = page_rep.get(&format!("/boards/{board}")).await.unwrap();
    let text = html(&board_page);
    let at_post = text.find(&format!("id=\"post-{}\"", post.id)).unwrap();
    let at_reply = text.find(&format!("id=\"post-{reply_id}\"")).unwrap();
    assert!(at_post < at_reply, "the reply is under its post");
    assert!(text.contains("訪問時に確認、打撲のみ") && text.contains("湿布を貼りました"));
    // Replies are not posts of the timeline.
    assert_eq!(text.matches("data-post=\"").count(), 1);

    // A reply counts in 既読 like a post, and on the home page's unread count.
    let mine = grpc
        .list_my_recipients(pb::ListMyRecipientsRequest {
            actor: Some(rep.clone()),
        })
        .await
        .unwrap()
        .into_inner();
    let got = grpc
        .get_post(post_ref(&rep, &board, &post.id))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.replies.len(), 2);
    assert!(got.replies.iter().all(|r| r.readers_total == 1));
    assert_eq!(
        mine.recipients
            .iter()
            .find(|r| r.id == board)
            .unwrap()
            .unread_posts,
        2,
        "the two replies are unread on the home page"
    );
    grpc.mark_read(post_ref(&rep, &board, &reply_id))
        .await
        .unwrap();
    let got = grpc
        .get_post(post_ref(&nurse, &board, &post.id))
        .await
        .unwrap()
        .into_inner();
    let read = got.replies.iter().find(|r| r.id == reply_id).unwrap();
    assert_eq!(read.read_by.len(), 1, "the representative read the reply");

    // A reply to a reply is refused, in careboard and at the gateway, and nothing is stored.
    let db = w.stack.database("careboard").await.unwrap();
    let before = crate::world::count(&db, "posts").await;
    let refused = grpc
        .create_reply(reply(&rep, &board, &reply_id, "返信への返信"))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    let api = page_rep
        .post(
            &format!("/api/v1/boards/{board}/posts/{reply_id}/replies"),
            &serde_json::json!({"body": "返信への返信"}),
        )
        .await
        .unwrap();
    assert_eq!(api.status, 422, "{}", api.body);
    assert_eq!(api.code(), "reply_to_reply");
    // Wrong JSON and NUL are refused with a clear 4xx too.
    for body in [
        serde_json::json!({"body": 3}),
        serde_json::json!({"body": "あ\u{0}い"}),
        serde_json::json!({"text": "x"}),
    ] {
        let a = page_rep
            .post(
                &format!("/api/v1/boards/{board}/posts/{}/replies", post.id),
                &body,
            )
            .await
            .unwrap();
        assert!((400..500).contains(&a.status), "{body}: {}", a.status);
    }
    assert_eq!(crate::world::count(&db, "posts").await, before);

    // Each reply is in the audit trail.
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'post.reply' AND outcome = 'success'",
        )
        .fetch_one(&identity)
        .await
        .unwrap()
            == 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_author_corrects_and_withdraws_within_the_window_and_the_history_keeps_every_text() {
    let w = world("rk-board-corrections-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let post = grpc
        .create_post(new_post(&nurse, &board, "血圧 182/70"))
        .await
        .unwrap()
        .into_inner();
    assert!(post.correctable);

    // Someone else may not correct it: refused, and nothing changes.
    let other = grpc
        .edit_post(pb::EditPostRequest {
            actor: Some(rep.clone()),
            recipient_id: board.clone(),
            post_id: post.id.clone(),
            body: "書き換え".into(),
            category: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(other.code(), Code::PermissionDenied);
    let page_rep = w.session(&w.care, &w.care_manager).await;
    let api = page_rep
        .patch(
            &format!("/api/v1/boards/{board}/posts/{}", post.id),
            &serde_json::json!({"body": "書き換え"}),
        )
        .await
        .unwrap();
    assert_eq!(api.status, 403, "{}", api.body);
    assert_eq!(api.code(), "not_author");

    // The author corrects it from the page; the board says 編集済み and links the history.
    let page_nurse = w.session(&w.nursing, &w.nurse).await;
    let edited = page_nurse
        .post_form(
            &format!("/boards/{board}/posts/{}/edit", post.id),
            &[
                ("body", "血圧 128/70（先ほどは誤記）"),
                ("category", "バイタル"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(edited.status, 303, "{:?}", edited.body);
    let shown = page_rep.get(&format!("/boards/{board}")).await.unwrap();
    let text = html(&shown);
    assert!(text.contains("血圧 128/70（先ほどは誤記）"));
    assert!(!text.contains("血圧 182/70"));
    assert!(text.contains(&format!("/boards/{board}/posts/{}/history", post.id)));
    assert!(text.contains("編集済み"));

    // Then withdraws it through the API.
    let gone = page_nurse
        .post(
            &format!("/api/v1/boards/{board}/posts/{}/withdrawal", post.id),
            &serde_json::json!({}),
        )
        .await
        .unwrap();
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_eq!(gone.body["withdrawn"], true);
    assert_eq!(gone.body["body"], "");
    let shown = page_rep.get(&format!("/boards/{board}")).await.unwrap();
    let text = html(&shown);
    assert!(text.contains("取り消されました"));
    assert!(!text.contains("血圧 128/70"));
    // A withdrawn post is changed no more.
    let again = grpc
        .edit_post(pb::EditPostRequest {
            actor: Some(nurse.clone()),
            recipient_id: board.clone(),
            post_id: post.id.clone(),
            body: "もう一度".into(),
            category: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), Code::FailedPrecondition);

    // The whole team sees every earlier text, oldest first, on the page and in the API.
    let history = page_rep
        .get(&format!("/boards/{board}/posts/{}/history", post.id))
        .await
        .unwrap();
    assert_eq!(history.status, 200);
    let text = html(&history);
    let first = text.find("血圧 182/70").unwrap();
    let second = text.find("血圧 128/70（先ほどは誤記）").unwrap();
    assert!(first < second, "oldest first");
    let api = page_rep
        .get(&format!("/api/v1/boards/{board}/posts/{}/history", post.id))
        .await
        .unwrap();
    assert_eq!(api.status, 200, "{}", api.body);
    let kinds: Vec<&str> = api.body["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["edited", "withdrawn"]);

    // The history table is only ever added to; each change and refusal is audited.
    let db = w.stack.database("careboard").await.unwrap();
    assert_eq!(crate::world::count(&db, "post_revisions").await, 2);
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        let n: Vec<(String, String)> = sqlx::query_as(
            "SELECT action, outcome FROM audit_log WHERE action IN ('post.edit', 'post.withdraw') \
             ORDER BY seq",
        )
        .fetch_all(&identity)
        .await
        .unwrap();
        n.iter().filter(|(_, o)| o == "success").count() == 2
            && n.iter().filter(|(_, o)| o == "denied").count() >= 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn after_the_window_a_correction_is_refused_and_nothing_changes() {
    let dir = tempfile::Builder::new()
        .prefix("rk-board-window-")
        .tempdir()
        .unwrap();
    let mut options = StackOptions::for_test(dir.path());
    // A city that allows no correction at all: every post is past its window at once.
    options
        .env
        .push(("BOARD_CORRECTION_WINDOW_SECONDS".into(), "0".into()));
    let stack = Stack::start(options).await.unwrap();
    let op = system_tests::people::operator(&stack).await.unwrap();
    let two = system_tests::people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    let mut grpc = World::careboard_of(&stack);
    let rep = World::actor(&two.care_manager, &two.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    let post = grpc
        .create_post(new_post(&rep, &board, "体温 37.8"))
        .await
        .unwrap()
        .into_inner();
    assert!(!post.correctable);
    for refused in [
        grpc.edit_post(pb::EditPostRequest {
            actor: Some(rep.clone()),
            recipient_id: board.clone(),
            post_id: post.id.clone(),
            body: "体温 36.8".into(),
            category: String::new(),
        })
        .await
        .unwrap_err(),
        grpc.withdraw_post(post_ref(&rep, &board, &post.id))
            .await
            .unwrap_err(),
    ] {
        assert_eq!(refused.code(), Code::FailedPrecondition);
        assert_eq!(refused.message(), "correction_window_passed");
    }
    let session = system_tests::people::session(&stack, &two.care, &two.care_manager)
        .await
        .unwrap();
    let page = session
        .post_form(
            &format!("/boards/{board}/posts/{}/edit", post.id),
            &[("body", "体温 36.8")],
        )
        .await
        .unwrap();
    assert_eq!(page.status, 409);
    assert!(html(&page).contains("期間を過ぎました"));
    let db = stack.database("careboard").await.unwrap();
    assert_eq!(crate::world::count(&db, "post_revisions").await, 0);
    let body: String = sqlx::query_scalar("SELECT body FROM posts WHERE id = $1::uuid")
        .bind(&post.id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(body, "体温 37.8");
}
