//! careboard's use cases as `Careboard` runs them, built as `careboard::serve` builds it over a
//! fresh database, its directory identity's and offices' own use cases over fresh databases of
//! theirs (`directory`): a team is made of people identity knows, in offices offices registered,
//! and what each use case wrote is read back from careboard's outbox.
//!
//! `team` has registering and the team, `board` posting, the timeline and the marks, `writing`
//! corrections and the board's search.

mod board;
mod directory;
mod team;
mod writing;

use crate::{clock, database};
use careboard::domain::consent::ConsentInput;
use careboard::domain::recipient::RecipientInput;
use careboard::domain::{Actor, DomainError, Role};
use careboard::error::Error;
use careboard::files::objects::Objects;
use careboard::service::{Careboard, NewPost, Registered, Shelf};
use careboard::store::Store;
use chrono::Duration;
use common::clock::ManualClock;
use common::config::Vars;
use common::ids::{PostId, RecipientId};
use directory::InProcess;
use identity::service::Identity;
use identity::service::accounts::UserInput;
use offices::service::{ApplicationMode, NewOffice};
use serde_json::Value;
use std::sync::Arc;
use system_tests::scratch::ScratchDb;
use tempfile::TempDir;

/// Three people of two offices, as identity and offices know them, and careboard beside them.
struct Town {
    careboard: Careboard,
    identity: Arc<Identity>,
    clock: ManualClock,
    /// 鈴木 一郎, a care manager of 高萩ケアプランセンター.
    cm: Actor,
    /// 佐藤 花子, a nurse of 高萩訪問看護ステーション.
    nurse: Actor,
    /// 田中 一, a pharmacist (of the care manager's office), on no team until one adds him.
    pharmacist: Actor,
    /// careboard's database.
    db: ScratchDb,
    _identity_db: ScratchDb,
    _offices_db: ScratchDb,
    _files: TempDir,
}

/// careboard as `careboard::serve` builds it (board files in `files`), asking `directory`.
fn careboard(
    db: &ScratchDb,
    clock: &ManualClock,
    directory: InProcess,
    files: &TempDir,
) -> Careboard {
    let vars = Vars::from_pairs([(
        "OBJECT_STORE_URL",
        format!("file://{}", files.path().display()),
    )]);
    let (bounds, grace, rebuilds) = careboard::config::files(&vars).unwrap();
    let shelf = Shelf::new(Objects::from_vars(&vars).unwrap(), bounds, grace, rebuilds);
    Careboard::new(
        Store::new(db.pool.clone()),
        Arc::new(directory),
        Arc::new(clock.clone()),
        Arc::new(tokio::sync::Notify::new()),
        shelf,
    )
    .with_correction_window(careboard::config::correction_window(&vars).unwrap())
    .with_export_by(careboard::config::export_by(&vars).unwrap())
}

/// A person the city created in identity for `office`, as the gateway presents them to careboard.
async fn staff(
    identity: &Identity,
    office: common::ids::OfficeId,
    login: &str,
    input: &UserInput<'_>,
) -> Actor {
    let (user, _) = identity
        .create_user(&crate::identity::operator(), Some(office), login, input)
        .await
        .unwrap();
    Actor {
        user_id: user.id,
        office_id: user.office_id,
        role: Role::Staff,
        cert_serial: "3f9a1c0e5b7d42a8".parse().ok(),
    }
}

async fn town() -> Town {
    let clock = clock();
    let identity_db = database(&identity::MIGRATOR).await;
    let offices_db = database(&offices::MIGRATOR).await;
    let db = database(&careboard::MIGRATOR).await;
    let identity = Arc::new(crate::identity::identity(&identity_db, &clock).await);
    let offices = Arc::new(crate::offices::offices(
        &offices_db,
        &clock,
        ApplicationMode::Open,
    ));
    let office = async |name, kind, admin_email| {
        offices
            .register(
                &crate::offices::operator(),
                &NewOffice {
                    name,
                    kind,
                    admin_email,
                },
            )
            .await
            .unwrap()
            .id
    };
    let plan = office(
        "高萩ケアプランセンター",
        "居宅介護支援事業所",
        "plan@example.jp",
    )
    .await;
    let station = office(
        "高萩訪問看護ステーション",
        "訪問看護ステーション",
        "houkan@example.jp",
    )
    .await;
    let person = |name, kana, profession, email| UserInput {
        name,
        kana,
        profession,
        email,
        office_admin: false,
    };
    let cm = person(
        "鈴木 一郎",
        "スズキ イチロウ",
        "ケアマネジャー",
        "suzuki@example.jp",
    );
    let cm = staff(&identity, plan, "cm.suzuki", &cm).await;
    let nurse = person("佐藤 花子", "サトウ ハナコ", "看護師", "sato@example.jp");
    let nurse = staff(&identity, station, "ns.sato", &nurse).await;
    let pharmacist = person("田中 一", "タナカ ハジメ", "薬剤師", "tanaka@example.jp");
    let pharmacist = staff(&identity, plan, "ph.tanaka", &pharmacist).await;
    let files = tempfile::tempdir().unwrap();
    let directory = InProcess {
        identity: identity.clone(),
        offices,
    };
    Town {
        careboard: careboard(&db, &clock, directory, &files),
        identity,
        clock,
        cm,
        nurse,
        pharmacist,
        db,
        _identity_db: identity_db,
        _offices_db: offices_db,
        _files: files,
    }
}

fn refused_as<T>(result: careboard::error::Result<T>, expected: &DomainError) {
    match result {
        Err(Error::Domain(e)) => assert_eq!(&e, expected),
        Err(other) => panic!("expected {expected:?}, got {other:?}"),
        Ok(_) => panic!("expected {expected:?}, got a success"),
    }
}

/// What the registering member types for a recipient, with the consent the city received.
fn recipient(name: &str, kana: &str) -> (ConsentInput, RecipientInput) {
    let consent = ConsentInput {
        obtained_on: "2026-11-01".into(),
        obtained_by: "ケアマネジャー 鈴木".into(),
        office_keeps_copy: true,
        recipient_keeps_original: true,
    };
    let person = RecipientInput {
        name: name.into(),
        kana: kana.into(),
        birth_date: "1936/4/1".into(),
        sex: "女性".into(),
        address: "茨城県高萩市本町1-100".into(),
        care_level: "要介護３".into(),
        ..RecipientInput::default()
    };
    (consent, person)
}

impl Town {
    /// careboard's outbox, oldest first.
    async fn outbox(&self) -> Vec<(String, Value)> {
        crate::outbox(&self.db.pool).await
    }

    /// The events of `subject` in careboard's outbox, oldest first.
    async fn events(&self, subject: &str) -> Vec<Value> {
        let all = self.outbox().await;
        all.into_iter()
            .filter(|(s, _)| s == subject)
            .map(|(_, e)| e)
            .collect()
    }

    /// A recipient `by` registers, the board's representative.
    async fn register(&self, by: &Actor, name: &str, kana: &str) -> RecipientId {
        let (consent, person) = recipient(name, kana);
        match self
            .careboard
            .register(None, by, &consent, &person, false)
            .await
            .unwrap()
        {
            Registered::Saved(id) => id,
            Registered::Duplicates(_) => panic!("{name} taken for another recipient"),
        }
    }

    /// 高萩 はな's board: the care manager its representative, the nurse on its team.
    async fn board(&self) -> RecipientId {
        let id = self.register(&self.cm, "高萩 はな", "タカハギ ハナ").await;
        self.careboard
            .add_member(None, &self.cm, id, self.nurse.user_id)
            .await
            .unwrap();
        id
    }

    /// A post by `author` on `board` a minute after the last.
    async fn post(&self, author: &Actor, board: RecipientId, body: &str, urgent: bool) -> PostId {
        self.clock.advance(Duration::minutes(1));
        let new = NewPost {
            body,
            category: "連絡",
            urgent,
            files: &[],
        };
        let view = self
            .careboard
            .create_post(None, author, board, &new)
            .await
            .unwrap();
        view.post.id
    }

    /// A reply by `author` under `parent` a minute after the last.
    async fn reply(
        &self,
        author: &Actor,
        board: RecipientId,
        parent: PostId,
        body: &str,
    ) -> PostId {
        self.clock.advance(Duration::minutes(1));
        let view = self
            .careboard
            .create_reply(None, author, board, parent, body, &[])
            .await
            .unwrap();
        view.post.id
    }
}
