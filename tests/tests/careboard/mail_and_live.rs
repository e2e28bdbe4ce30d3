//! The urgent email when notify was down, and live streams that end when their reader leaves.

use crate::world::{World, html, member, register, wait_until, world};
use proto::careboard as pb;
use proto::common::Role;
use std::time::{Duration, Instant};
use system_tests::Stack;

#[tokio::test(flavor = "multi_thread")]
async fn an_urgent_post_while_notify_is_down_is_mailed_once_it_is_back() {
    let mut w = world("rk-board-urgent-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 松子", "タカハギ マツコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    w.stack.stop_binary("notify");
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let text = "夜間に38.5℃の発熱。主治医に報告済み";
    let posted = nurse
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", text), ("category", "バイタル"), ("urgent", "1")],
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 303);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let to_cm = |stack: &Stack| {
        stack
            .mails()
            .into_iter()
            .filter(|m| m.contains(&w.care_manager.email))
            .collect::<Vec<_>>()
    };
    assert!(
        to_cm(&w.stack).is_empty(),
        "nothing is sent while notify is down"
    );
    w.stack.start_binary("notify").unwrap();
    wait_until(Duration::from_secs(20), async || {
        !to_cm(&w.stack).is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mails = to_cm(&w.stack);
    assert_eq!(mails.len(), 1, "exactly one email");
    let mail = &mails[0];
    assert!(
        mail.contains(&format!("/boards/{board}")),
        "the link to the board"
    );
    for secret in ["高萩 松子", "タカハギ", text, "発熱", "佐藤"] {
        assert!(
            !mail.contains(secret),
            "the email must not contain {secret}"
        );
    }
    assert!(
        w.stack.mails().iter().all(|m| !m.contains(&w.nurse.email)),
        "the author is not mailed"
    );

    // The board closes before the care manager got to it: the post, shown on its own as a live
    // page asks for it, offers neither 既読 nor 確認 any more.
    let cm = w.session(&w.care, &w.care_manager).await;
    let db = w.stack.database("careboard").await.unwrap();
    let post: uuid::Uuid = sqlx::query_scalar("SELECT id FROM posts WHERE urgent")
        .fetch_one(&db)
        .await
        .unwrap();
    let fragment = format!("/boards/{board}/posts/{post}");
    let open = cm.get(&fragment).await.unwrap();
    assert!(
        html(&open).contains("確認しました</button>"),
        "{}",
        html(&open)
    );
    grpc.close_board(pb::CloseBoardRequest {
        actor: Some(rep.clone()),
        recipient_id: board.clone(),
        reason: "転居".into(),
        note: String::new(),
    })
    .await
    .unwrap();
    let closed = cm.get(&fragment).await.unwrap();
    assert_eq!(closed.status, 200);
    assert!(html(&closed).contains(text), "still readable");
    assert!(
        !html(&closed).contains("</button>"),
        "no marks on a closed board: {}",
        html(&closed)
    );
}

/// What a live stream says until it ends, or `None` if it is still open after `limit`.
async fn until_end(stream: &mut reqwest::Response, limit: Duration) -> Option<String> {
    let mut said = String::new();
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.chunk()).await {
            Err(_) => return None,
            Ok(Ok(Some(bytes))) => said.push_str(&String::from_utf8_lossy(&bytes)),
            Ok(_) => return Some(said),
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_stream_ends_when_its_reader_is_removed_or_suspended() {
    let w = world("rk-board-live-end-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    for p in [&w.nurse, &w.helper] {
        grpc.add_member(member(&rep, &board, &p.id)).await.unwrap();
    }
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let helper = w.session(&w.care, &w.helper).await;
    let events = format!("/boards/{board}/events");
    let mut nurse_stream = nurse.stream(&events).await.unwrap();
    let mut helper_stream = helper.stream(&events).await.unwrap();
    assert_eq!(nurse_stream.status(), 200);
    assert_eq!(helper_stream.status(), 200);

    // Removed: the nurse's stream ends at once; the helper's goes on.
    grpc.remove_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let said = until_end(&mut nurse_stream, Duration::from_secs(10))
        .await
        .expect("the removed member's stream is still open");
    assert!(!said.contains("高萩"), "{said}");
    assert!(
        until_end(&mut helper_stream, Duration::from_secs(1))
            .await
            .is_none(),
        "a member's stream ended with another's removal"
    );
    let again = nurse.get(&events).await.unwrap();
    assert_ne!(
        again.status, 200,
        "a removed member opened the stream again"
    );

    // Suspended by the city: every stream of theirs ends.
    w.suspend(&w.helper).await;
    assert!(
        until_end(&mut helper_stream, Duration::from_secs(10))
            .await
            .is_some(),
        "the suspended user's stream is still open"
    );
}
