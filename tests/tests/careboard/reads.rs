//! 既読 that means read: opening a board (page, card or gRPC) marks nothing; posts become read
//! when the reader's page reports them shown, in batches, for their own board only; the home
//! list and the board count the same unread posts. Urgent posts wait above the timeline until
//! acknowledged, and their author sees who has and who has not. A link survives sign-in.

use crate::world::{World, html, member, register, wait_until, world};
use proto::careboard as pb;
use proto::common::Role;
use serde_json::json;
use std::time::Duration;
use system_tests::api::Session;

async fn reads_of(db: &sqlx::PgPool, user: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT post_id::text, read_at::text FROM post_reads WHERE user_id = $1::uuid ORDER BY post_id",
    )
    .bind(user)
    .fetch_all(db)
    .await
    .unwrap()
}

async fn home_unread(
    grpc: &mut proto::careboard::careboard_client::CareboardClient<tonic::transport::Channel>,
    actor: &proto::common::Actor,
    board: &str,
) -> u32 {
    grpc.list_my_recipients(pb::ListMyRecipientsRequest {
        actor: Some(actor.clone()),
    })
    .await
    .unwrap()
    .into_inner()
    .recipients
    .into_iter()
    .find(|r| r.id == board)
    .unwrap()
    .unread_posts
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_is_read_only_once_the_page_reports_it_shown() {
    let w = world("rk-board-reads-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse_actor = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 松子", "タカハギ マツコ").await;
    let other = register(&mut grpc, &rep, "高萩 竹子", "タカハギ タケコ").await;
    for p in [&w.nurse, &w.helper] {
        grpc.add_member(member(&rep, &board, &p.id)).await.unwrap();
    }
    let post = |recipient: &str, body: &str, urgent: bool| pb::CreatePostRequest {
        actor: Some(rep.clone()),
        recipient_id: recipient.to_owned(),
        body: body.to_owned(),
        category: String::new(),
        urgent,
        file_ids: Vec::new(),
    };
    let mut ids = Vec::new();
    for (body, urgent) in [
        ("訪問しました。変わりなし", false),
        ("転倒あり。至急連絡ください", true),
        ("服薬は確認済み", false),
    ] {
        let p = grpc.create_post(post(&board, body, urgent)).await.unwrap();
        ids.push(p.into_inner().id);
    }
    let urgent = ids[1].clone();
    let elsewhere = grpc
        .create_post(post(&other, "別の方の記録", false))
        .await
        .unwrap()
        .into_inner()
        .id;

    // Opening the board, as a page, as a card and over gRPC, marks nothing.
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let page = nurse.get(&format!("/boards/{board}")).await.unwrap();
    assert_eq!(page.status, 200);
    let page = html(&page).to_owned();
    nurse
        .get(&format!("/boards/{board}/posts/{}", ids[0]))
        .await
        .unwrap();
    grpc.list_posts(pb::ListPostsRequest {
        actor: Some(nurse_actor.clone()),
        recipient_id: board.clone(),
        cursor: String::new(),
        limit: 0,
        category: String::new(),
    })
    .await
    .unwrap();
    let db = w.stack.database("careboard").await.unwrap();
    assert!(
        reads_of(&db, &w.nurse.id).await.is_empty(),
        "a GET marks nothing"
    );

    // Each unread post is marked, the count agrees with the home list, and the urgent post waits
    // above the timeline with its one-tap 確認しました.
    assert_eq!(page.matches("class=\"unread-mark\"").count(), 3, "{page}");
    assert!(page.contains("未読 <strong>3</strong>件"), "{page}");
    assert_eq!(home_unread(&mut grpc, &nurse_actor, &board).await, 3);
    let pinned = page.split("id=\"pinned\"").nth(1).unwrap();
    let pinned = pinned.split("id=\"timeline\"").next().unwrap();
    assert!(
        pinned.contains(&format!("id=\"post-{urgent}\"")),
        "{pinned}"
    );
    assert!(pinned.contains("確認しました</button>"));
    assert!(
        page.contains(&format!("href=\"#post-{}\">未読へ", ids[0])),
        "the oldest unread"
    );

    // The page reports two posts shown (and, wrongly, one of another board): two become read.
    let shown = nurse
        .post(
            &format!("/api/v1/boards/{board}/reads"),
            &json!({"post_ids": [ids[0], urgent, elsewhere]}),
        )
        .await
        .unwrap();
    assert_eq!(shown.status, 200, "{}", shown.body);
    let mut want = vec![ids[0].clone(), urgent.clone()];
    want.sort();
    assert_eq!(shown.body["read_post_ids"], json!(want));
    let first = reads_of(&db, &w.nurse.id).await;
    assert_eq!(
        first.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>(),
        want
    );
    // A repeat changes nothing and answers the same.
    let again = nurse
        .post(
            &format!("/api/v1/boards/{board}/reads"),
            &json!({"post_ids": [urgent, ids[0]]}),
        )
        .await
        .unwrap();
    assert_eq!(again.body["read_post_ids"], json!(want));
    assert_eq!(reads_of(&db, &w.nurse.id).await, first);
    assert_eq!(home_unread(&mut grpc, &nurse_actor, &board).await, 1);
    let page = nurse.get(&format!("/boards/{board}")).await.unwrap();
    assert!(html(&page).contains("未読 <strong>1</strong>件"));
    assert_eq!(html(&page).matches("class=\"unread-mark\"").count(), 1);

    // Another board's posts stay the other board's; bad reports are refused and store nothing.
    let refused = nurse
        .post(
            &format!("/api/v1/boards/{other}/reads"),
            &json!({"post_ids": [elsewhere]}),
        )
        .await
        .unwrap();
    assert_eq!(refused.status, 403);
    let too_many: Vec<String> = (0..121).map(|_| uuid::Uuid::now_v7().to_string()).collect();
    for body in [
        json!({"post_ids": too_many}),
        json!({"post_ids": ["not-an-id"]}),
        json!({"post_ids": []}),
    ] {
        let a = nurse
            .post(&format!("/api/v1/boards/{board}/reads"), &body)
            .await
            .unwrap();
        assert_eq!(a.status, 422, "{body}: {}", a.body);
    }
    assert_eq!(reads_of(&db, &w.nurse.id).await, first);

    // 確認しました: one form, and the post leaves the nurse's pinned list; the author sees who
    // has acknowledged and who has not, with their offices.
    let acked = nurse
        .post_form(&format!("/boards/{board}/posts/{urgent}/acknowledge"), &[])
        .await
        .unwrap();
    assert_eq!(acked.status, 303);
    assert_eq!(
        acked.location.as_deref(),
        Some(format!("/boards/{board}#post-{urgent}").as_str())
    );
    let page = nurse.get(&format!("/boards/{board}")).await.unwrap();
    let pinned = html(&page).split("id=\"pinned\"").nth(1).unwrap();
    assert!(
        pinned.starts_with(" aria-labelledby=\"pinned-heading\" hidden"),
        "{pinned}"
    );
    let cm = w.session(&w.care, &w.care_manager).await;
    let theirs = cm.get(&format!("/boards/{board}")).await.unwrap();
    let card = html(&theirs)
        .split(&format!("id=\"post-{urgent}\""))
        .nth(1)
        .unwrap()
        .split("</article>")
        .next()
        .unwrap();
    let acks = card.split("class=\"ack-names\">").nth(1).unwrap();
    let acks = acks.split("</span>").next().unwrap();
    assert!(acks.contains(system_tests::people::NURSE_NAME), "{card}");
    assert!(
        acks.contains(system_tests::people::NURSING_OFFICE),
        "{card}"
    );
    let waiting = card.split("class=\"not-acked\">").nth(1).unwrap();
    let waiting = waiting.split("</span>").next().unwrap();
    assert!(waiting.contains("伊藤 ヘルパー"), "{card}");
    assert!(
        !waiting.contains(system_tests::people::NURSE_NAME),
        "{card}"
    );

    // Every report is audited.
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'post.read' AND outcome = 'success' \
             AND actor_user_id = $1::uuid",
        )
        .bind(&w.nurse.id)
        .fetch_one(&identity)
        .await
        .unwrap()
            >= 2
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_urgent_email_links_the_post_and_the_link_survives_sign_in() {
    let w = world("rk-board-link-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 桃子", "タカハギ モモコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let urgent = grpc
        .create_post(pb::CreatePostRequest {
            actor: Some(rep.clone()),
            recipient_id: board.clone(),
            body: "発熱あり。訪問をお願いします".into(),
            category: String::new(),
            urgent: true,
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .id;
    let link = format!("/boards/{board}/posts/{urgent}");
    wait_until(Duration::from_secs(15), async || {
        w.stack
            .mails()
            .iter()
            .any(|m| m.contains(&w.nurse.email) && m.contains(&link))
    })
    .await;

    // Not signed in: the login page, carrying the way back.
    let base = &w.stack.bootstrap.gateway_url;
    let ca = &w.stack.bootstrap.ca_cert;
    let browser = Session::anonymous(base, ca, Some(&w.nursing.device)).unwrap();
    let sent = browser.get(&link).await.unwrap();
    assert_eq!(sent.status, 303);
    let login = sent.location.unwrap();
    assert_eq!(login, format!("/login?next={link}"));
    let form = browser.get(&login).await.unwrap();
    assert!(html(&form).contains(&format!("name=\"next\" value=\"{link}\"")));
    let signed_in = browser
        .post_form(
            "/login",
            &[
                ("login_id", &w.nurse.login_id),
                ("password", &w.nurse.password),
                ("next", &link),
            ],
        )
        .await
        .unwrap();
    assert_eq!(signed_in.status, 303);
    assert_eq!(signed_in.location.as_deref(), Some(link.as_str()));

    // Another site, smuggled in, leads to the menu instead.
    for evil in [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "/%2F%2Fevil.example",
    ] {
        let other = Session::anonymous(base, ca, Some(&w.nursing.device)).unwrap();
        let a = other
            .post_form(
                "/login",
                &[
                    ("login_id", &w.nurse.login_id),
                    ("password", &w.nurse.password),
                    ("next", evil),
                ],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 303, "{evil}");
        assert_eq!(a.location.as_deref(), Some("/home"), "{evil}");
    }
}
