//! The audit trail: what it records, and a record altered in the database found.

use crate::world::{new_office, operator, stack};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_trail_records_actions_and_detects_an_altered_record() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let _office = new_office(&stack, &op, dir.path(), "通所介護あおぞら", "aozora-admin").await;
    let identity = stack.database("identity").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut actions: Vec<String> = Vec::new();
    while Instant::now() < deadline {
        actions = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
            .fetch_all(&identity)
            .await
            .unwrap();
        if [
            "session.login",
            "user.create",
            "enrollment_code.issue",
            "certificate.issue",
            "user.password_change",
        ]
        .iter()
        .all(|a| actions.iter().any(|x| x == a))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for a in [
        "session.login",
        "user.create",
        "enrollment_code.issue",
        "certificate.issue",
        "user.password_change",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    let verdict = op.get("/api/v1/operator/audit/verify").await.unwrap();
    assert_eq!(verdict.body["intact"], true, "{}", verdict.body);
    assert!(verdict.body["records"].as_u64().unwrap() >= 5);

    let appended = sqlx::query("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2")
        .execute(&identity)
        .await;
    assert!(appended.is_err(), "the table refuses updates");
    sqlx::raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'denied' WHERE seq = 3;")
        .execute(&identity)
        .await
        .unwrap();
    let broken = op.get("/api/v1/operator/audit/verify").await.unwrap();
    assert_eq!(broken.body["intact"], false);
    assert_eq!(broken.body["first_broken_seq"], 3);
    assert_eq!(broken.body["records"], 2, "the two records before it hold");
}
