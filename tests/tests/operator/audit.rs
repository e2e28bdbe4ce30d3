//! The audit viewer's CSV: every matching record, a formula kept as text.

use crate::{desk, html};
use system_tests::people::{self, NewPerson};

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
