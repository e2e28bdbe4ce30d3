//! Emails waiting for a later try wait in notify's deliveries table, not in JetStream: a burst
//! of urgent posts larger than the consumer's `max_ack_pending`, each with an address the mail
//! server keeps putting off, does not stall the mail of the others.

use crate::world::{urgent, wait_until, world_with};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The consumer's limit of unacknowledged messages in this test (JetStream's default is 1000).
const MAX_ACK_PENDING: usize = 12;
const POSTS: usize = MAX_ACK_PENDING + 8;

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_beyond_max_ack_pending_with_a_failing_address_does_not_stall_the_others() {
    let limit = MAX_ACK_PENDING.to_string();
    // The put-off address's next try is long after the test: every one of its emails waits.
    let w = world_with(
        "rk-notify-backlog-",
        &[
            ("NATS_MAX_ACK_PENDING", &limit),
            ("MAIL_RETRY_SECONDS", "600"),
        ],
    )
    .await;
    let smtp = w.stack.smtp.as_ref().unwrap();
    smtp.answer(
        &w.nurse.email,
        "451 4.3.0 Temporary local problem, try again later",
    );
    let cm = Arc::new(w.session(&w.care, &w.care_manager).await);
    let board = w.board(&cm, "高萩 竹子", &[&w.nurse, &w.helper]).await;
    let started = Instant::now();
    let posts: Vec<_> = (0..POSTS)
        .map(|_| {
            let cm = cm.clone();
            let board = board.clone();
            tokio::spawn(async move { urgent(&cm, &board).await })
        })
        .collect();
    for p in posts {
        p.await.unwrap();
    }
    wait_until(
        Duration::from_secs(45),
        "every mail to the helper",
        async || w.mails_to(&w.helper).len() >= POSTS,
    )
    .await;
    println!(
        "{POSTS} urgent mails past a limit of {MAX_ACK_PENDING} waiting ones arrived in {:?}",
        started.elapsed()
    );
    assert_eq!(w.mails_to(&w.helper).len(), POSTS, "the helper, once each");
    assert!(w.mails_to(&w.nurse).is_empty());
    assert_eq!(smtp.tries(&w.nurse.email), POSTS, "each tried once so far");

    // Every put-off email waits in the table, its event kept there and acknowledged.
    let notify = w.stack.database("notify").await.unwrap();
    let js = async_nats::jetstream::new(w.stack.nats.client("admin").await.unwrap());
    let mut consumer: async_nats::jetstream::consumer::PullConsumer = js
        .get_consumer_from_stream("notify", common::events::STREAM)
        .await
        .unwrap();
    let posts = i64::try_from(POSTS).unwrap();
    let mut seen = (0, 0, 0);
    let waiting = async || {
        let (pending, kept): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM deliveries WHERE recipient = $1 AND state = 'pending'), \
             (SELECT count(*) FROM scheduled_events)",
        )
        .bind(&w.nurse.email)
        .fetch_one(&notify)
        .await
        .unwrap();
        let info = consumer.info().await.unwrap();
        assert_eq!(
            info.config.max_ack_pending,
            i64::try_from(MAX_ACK_PENDING).unwrap()
        );
        seen = (pending, kept, info.num_ack_pending);
        seen == (posts, posts, 0)
    };
    wait_until(
        Duration::from_secs(10),
        "the put-off mails waiting in the table, nothing unacknowledged",
        waiting,
    )
    .await;
    assert_eq!(seen, (posts, posts, 0));
}
