//! The point-in-time restore drill: the stack's PostgreSQL archives its WAL to an S3-compatible
//! store with barman-cloud, as CloudNativePG's Barman Cloud plugin does in prod; a base backup,
//! more posts, a moment T, more posts; a new cluster recovered to T holds the board exactly as it
//! was at T, and careboard serves it from there.

use super::shared_board;
use system_tests::barman::BarmanStore;
use system_tests::board::{self, as_seen};
use system_tests::people;
use system_tests::s3::S3Server;
use system_tests::{Stack, StackOptions};

/// A post as stored: id, author, text, urgency and time (UTC, to the microsecond).
type StoredPost = (uuid::Uuid, uuid::Uuid, String, String, bool, String);

async fn stored_posts(db: &sqlx::PgPool) -> Vec<StoredPost> {
    sqlx::query_as(
        "SELECT id, author_user_id, author_name, body, urgent, \
         (created_at AT TIME ZONE 'UTC')::text FROM posts ORDER BY created_at, id",
    )
    .fetch_all(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_point_in_time_restore_brings_back_the_board_as_it_was_then() {
    let dir = tempfile::Builder::new()
        .prefix("rk-ops-pitr-")
        .tempdir()
        .unwrap();
    // Declared before the stack, so dropped after it: PostgreSQL archives until it has stopped.
    let s3 = S3Server::start(dir.path()).await.unwrap();
    let store = BarmanStore::new(&s3, "renrakucho-db");
    let mut stack = Stack::start(StackOptions {
        postgres: store.archiving(),
        ..StackOptions::for_test(dir.path())
    })
    .await
    .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let w = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    let cm = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let nurse = people::session(&stack, &w.nursing, &w.nurse).await.unwrap();
    let board = shared_board(&cm, &w.nurse.id).await;
    board::post(&cm, &board, "本日訪問。変わりなし", false)
        .await
        .unwrap();
    board::post(&nurse, &board, "血圧 142/88。服薬は確認済み", false)
        .await
        .unwrap();

    let backup = store.backup(&stack.postgres).unwrap();

    // After the base backup, so that only the archived WAL holds them.
    board::post(&nurse, &board, "夜間に転倒。受診を調整中", true)
        .await
        .unwrap();
    let seen = as_seen(&cm, &board).await.unwrap();
    board::acknowledge_urgent(&cm, &board, &seen).await.unwrap();
    let board_at_t = as_seen(&nurse, &board).await.unwrap();
    assert!(board_at_t.contains("既読 <span class=\"read-count\">1/1"));
    let careboard = stack.database("careboard").await.unwrap();
    let posts_at_t = stored_posts(&careboard).await;
    assert_eq!(posts_at_t.len(), 3);
    // T by the database's clock, which stamps the commits recovery stops at; every commit
    // before this statement is before T, every one after it after T.
    let t: String = sqlx::query_scalar("SELECT now()::text")
        .fetch_one(&careboard)
        .await
        .unwrap();
    store.switch_wal(&stack.postgres).await.unwrap();

    // The bad day: what comes after T must not come back.
    let after_t = ["T以降の書き込み（復元されない）", "T以降の二件目"];
    board::post(&cm, &board, after_t[0], false).await.unwrap();
    board::post(&nurse, &board, after_t[1], true).await.unwrap();
    assert_eq!(stored_posts(&careboard).await.len(), 5);
    // Recovery needs a commit after T in the archive to know it has reached T.
    store.switch_wal(&stack.postgres).await.unwrap();
    careboard.close().await;

    let restored = store
        .restore(&backup, &dir.path().join("restored"), &t)
        .await
        .unwrap();
    let restored_db = sqlx::PgPool::connect(&restored.url("careboard"))
        .await
        .unwrap();
    assert_eq!(
        stored_posts(&restored_db).await,
        posts_at_t,
        "the restored database holds exactly the posts up to T"
    );

    // careboard on the restored database, as step 3 of the runbook points it there.
    stack.stop_binary("careboard");
    stack.set_env("careboard", "DATABASE_URL", &restored.url("careboard"));
    stack.start_binary("careboard").unwrap();
    let board_now = board::as_seen_once_back(&nurse, &board).await.unwrap();
    for body in after_t {
        assert!(!board_now.contains(body), "{body} came back");
    }
    assert_eq!(board_now, board_at_t, "the board reads as it did at T");
    // And it goes on from there.
    board::post(&cm, &board, "復元後の書き込み", false)
        .await
        .unwrap();
    assert_eq!(stored_posts(&restored_db).await.len(), 4);
}
