//! careboard's use cases. `service` runs them as `careboard::service::Careboard` does, its
//! directory (who people are) identity's and offices' own use cases in-process over fresh
//! databases of theirs. The tests here go under it, to the store's use cases the service is made
//! of (what it writes in one transaction, what each reader is shown), with the rows the service
//! would pass them: the board below is built at the store.
//!
//! Here the board they start from; `writing` has posts, replies and corrections, `reads` the
//! 既読 and 確認しました marks.

mod reads;
mod service;
mod writing;

use crate::{clock, database, morning};
use careboard::domain::consent::{self, ConsentInput};
use careboard::domain::recipient::{self, RecipientInput};
use careboard::domain::search;
use careboard::store::{
    BoardPage, Filter, MemberRow, NewRecipient, PINNED_MAX, PageQuery, PostRow, Store,
};
use chrono::{DateTime, Duration, Utc};
use common::clock::{Clock, ManualClock};
use common::events::CloudEvent;
use common::ids::{OfficeId, PostId, RecipientId, UserId};

/// A board with its representative (a care manager) and a nurse of another office.
struct Board {
    store: Store,
    clock: ManualClock,
    id: RecipientId,
    cm: MemberRow,
    nurse: MemberRow,
    _db: system_tests::scratch::ScratchDb,
}

fn member(name: &str, profession: &str, office: &str, at: DateTime<Utc>) -> MemberRow {
    MemberRow {
        user_id: UserId::new_v7(),
        name: name.into(),
        kana: "テスト".into(),
        profession: profession.into(),
        office_id: OfficeId::new_v7(),
        office_name: office.into(),
        is_representative: false,
        added_at: at,
        status: common::states::UserStatus::Active,
    }
}

/// An event as the service writes it with each change (its data does not matter here).
fn event(clock: &ManualClock, kind: &str, about: RecipientId) -> CloudEvent {
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
async fn register(
    store: &Store,
    clock: &ManualClock,
    registrar: &MemberRow,
    name: &str,
) -> RecipientId {
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
    let id = RecipientId::new_v7();
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
        parent: Option<PostId>,
    ) -> PostId {
        self.post_on(self.id, author, body, urgent, parent).await
    }

    async fn post_on(
        &self,
        board: RecipientId,
        author: &MemberRow,
        body: &str,
        urgent: bool,
        parent: Option<PostId>,
    ) -> PostId {
        self.clock.advance(Duration::minutes(1));
        let row = PostRow {
            id: PostId::new_v7(),
            recipient_id: board,
            author_user_id: author.user_id,
            author_name: author.name.clone(),
            author_profession: author.profession.clone(),
            author_office: author.office_name.clone(),
            author_status: common::states::UserStatus::Active,
            created_at: self.clock.now(),
            category: Some("連絡".into()),
            urgent,
            body: body.into(),
            parent_id: parent.map(|p| p.as_uuid()),
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
    async fn shown(&self, reader: &MemberRow, posts: &[PostId]) -> Vec<PostId> {
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

    /// What `on`'s timeline page shows `reader` (older than `before`), as the board's page reads it.
    async fn page(&self, on: RecipientId, reader: UserId, before: Option<PostId>) -> BoardPage {
        let query = PageQuery {
            before,
            category: None,
            limit: 10,
            pin: before.is_none(),
            pinned_max: PINNED_MAX,
        };
        self.store
            .board_page(on, reader, &query)
            .await
            .unwrap()
            .unwrap()
    }

    /// Finds posts holding every word of `typed`, as the board's search does.
    async fn search(&self, typed: &str) -> Vec<PostId> {
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
