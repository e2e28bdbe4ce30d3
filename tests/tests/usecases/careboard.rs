//! careboard's board, at its store: `careboard::service::Careboard` asks identity and offices
//! who people are through a gRPC `Directory` over mutual TLS, which needs both services running,
//! so these tests call the store's use cases the service is made of (what it writes in one
//! transaction, what each reader is shown) with the rows the service would pass them.

use crate::{clock, database, morning, outbox};
use careboard::domain::consent::{self, ConsentInput};
use careboard::domain::recipient::{self, RecipientInput};
use careboard::domain::{Membership, search};
use careboard::store::{Change, Filter, MemberRow, NewRecipient, PostRow, RevisionRow, Store};
use chrono::{DateTime, Duration, Utc};
use common::clock::{Clock, ManualClock};
use common::events::CloudEvent;
use uuid::Uuid;

/// A board with its representative (a care manager) and a nurse of another office.
struct Board {
    store: Store,
    clock: ManualClock,
    id: Uuid,
    cm: MemberRow,
    nurse: MemberRow,
    _db: system_tests::scratch::ScratchDb,
}

fn member(name: &str, profession: &str, office: &str, at: DateTime<Utc>) -> MemberRow {
    MemberRow {
        user_id: Uuid::now_v7(),
        name: name.into(),
        kana: "テスト".into(),
        profession: profession.into(),
        office_id: Uuid::now_v7(),
        office_name: office.into(),
        is_representative: false,
        added_at: at,
        status: "active".into(),
    }
}

/// An event as the service writes it with each change (its data does not matter here).
fn event(clock: &ManualClock, kind: &str, about: Uuid) -> CloudEvent {
    CloudEvent::new(
        clock,
        "renrakucho/careboard",
        kind,
        Some(about.to_string()),
        &serde_json::json!({"recipient_id": about}),
    )
    .unwrap()
}

/// Registers a recipient as `Careboard::register_recipient` does, in one transaction.
async fn register(store: &Store, clock: &ManualClock, registrar: &MemberRow, name: &str) -> Uuid {
    let today = clock.now().date_naive();
    let person = recipient::validate(
        &RecipientInput {
            name: name.into(),
            kana: "タカハギ ハナ".into(),
            birth_date: "1936/4/1".into(),
            sex: "女性".into(),
            address: "茨城県高萩市本町1-100".into(),
            care_level: "要介護３".into(),
            ..RecipientInput::default()
        },
        today,
    )
    .unwrap();
    let consent = consent::validate(
        &ConsentInput {
            obtained_on: "2026-11-01".into(),
            obtained_by: "ケアマネジャー 鈴木".into(),
            office_keeps_copy: true,
            recipient_keeps_original: true,
        },
        today,
    )
    .unwrap();
    let id = Uuid::now_v7();
    let mut tx = store.begin().await.unwrap();
    Store::register(
        &mut tx,
        &NewRecipient {
            id,
            recipient: &person,
            consent: &consent,
            registrar: &MemberRow {
                is_representative: true,
                ..registrar.clone()
            },
            at: clock.now(),
        },
        &[event(clock, "audit.careboard.recipient.register", id)],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn board() -> Board {
    let db = database(&careboard::MIGRATOR).await;
    let store = Store::new(db.pool.clone());
    let clock = clock();
    let cm = member(
        "鈴木 一郎",
        "ケアマネジャー",
        "高萩ケアプランセンター",
        morning(),
    );
    let nurse = member("佐藤 花子", "看護師", "高萩訪問看護ステーション", morning());
    let id = register(&store, &clock, &cm, "高萩 はな").await;
    let mut tx = store.begin().await.unwrap();
    Store::add_member(&mut tx, id, &nurse, cm.user_id, &[])
        .await
        .unwrap();
    tx.commit().await.unwrap();
    Board {
        store,
        clock,
        id,
        cm,
        nurse,
        _db: db,
    }
}

impl Board {
    /// A post (or, with `parent`, a reply) by `author`, a minute after the last.
    async fn post(
        &self,
        author: &MemberRow,
        body: &str,
        urgent: bool,
        parent: Option<Uuid>,
    ) -> Uuid {
        self.post_on(self.id, author, body, urgent, parent).await
    }

    async fn post_on(
        &self,
        board: Uuid,
        author: &MemberRow,
        body: &str,
        urgent: bool,
        parent: Option<Uuid>,
    ) -> Uuid {
        self.clock.advance(Duration::minutes(1));
        let row = PostRow {
            id: Uuid::now_v7(),
            recipient_id: board,
            author_user_id: author.user_id,
            author_name: author.name.clone(),
            author_profession: author.profession.clone(),
            author_office: author.office_name.clone(),
            author_status: "active".into(),
            created_at: self.clock.now(),
            category: Some("連絡".into()),
            urgent,
            body: body.into(),
            parent_id: parent,
            edited_at: None,
            withdrawn_at: None,
            files: sqlx::types::Json(Vec::new()),
        };
        let mut tx = self.store.begin().await.unwrap();
        Store::insert_post(
            &mut tx,
            &row,
            &[event(&self.clock, "careboard.post.created", board)],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        row.id
    }

    /// What `reader`'s page reports as shown, as `Careboard::mark_shown` writes it.
    async fn shown(&self, reader: &MemberRow, posts: &[Uuid]) -> Vec<Uuid> {
        let mut tx = self.store.begin().await.unwrap();
        let fresh = Store::mark_shown(
            &mut tx,
            self.id,
            reader.user_id,
            posts,
            self.clock.now(),
            &[],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        fresh
    }

    /// Finds posts holding every word of `typed`, as the board's search does.
    async fn search(&self, typed: &str) -> Vec<Uuid> {
        let query = search::query(typed).unwrap().unwrap();
        let filter = Filter {
            category: None,
            urgent_only: false,
            grams: Some(&query.grams),
        };
        let found = self.store.search(self.id, &filter, None, 50).await.unwrap();
        found.into_iter().map(|p| p.id).collect()
    }
}

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
    let timeline: Vec<Uuid> = b
        .store
        .timeline(b.id, None, None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    assert_eq!(
        timeline,
        [second, first],
        "newest first, replies not on the timeline"
    );
    let older = b
        .store
        .timeline(b.id, Some(second), None, 10)
        .await
        .unwrap();
    assert_eq!(older.iter().map(|p| p.id).collect::<Vec<_>>(), [first]);
    let replies = b.store.replies(b.id, &[first, second]).await.unwrap();
    assert_eq!(replies.len(), 1);
    assert_eq!((replies[0].id, replies[0].parent_id), (reply, Some(second)));
    assert_eq!(replies[0].author_office, "高萩訪問看護ステーション");
    // Another board's posts are never this board's.
    let other = register(&b.store, &b.clock, &b.cm, "高萩 梅").await;
    b.post_on(other, &b.cm, "別の方の記録", false, None).await;
    assert_eq!(
        b.store.timeline(b.id, None, None, 10).await.unwrap().len(),
        2
    );
    assert!(b.store.post(other, first).await.unwrap().is_none());
    let created = outbox(b.store.pool())
        .await
        .into_iter()
        .filter(|(s, _)| s == "careboard.post.created")
        .count();
    assert_eq!(created, 4, "each post with its event, in its transaction");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_post_is_read_once_by_others_on_its_board_only() {
    let b = board().await;
    let own = b.post(&b.cm, "本日訪問。変わりなし", false, None).await;
    let nurses = b.post(&b.nurse, "夕方に再訪します", false, None).await;
    let other = register(&b.store, &b.clock, &b.cm, "高萩 梅").await;
    let elsewhere = b
        .post_on(other, &b.nurse, "別の方の記録", false, None)
        .await;
    assert_eq!(b.store.unread_count(b.id, b.cm.user_id).await.unwrap(), 1);

    // The page reports all three: only the nurse's post on this board is the reader's to mark.
    let fresh = b.shown(&b.cm, &[own, nurses, elsewhere]).await;
    assert_eq!(fresh, [nurses]);
    assert!(b.shown(&b.cm, &[nurses]).await.is_empty(), "read once");
    assert_eq!(b.store.unread_count(b.id, b.cm.user_id).await.unwrap(), 0);
    assert_eq!(b.store.unread_count(other, b.cm.user_id).await.unwrap(), 1);
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
    let pinned = b.store.unacknowledged(b.id, b.cm.user_id).await.unwrap();
    assert_eq!(pinned.iter().map(|p| p.id).collect::<Vec<_>>(), [urgent]);
    assert!(
        b.store
            .unacknowledged(b.id, b.nurse.user_id)
            .await
            .unwrap()
            .is_empty(),
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
    assert!(
        b.store
            .unacknowledged(b.id, b.cm.user_id)
            .await
            .unwrap()
            .is_empty()
    );
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
async fn a_correction_keeps_the_earlier_text_and_a_withdrawal_hides_the_post_from_search() {
    let b = board().await;
    let post = b
        .post(&b.nurse, "血圧 182/88。服薬は確認済み", false, None)
        .await;
    assert_eq!(b.search("182").await, [post]);

    let change = async |now: Option<(&str, Option<&str>)>, kind: &str| {
        b.clock.advance(Duration::minutes(3));
        let mut tx = b.store.begin().await.unwrap();
        let before = Store::post_locked(&mut tx, b.id, post)
            .await
            .unwrap()
            .unwrap();
        let revision = RevisionRow {
            id: Uuid::now_v7(),
            post_id: post,
            kind: kind.into(),
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
        "edited",
    )
    .await;
    let corrected = b.store.post(b.id, post).await.unwrap().unwrap();
    assert_eq!(corrected.body, "血圧 142/88。服薬は確認済み");
    assert_eq!(corrected.edited_at, Some(b.clock.now()));
    assert_eq!(b.search("142").await, [post], "found by its new text");
    assert!(b.search("182").await.is_empty(), "not by its old one");

    change(None, "withdrawn").await;
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
        .map(|r| (r.kind, r.body))
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
