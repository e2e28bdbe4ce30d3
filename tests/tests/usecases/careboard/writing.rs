//! Posts and replies on the board's timeline, and corrections that keep every earlier text.

use super::{board, event, register};
use crate::outbox;
use careboard::domain::states::RevisionKind;
use careboard::store::{Change, RevisionRow, Store};
use chrono::Duration;
use common::clock::Clock;
use common::ids::PostId;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread")]
async fn replies_stay_under_their_post_and_the_timeline_pages_by_time() {
    let b = board().await;
    let first = b.post(&b.cm, "本日訪問。変わりなし", false, None).await;
    let second = b
        .post(&b.cm, "血圧 142/88。服薬は確認済み", false, None)
        .await;
    let reply = b
        .post(&b.nurse, "承知しました。明日伺います", false, Some(second))
        .await;
    let timeline: Vec<PostId> = b
        .page(b.id, b.cm.user_id, None)
        .await
        .page
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        timeline,
        [second, first],
        "newest first, replies not on the timeline"
    );
    let older = b.page(b.id, b.cm.user_id, Some(second)).await.page;
    assert_eq!(older.iter().map(|p| p.id).collect::<Vec<_>>(), [first]);
    let replies = b.store.replies(b.id, &[first, second]).await.unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!((replies[0].id, replies[0].parent()), (reply, Some(second)));
    assert_eq!(replies[0].author_office, "高萩訪問看護ステーション");
    // Another board's posts are never this board's.
    let other = register(&b.store, &b.clock, &b.cm, "高萩 梅").await;
    b.post_on(other, &b.cm, "別の方の記録", false, None).await;
    assert_eq!(b.page(b.id, b.cm.user_id, None).await.page.len(), 2);
    assert!(b.store.post(other, first).await.unwrap().is_none());
    let created = outbox(b.store.pool())
        .await
        .into_iter()
        .filter(|(s, _)| s == "careboard.post.created")
        .count();
    assert_eq!(created, 4, "each post with its event, in its transaction");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_correction_keeps_the_earlier_text_and_a_withdrawal_hides_the_post_from_search() {
    let b = board().await;
    let post = b
        .post(&b.nurse, "血圧 182/88。服薬は確認済み", false, None)
        .await;
    assert_eq!(b.search("182").await, [post]);

    let change = async |now: Option<(&str, Option<&str>)>, kind: RevisionKind| {
        b.clock.advance(Duration::minutes(3));
        let mut tx = b.store.begin().await.unwrap();
        let before = Store::post_locked(&mut tx, b.id, post)
            .await
            .unwrap()
            .unwrap();
        let revision = RevisionRow {
            id: Uuid::now_v7(),
            post_id: post,
            kind,
            body: before.body,
            category: before.category,
            changed_at: b.clock.now(),
        };
        let change = Change {
            revision: &revision,
            changed_by: b.nurse.user_id,
            now,
        };
        Store::change_post(
            &mut tx,
            &change,
            &[event(&b.clock, "careboard.post.changed", b.id)],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    };
    change(
        Some(("血圧 142/88。服薬は確認済み", Some("バイタル"))),
        RevisionKind::Edited,
    )
    .await;
    let corrected = b.store.post(b.id, post).await.unwrap().unwrap();
    assert_eq!(corrected.body, "血圧 142/88。服薬は確認済み");
    assert_eq!(corrected.edited_at, Some(b.clock.now()));
    assert_eq!(b.search("142").await, [post], "found by its new text");
    assert!(b.search("182").await.is_empty(), "not by its old one");

    change(None, RevisionKind::Withdrawn).await;
    let withdrawn = b.store.post(b.id, post).await.unwrap().unwrap();
    assert_eq!(withdrawn.withdrawn_at, Some(b.clock.now()));
    assert!(
        b.search("142").await.is_empty(),
        "a withdrawn text is no longer found"
    );
    let history: Vec<(String, String)> = b
        .store
        .revisions(post)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.kind.as_str().to_owned(), r.body))
        .collect();
    assert_eq!(
        history,
        [
            (
                "edited".to_owned(),
                "血圧 182/88。服薬は確認済み".to_owned()
            ),
            (
                "withdrawn".to_owned(),
                "血圧 142/88。服薬は確認済み".to_owned()
            ),
        ],
        "every earlier text, oldest first"
    );
}
