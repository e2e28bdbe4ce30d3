//! A disaster morning in small: many urgent posts at once, handled by two notify replicas, each
//! mailed to each member exactly once.

use crate::world::{urgent, wait_until, world};
use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

const POSTS: usize = 100;

#[tokio::test(flavor = "multi_thread")]
async fn a_burst_of_urgent_posts_is_mailed_exactly_once_each_by_two_replicas() {
    let mut w = world("rk-notify-burst-").await;
    w.stack.start_replica("notify", "notify-2").await.unwrap();
    let cm = Arc::new(w.session(&w.care, &w.care_manager).await);
    let board = w.board(&cm, "高萩 松子", &[&w.nurse, &w.helper]).await;
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
    println!("{POSTS} urgent posts answered in {:?}", started.elapsed());
    wait_until(Duration::from_mins(1), "every urgent mail", async || {
        w.mails_to(&w.nurse).len() >= POSTS && w.mails_to(&w.helper).len() >= POSTS
    })
    .await;
    println!(
        "{} urgent emails arrived {:?} after the first post",
        2 * POSTS,
        started.elapsed()
    );
    // Long enough for a doubled send to show.
    tokio::time::sleep(Duration::from_secs(3)).await;
    for person in [&w.nurse, &w.helper] {
        let mails = w.mails_to(person);
        assert_eq!(mails.len(), POSTS, "{} mails to one member", mails.len());
        let ids: HashSet<&str> = mails
            .iter()
            .filter_map(|m| {
                m.lines()
                    .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
            })
            .collect();
        assert_eq!(ids.len(), POSTS, "each mail its own message");
    }
    let notify = w.stack.database("notify").await.unwrap();
    let (sent, events): (i64, i64) = sqlx::query_as(
        "SELECT count(*) FILTER (WHERE state = 'sent'), count(DISTINCT event_id) FROM deliveries \
         WHERE template = 'urgent_post'",
    )
    .fetch_one(&notify)
    .await
    .unwrap();
    let posts = i64::try_from(POSTS).unwrap();
    assert_eq!((sent, events), (2 * posts, posts));
    let logs = |name: &str| {
        std::fs::read_to_string(w.stack.log_dir().join(format!("{name}.log")))
            .unwrap_or_default()
            .matches("email sent")
            .count()
    };
    println!(
        "emails sent by notify: {}, by notify-2: {}",
        logs("notify"),
        logs("notify-2")
    );
}
