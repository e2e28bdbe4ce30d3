//! What a page view of the board costs the databases behind it, counted by `pg_stat_statements`
//! (which the harness's PostgreSQL loads): at scale every statement is a cost. identity is asked
//! about the session once for a burst of page views, not once each; each view's audit record is
//! appended to the chain in one statement; careboard reads the page in one statement and its
//! relay sends those records without an empty round after each.

use crate::world::{World, member, register, world};
use proto::careboard as pb;
use proto::common::Role;
use std::time::Duration;

/// Page views of one board in a row, as a nurse scrolling and coming back would.
const VIEWS: i64 = 20;

/// How often statements whose text has `needle` ran in the database `service`.
async fn calls(db: &sqlx::PgPool, service: &str, needle: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s \
         JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 AND s.query LIKE '%' || $2 || '%'",
    )
    .bind(service)
    .bind(needle)
    .fetch_one(db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_page_views_asks_identity_once_and_appends_each_audit_record_in_one_statement() {
    let w = world("rk-board-statements-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 桜子", "タカハギ サクラコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    grpc.create_post(pb::CreatePostRequest {
        actor: Some(rep.clone()),
        recipient_id: board.clone(),
        body: "訪問しました。変わりなし".into(),
        category: String::new(),
        urgent: false,
        file_ids: Vec::new(),
    })
    .await
    .unwrap();
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let page = format!("/boards/{board}");
    assert_eq!(nurse.get(&page).await.unwrap().status, 200);
    let db = w.stack.database("identity").await.unwrap();
    sqlx::query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        .execute(&db)
        .await
        .unwrap();
    let audited_before: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
        .fetch_one(&db)
        .await
        .unwrap();
    sqlx::query("SELECT pg_stat_statements_reset()")
        .execute(&db)
        .await
        .unwrap();
    let reset_at = std::time::Instant::now();
    let started = std::time::Instant::now();
    for _ in 0..VIEWS {
        assert_eq!(nurse.get(&page).await.unwrap().status, 200);
    }
    let took = started.elapsed();
    // Each view's audit record reaches the chain shortly after its answer.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log")
            .fetch_one(&db)
            .await
            .unwrap();
        if audited >= audited_before + VIEWS {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{audited} audit records"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let window = i64::try_from(reset_at.elapsed().as_secs()).unwrap();
    let sessions = calls(&db, "identity", "FROM sessions WHERE token_hash").await;
    let appends = calls(&db, "identity", "INSERT INTO audit_log").await;
    let heads = calls(&db, "identity", "SELECT seq, hash FROM audit_log").await;
    let locks = calls(&db, "identity", "LOCK TABLE audit_log").await;
    let counts = calls(&db, "careboard", "SELECT count(*) FROM outbox").await;
    let post_reads = calls(&db, "careboard", "FROM posts p").await;
    println!(
        "{VIEWS} page views in {} ms: identity asked about the session {sessions} times, \
         {appends} audit appends, {heads} chain heads read, {locks} table locks; careboard read \
         posts in {post_reads} statements, its relay counted its backlog {counts} times",
        took.as_millis()
    );
    assert!(
        post_reads <= VIEWS,
        "a page's posts, pinned posts, replies and unread count are read in one statement, \
         not {post_reads} for {VIEWS} views"
    );
    // Asked again only once an answer is a second old.
    let seconds = i64::try_from(took.as_secs()).unwrap();
    assert!(
        sessions <= seconds + 2 && sessions < VIEWS,
        "identity was asked about the session {sessions} times for {VIEWS} views in {took:?}"
    );
    assert!(appends >= VIEWS, "every view is audited");
    assert_eq!(locks, 0, "an append takes no table lock");
    assert!(
        heads <= 1,
        "the chain's last link is remembered, not read before each append"
    );
    // A round that did not fill leaves nothing behind it: no count after each.
    assert!(
        counts <= window / 10 + 2,
        "careboard's relay counted its backlog {counts} times"
    );
}
