//! One trace follows an urgent post from the browser's request to its email, and the alerts
//! name only metrics the binaries serve.

use crate::{shared_board, stack_with};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use system_tests::Stack;
use system_tests::people;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

#[tokio::test(flavor = "multi_thread")]
async fn one_trace_follows_an_urgent_post_from_the_gateway_to_its_email() {
    let json_logs = vec![("LOG_FORMAT".to_owned(), "json".to_owned())];
    let (_dir, stack, w) = stack_with("rk-ops-trace-", json_logs).await;
    let cm = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let board = shared_board(&cm, &w.nurse.id).await;
    let trace = "0af7651916cd43dd8448eb211c80319c";
    let posted = cm
        .post_form_with(
            &format!("/boards/{board}/posts"),
            &[("body", "嘔吐が続いています。至急連絡を"), ("urgent", "1")],
            &[("traceparent", &format!("00-{trace}-b7ad6b7169203331-01"))],
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 303);
    people::mail_with(&stack, &w.nurse.email).await.unwrap();
    let otlp = stack.otlp.as_ref().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let services: BTreeSet<String> = otlp
            .spans()
            .into_iter()
            .filter(|s| s.trace_id == trace)
            .map(|s| s.service)
            .collect();
        if ["gateway", "careboard", "notify"]
            .iter()
            .all(|s| services.contains(*s))
        {
            println!("urgent post trace reached: {services:?}");
            break;
        }
        assert!(Instant::now() < deadline, "trace reached only {services:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The log line of the email carries the trace id, and nothing of the person or the post.
    let notify_log = std::fs::read_to_string(stack.log_dir().join("notify.log")).unwrap();
    let sent: Vec<serde_json::Value> = notify_log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|l| l["fields"]["message"] == "email sent" && l["trace_id"] == trace)
        .collect();
    assert!(
        !sent.is_empty(),
        "no JSON log line of the email with its trace id"
    );
    for line in &sent {
        let text = line.to_string();
        assert!(
            !text.contains(&w.nurse.email) && !text.contains("嘔吐"),
            "{text}"
        );
    }
    // The same run as Prometheus sees it.
    let gateway = metrics(&stack, "gateway").await;
    assert!(gateway.contains("renrakucho_http_requests_total{method=\"POST\",status=\"3xx\"}"));
    assert!(gateway.contains("renrakucho_http_request_duration_seconds_bucket"));
    let notify = metrics(&stack, "notify").await;
    assert!(
        notify.contains("renrakucho_emails_total{result=\"sent\"}"),
        "{notify}"
    );
    let careboard = metrics(&stack, "careboard").await;
    assert!(careboard.contains("renrakucho_outbox_backlog"));
    assert!(
        careboard.contains(
            "renrakucho_grpc_requests_total{method=\"/renrakucho.careboard.v1.Careboard/CreatePost\",code=\"Ok\"}"
        ),
        "{careboard}"
    );
    assert!(careboard.contains("renrakucho_grpc_request_duration_seconds_bucket"));
    let served = [
        gateway,
        notify,
        careboard,
        metrics(&stack, "identity").await,
    ]
    .concat();
    alerts_name_only_served_metrics(&served);
    // And as an OTLP collector sees it.
    let pushed = |service: &str, metric: &str, label: (&str, &str)| {
        otlp.points().iter().any(|p| {
            p.service == service
                && p.metric == metric
                && p.value >= 1.0
                && p.attributes
                    .iter()
                    .any(|(k, v)| (k.as_str(), v.as_str()) == label)
        })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while !(pushed("gateway", "renrakucho_http_requests", ("status", "3xx"))
        && pushed("notify", "renrakucho_emails", ("result", "sent")))
    {
        assert!(
            Instant::now() < deadline,
            "OTLP metrics not received: {:?}",
            otlp.points()
                .iter()
                .map(|p| (&p.service, &p.metric))
                .collect::<BTreeSet<_>>()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The alerting rules of `deploy/k8s/monitoring` name only series the binaries serve, so an
/// alert cannot stay silent for want of its metric.
fn alerts_name_only_served_metrics(served: &str) {
    const ALERTS: &str = include_str!("../../../deploy/k8s/monitoring/alerts.yaml");
    let named: BTreeSet<&str> = ALERTS
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| w.starts_with("renrakucho_"))
        .collect();
    assert!(named.len() >= 5, "the rules were read: {named:?}");
    for metric in named {
        assert!(
            served.lines().any(|l| l.starts_with(metric)),
            "alerts.yaml names {metric}, which no binary serves"
        );
    }
}

/// A binary's `/metrics`, from its admin port.
async fn metrics(stack: &Stack, binary: &str) -> String {
    let addr = stack
        .service_env(binary)
        .into_iter()
        .find(|(k, _)| k == "ADMIN_ADDR")
        .unwrap()
        .1;
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut out = String::new();
    stream.read_to_string(&mut out).await.unwrap();
    out
}
