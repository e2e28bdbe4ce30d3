//! 既読: a post read once by the others on its board; 確認しました: an urgent post pinned until
//! each acknowledges it.

use super::{board, member, register};
use crate::morning;
use careboard::domain::Membership;
use careboard::store::{PINNED_MAX, PageQuery, PostRow, Store};
use chrono::Duration;
use common::clock::Clock;
use common::ids::RecipientId;

#[tokio::test(flavor = "multi_thread")]
async fn a_post_is_read_once_by_others_on_its_board_only() {
    let b = board().await;
    let own = b.post(&b.cm, "本日訪問。変わりなし", false, None).await;
    let nurses = b.post(&b.nurse, "夕方に再訪します", false, None).await;
    let other = register(&b.store, &b.clock, &b.cm, "高萩 梅").await;
    let elsewhere = b
        .post_on(other, &b.nurse, "別の方の記録", false, None)
        .await;
    assert_eq!(b.page(b.id, b.cm.user_id, None).await.unread, 1);

    // The page reports all three: only the nurse's post on this board is the reader's to mark.
    let fresh = b.shown(&b.cm, &[own, nurses, elsewhere]).await;
    assert_eq!(fresh, [nurses]);
    assert!(b.shown(&b.cm, &[nurses]).await.is_empty(), "read once");
    assert_eq!(b.page(b.id, b.cm.user_id, None).await.unread, 0);
    assert_eq!(b.page(other, b.cm.user_id, None).await.unread, 1);
    let read = b
        .store
        .read_among(b.id, b.cm.user_id, &[own, nurses])
        .await
        .unwrap();
    assert_eq!(read, [own, nurses], "one's own posts count as read");
    let stamps = b.store.reads(b.id, &[nurses]).await.unwrap();
    assert_eq!(stamps.len(), 1);
    assert_eq!(
        (stamps[0].user_id, stamps[0].at),
        (b.cm.user_id, b.clock.now())
    );

    // A member removed from the team is no longer counted among the readers, nor a member.
    let mut tx = b.store.begin().await.unwrap();
    Store::remove_member(&mut tx, b.id, b.cm.user_id, b.clock.now(), &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(b.store.reads(b.id, &[nurses]).await.unwrap().is_empty());
    let access = b.store.access(b.id, b.cm.user_id).await.unwrap().unwrap();
    assert_eq!(access.membership, Membership::None);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_urgent_post_stays_pinned_until_acknowledged_once() {
    let b = board().await;
    let urgent = b
        .post(&b.nurse, "夜間に転倒。受診を調整中", true, None)
        .await;
    b.post(&b.nurse, "経過は落ち着いています", false, None)
        .await;
    let pinned = b.page(b.id, b.cm.user_id, None).await.pinned;
    assert_eq!(pinned.iter().map(|p| p.id).collect::<Vec<_>>(), [urgent]);
    assert!(
        b.page(b.id, b.nurse.user_id, None).await.pinned.is_empty(),
        "never pinned for its own author"
    );
    let ack = async |at| {
        let mut tx = b.store.begin().await.unwrap();
        let first = Store::acknowledge(&mut tx, urgent, b.cm.user_id, at, &[])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        first
    };
    assert!(ack(b.clock.now()).await);
    b.clock.advance(Duration::minutes(5));
    assert!(!ack(b.clock.now()).await, "a second tap changes nothing");
    assert!(b.page(b.id, b.cm.user_id, None).await.pinned.is_empty());
    let acks = b.store.acks(b.id, &[urgent]).await.unwrap();
    assert_eq!(acks.len(), 1);
    assert_eq!(
        acks[0].at,
        b.clock.now() - Duration::minutes(5),
        "the first tap's time"
    );
    assert_eq!(
        b.store
            .read_among(b.id, b.cm.user_id, &[urgent])
            .await
            .unwrap(),
        [urgent],
        "acknowledged is read"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_reads_all_the_reader_is_shown_together() {
    let b = board().await;
    let urgent = b
        .post(&b.nurse, "夜間に転倒。受診を調整中", true, None)
        .await;
    let plain = b.post(&b.cm, "本日訪問。変わりなし", false, None).await;
    let reply = b.post(&b.nurse, "承知しました", false, Some(plain)).await;
    let elsewhere = register(&b.store, &b.clock, &b.cm, "高萩 梅").await;
    b.post_on(elsewhere, &b.cm, "別の方の記録", false, None)
        .await;
    b.shown(&b.cm, &[urgent]).await;

    let page = b.page(b.id, b.cm.user_id, None).await;
    assert_eq!(page.access.membership, Membership::Representative);
    assert!(!page.access.closed);
    assert_eq!(page.recipient_name, "高萩 はな");
    assert_eq!(page.care_level, "要介護3", "as the register normalised it");
    let ids = |rows: &[PostRow]| rows.iter().map(|p| p.id).collect::<Vec<_>>();
    assert_eq!(ids(&page.page), [plain, urgent], "newest first, no reply");
    assert_eq!(ids(&page.pinned), [urgent], "read but not acknowledged");
    assert_eq!(ids(&page.replies), [reply]);
    assert_eq!(page.unread, 1, "the nurse's reply");
    assert_eq!(page.members.len(), 2);
    assert_eq!(
        page.reads
            .iter()
            .map(|s| (s.post_id, s.user_id))
            .collect::<Vec<_>>(),
        [(urgent, b.cm.user_id)]
    );
    assert!(page.acks.is_empty());

    // An older page pins nothing; a stranger's page has no membership; no recipient, no page.
    assert!(
        b.page(b.id, b.cm.user_id, Some(plain))
            .await
            .pinned
            .is_empty()
    );
    let stranger = member("田中 一", "薬剤師", "高萩薬局", morning());
    let theirs = b.page(b.id, stranger.user_id, None).await;
    assert_eq!(theirs.access.membership, Membership::None);
    let query = PageQuery {
        before: None,
        category: None,
        limit: 10,
        pin: true,
        pinned_max: PINNED_MAX,
    };
    let none = b
        .store
        .board_page(RecipientId::new_v7(), b.cm.user_id, &query)
        .await
        .unwrap();
    assert!(none.is_none());
}
