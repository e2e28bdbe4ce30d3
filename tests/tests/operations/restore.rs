//! The restore drill: a backup restores into a whole board.

use crate::{shared_board, stack};
use system_tests::board;
use system_tests::people;

#[tokio::test(flavor = "multi_thread")]
async fn the_restore_drill_brings_back_a_whole_board() {
    let (dir, mut stack, w) = stack("rk-ops-restore-").await;
    let cm = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let nurse = people::session(&stack, &w.nursing, &w.nurse).await.unwrap();
    let board = shared_board(&cm, &w.nurse.id).await;
    for (who, body, urgent) in [
        (&cm, "本日訪問。変わりなし", false),
        (&nurse, "血圧 142/88。服薬は確認済み", false),
        (&nurse, "夜間に転倒。受診を調整中", true),
    ] {
        board::post(who, &board, body, urgent).await.unwrap();
    }
    // The care manager reads and acknowledges: marks must survive too.
    let before = board::as_seen(&cm, &board).await.unwrap();
    board::acknowledge_urgent(&cm, &board, &before)
        .await
        .unwrap();
    let before = board::as_seen(&nurse, &board).await.unwrap();
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

    let after = board::as_seen_once_back(&nurse, &board).await.unwrap();
    assert_eq!(after, before, "the board is whole after the restore");
    let db = stack.database("careboard").await.unwrap();
    let posts: i64 = sqlx::query_scalar("SELECT count(*) FROM posts")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(posts, 3);
    // And it goes on: a new post after the restore.
    board::post(&cm, &board, "復旧後の書き込み", false)
        .await
        .unwrap();
}
