//! An incident report from filing to 完了: the office admin and the city are mailed, and it is
//! tracked on both desks.

use crate::{CITY, desk, filed_incident, html};
use std::time::Duration;
use system_tests::people;

#[tokio::test(flavor = "multi_thread")]
async fn an_incident_reaches_the_admin_and_the_city_and_is_tracked_to_done() {
    let d = desk("rk-desk-incident-").await;
    let staff = people::session(&d.stack, &d.w.care, &d.w.care_manager)
        .await
        .unwrap();
    let db = d.stack.database("careboard").await.unwrap();
    let what = "訪問先でタブレットを紛失した。画面ロックあり";
    let refused = filed_incident(
        &staff,
        &[
            ("occurred_at", "2099-01-01T10:00"),
            ("device", "訪問用タブレット1"),
            ("what_happened", what),
        ],
    )
    .await;
    assert_eq!(refused.status, 422);
    assert!(html(&refused).contains("data-field=\"occurred_at\""));
    assert!(html(&refused).contains(what), "what was typed comes back");
    let none: i64 = sqlx::query_scalar("SELECT count(*) FROM incidents")
        .fetch_one(&db)
        .await
        .unwrap();
    assert_eq!(none, 0);

    let filed = filed_incident(
        &staff,
        &[
            ("occurred_at", "2026-11-20T09:30"),
            ("device", "訪問用タブレット1"),
            ("what_happened", what),
            ("action_taken", "事業所管理者に連絡し、証明書の失効を依頼"),
        ],
    )
    .await;
    assert_eq!(filed.status, 303, "{}", filed.body);
    let id: uuid::Uuid = sqlx::query_scalar("SELECT id FROM incidents")
        .fetch_one(&db)
        .await
        .unwrap();
    let path = format!("/incidents/{id}");

    // The office's admin and the city are told, with the link and nothing of what happened.
    for to in [d.admin.email.as_str(), CITY] {
        let mail = people::mail_with(&d.stack, to).await.unwrap();
        assert!(mail.contains(&path), "{to} gets the link");
        assert!(!mail.contains("タブレット") && !mail.contains("紛失"));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let to_reporter = d
        .stack
        .mails()
        .iter()
        .filter(|m| m.contains(&d.w.care_manager.email))
        .count();
    assert_eq!(
        to_reporter, 0,
        "the reporter is not mailed about their own report"
    );

    // Who sees it: the reporter, their admin, the city; not another office.
    let admin = people::session(&d.stack, &d.w.care, &d.admin)
        .await
        .unwrap();
    let nurse = people::session(&d.stack, &d.w.nursing, &d.w.nurse)
        .await
        .unwrap();
    assert_eq!(admin.get(&path).await.unwrap().status, 200);
    assert_eq!(nurse.get(&path).await.unwrap().status, 403);
    assert!(!html(&nurse.get("/incidents").await.unwrap()).contains(&id.to_string()));

    // The city tracks it; only the city may.
    assert_eq!(
        staff
            .post_form(&format!("{path}/status"), &[("status", "完了")])
            .await
            .unwrap()
            .status,
        403
    );
    for (status, note) in [
        ("対応中", "事業所に状況を確認中"),
        ("完了", "証明書の失効を確認。再発防止策を受領"),
    ] {
        let a =
            d.op.post_form(
                &format!("{path}/status"),
                &[("status", status), ("note", note)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 303);
    }
    let seen = staff.get(&path).await.unwrap();
    assert!(html(&seen).contains("<strong class=\"status\" id=\"incident-status\">完了</strong>"));
    assert!(html(&seen).contains("再発防止策を受領"));
    let wrong =
        d.op.post_form(&format!("{path}/status"), &[("status", "保留")])
            .await
            .unwrap();
    assert_eq!(wrong.status, 422);
}
