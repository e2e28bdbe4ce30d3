//! An office registration becomes one welcome email in one trace, even through redelivery and
//! while NATS and notify are down.

use crate::{count, login, mails_to, register_office, stack};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn office_registration_becomes_one_welcome_email_in_one_trace() {
    let (_dir, stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let csrf = login(&stack, &http).await;
    let created = http
        .post(stack.url("/api/v1/operator/offices"))
        .header("x-csrf-token", &csrf)
        .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .json(&json!({"name": "高萩訪問看護ステーション", "kind": "訪問看護ステーション", "admin_email": "kanri@houkan.example.jp"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{:?}", created.text().await);
    let deadline = Instant::now() + Duration::from_secs(15);
    while mails_to(&stack.mails(), "kanri@houkan.example.jp").is_empty()
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mails = stack.mails();
    assert_eq!(
        mails_to(&mails, "kanri@houkan.example.jp").len(),
        1,
        "{mails:?}"
    );

    let otlp = stack.otlp.as_ref().unwrap();
    let trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    loop {
        let services: std::collections::BTreeSet<String> = otlp
            .spans()
            .into_iter()
            .filter(|s| s.trace_id == trace)
            .map(|s| s.service)
            .collect();
        if ["gateway", "offices", "notify"]
            .iter()
            .all(|s| services.contains(*s))
        {
            break;
        }
        assert!(
            Instant::now() < deadline + Duration::from_secs(10),
            "trace reached only {services:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_delivered_twice_sends_one_email() {
    let (_dir, stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let csrf = login(&stack, &http).await;
    assert_eq!(
        register_office(&stack, &http, &csrf, "twice@example.jp")
            .await
            .status(),
        201
    );
    let first = stack.wait_for_mails(2, Duration::from_secs(15)).await;
    assert_eq!(mails_to(&first, "twice@example.jp").len(), 1);

    // Redeliver the same event past JetStream's de-duplication: another message id, same event.
    let offices = stack.database("offices").await.unwrap();
    let payload: Value = sqlx::query_scalar(
        "SELECT payload FROM outbox WHERE payload->'data'->>'admin_email' = 'twice@example.jp'",
    )
    .fetch_one(&offices)
    .await
    .unwrap();
    let nats = stack.nats.client("admin").await.unwrap();
    let js = async_nats::jetstream::new(nats);
    let mut headers = async_nats::HeaderMap::new();
    headers.insert("Nats-Msg-Id", "redelivery-1");
    js.publish_with_headers(
        "offices.office.registered",
        headers,
        serde_json::to_vec(&payload).unwrap().into(),
    )
    .await
    .unwrap()
    .await
    .unwrap();
    let notify = stack.database("notify").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    // The duplicate is consumed (and skipped) once the consumer has moved past it.
    loop {
        let info = js
            .get_stream("RENRAKUCHO")
            .await
            .unwrap()
            .consumer_info("notify")
            .await
            .unwrap();
        if info.num_pending == 0 && info.num_ack_pending == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "notify did not consume the duplicate"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(mails_to(&stack.mails(), "twice@example.jp").len(), 1);
    assert_eq!(
        count(
            &notify,
            "SELECT count(*) FROM deliveries WHERE recipient = 'twice@example.jp'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_succeeds_while_nats_and_notify_are_down_and_mails_once_they_return() {
    let (_dir, mut stack) = stack().await;
    let http = stack.operator_client().unwrap();
    let csrf = login(&stack, &http).await;
    stack.stop_binary("notify");
    stack.nats.stop();
    assert_eq!(
        register_office(&stack, &http, &csrf, "later@example.jp")
            .await
            .status(),
        201
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(mails_to(&stack.mails(), "later@example.jp").is_empty());

    stack.nats.restart().await.unwrap();
    stack.start_binary("notify").unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while mails_to(&stack.mails(), "later@example.jp").is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(mails_to(&stack.mails(), "later@example.jp").len(), 1);
}
