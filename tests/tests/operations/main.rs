//! What the operations team relies on: one trace from the browser's request to the email it
//! causes, a backup that restores into a whole board, and a restore to a point in time.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::people::{self, TwoOffices};
use system_tests::{Stack, StackOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod pitr;

async fn stack(prefix: &str) -> (tempfile::TempDir, Stack, TwoOffices) {
    stack_with(prefix, Vec::new()).await
}

async fn stack_with(
    prefix: &str,
    env: Vec<(String, String)>,
) -> (tempfile::TempDir, Stack, TwoOffices) {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
    let mut opts = StackOptions::for_test(dir.path());
    opts.env = env;
    let stack = Stack::start(opts).await.unwrap();
    let op = people::operator(&stack).await.unwrap();
    let two = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    (dir, stack, two)
}

/// Registers a recipient (the care manager is its representative), adds the nurse, and returns
/// the board's id.
async fn shared_board(cm: &Session, nurse_id: &str) -> String {
    let saved = cm
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-01"),
                ("obtained_by", "ケアマネジャー 鈴木"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", "高萩 竹子"),
                ("kana", "タカハギ タケコ"),
                ("birth_date", "1936-02-02"),
                ("sex", "女性"),
                ("address", "茨城県高萩市安良川1"),
                ("care_level", "要介護1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved.status, 303, "{}", saved.body);
    let board = cm
        .get("/home")
        .await
        .unwrap()
        .body
        .as_str()
        .unwrap()
        .split("data-recipient=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let added = cm
        .post_form(
            &format!("/recipients/{board}/team"),
            &[("user_id", nurse_id)],
        )
        .await
        .unwrap();
    assert_eq!(added.status, 303, "{}", added.body);
    board
}

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

/// What a member sees of the board, for comparing before and after the drill.
async fn board_as_seen(s: &Session, board: &str) -> String {
    let page = s.get(&format!("/boards/{board}")).await.unwrap();
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap().to_owned();
    // The CSRF token differs per session and is not the board's.
    html.split("<article")
        .skip(1)
        .map(|a| {
            a.split("name=\"csrf_token\"")
                .next()
                .unwrap_or(a)
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_restore_drill_brings_back_a_whole_board() {
    let (dir, mut stack, w) = stack("rk-ops-restore-").await;
    let cm = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let nurse = people::session(&stack, &w.nursing, &w.nurse).await.unwrap();
    let board = shared_board(&cm, &w.nurse.id).await;
    for (who, body, urgent) in [
        (&cm, "本日訪問。変わりなし", ""),
        (&nurse, "血圧 142/88。服薬は確認済み", ""),
        (&nurse, "夜間に転倒。受診を調整中", "1"),
    ] {
        let a = who
            .post_form(
                &format!("/boards/{board}/posts"),
                &[("body", body), ("urgent", urgent)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 303);
    }
    // The care manager reads and acknowledges: marks must survive too.
    let before = board_as_seen(&cm, &board).await;
    let urgent_id = before
        .split("post urgent")
        .nth(1)
        .and_then(|a| a.split("data-post=\"").nth(1))
        .and_then(|a| a.split('"').next())
        .unwrap()
        .to_owned();
    let acked = cm
        .post_form(
            &format!("/boards/{board}/posts/{urgent_id}/acknowledge"),
            &[],
        )
        .await
        .unwrap();
    assert_eq!(acked.status, 303);
    let before = board_as_seen(&nurse, &board).await;
    assert!(before.contains("既読 <span class=\"read-count\">1/1"));
    assert!(before.contains(people::CARE_MANAGER_NAME));

    let backup = dir.path().join("careboard.dump");
    stack.postgres.dump("careboard", &backup).unwrap();
    stack.stop_binary("careboard");
    stack
        .postgres
        .wipe_and_restore("careboard", &backup)
        .await
        .unwrap();
    stack.start_binary("careboard").unwrap();

    let deadline = Instant::now() + Duration::from_secs(20);
    let after = loop {
        let page = nurse.get(&format!("/boards/{board}")).await.unwrap();
        if page.status == 200 {
            break board_as_seen(&nurse, &board).await;
        }
        assert!(Instant::now() < deadline, "careboard did not come back");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(after, before, "the board is whole after the restore");
    let db = stack.database("careboard").await.unwrap();
    let posts: i64 = sqlx::query_scalar("SELECT count(*) FROM posts")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(posts, 3);
    // And it goes on: a new post after the restore.
    let a = cm
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", "復旧後の書き込み")],
        )
        .await
        .unwrap();
    assert_eq!(a.status, 303);
}

#[tokio::test(flavor = "multi_thread")]
async fn office_admins_are_warned_once_before_a_device_certificate_expires() {
    let dir = tempfile::Builder::new()
        .prefix("rk-ops-expiry-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions {
        env: vec![("CERT_EXPIRY_CHECK_SECONDS".into(), "1".into())],
        ..StackOptions::for_test(dir.path())
    })
    .await
    .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let office = people::office(
        &stack,
        &op,
        &dir.path().join("devices"),
        "高萩中央薬局",
        "薬局",
    )
    .await
    .unwrap();
    let admin = people::person(
        &stack,
        &op,
        &office,
        &people::NewPerson {
            login_id: "ph.admin",
            name: "薬局 管理",
            kana: "ヤッキョク カンリ",
            profession: "薬剤師",
            office_admin: true,
        },
    )
    .await
    .unwrap();
    // Headers stay MIME-encoded in the sink; the body is decoded.
    let subject = "に有効期限が切れます";
    let warned = |stack: &Stack| {
        stack
            .mails()
            .into_iter()
            .filter(|m| m.contains(&admin.email) && m.contains(subject))
            .collect::<Vec<_>>()
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        warned(&stack).is_empty(),
        "no warning for a fresh certificate"
    );
    // Time passes: the office's device now expires in ten days.
    let identity = stack.database("identity").await.unwrap();
    let office_id: uuid::Uuid = office.id.parse().unwrap();
    sqlx::query("UPDATE device_certificates SET not_after = now() + interval '10 days' WHERE office_id = $1")
        .bind(office_id)
        .execute(&identity)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while warned(&stack).is_empty() {
        assert!(Instant::now() < deadline, "no expiry warning");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mails = warned(&stack);
    assert_eq!(mails.len(), 1, "warned once");
    assert!(mails[0].contains("-pc"), "names the device");
    assert!(mails[0].contains("/admin/certificates"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ca_key_encryption_key_is_rotated_and_certificates_go_on_working() {
    use base64::Engine;
    let dir = tempfile::Builder::new()
        .prefix("rk-ops-kek-")
        .tempdir()
        .unwrap();
    let mut stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let new_kek = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>());
    stack.stop_binary("identity");
    // As the Job runs it (deploy/k8s/jobs/rotate-kek): the database and both keys as files,
    // nothing else of identity's configuration.
    let identity_env = stack.service_env("identity");
    let var = |name: &str| {
        identity_env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let kek_file = dir.path().join("kek");
    let new_kek_file = dir.path().join("kek-new");
    std::fs::write(&kek_file, format!("{}\n", var("IDENTITY_CA_KEK"))).unwrap();
    std::fs::write(&new_kek_file, format!("{new_kek}\n")).unwrap();
    let out = std::process::Command::new(system_tests::bin_dir().join("identity"))
        .arg("rotate-kek")
        .env_clear()
        .env("DATABASE_URL", var("DATABASE_URL"))
        .env("IDENTITY_CA_KEK_FILE", &kek_file)
        .env("IDENTITY_CA_KEK_NEW_FILE", &new_kek_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rotate-kek failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stack.set_env("identity", "IDENTITY_CA_KEK", &new_kek);
    stack.start_binary("identity").unwrap();
    // Old certificates still log in; the CA still signs new ones.
    let deadline = Instant::now() + Duration::from_secs(20);
    let op = loop {
        match people::operator(&stack).await {
            Ok(s) => break s,
            Err(e) => {
                assert!(Instant::now() < deadline, "no login after rotation: {e:#}");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
    };
    people::office(
        &stack,
        &op,
        &dir.path().join("devices"),
        "高萩北クリニック",
        "診療所",
    )
    .await
    .unwrap();
}
