//! notify's deliveries at its store: a mail planned once per event and address, sent by one
//! replica at a time, and what did not arrive shown to the operator and to the admins of the
//! office it concerns (who, when and why, never what).

use crate::{clock, database, subjects};
use chrono::Duration;
use common::clock::Clock;
use common::events::CloudEvent;
use common::ids::{OfficeId, UserId};
use notify::domain::access::Scope;
use notify::domain::delivery::DeliveryState;
use notify::store::{NewDelivery, Store};
use std::sync::Arc;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_is_planned_once_sent_by_one_replica_and_what_did_not_arrive_is_shown_to_its_office()
{
    let db = database(&notify::MIGRATOR).await;
    let store = Store::new(db.pool.clone(), Arc::new(tokio::sync::Notify::new()));
    let clock = clock();
    let (nursing, care) = (OfficeId::new_v7(), OfficeId::new_v7());
    let event = Uuid::now_v7();
    let mails = [
        NewDelivery {
            template: "post_urgent",
            recipient: "nurse@example.jp",
            user_id: Some(UserId::new_v7()),
            office_id: Some(nursing),
        },
        NewDelivery {
            template: "post_urgent",
            recipient: "cm@example.jp",
            user_id: Some(UserId::new_v7()),
            office_id: Some(care),
        },
    ];
    let planned = store.plan(event, &mails, clock.now()).await.unwrap();
    assert_eq!(planned.len(), 2);
    assert!(planned.iter().all(|d| d.state == DeliveryState::Pending));
    // The event heard again (a redelivery): the same two mails, not four.
    let again = store.plan(event, &mails, clock.now()).await.unwrap();
    let ids = |rows: &[notify::store::DeliveryRow]| {
        let mut ids: Vec<String> = rows.iter().map(|d| d.message_id.clone()).collect();
        ids.sort();
        ids
    };
    assert_eq!(ids(&again), ids(&planned));

    // One replica leases a mail; another finds it taken until the lease runs out.
    let until = clock.now() + Duration::seconds(30);
    let nurse = "nurse@example.jp";
    assert_eq!(
        store.lease(event, nurse, clock.now(), until).await.unwrap(),
        Some(1)
    );
    assert_eq!(
        store.lease(event, nurse, clock.now(), until).await.unwrap(),
        None
    );
    store.sent(event, nurse, clock.now()).await.unwrap();
    clock.advance(Duration::minutes(1));
    assert_eq!(
        store
            .lease(event, nurse, clock.now(), clock.now())
            .await
            .unwrap(),
        None,
        "a mail sent is never sent again"
    );

    // The care manager's address refuses it for good.
    let cm = "cm@example.jp";
    store
        .lease(event, cm, clock.now(), clock.now())
        .await
        .unwrap();
    store
        .refused(event, cm, "unknown_recipient", clock.now())
        .await
        .unwrap();
    let all = store.undelivered(Scope::Everyone).await.unwrap();
    assert_eq!(all.len(), 1, "the sent mail is not undelivered");
    assert_eq!(
        (
            all[0].recipient.as_str(),
            all[0].state,
            all[0].last_error.as_deref()
        ),
        (
            cm,
            DeliveryState::FailedPermanent,
            Some("unknown_recipient")
        )
    );
    assert_eq!(
        store.undelivered(Scope::Office(care)).await.unwrap().len(),
        1
    );
    assert!(
        store
            .undelivered(Scope::Office(nursing))
            .await
            .unwrap()
            .is_empty(),
        "another office's admins see none of it"
    );

    // Another event's mail whose tries are spent: dead, with its dead letter in the outbox.
    let later = Uuid::now_v7();
    store.plan(later, &mails[..1], clock.now()).await.unwrap();
    let letter = CloudEvent::new(
        &clock,
        "renrakucho/notify",
        "notify.mail.dead",
        None,
        &serde_json::json!({ "event_id": later }),
    )
    .unwrap();
    store
        .give_up(later, nurse, "temporary", clock.now(), &letter)
        .await
        .unwrap();
    let states: Vec<DeliveryState> = store
        .undelivered(Scope::Office(nursing))
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.state)
        .collect();
    assert_eq!(states, [DeliveryState::Dead]);
    assert_eq!(subjects(&db.pool).await, ["notify.mail.dead"]);
    // Given up once: a second give-up (another replica's) writes no second letter.
    store
        .give_up(later, nurse, "temporary", clock.now(), &letter)
        .await
        .unwrap();
    assert_eq!(subjects(&db.pool).await.len(), 1);
}
