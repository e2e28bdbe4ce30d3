//! The operator's desk: the operation report and its CSV, incident reports from filing to 完了,
//! the audit viewer, and who may use any of it.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use std::time::Duration;
use system_tests::api::Session;
use system_tests::people::{self, NewPerson, Person, TwoOffices};
use system_tests::{Stack, StackOptions};

const CITY: &str = "city@takahagi.example.jp";

struct Desk {
    stack: Stack,
    op: Session,
    w: TwoOffices,
    admin: Person,
    _dir: tempfile::TempDir,
}

async fn desk(prefix: &str) -> Desk {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
    let stack = Stack::start(StackOptions {
        env: vec![("OPERATOR_EMAIL".into(), CITY.into())],
        ..StackOptions::for_test(dir.path())
    })
    .await
    .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let w = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    let admin = people::person(
        &stack,
        &op,
        &w.care,
        &NewPerson {
            login_id: "cm.admin",
            name: "管理 太郎",
            kana: "カンリ タロウ",
            profession: "ケアマネジャー",
            office_admin: true,
        },
    )
    .await
    .unwrap();
    Desk {
        stack,
        op,
        w,
        admin,
        _dir: dir,
    }
}

fn html(a: &system_tests::api::Answer) -> &str {
    a.body.as_str().unwrap_or_default()
}

async fn filed_incident(s: &Session, fields: &[(&str, &str)]) -> system_tests::api::Answer {
    s.post_form("/incidents", fields).await.unwrap()
}

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

#[tokio::test(flavor = "multi_thread")]
async fn the_report_counts_without_personal_data_and_exports_csv_with_a_bom() {
    let d = desk("rk-desk-report-").await;
    let staff = people::session(&d.stack, &d.w.care, &d.w.care_manager)
        .await
        .unwrap();
    let saved = staff
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-01"),
                ("obtained_by", "ケアマネジャー 鈴木"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", "高萩 菊子"),
                ("kana", "タカハギ キクコ"),
                ("birth_date", "1931-03-03"),
                ("sex", "女性"),
                ("address", "茨城県高萩市下手綱1"),
                ("care_level", "要介護4"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved.status, 303);
    let db = d.stack.database("careboard").await.unwrap();
    let board: uuid::Uuid = sqlx::query_scalar("SELECT id FROM recipients")
        .fetch_one(&db)
        .await
        .unwrap();
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

/// The audit CSV holds every matching record, however many pages identity answers it in, and the
/// outcome filter finds the refusals among them.
#[tokio::test(flavor = "multi_thread")]
async fn the_audit_csv_holds_every_matching_record() {
    let d = desk("rk-desk-audit-csv-").await;
    let identity = d.stack.database("identity").await.unwrap();
    // 6,000 records of one kind written straight into the trail (their hashes are not the point
    // here): six of the export's pages, more than identity answers at once; one in 600 a refusal.
    // Identity may append its own meanwhile, taking the next number first; then this simply
    // tries again.
    let mut inserted = false;
    for _ in 0..5 {
        inserted = sqlx::query(
            "INSERT INTO audit_log (seq, event_id, at, source, action, outcome, details, prev_hash, hash) \
             SELECT m.top + i, gen_random_uuid(), now(), 'renrakucho/test', 'test.bulk', \
             CASE WHEN i % 600 = 0 THEN 'denied' ELSE 'success' END, \
             '{}'::jsonb, '\\x00'::bytea, '\\x00'::bytea \
             FROM (SELECT coalesce(max(seq), 0) AS top FROM audit_log) m, generate_series(1, 6000) i",
        )
        .execute(&identity)
        .await
        .is_ok();
        if inserted {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(inserted);
    let csv =
        d.op.get("/operator/audit.csv?action=test.bulk")
            .await
            .unwrap();
    assert_eq!(csv.status, 200);
    let text = html(&csv);
    assert!(text.starts_with("\u{feff}番号,"), "one header, first");
    let seqs: Vec<i64> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(seqs.len(), 6000, "every record");
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first, each once"
    );

    let refused =
        d.op.get("/operator/audit.csv?action=test.bulk&outcome=denied")
            .await
            .unwrap();
    let rows: Vec<&str> = html(&refused).lines().skip(1).collect();
    assert_eq!(rows.len(), 10, "only the refusals");
    assert!(rows.iter().all(|r| r.contains(",拒否,")), "{rows:?}");
    let page =
        d.op.get("/operator/audit?action=test.bulk&outcome=denied")
            .await
            .unwrap();
    assert_eq!(html(&page).matches("<td>拒否</td>").count(), 10);
    assert!(html(&page).contains(r#"<option value="denied" selected>拒否</option>"#));
    let wrong = d.op.get("/operator/audit?outcome=maybe").await.unwrap();
    assert!(html(&wrong).contains("検索条件を確認してください"));
}

/// A name that a spreadsheet would run as a formula reaches the audit CSV as text.
#[tokio::test(flavor = "multi_thread")]
async fn a_formula_in_a_staff_name_reaches_the_audit_csv_as_text() {
    let d = desk("rk-desk-audit-formula-").await;
    let name = "=HYPERLINK(\"https://evil.example/\",\"確認\")";
    let person = people::person(
        &d.stack,
        &d.op,
        &d.w.care,
        &NewPerson {
            login_id: "cm.formula",
            name,
            kana: "フォーミュラ タロウ",
            profession: "ケアマネジャー",
            office_admin: false,
        },
    )
    .await
    .unwrap();
    // Their logins are in the trail under their name.
    people::session(&d.stack, &d.w.care, &person).await.unwrap();
    let csv =
        d.op.get(&format!("/operator/audit.csv?user={}", person.login_id))
            .await
            .unwrap();
    assert_eq!(csv.status, 200);
    let text = html(&csv);
    assert!(
        text.contains("\"'=HYPERLINK(\"\"https://evil.example/\"\",\"\"確認\"\")（cm.formula）\""),
        "{text}"
    );
    for line in text.lines().skip(1) {
        for cell in cells(line) {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a live formula: {cell}"
            );
        }
    }
}

/// The cells of one CSV line, unquoted.
fn cells(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(String::new()),
            (c, _) => out.last_mut().unwrap().push(c),
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_operator_endpoints() {
    let d = desk("rk-desk-authz-").await;
    let staff = people::session(&d.stack, &d.w.care, &d.w.care_manager)
        .await
        .unwrap();
    let filed = filed_incident(
        &staff,
        &[
            ("occurred_at", "2026-11-20T09:30"),
            ("device", "事務所PC"),
            ("what_happened", "誤って別の事業所にFAXした"),
        ],
    )
    .await;
    assert_eq!(filed.status, 303);
    let db = d.stack.database("careboard").await.unwrap();
    let incident: uuid::Uuid = sqlx::query_scalar("SELECT id FROM incidents")
        .fetch_one(&db)
        .await
        .unwrap();
    let admin = people::session(&d.stack, &d.w.care, &d.admin)
        .await
        .unwrap();
    let nurse = people::session(&d.stack, &d.w.nursing, &d.w.nurse)
        .await
        .unwrap();
    let no_login = Session::anonymous(
        &d.stack.bootstrap.gateway_url,
        &d.stack.bootstrap.ca_cert,
        Some(&d.w.care.device),
    )
    .unwrap();
    let callers: [(&str, &Session); 4] = [
        ("office admin", &admin),
        ("staff (the reporter)", &staff),
        ("staff of another office", &nurse),
        ("device without login", &no_login),
    ];
    let endpoints = operator_endpoints(&d.op, incident).await;
    assert!(
        endpoints.len() >= 40,
        "the router's operator routes were all found: {endpoints:?}"
    );
    println!(
        "operator endpoints authorization matrix ({} endpoints × {} callers):",
        endpoints.len(),
        callers.len() + 1
    );
    println!("  operator: {} allowed, 0 refused", endpoints.len());
    for (name, s) in callers {
        let mut refused = 0;
        for (method, path) in &endpoints {
            let a = call(s, method, path).await;
            assert!(is_refused(&a), "{name} got {} on {method} {path}", a.status);
            refused += 1;
        }
        println!("  {name}: 0 allowed, {refused} refused");
    }
}

/// Every route of the operator's menus and API, read from the gateway's router itself so that a
/// route added later cannot escape the matrix, plus the incident status the operator moves.
/// Each path is tried with every method; those the router answers 405 for are not endpoints.
/// The operator must get past the check on each (a made-up id then ends in 404, an empty form
/// in its error page); a refusal fails the test.
async fn operator_endpoints(op: &Session, incident: uuid::Uuid) -> Vec<(&'static str, String)> {
    let mut paths: Vec<String> = system_tests::routes::protected_paths()
        .into_iter()
        .filter(|s| s.starts_with("/operator") || s.starts_with("/api/v1/operator"))
        .chain(std::iter::once("/incidents/{id}/status".to_owned()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let mut endpoints = Vec::new();
    for path in paths {
        let id = if path.starts_with("/incidents") {
            incident
        } else {
            uuid::Uuid::now_v7()
        };
        let path = path.replace("{id}", &id.to_string());
        for method in ["GET", "POST", "PUT"] {
            let a = call(op, method, &path).await;
            if a.status == 405 {
                continue;
            }
            assert!(
                !is_refused(&a) && a.status < 500,
                "the operator got {} on {method} {path}",
                a.status
            );
            endpoints.push((method, path.clone()));
        }
    }
    endpoints
}

async fn call(s: &Session, method: &str, path: &str) -> system_tests::api::Answer {
    let api = path.starts_with("/api/");
    let body = serde_json::json!({});
    match method {
        "GET" => s.get(path).await,
        "PUT" => s.put(path, &body).await,
        _ if api => s.post(path, &body).await,
        _ => s.post_form(path, &[("status", "対応中")]).await,
    }
    .unwrap()
}

/// Pages send a browser without a session to the login page; everything else answers 401 or 403.
fn is_refused(a: &system_tests::api::Answer) -> bool {
    // A page's way back after signing in rides along (`/login?next=...`).
    let to_login = a.status == 303
        && a.location
            .as_deref()
            .is_some_and(|l| l == "/login" || l.starts_with("/login?next=/"));
    matches!(a.status, 401 | 403) || to_login
}
