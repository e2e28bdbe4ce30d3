//! 訂正 within the city's window, and the board's search.

use super::{refused_as, town};
use careboard::domain::DomainError;
use careboard::domain::correction::{BoardRule, DEFAULT_WINDOW_HOURS};
use careboard::service::Asked;
use chrono::Duration;
use common::clock::Clock;
use common::ids::{PostId, RecipientId};
use serde_json::json;

#[tokio::test(flavor = "multi_thread")]
async fn a_post_is_corrected_by_its_author_within_the_window_and_not_after_it() {
    let t = town().await;
    let id = t.board().await;
    let post = t
        .post(&t.nurse, id, "血圧 182/88。服薬は確認済み", false)
        .await;
    let correct = async |who, body| {
        t.careboard
            .correct_post(None, who, id, post, body, "バイタル")
            .await
    };
    // An hour before the window closes.
    t.clock
        .advance(Duration::hours(DEFAULT_WINDOW_HOURS) - Duration::hours(1));
    refused_as(correct(&t.cm, "血圧 142/88").await, &DomainError::NotAuthor);
    let corrected = correct(&t.nurse, "血圧 142/88。服薬は確認済み")
        .await
        .unwrap();
    assert_eq!(corrected.post.body, "血圧 142/88。服薬は確認済み");
    assert_eq!(corrected.post.category.as_deref(), Some("バイタル"));
    assert_eq!(corrected.post.edited_at, Some(t.clock.now()));

    // The window is counted from the post: past it, a correction or withdrawal is refused.
    t.clock.advance(Duration::hours(1) + Duration::seconds(1));
    refused_as(
        correct(&t.nurse, "血圧 140/88。服薬は確認済み").await,
        &DomainError::Rule(BoardRule::CorrectionWindowPassed),
    );
    refused_as(
        t.careboard.withdraw_post(None, &t.nurse, id, post).await,
        &DomainError::Rule(BoardRule::CorrectionWindowPassed),
    );
    let history = t.careboard.post_history(&t.cm, id, post).await.unwrap();
    assert_eq!(history.post.post.body, "血圧 142/88。服薬は確認済み");
    assert!(history.post.post.withdrawn_at.is_none());
    let earlier: Vec<&str> = history.revisions.iter().map(|r| r.body.as_str()).collect();
    assert_eq!(
        earlier,
        ["血圧 182/88。服薬は確認済み"],
        "the one correction's before"
    );

    let changed = t.events("careboard.post.changed").await;
    assert_eq!(changed.len(), 1, "one change, shown to open pages");
    assert_eq!(
        changed[0]["data"]["post_ids"],
        json!([post.to_string(), post.to_string()])
    );
    let edits = t.events("audit.careboard.post.edit").await;
    let outcomes: Vec<_> = edits
        .iter()
        .map(|e| {
            (
                e["data"]["outcome"].clone(),
                e["data"]["actor_user_id"].clone(),
            )
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            (json!("denied"), json!(t.cm.user_id.to_string())),
            (json!("success"), json!(t.nurse.user_id.to_string())),
        ],
        "another's attempt on the trail; a late one is the author's own slip"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_search_finds_posts_holding_every_word_on_its_board_only() {
    let t = town().await;
    let id = t.board().await;
    let other = t.register(&t.cm, "高萩 梅", "タカハギ ウメ").await;
    let vital = t
        .post(&t.nurse, id, "血圧 142/88。服薬は確認済み", false)
        .await;
    let visit = t.post(&t.cm, id, "本日訪問。血圧は安定", true).await;
    t.post(&t.cm, other, "血圧 150/90。服薬は確認済み", false)
        .await;
    let find = async |who, board: RecipientId, words: &str, urgent_only| {
        let asked = Asked {
            words,
            category: "",
            urgent_only,
            cursor: None,
            limit: 0,
        };
        t.careboard.search(who, board, &asked).await
    };
    let ids = |found: careboard::service::Found| -> Vec<PostId> {
        found.posts.iter().map(|v| v.post.id).collect()
    };
    let found = find(&t.cm, id, "血圧", false).await.unwrap();
    assert_eq!(found.words, ["血圧"]);
    assert_eq!(found.recipient_name, "高萩 はな");
    assert_eq!(
        ids(found),
        [visit, vital],
        "newest first, this board's only"
    );
    let every = find(&t.nurse, id, "服薬 血圧", false).await.unwrap();
    assert_eq!(ids(every), [vital], "every word");
    let urgent = find(&t.cm, id, "血圧", true).await.unwrap();
    assert_eq!(ids(urgent), [visit]);
    assert!(ids(find(&t.cm, id, "転倒", false).await.unwrap()).is_empty());
    refused_as(
        find(&t.pharmacist, id, "血圧", false).await,
        &DomainError::Forbidden,
    );

    // The trail has counts, never the words: they may say something of the recipient's health.
    let searches = t.events("audit.careboard.board.search").await;
    let found: Vec<_> = searches
        .iter()
        .map(|e| {
            (
                e["data"]["outcome"].clone(),
                e["data"]["details"]["found"].clone(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (json!("success"), json!(2)),
            (json!("success"), json!(1)),
            (json!("success"), json!(1)),
            (json!("success"), json!(0)),
            (json!("denied"), json!(null)),
        ]
    );
    for e in &searches {
        assert!(!e.to_string().contains("血圧"), "{e}");
    }
}
