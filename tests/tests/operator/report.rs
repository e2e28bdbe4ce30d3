//! The operation report: counts without personal data, and its CSV with a BOM.

use crate::{desk, html};
use system_tests::board::{self, Recipient};
use system_tests::people;

#[tokio::test(flavor = "multi_thread")]
async fn the_report_counts_without_personal_data_and_exports_csv_with_a_bom() {
    let d = desk("rk-desk-report-").await;
    let staff = people::session(&d.stack, &d.w.care, &d.w.care_manager)
        .await
        .unwrap();
    let kikuko = Recipient {
        name: "高萩 菊子",
        kana: "タカハギ キクコ",
        birth_date: "1931-03-03",
        address: "茨城県高萩市下手綱1",
        care_level: "要介護4",
    };
    let board = board::register(&staff, &kikuko).await.unwrap();
    for urgent in ["", "1"] {
        let a = staff
            .post_form(
                &format!("/boards/{board}/posts"),
                &[("body", "胸の痛みを訴えています"), ("urgent", urgent)],
            )
            .await
            .unwrap();
        assert_eq!(a.status, 303);
    }
    let page = d.op.get("/operator/report").await.unwrap();
    assert_eq!(page.status, 200);
    assert!(html(&page).contains("<svg class=\"chart\""));
    let csv = d.op.get("/operator/report.csv").await.unwrap();
    assert_eq!(csv.status, 200);
    let text = html(&csv);
    assert!(text.starts_with('\u{feff}'), "a BOM so Excel reads UTF-8");
    // The last month's figure of a row, found by its section and label.
    let last = |section: &str, label: &str| -> Option<u64> {
        text.lines()
            .find(|l| l.starts_with(&format!("{section},{label},")))
            .and_then(|l| l.rsplit(',').next())
            .and_then(|n| n.trim().parse().ok())
    };
    let month = |label: &str| last("月別", label).unwrap();
    assert_eq!(month("連絡帳の書き込み"), 2, "{text}");
    assert_eq!(month("うち緊急（重要）"), 1);
    assert_eq!(month("支援対象者の登録"), 1);
    assert!(month("利用者（ログインした人）") >= 2);
    assert!(text.contains("現在の事業所（種別）,訪問看護ステーション,1"));
    // What there is at this month's end: the same as now.
    assert_eq!(last("月末", "支援対象者（共有中）"), Some(1), "{text}");
    assert_eq!(last("月末", "支援対象者（共有終了・累計）"), Some(0));
    assert_eq!(
        last("月末の事業所（種別）", "訪問看護ステーション"),
        Some(1)
    );
    let staff_now: u64 = text
        .lines()
        .filter_map(|l| l.strip_prefix("現在の利用者（職種）,"))
        .filter_map(|l| l.rsplit(',').next()?.trim().parse::<u64>().ok())
        .sum();
    let staff_month_end: u64 = text
        .lines()
        .filter_map(|l| l.strip_prefix("月末の利用者（職種）,"))
        .filter_map(|l| l.rsplit(',').next()?.trim().parse::<u64>().ok())
        .sum();
    assert!(staff_now >= 2);
    assert_eq!(staff_month_end, staff_now, "this month's end is now");
    assert!(html(&page).contains("事業所（種別、月末）"));
    for personal in ["高萩 菊子", "タカハギ", "鈴木", "胸の痛み", "example.jp"] {
        assert!(
            !text.contains(personal),
            "the report must not contain {personal}"
        );
    }
    // A chosen period; a wrong one is explained, not crashed on.
    let period =
        d.op.get("/operator/report.csv?from=2026-06&to=2026-08")
            .await
            .unwrap();
    assert!(
        html(&period)
            .lines()
            .next()
            .unwrap()
            .ends_with("2026-06,2026-07,2026-08")
    );
    assert!(
        html(&period).contains("月末,支援対象者（共有中）,0,0,0"),
        "nobody was registered before the test ran"
    );
    assert!(
        !html(&period).contains("月末の事業所（種別）,"),
        "no office existed yet at those months' ends"
    );

    // Staff at a month's end follow every change of status: an account from May, suspended
    // over the end of June and reinstated in July, is missing from June's end only.
    let identity = d.stack.database("identity").await.unwrap();
    let nurse: uuid::Uuid = d.w.nurse.id.parse().unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "UPDATE users SET created_at = '2026-05-10T00:00:00+09:00' WHERE id = '{nurse}';
         INSERT INTO user_status_changes (user_id, status, at) VALUES
           ('{nurse}', 'suspended', '2026-06-20T09:00:00+09:00'),
           ('{nurse}', 'active', '2026-07-03T09:00:00+09:00');"
    )))
    .execute(&identity)
    .await
    .unwrap();
    let profession: String = sqlx::query_scalar("SELECT profession FROM users WHERE id = $1")
        .bind(nurse)
        .fetch_one(&identity)
        .await
        .unwrap();
    let history =
        d.op.get("/operator/report.csv?from=2026-05&to=2026-07")
            .await
            .unwrap();
    assert!(
        html(&history).contains(&format!("月末の利用者（職種）,{profession},1,0,1")),
        "{}",
        html(&history)
    );
    // Suspending and restoring through the city's menu is what writes that history.
    for suspended in [true, false] {
        let a =
            d.op.post(
                &format!("/api/v1/operator/users/{}/suspension", d.w.care_manager.id),
                &serde_json::json!({"suspended": suspended, "reason": "確認のため"}),
            )
            .await
            .unwrap();
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let changes: Vec<String> = sqlx::query_scalar(
        "SELECT status FROM user_status_changes WHERE user_id = $1::uuid ORDER BY at",
    )
    .bind(&d.w.care_manager.id)
    .fetch_all(&identity)
    .await
    .unwrap();
    assert_eq!(changes, vec!["suspended", "active"]);
    let wrong =
        d.op.get("/operator/report?from=2026-09&to=2026-01")
            .await
            .unwrap();
    assert_eq!(wrong.status, 400);
    assert!(html(&wrong).contains("期間は"));
}
