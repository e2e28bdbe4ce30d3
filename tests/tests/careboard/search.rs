//! Finding on a board: filters by category and urgency, words (two-character Japanese words
//! included) through the grams index, results marked and linked; and the print view.

use crate::world::{World, html, member, register, wait_until, world};
use proto::careboard as pb;
use proto::common::Role;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn words_categories_and_urgency_find_posts_and_replies_through_the_index() {
    let w = world("rk-board-search-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let mut write = async |body: &str, category: &str, urgent: bool| {
        grpc.create_post(pb::CreatePostRequest {
            actor: Some(nurse.clone()),
            recipient_id: board.clone(),
            body: body.into(),
            category: category.into(),
            urgent,
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .id
    };
    let fever = write("朝から発熱あり、37.9度。ＢＰ 130/80", "バイタル", false).await;
    let fall = write("夜間に転倒。打撲なし", "連絡", true).await;
    let meal = write("食事は半分", "生活・食事", false).await;
    // Holds 発 and 熱, not the word 発熱: the index finds it, the check drops it.
    let apart = write("発作なし、熱も平熱", "", false).await;
    let reply = grpc
        .create_reply(pb::CreateReplyRequest {
            actor: Some(rep.clone()),
            recipient_id: board.clone(),
            post_id: meal.clone(),
            body: "先週の転倒の件は主治医に報告済み".into(),
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .id;

    let page_rep = w.session(&w.care, &w.care_manager).await;
    let found = page_rep
        .get(&format!("/boards/{board}/search?q=発熱"))
        .await
        .unwrap();
    assert_eq!(found.status, 200);
    let text = html(&found);
    assert!(text.contains("<mark>発熱</mark>"), "{text}");
    assert!(text.contains(&format!("#post-{fever}")));
    assert!(
        !text.contains(&format!("#post-{apart}")),
        "発 and 熱 apart are not 発熱"
    );
    assert!(text.contains("1件"));

    let api = async |query: &str| {
        let a = page_rep
            .get(&format!("/api/v1/boards/{board}/search?{query}"))
            .await
            .unwrap();
        assert_eq!(a.status, 200, "{query}: {}", a.body);
        a.body["posts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // A reply is found like a post, newest first; width and case do not matter.
    assert_eq!(
        api("q=%E8%BB%A2%E5%80%92").await,
        [reply.clone(), fall.clone()]
    );
    assert_eq!(api("q=bp").await, [fever.as_str()]);
    assert_eq!(
        api("q=%E7%99%BA").await.len(),
        2,
        "one character: 発熱 and 発作"
    );
    assert_eq!(api("category=%E9%80%A3%E7%B5%A1").await, [fall.as_str()]);
    assert_eq!(api("urgent=1").await, [fall.as_str()]);
    assert_eq!(
        api("").await.len(),
        4,
        "no filter: the posts, not the replies"
    );

    // A search box is one line; a category comes from the list; NUL and bad bytes are refused.
    for (query, status) in [
        ("q=%E7%99%BA%0D%0A%E7%86%B1", 422),
        ("q=%E7%99%BA%00", 400),
        ("q=%FF%FE", 400),
        ("category=%E6%96%99%E7%90%86", 422),
        ("q=a+b+c+d+e+f", 422),
    ] {
        let a = page_rep
            .get(&format!("/api/v1/boards/{board}/search?{query}"))
            .await
            .unwrap();
        assert_eq!(a.status, status, "{query}: {}", a.body);
        let page = page_rep
            .get(&format!("/boards/{board}/search?{query}"))
            .await
            .unwrap();
        assert_eq!(page.status, status, "page {query}");
        if status == 422 {
            let field = if query.starts_with("category") {
                "category"
            } else {
                "q"
            };
            let html = page.body.as_str().unwrap_or_default();
            system_tests::markup::field_error(html, field)
                .unwrap_or_else(|e| panic!("page {query}: {e}"));
        }
    }
    // Someone off the team finds nothing at all.
    let outsider = w.session(&w.nursing, &w.outsider).await;
    let refused = outsider
        .get(&format!("/api/v1/boards/{board}/search?q=発熱"))
        .await
        .unwrap();
    assert_eq!(refused.status, 403);

    // A withdrawn post is no longer found.
    grpc.withdraw_post(pb::PostRef {
        actor: Some(nurse.clone()),
        recipient_id: board.clone(),
        post_id: fever.clone(),
    })
    .await
    .unwrap();
    assert!(api("q=%E7%99%BA%E7%86%B1").await.is_empty());

    // The search is audited, with counts and never the words.
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'board.search' AND outcome = 'success'",
        )
        .fetch_one(&identity)
        .await
        .unwrap()
            >= 8
    })
    .await;
    let leaked: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'board.search' AND details::text LIKE '%発熱%'",
    )
    .fetch_one(&identity)
    .await
    .unwrap();
    assert_eq!(leaked, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_word_search_uses_the_grams_index_not_a_scan() {
    let w = world("rk-board-plan-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    let db = w.stack.database("careboard").await.unwrap();
    // A board with years of posts, their grams varied as real texts' are.
    sqlx::query(
        "INSERT INTO posts (id, recipient_id, author_user_id, author_name, author_profession, \
         author_office, urgent, body, created_at, grams) \
         SELECT gen_random_uuid(), $1::uuid, $2::uuid, '鈴木', 'ケアマネジャー', '居宅', false, \
                '記録 ' || g, now(), ARRAY['記' || (g % 97), '録' || (g % 89), 'x' || (g % 13)] \
         FROM generate_series(1, 20000) g",
    )
    .bind(&board)
    .bind(&w.care_manager.id)
    .execute(&db)
    .await
    .unwrap();
    sqlx::query("ANALYZE posts").execute(&db).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    // The statement careboard's store runs for a word search (store/search.rs).
    let plan: Vec<String> = sqlx::query_scalar(
        "EXPLAIN SELECT p.id FROM posts p LEFT JOIN inactive_users i ON i.user_id = p.author_user_id \
         WHERE p.recipient_id = $1::uuid AND p.withdrawn_at IS NULL AND p.grams @> $2::text[] \
           AND ($3::text IS NULL OR p.category = $3) AND (NOT $4 OR p.urgent) \
           AND ($5::uuid IS NULL OR p.id < $5) ORDER BY p.id DESC LIMIT 51",
    )
    .bind(&board)
    .bind(vec!["発熱".to_owned()])
    .bind(None::<String>)
    .bind(false)
    .bind(None::<uuid::Uuid>)
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let plan = plan.join("\n");
    println!("word search plan over 20,000 posts:\n{plan}");
    assert!(plan.contains("posts_grams"), "{plan}");

    // And the two-character word is found among them.
    let post = grpc
        .create_post(pb::CreatePostRequest {
            actor: Some(rep.clone()),
            recipient_id: board.clone(),
            body: "昨夜から発熱".into(),
            category: String::new(),
            urgent: false,
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner();
    let found = grpc
        .search_posts(pb::SearchPostsRequest {
            actor: Some(rep.clone()),
            recipient_id: board.clone(),
            words: "発熱".into(),
            category: String::new(),
            urgent_only: false,
            cursor: String::new(),
            limit: 0,
        })
        .await
        .unwrap()
        .into_inner();
    let ids: Vec<&str> = found.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, [post.id.as_str()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_print_view_shows_a_period_with_replies_and_is_audited() {
    let w = world("rk-board-print-").await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 梅子", "タカハギ ウメコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let post = grpc
        .create_post(pb::CreatePostRequest {
            actor: Some(nurse.clone()),
            recipient_id: board.clone(),
            body: "褥瘡の処置を実施".into(),
            category: "治療".into(),
            urgent: false,
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner();
    grpc.create_reply(pb::CreateReplyRequest {
        actor: Some(rep.clone()),
        recipient_id: board.clone(),
        post_id: post.id.clone(),
        body: "次回のカンファレンスで共有します".into(),
        file_ids: Vec::new(),
    })
    .await
    .unwrap();
    let session = w.session(&w.care, &w.care_manager).await;
    // By default the last month, today included.
    let page = session
        .get(&format!("/boards/{board}/print"))
        .await
        .unwrap();
    assert_eq!(page.status, 200);
    let text = html(&page);
    for shown in [
        "高萩 梅子 様",
        "要介護2",
        "褥瘡の処置を実施",
        "次回のカンファレンスで共有します",
        "看護師",
        "［治療］",
    ] {
        assert!(text.contains(shown), "{shown} in the print view");
    }
    // A period without posts, and a wrong one.
    let empty = session
        .get(&format!(
            "/boards/{board}/print?from=2020-01-01&to=2020-01-31"
        ))
        .await
        .unwrap();
    assert!(html(&empty).contains("この期間の書き込みはありません"));
    let wrong = session
        .get(&format!(
            "/boards/{board}/print?from=2026-13-01&to=2026-01-01"
        ))
        .await
        .unwrap();
    assert_eq!(wrong.status, 422);
    system_tests::markup::field_error(html(&wrong), "from").unwrap();
    let outsider = w.session(&w.nursing, &w.outsider).await;
    let refused = outsider
        .get(&format!("/boards/{board}/print"))
        .await
        .unwrap();
    assert_eq!(refused.status, 403);
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM audit_log WHERE action = 'board.print' AND target_id = $1",
        )
        .bind(&board)
        .fetch_one(&identity)
        .await
        .unwrap()
            >= 3
    })
    .await;
}
