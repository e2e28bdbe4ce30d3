//! A board's live stream ends within a second of whatever ends its session: logout, a revoked
//! certificate, a suspension, the session's idle timeout and its absolute lifetime.

use crate::world::{World, member, register, world};
use proto::common::Role;
use std::time::{Duration, Instant};
use system_tests::api::Session;

/// How long a stream stays open, or `None` if it is still open after `limit`.
async fn ends_within(stream: &mut reqwest::Response, limit: Duration) -> Option<Duration> {
    let start = Instant::now();
    loop {
        let left = (start + limit).checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, stream.chunk()).await {
            Err(_) => return None,
            Ok(Ok(Some(_))) => {}
            Ok(_) => return Some(start.elapsed()),
        }
    }
}

async fn open(s: &Session, board: &str) -> reqwest::Response {
    let stream = s.stream(&format!("/boards/{board}/events")).await.unwrap();
    assert_eq!(stream.status(), 200);
    stream
}

async fn shared_board(w: &World) -> String {
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 松子", "タカハギ マツコ").await;
    for p in [&w.nurse, &w.outsider, &w.helper] {
        grpc.add_member(member(&rep, &board, &p.id)).await.unwrap();
    }
    board
}

const SECOND: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread")]
async fn a_live_stream_ends_within_a_second_of_logout_revocation_or_suspension() {
    let w = world("rk-board-stream-end-").await;
    let board = shared_board(&w).await;

    // Logout ends that session's streams, not those of the same person's other session.
    let first = w.session(&w.nursing, &w.outsider).await;
    let second = w.session(&w.nursing, &w.outsider).await;
    let (mut on_first, mut on_second) = (open(&first, &board).await, open(&second, &board).await);
    assert_eq!(first.delete("/api/v1/session").await.unwrap().status, 204);
    let took = ends_within(&mut on_first, SECOND)
        .await
        .expect("the stream outlived its logout");
    println!("stream ended {took:?} after logout");
    assert!(
        ends_within(&mut on_second, SECOND).await.is_none(),
        "another session's stream ended with the logout"
    );

    // The care office's device certificate is revoked: the helper's stream on it ends; the nurse
    // on her own office's device reads on.
    let helper = w.session(&w.care, &w.helper).await;
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let (mut on_helper, mut on_nurse) = (open(&helper, &board).await, open(&nurse, &board).await);
    let certs =
        w.op.get(&format!("/api/v1/certificates?office_id={}", w.care.id))
            .await
            .unwrap();
    let serial = certs.body.as_array().unwrap()[0]["serial"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked =
        w.op.post(
            &format!("/api/v1/certificates/{serial}/revoke"),
            &serde_json::json!({"reason": "紛失"}),
        )
        .await
        .unwrap();
    assert_eq!(revoked.body["status"], "revoked", "{}", revoked.body);
    let took = ends_within(&mut on_helper, SECOND)
        .await
        .expect("the stream outlived its certificate");
    println!("stream ended {took:?} after revocation");
    assert!(
        ends_within(&mut on_nurse, Duration::from_millis(300))
            .await
            .is_none()
    );

    // Suspended by the city.
    w.suspend(&w.nurse).await;
    let took = ends_within(&mut on_nurse, SECOND)
        .await
        .expect("the stream outlived the suspension");
    println!("stream ended {took:?} after suspension");
    assert!(
        ends_within(&mut on_second, Duration::from_millis(100))
            .await
            .is_none()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_stream_ends_within_a_second_of_its_session_expiring() {
    let mut w = world("rk-board-stream-expiry-").await;
    let board = shared_board(&w).await;
    // Short sessions from now on: 3 s without a request, 8 s at most.
    w.stack.set_env("identity", "SESSION_IDLE_SECONDS", "3");
    w.stack.set_env("identity", "SESSION_MAX_SECONDS", "8");
    w.stack.stop_binary("identity");
    w.stack.start_binary("identity").unwrap();
    w.stack.wait_ready(Duration::from_secs(30)).await.unwrap();

    // Idle: nobody touches the page.
    let idle_login = Instant::now();
    let idle = w.session(&w.nursing, &w.nurse).await;
    let mut on_idle = open(&idle, &board).await;
    let opened = Instant::now();
    let took = ends_within(&mut on_idle, Duration::from_secs(10))
        .await
        .expect("the idle session's stream is still open");
    let ended = opened + took;
    println!(
        "idle stream ended {:?} after login (idle timeout 3 s)",
        ended - idle_login
    );
    assert!(ended >= idle_login + Duration::from_secs(3), "ended early");
    assert!(
        ended <= opened + Duration::from_secs(3) + SECOND,
        "ended {took:?} after the stream opened"
    );

    // Busy: requests keep the idle timer at bay, and the absolute lifetime ends it.
    let busy_login = Instant::now();
    let busy = w.session(&w.care, &w.helper).await;
    let mut on_busy = open(&busy, &board).await;
    let logged_in = Instant::now();
    let ended = loop {
        if ends_within(&mut on_busy, Duration::from_millis(500))
            .await
            .is_some()
        {
            break Instant::now();
        }
        if busy_login.elapsed() < Duration::from_secs(7) {
            assert_eq!(busy.get("/api/v1/me").await.unwrap().status, 200);
        }
        assert!(
            busy_login.elapsed() < Duration::from_secs(12),
            "the stream outlived the session's lifetime"
        );
    };
    println!(
        "busy stream ended {:?} after login (lifetime 8 s)",
        ended - busy_login
    );
    assert!(
        ended >= busy_login + Duration::from_secs(8),
        "ended before the lifetime: {:?}",
        ended - busy_login
    );
    assert!(ended <= logged_in + Duration::from_secs(8) + SECOND);
}
