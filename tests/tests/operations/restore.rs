//! The restore drill: a backup restores into a whole board.

use crate::{shared_board, stack};
use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::people;

/// What a member sees of the board, for comparing before and after the drill.
pub(crate) async fn board_as_seen(s: &Session, board: &str) -> String {
    let page = s.get(&format!("/boards/{board}")).await.unwrap();
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap().to_owned();
    // The CSRF token differs per session and is not the board's.
    html.split("<article")
        .skip(1)
        .map(|a| {
            a.split("name=\"csrf_token\"")
                .next()
                .unwrap_or(a)
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_restore_drill_brings_back_a_whole_board() {
    let (dir, mut stack, w) = stack("rk-ops-restore-").await;
    let cm = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let nurse = people::session(&stack, &w.nursing, &w.nurse).await.unwrap();
    let board = shared_board(&cm, &w.nurse.id).await;
    for (who, body, urgent) in [
        (&cm, "本日訪問。変わりなし", ""),
        (&nurse, "血圧 142/88。服薬は確認済み", ""),
        (&nurse, "夜間に転倒。受診を調整中", "1"),
    ] {
        let a = who
            .post_form(
                &format!("/boards/{board}/posts"),
                &[("body", body), ("urgent", urgent)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 303);
    }
    // The care manager reads and acknowledges: marks must survive too.
    let before = board_as_seen(&cm, &board).await;
    let urgent_id = before
        .split("post urgent")
        .nth(1)
        .and_then(|a| a.split("data-post=\"").nth(1))
        .and_then(|a| a.split('"').next())
        .unwrap()
        .to_owned();
    let acked = cm
        .post_form(
            &format!("/boards/{board}/posts/{urgent_id}/acknowledge"),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(acked.status, 303);
    let before = board_as_seen(&nurse, &board).await;
    assert!(before.contains("既読 <span class=\"read-count\">1/1"));
    assert!(before.contains(people::CARE_MANAGER_NAME));

    let backup = dir.path().join("careboard.dump");
    stack.postgres.dump("careboard", &backup).unwrap();
    stack.stop_binary("careboard");
    stack
        .postgres
        .wipe_and_restore("careboard", &backup)
        .await
        .unwrap();
    stack.start_binary("careboard").unwrap();

    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let page = nurse.get(&format!("/boards/{board}")).await.unwrap();
        if page.status == 200 {
            break board_as_seen(&nurse, &board).await;
        }
        assert!(Instant::now() < deadline, "careboard did not come back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(after, before, "the board is whole after the restore");
    let db = stack.database("careboard").await.unwrap();
    let posts: i64 = sqlx::query_scalar("SELECT count(*) FROM posts")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(posts, 3);
    // And it goes on: a new post after the restore.
    let a = cm
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", "復旧後の書き込み")],
        )
        .await
        .unwrap();
    assert_eq!(a.status, 303);
}
