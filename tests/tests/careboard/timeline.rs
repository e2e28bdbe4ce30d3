//! The timeline paged by cursor: newest first, each post once, whatever arrives meanwhile.

use crate::world::{World, html, member, register, wait_until, world};
use proto::careboard as pb;
use proto::common::Role;
use std::time::Duration;

/// The post ids of a board page, top to bottom.
fn post_ids(page: &str) -> Vec<String> {
    page.split("data-post=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The 「さらに前の書き込み」 link, when there are older posts.
fn older_link(page: &str) -> Option<String> {
    let at = page.find("さらに前の書き込み")?;
    let href = page[..at].rsplit("href=\"").next()?;
    Some(href.split('"').next()?.replace("&amp;", "&"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_timeline_pages_newest_first_and_shows_each_post_once() {
    let w = world("rk-board-timeline-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let post = |body: String| pb::CreatePostRequest {
        actor: Some(rep.clone()),
        recipient_id: board.clone(),
        body,
        category: String::new(),
        urgent: false,
        file_ids: Vec::new(),
    };
    let mut written = Vec::new();
    for i in 1..=120 {
        let p = grpc
            .create_post(post(format!("訪問記録 {i}")))
            .await
            .unwrap();
        written.push(p.into_inner().id);
    }

    let nurse = w.session(&w.nursing, &w.nurse).await;
    let (mut seen, mut pages) = (Vec::new(), Vec::new());
    let mut next = Some(format!("/boards/{board}"));
    while let Some(path) = next.take() {
        let answer = nurse.get(&path).await.unwrap();
        assert_eq!(answer.status, 200, "{path}");
        let page = html(&answer);
        let ids = post_ids(page);
        // The page reports the posts it showed, as its script does once they are on screen.
        let shown = nurse
            .post_form(
                &format!("/boards/{board}/reads"),
                &[("post_ids", &ids.join(","))],
            )
            .await
            .unwrap();
        assert_eq!(shown.status, 303, "{path}");
        pages.push(ids.len());
        seen.extend(ids);
        if pages.len() == 1 {
            // Written while the nurse reads the first page: the older pages do not shift.
            grpc.create_post(post("新しい記録".into())).await.unwrap();
        }
        next = older_link(page);
        assert!(pages.len() <= 4, "the pages end");
    }
    assert_eq!(pages, [50, 50, 20]);
    written.reverse();
    assert_eq!(seen, written, "newest first, each once");

    // What the nurse has paged through is read, and each page is in the audit trail.
    let db = w.stack.database("careboard").await.unwrap();
    let read: i64 = sqlx::query_scalar("SELECT count(*) FROM post_reads WHERE user_id = $1::uuid")
        .bind(&w.nurse.id)
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(read, 120);
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'board.read' AND target_id = $1 \
             AND actor_user_id = $2::uuid",
        )
        .bind(&board)
        .bind(&w.nurse.id)
        .fetch_one(&identity)
        .await
        .unwrap()
            == 3
    })
    .await;
}

/// 分類で絞り込む: the page shows the chosen category's posts only, pages on with the filter kept,
/// and a category the board does not have is a clear 400.
#[tokio::test(flavor = "multi_thread")]
async fn the_timeline_narrowed_to_a_category_shows_only_its_posts() {
    let w = world("rk-board-category-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 分子", "タカハギ ブンコ").await;
    let mut vitals = Vec::new();
    for i in 0..120 {
        let category = if i % 2 == 0 { "バイタル" } else { "服薬" };
        let p = grpc
            .create_post(pb::CreatePostRequest {
                actor: Some(rep.clone()),
                recipient_id: board.clone(),
                body: format!("記録 {i}"),
                category: category.into(),
                urgent: false,
                file_ids: Vec::new(),
            })
            .await
            .unwrap()
            .into_inner();
        if category == "バイタル" {
            vitals.push(p.id);
        }
    }
    let manager = w.session(&w.care, &w.care_manager).await;
    let category = "%E3%83%90%E3%82%A4%E3%82%BF%E3%83%AB";
    let first = manager
        .get(&format!("/boards/{board}?filter={category}"))
        .await
        .unwrap();
    assert_eq!(first.status, 200);
    let page = html(&first);
    let mut shown = post_ids(page);
    assert!(
        !shown.is_empty() && shown.iter().all(|id| vitals.contains(id)),
        "only バイタル"
    );
    assert!(page.contains("「バイタル」の書き込みだけを表示しています。"));
    let older = older_link(page).expect("60 バイタル posts fill more than a page");
    assert!(
        older.contains("filter="),
        "the next page keeps the filter: {older}"
    );
    let second = manager.get(&older).await.unwrap();
    shown.extend(post_ids(html(&second)));
    shown.sort();
    let mut want = vitals.clone();
    want.sort();
    assert_eq!(shown, want, "every バイタル post once, no other");
    let unknown = manager
        .get(&format!("/boards/{board}?filter=%E5%A4%A9%E6%B0%97"))
        .await
        .unwrap();
    assert_eq!(unknown.status, 400, "{}", html(&unknown));
}
