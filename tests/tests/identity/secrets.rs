//! Secrets at rest: an enrollment code's 証明書取得用パスワード is mailed, and then lies in no
//! database, no file of the event stream and no log; the event tables of every service are pruned.

use crate::world::{mail_with, operator, stack};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};
use system_tests::stack::SERVICES;
use system_tests::{Stack, StackOptions};

/// Every file under `dir` (recursively) whose bytes contain one of `needles`.
fn files_holding(dir: &Path, needles: &[String]) -> Vec<String> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_owned()];
    while let Some(d) = todo.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                todo.push(path);
            } else if let Ok(bytes) = std::fs::read(&path)
                && needles
                    .iter()
                    .any(|n| bytes.windows(n.len()).any(|w| w == n.as_bytes()))
            {
                found.push(path.display().to_string());
            }
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn an_enrollment_secret_is_mailed_and_then_lies_in_no_table_stream_or_log() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let office = op
        .post(
            "/api/v1/operator/offices",
            &json!({"name": "秘密検査ステーション", "kind": "訪問看護ステーション", "admin_email": "himitsu@example.jp"}),
        )
        .await
        .unwrap();
    assert_eq!(office.status, 201, "{}", office.body);
    let id = office.body["id"].as_str().unwrap();
    let code = op
        .post(
            &format!("/api/v1/operator/offices/{id}/enrollment-codes"),
            &json!({}),
        )
        .await
        .unwrap();
    assert_eq!(code.status, 201, "{}", code.body);
    let number = code.body["number"].as_str().unwrap().to_owned();
    let shown = code.body["secret"].as_str().unwrap().to_owned();
    // As mailed (ABCD-EFGH-…), as typed without dashes, and in lower case.
    let undashed = shown.replace('-', "");
    let needles = vec![shown.clone(), undashed.clone(), undashed.to_lowercase()];

    let mail = mail_with(&stack, &number).await;
    assert!(mail.contains(&shown), "the mail carries the secret");
    assert!(mail.contains("himitsu@example.jp"));

    // notify confirms the mail; identity then destroys its sealed copy.
    let db = stack.database("identity").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let (mailed, sealed): (bool, bool) = sqlx::query_as(
            "SELECT mailed_at IS NOT NULL, mail_sealed IS NOT NULL FROM enrollment_codes WHERE number = $1",
        )
        .bind(&number)
        .fetch_one(&db)
        .await
        .unwrap();
        if mailed {
            assert!(!sealed, "the sealed copy goes once mailed");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "identity never heard the code was mailed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    for service in SERVICES {
        let dump = stack.postgres.dump_sql(service).unwrap();
        assert!(dump.contains("CREATE TABLE"), "{service}: the dump is real");
        for n in &needles {
            assert!(
                !dump.contains(n.as_str()),
                "{service}'s database holds the secret"
            );
        }
    }
    let jetstream = stack.dir.join("nats").join("jetstream");
    assert!(
        !files_holding(&jetstream, &[id.to_owned()]).is_empty(),
        "the stream's files are where the events are"
    );
    let in_stream = files_holding(&jetstream, &needles);
    assert!(
        in_stream.is_empty(),
        "stream files hold the secret: {in_stream:?}"
    );
    let in_logs = files_holding(stack.log_dir(), &needles);
    assert!(in_logs.is_empty(), "logs hold the secret: {in_logs:?}");
    // The same search finds it where it belongs: the mail that arrived (decoded).
    let decoded = dir.path().join("decoded-mail");
    std::fs::create_dir_all(&decoded).unwrap();
    std::fs::write(decoded.join("mails.txt"), stack.mails().join("\n")).unwrap();
    assert!(!files_holding(&decoded, &needles).is_empty());

    // Once mailed, identity answers nobody with it again: the code still enrolls from the mail.
    let public =
        system_tests::api::Session::anonymous(&base, &stack.bootstrap.ca_cert, None).unwrap();
    let enrolled = public
        .post("/api/v1/public/enroll", &json!({"number": number, "secret": shown, "device_label": "himitsu-pc", "p12_password": "file password"}))
        .await
        .unwrap();
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
}

#[tokio::test(flavor = "multi_thread")]
async fn published_outbox_rows_and_old_processed_events_are_pruned_in_every_service() {
    let dir = tempfile::Builder::new()
        .prefix("rk-prune-")
        .tempdir()
        .unwrap();
    let mut opts = StackOptions::for_test(dir.path());
    opts.env = vec![
        ("OUTBOX_RETENTION_SECS".into(), "1".into()),
        ("PRUNE_INTERVAL_SECS".into(), "1".into()),
    ];
    let stack = Stack::start(opts).await.unwrap();
    let op = operator(&stack, &stack.bootstrap.gateway_url).await;
    // Events in identity (login audit), offices (registration) and audit consumers everywhere.
    let office = op
        .post(
            "/api/v1/operator/offices",
            &json!({"name": "整理検査事業所", "kind": "薬局", "admin_email": "seiri@example.jp"}),
        )
        .await
        .unwrap();
    assert_eq!(office.status, 201, "{}", office.body);
    mail_with(&stack, "整理検査事業所").await;

    let old = uuid::Uuid::now_v7();
    let recent = uuid::Uuid::now_v7();
    for service in SERVICES {
        let db = stack.database(service).await.unwrap();
        // Just past the horizon (31 days), and well inside it.
        sqlx::query(
            "INSERT INTO processed_events (consumer, event_id, processed_at) VALUES \
             ('prune-test', $1, now() - interval '31 days 1 hour'), ('prune-test', $2, now() - interval '29 days')",
        )
        .bind(old)
        .bind(recent)
        .execute(&db)
        .await
        .unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    for service in SERVICES {
        let db = stack.database(service).await.unwrap();
        loop {
            let (published, kept_old, kept_recent): (i64, bool, bool) = sqlx::query_as(
                "SELECT (SELECT count(*) FROM outbox WHERE published_at < now() - interval '3 seconds'), \
                 EXISTS (SELECT 1 FROM processed_events WHERE event_id = $1), \
                 EXISTS (SELECT 1 FROM processed_events WHERE event_id = $2)",
            )
            .bind(old)
            .bind(recent)
            .fetch_one(&db)
            .await
            .unwrap();
            assert!(kept_recent, "{service}: an id inside the horizon is kept");
            if published == 0 && !kept_old {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{service}: {published} published rows left, old id kept: {kept_old}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
