//! The event bus checks who speaks: TLS against the internal CA, one NATS user per binary, and
//! each user allowed only its own subjects (`tests/src/bus_users.rs` holds the grants).

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use std::time::Duration;
use system_tests::{Stack, StackOptions};
use tokio::sync::mpsc::UnboundedReceiver;

const SUBJECT: &str = "identity.user.status_changed";

/// The permissions violation the server reports on this connection about `subject`.
async fn violation(refused: &mut UnboundedReceiver<String>, subject: &str) -> String {
    loop {
        let said = tokio::time::timeout(Duration::from_secs(5), refused.recv())
            .await
            .unwrap_or_else(|_| panic!("the server reported no violation about {subject}"))
            .unwrap();
        if said.contains("Permissions Violation") && said.contains(subject) {
            return said;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_gateway_cannot_publish_an_identity_event_and_identity_can() {
    let (dir, stack) = Stack::in_temp_dir("rk-bus-", |o| StackOptions { otlp: false, ..o })
        .await
        .unwrap();
    let admin = async_nats::jetstream::new(stack.nats.client("admin").await.unwrap());
    let mut stream = admin.get_stream(common::events::STREAM).await.unwrap();

    // The gateway's credentials, as whoever took over a gateway pod would use them.
    let (gateway, mut refused) = stack.nats.client_with_errors("gateway").await.unwrap();
    let forged = serde_json::json!({"forged": "by the gateway's user"}).to_string();
    gateway
        .publish(SUBJECT, forged.clone().into())
        .await
        .unwrap();
    gateway.flush().await.unwrap();
    let said = violation(&mut refused, SUBJECT).await;
    println!("gateway publishing {SUBJECT}: {said}");
    let gateway_js = async_nats::jetstream::new(gateway.clone());
    assert!(
        gateway_js
            .delete_stream(common::events::STREAM)
            .await
            .is_err(),
        "the gateway deleted the stream"
    );
    let said = violation(&mut refused, "$JS.API.STREAM.DELETE").await;
    println!("gateway deleting the stream: {said}");
    let _audit = gateway.subscribe("audit.>").await.unwrap();
    let said = violation(&mut refused, "audit.>").await;
    println!("gateway subscribing to audit events: {said}");

    // identity's credentials: JetStream takes the event and acknowledges it.
    let identity = async_nats::jetstream::new(stack.nats.client("identity").await.unwrap());
    let genuine = serde_json::json!({"genuine": "from identity's user"}).to_string();
    let ack = identity
        .publish(SUBJECT, genuine.clone().into())
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(ack.stream, common::events::STREAM);
    let last = stream
        .get_last_raw_message_by_subject(SUBJECT)
        .await
        .unwrap();
    assert_eq!(last.sequence, ack.sequence);
    assert_eq!(last.payload, genuine.as_bytes());
    assert!(stream.info().await.is_ok(), "the stream is gone");

    // identity may not speak for careboard either.
    let (identity_core, mut identity_refused) =
        stack.nats.client_with_errors("identity").await.unwrap();
    identity_core
        .publish("careboard.post.urgent", "{}".into())
        .await
        .unwrap();
    identity_core.flush().await.unwrap();
    let said = violation(&mut identity_refused, "careboard.post.urgent").await;
    println!("identity publishing careboard.post.urgent: {said}");

    // Without the internal CA the server is not trusted; with another user's password, refused.
    let untrusted = async_nats::ConnectOptions::new()
        .user_and_password("identity".into(), "guess".into())
        .connect(stack.nats.url())
        .await;
    assert!(untrusted.is_err(), "connected without verifying the server");
    let password = std::fs::read_to_string(dir.path().join("nats/gateway.password")).unwrap();
    let borrowed = async_nats::ConnectOptions::new()
        .user_and_password("identity".into(), password.trim().to_owned())
        .add_root_certificates(stack.pki.ca.clone())
        .require_tls(true)
        .connect(stack.nats.url())
        .await;
    assert!(
        borrowed.is_err(),
        "identity's user took the gateway's password"
    );
}
