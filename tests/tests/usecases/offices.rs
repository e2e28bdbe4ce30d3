//! offices' use cases: an application decided once, a withdrawal by whom may, announcements
//! published and withdrawn; each with the events it writes.

use crate::{clock, database, morning, outbox, subjects};
use common::clock::{ManualClock, SharedClock};
use common::ids::{AnnouncementId, OfficeId, UserId};
use offices::domain::application::ApplicationInput;
use offices::domain::{ActorRole, ApplicationStatus, DomainError, OfficeStatus};
use offices::error::Error;
use offices::service::{Actor, ApplicationMode, NewOffice, Offices};
use std::sync::Arc;
use system_tests::scratch::ScratchDb;

/// offices as `offices::serve` builds it, over `db`, with `clock`.
pub(crate) fn offices(db: &ScratchDb, clock: &ManualClock, mode: ApplicationMode) -> Offices {
    let clock: SharedClock = Arc::new(clock.clone());
    Offices::new(
        offices::store::Store::new(db.pool.clone()),
        clock,
        Arc::new(tokio::sync::Notify::new()),
        mode,
    )
}

pub(crate) fn operator() -> Actor {
    Actor {
        user_id: UserId::new_v7(),
        office_id: OfficeId::new_v7(),
        role: ActorRole::Operator,
    }
}

fn application(name: &str) -> ApplicationInput {
    ApplicationInput {
        name: name.into(),
        kana: "ﾀｶﾊｷﾞ ｼﾞｷﾞｮｳｼｮ".into(),
        kind: "居宅介護支援事業所".into(),
        code: "０８７１２３４５６７".into(),
        postal_code: "３１８－００３４".into(),
        address: "茨城県高萩市高萩1-1".into(),
        phone: "０２９３－２２－１２３４".into(),
        fax: String::new(),
        latitude: "36.7197".into(),
        longitude: "140.7167".into(),
        admin_name: "高萩 一郎".into(),
        admin_kana: "タカハギ イチロウ".into(),
        admin_email: "ichiro@example.jp".into(),
        admin_phone: "090-1111-2222".into(),
        listed: true,
        consent: true,
    }
}

fn refused_as(result: Result<impl std::fmt::Debug, Error>, expected: &DomainError) {
    match result {
        Err(Error::Domain(e)) => assert_eq!(&e, expected),
        other => panic!("expected {expected:?}, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_application_is_approved_once_and_its_office_registered() {
    let db = database(&offices::MIGRATOR).await;
    let offices = offices(&db, &clock(), ApplicationMode::Open);
    let (row, stored) = offices
        .apply(&application("高萩ひまわり居宅"), "", false)
        .await
        .unwrap();
    assert!(stored);
    assert_eq!(row.status, ApplicationStatus::Pending);
    assert_eq!(row.code.as_deref(), Some("0871234567"), "digits normalised");
    assert_eq!(
        row.submitted_at,
        morning(),
        "stamped by the service's clock"
    );
    assert_eq!(subjects(&db.pool).await, ["offices.application.submitted"]);

    let city = operator();
    let (decided, office) = offices
        .decide(&city, row.id, true, "", "himawari-admin")
        .await
        .unwrap();
    assert_eq!(decided.status, ApplicationStatus::Approved);
    let office = office.expect("approval registers the office");
    assert_eq!(office.name, "高萩ひまわり居宅");
    assert_eq!(decided.office_id, Some(office.id.as_uuid()));
    assert_eq!(
        offices.get(office.id).await.unwrap().status,
        OfficeStatus::Active
    );
    let events = outbox(&db.pool).await;
    let registered = events
        .iter()
        .find(|(s, _)| s == "offices.office.registered")
        .expect("the office's registration is an event");
    assert_eq!(registered.1["data"]["office_id"], office.id.to_string());
    assert_eq!(registered.1["data"]["admin_email"], "ichiro@example.jp");
    assert!(
        events
            .iter()
            .any(|(s, _)| s == "audit.offices.application.approve"),
        "{events:?}"
    );
    // identity goes on from the approval's event, which names ids only, and asks offices for
    // the first admin, which offices tells identity alone.
    let approved = events
        .iter()
        .find(|(s, _)| s == "offices.application.approved")
        .expect("the approval is an event");
    assert_eq!(approved.1["data"]["office_id"], office.id.to_string());
    assert!(
        !approved.1.to_string().contains("ichiro@example.jp"),
        "no person's data in the event: {}",
        approved.1
    );
    let admin = offices
        .approved_admin(Some("identity"), row.id)
        .await
        .unwrap();
    assert_eq!(
        (admin.login_id.as_str(), admin.email.as_str()),
        ("himawari-admin", "ichiro@example.jp")
    );
    for other in [None, Some("gateway"), Some("notify")] {
        refused_as(
            offices.approved_admin(other, row.id).await,
            &DomainError::Forbidden,
        );
    }

    // A second decision, either way, changes nothing and writes nothing.
    let before = events.len();
    refused_as(
        offices
            .decide(&city, row.id, true, "", "himawari-admin")
            .await,
        &DomainError::AlreadyDecided,
    );
    refused_as(
        offices.decide(&operator(), row.id, false, "重複", "").await,
        &DomainError::AlreadyDecided,
    );
    assert_eq!(outbox(&db.pool).await.len(), before);
    assert_eq!(
        offices.application(&city, row.id).await.unwrap().status,
        ApplicationStatus::Approved
    );
    assert_eq!(offices.list(&city).await.unwrap().len(), 1, "one office");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejection_needs_a_reason_and_tells_the_applicant_it() {
    let db = database(&offices::MIGRATOR).await;
    let offices = offices(&db, &clock(), ApplicationMode::Open);
    let (row, _) = offices
        .apply(&application("高萩つばき訪問介護"), "", false)
        .await
        .unwrap();
    let city = operator();
    refused_as(
        offices.decide(&city, row.id, false, "   ", "").await,
        &DomainError::Invalid("reason"),
    );
    assert_eq!(
        offices.application(&city, row.id).await.unwrap().status,
        ApplicationStatus::Pending
    );

    let (decided, office) = offices
        .decide(&city, row.id, false, "事業所番号が確認できません", "")
        .await
        .unwrap();
    assert_eq!(decided.status, ApplicationStatus::Rejected);
    assert!(office.is_none());
    let events = outbox(&db.pool).await;
    let rejected = events
        .iter()
        .find(|(s, _)| s == "offices.application.rejected")
        .expect("the rejection is an event for the applicant's mail");
    assert_eq!(rejected.1["data"]["reason"], "事業所番号が確認できません");
    assert!(offices.list(&city).await.unwrap().is_empty(), "no office");
}

#[tokio::test(flavor = "multi_thread")]
async fn only_the_city_decides_and_a_closed_city_takes_no_application() {
    let db = database(&offices::MIGRATOR).await;
    let clock = clock();
    let open = offices(&db, &clock, ApplicationMode::Open);
    let (row, _) = open
        .apply(&application("高萩さくら薬局"), "", false)
        .await
        .unwrap();
    let admin = Actor {
        role: ActorRole::OfficeAdmin,
        ..operator()
    };
    refused_as(
        open.decide(&admin, row.id, true, "", "himawari-admin")
            .await,
        &DomainError::Forbidden,
    );
    assert_eq!(
        open.application(&operator(), row.id).await.unwrap().status,
        ApplicationStatus::Pending
    );

    // A dry run (the confirmation step) checks and stores nothing.
    let (_, stored) = open
        .apply(&application("高萩もみじ薬局"), "", true)
        .await
        .unwrap();
    assert!(!stored);
    let closed = offices(&db, &clock, ApplicationMode::Closed);
    refused_as(
        closed
            .apply(&application("高萩かえで薬局"), "", false)
            .await,
        &DomainError::ApplicationsClosed,
    );
    assert_eq!(subjects(&db.pool).await, ["offices.application.submitted"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_is_withdrawn_by_its_own_admin_or_the_city_once() {
    let db = database(&offices::MIGRATOR).await;
    let clock = clock();
    let offices = offices(&db, &clock, ApplicationMode::Open);
    let city = operator();
    let office = offices
        .register(
            &city,
            &NewOffice {
                name: "高萩みなと訪問看護",
                kind: "訪問看護ステーション",
                admin_email: "minato@example.jp",
            },
        )
        .await
        .unwrap();
    let other_admin = Actor {
        user_id: UserId::new_v7(),
        office_id: OfficeId::new_v7(),
        role: ActorRole::OfficeAdmin,
    };
    refused_as(
        offices.withdraw(&other_admin, office.id, "閉所").await,
        &DomainError::Forbidden,
    );
    let own_admin = Actor {
        office_id: office.id,
        ..other_admin
    };
    refused_as(
        offices.withdraw(&own_admin, office.id, "").await,
        &DomainError::Invalid("reason"),
    );
    assert_eq!(
        offices.get(office.id).await.unwrap().status,
        OfficeStatus::Active
    );

    clock.advance(chrono::Duration::days(30));
    let withdrawn = offices
        .withdraw(&own_admin, office.id, "事業所閉鎖のため")
        .await
        .unwrap();
    assert_eq!(withdrawn.status, OfficeStatus::Withdrawn);
    let again = offices.withdraw(&city, office.id, "重ねて").await.unwrap();
    assert_eq!(again.status, OfficeStatus::Withdrawn);
    let withdrawals: Vec<_> = outbox(&db.pool)
        .await
        .into_iter()
        .filter(|(s, _)| s == "offices.office.withdrawn")
        .collect();
    assert_eq!(
        withdrawals.len(),
        1,
        "one event, for identity to act on once"
    );
    assert_eq!(withdrawals[0].1["data"]["office_id"], office.id.to_string());
    assert_eq!(
        withdrawals[0].1["time"], "2026-12-24T00:30:00Z",
        "at the service's clock"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_announcement_is_public_only_while_published() {
    let db = database(&offices::MIGRATOR).await;
    let clock = clock();
    let offices = offices(&db, &clock, ApplicationMode::Open);
    let city = operator();
    let staff = Actor {
        role: ActorRole::Staff,
        ..operator()
    };
    refused_as(
        offices
            .save_announcement(&staff, None, "説明会", "1月10日")
            .await,
        &DomainError::Forbidden,
    );
    refused_as(
        offices.save_announcement(&city, None, " ", "").await,
        &DomainError::Fields(vec!["title", "body"]),
    );
    let draft = offices
        .save_announcement(&city, None, "説明会のお知らせ", "- 1月10日\n- 1月17日")
        .await
        .unwrap();
    assert!(draft.published_at.is_none());
    assert!(offices.announcements(None, false).await.unwrap().is_empty());
    refused_as(
        offices.announcement(None, draft.id).await,
        &DomainError::NotFound,
    );

    clock.advance(chrono::Duration::hours(1));
    let published = offices
        .publish_announcement(&city, draft.id, true)
        .await
        .unwrap();
    assert_eq!(
        published.published_at,
        Some(morning() + chrono::Duration::hours(1))
    );
    let public = offices.announcements(None, false).await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].title, "説明会のお知らせ");
    assert_eq!(
        offices.announcement(None, draft.id).await.unwrap().id,
        draft.id
    );

    offices
        .publish_announcement(&city, draft.id, false)
        .await
        .unwrap();
    assert!(offices.announcements(None, false).await.unwrap().is_empty());
    assert_eq!(
        subjects(&db.pool).await,
        [
            "audit.offices.announcement.save",
            "audit.offices.announcement.publish",
            "audit.offices.announcement.unpublish",
        ]
    );
    refused_as(
        offices
            .publish_announcement(&city, AnnouncementId::new_v7(), true)
            .await,
        &DomainError::NotFound,
    );
    assert_eq!(
        subjects(&db.pool).await.len(),
        3,
        "a refused publication leaves no audit record of a publication"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_applications_are_listed_by_the_state_they_are_stored_in() {
    let db = database(&offices::MIGRATOR).await;
    let offices = offices(&db, &clock(), ApplicationMode::Open);
    let city = operator();
    let mut ids = Vec::new();
    for name in ["高萩あおい訪問看護", "高萩もみじ薬局"] {
        let (row, _) = offices.apply(&application(name), "", false).await.unwrap();
        ids.push(row.id);
    }
    let (first, second) = (ids[0], ids[1]);
    offices
        .decide(&city, second, false, "重複", "")
        .await
        .unwrap();
    // Both were submitted at the same instant of the clock: their order is not the point.
    let mut every = vec![first, second];
    every.sort();
    for (filter, expected) in [
        (Some(ApplicationStatus::Pending), vec![first]),
        (Some(ApplicationStatus::Rejected), vec![second]),
        (Some(ApplicationStatus::Approved), vec![]),
        (None, every),
    ] {
        let listed = offices.applications(&city, filter).await.unwrap();
        let mut listed: Vec<_> = listed.into_iter().map(|a| a.id).collect();
        listed.sort();
        assert_eq!(listed, expected, "{filter:?}");
    }
}
