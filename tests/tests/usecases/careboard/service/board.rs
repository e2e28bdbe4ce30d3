//! 連絡帳 as its members use it: posts (urgent ones too) and replies on the timeline, 既読 as
//! the reader's screen reports it, 確認しました on an urgent post.

use super::{refused_as, town};
use careboard::domain::DomainError;
use careboard::domain::correction::BoardRule;
use careboard::service::{NewPost, PostView};
use chrono::Duration;
use common::clock::Clock;
use common::ids::PostId;
use serde_json::json;

fn ids(views: &[PostView]) -> Vec<PostId> {
    views.iter().map(|v| v.post.id).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn posts_make_the_timeline_with_replies_under_their_post_and_urgent_ones_pinned() {
    let t = town().await;
    let id = t.board().await;
    let plain = t.post(&t.nurse, id, "本日訪問。変わりなし", false).await;
    let urgent = t.post(&t.nurse, id, "夜間に転倒。受診を調整中", true).await;
    let reply = t.reply(&t.cm, id, plain, "承知しました").await;

    let seen = t.careboard.timeline(&t.cm, id, None, 0, "").await.unwrap();
    assert_eq!(
        ids(&seen.posts),
        [urgent, plain],
        "newest first, the reply not on the timeline"
    );
    assert_eq!(ids(&seen.posts[1].replies), [reply], "under its post");
    assert_eq!(ids(&seen.pinned), [urgent], "another's, not acknowledged");
    assert_eq!(
        seen.unread_total, 2,
        "the nurse's two; his own reply is read"
    );
    assert_eq!(seen.recipient_name, "高萩 はな");
    let shown = &seen.posts[1];
    assert_eq!(
        (
            shown.post.author_name.as_str(),
            shown.post.author_office.as_str()
        ),
        ("佐藤 花子", "高萩訪問看護ステーション"),
        "the author as the team knew her when she wrote"
    );
    assert_eq!(shown.readers_total, 1, "the members but the author");
    let waiting: Vec<_> = seen.pinned[0]
        .not_acknowledged_by
        .iter()
        .map(|m| m.user_id)
        .collect();
    assert_eq!(waiting, [t.cm.user_id]);

    let hers = t
        .careboard
        .timeline(&t.nurse, id, None, 0, "")
        .await
        .unwrap();
    assert!(hers.pinned.is_empty(), "never pinned for its own author");
    assert_eq!(hers.unread_total, 1, "the care manager's reply");
    // Pages go back by time; an older page pins nothing.
    let first = t.careboard.timeline(&t.cm, id, None, 1, "").await.unwrap();
    assert_eq!(
        (ids(&first.posts), first.next_cursor),
        (vec![urgent], Some(urgent))
    );
    let older = t
        .careboard
        .timeline(&t.cm, id, Some(urgent), 1, "")
        .await
        .unwrap();
    assert_eq!((ids(&older.posts), older.next_cursor), (vec![plain], None));
    assert!(older.pinned.is_empty());

    // Each post with its events; the urgent one asks that the others be told.
    assert_eq!(t.events("careboard.post.created").await.len(), 2);
    let told = t.events("careboard.post.urgent").await;
    assert_eq!(told.len(), 1);
    assert_eq!(told[0]["data"]["post_id"], urgent.to_string());
    assert_eq!(
        told[0]["data"]["notify_user_ids"],
        json!([t.cm.user_id.to_string()])
    );
    let changed = t.events("careboard.post.changed").await;
    assert_eq!(
        changed[0]["data"]["post_ids"],
        json!([plain.to_string(), reply.to_string()]),
        "the reply's thread is shown again"
    );
    let created = t.events("audit.careboard.post.create").await;
    let urgency: Vec<_> = created
        .iter()
        .map(|e| e["data"]["details"]["urgent"].clone())
        .collect();
    assert_eq!(urgency, [json!(false), json!(true)]);
    assert_eq!(t.events("audit.careboard.post.reply").await.len(), 1);
    assert_eq!(t.events("audit.careboard.board.read").await.len(), 4);

    // One level of replies, and a post says something.
    refused_as(
        t.careboard
            .create_reply(None, &t.nurse, id, reply, "はい", &[])
            .await,
        &DomainError::Rule(BoardRule::ReplyToReply),
    );
    let blank = NewPost {
        body: "  ",
        category: "連絡",
        urgent: false,
        files: &[],
    };
    refused_as(
        t.careboard.create_post(None, &t.nurse, id, &blank).await,
        &DomainError::invalid("body"),
    );
    assert_eq!(t.events("careboard.post.created").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn shown_posts_are_marked_read_in_a_batch_once_and_only_on_their_board() {
    let t = town().await;
    let id = t.board().await;
    let other = t.register(&t.cm, "高萩 梅", "タカハギ ウメ").await;
    t.careboard
        .add_member(None, &t.cm, other, t.nurse.user_id)
        .await
        .unwrap();
    let own = t.post(&t.cm, id, "本日訪問。変わりなし", false).await;
    let hers = t.post(&t.nurse, id, "夕方に再訪します", false).await;
    let elsewhere = t.post(&t.nurse, other, "別の方の記録", false).await;
    let unread = async |board| {
        let page = t.careboard.timeline(&t.cm, board, None, 0, "").await;
        page.unwrap().unread_total
    };
    assert_eq!(unread(id).await, 1);

    // The page reports all three: only the nurse's post on this board is his to mark.
    let mark = async |posts: &[PostId]| t.careboard.mark_posts_read(None, &t.cm, id, posts).await;
    let read = mark(&[own, hers, elsewhere]).await.unwrap();
    assert_eq!(
        read,
        [own, hers],
        "his own counts as read, another board's is not here"
    );
    let marked = t.events("careboard.post.read").await;
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0]["data"]["post_ids"], json!([hers.to_string()]));
    assert_eq!(marked[0]["data"]["user_id"], t.cm.user_id.to_string());
    t.clock.advance(Duration::minutes(5));
    assert_eq!(mark(&[hers]).await.unwrap(), [hers]);
    assert_eq!(
        t.events("careboard.post.read").await.len(),
        1,
        "read once: a repeat marks nothing new"
    );
    assert_eq!(unread(id).await, 0);
    assert_eq!(
        unread(other).await,
        1,
        "the other board's post is still unread"
    );
    let seen = t
        .careboard
        .timeline(&t.nurse, id, None, 0, "")
        .await
        .unwrap();
    let post = seen.posts.iter().find(|v| v.post.id == hers).unwrap();
    let by: Vec<_> = post.read_by.iter().map(|s| (s.user_id, s.at)).collect();
    assert_eq!(
        by,
        [(t.cm.user_id, t.clock.now() - Duration::minutes(5))],
        "when he first read it"
    );

    refused_as(mark(&[]).await, &DomainError::invalid("post_ids"));
    let too_many: Vec<PostId> = (0..121).map(|_| PostId::new_v7()).collect();
    refused_as(mark(&too_many).await, &DomainError::invalid("post_ids"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_urgent_post_is_acknowledged_once_and_no_longer_pinned() {
    let t = town().await;
    let id = t.board().await;
    let urgent = t.post(&t.nurse, id, "夜間に転倒。受診を調整中", true).await;
    let plain = t.post(&t.nurse, id, "経過は落ち着いています", false).await;
    let ack = async |who, post| t.careboard.acknowledge(None, who, id, post).await;
    refused_as(ack(&t.nurse, urgent).await, &DomainError::invalid("post"));
    refused_as(ack(&t.cm, plain).await, &DomainError::invalid("post"));

    let first = ack(&t.cm, urgent).await.unwrap();
    let at = t.clock.now();
    assert!(first.acknowledged_by_actor);
    assert!(first.not_acknowledged_by.is_empty());
    t.clock.advance(Duration::minutes(5));
    let again = ack(&t.cm, urgent).await.unwrap();
    let stamps: Vec<_> = again
        .acknowledged_by
        .iter()
        .map(|s| (s.user_id, s.at))
        .collect();
    assert_eq!(stamps, [(t.cm.user_id, at)], "the first tap's, once");
    let acknowledged = t.events("careboard.post.acknowledged").await;
    assert_eq!(acknowledged.len(), 1, "a second tap changes nothing");
    assert_eq!(
        acknowledged[0]["data"]["post_ids"],
        json!([urgent.to_string()])
    );
    assert_eq!(t.events("audit.careboard.post.acknowledge").await.len(), 1);

    let seen = t.careboard.timeline(&t.cm, id, None, 0, "").await.unwrap();
    assert!(seen.pinned.is_empty(), "acknowledged: no longer pinned");
    assert_eq!(
        seen.unread_total, 1,
        "acknowledged is read; the other post is not"
    );
}
