//! Every page of every role, with something on it, on a phone and a tablet, checked by axe-core.

use crate::{Offices, run_on, two_offices};
use serde_json::json;
use system_tests::board::{self, Recipient};
use system_tests::people;

/// The world every page needs to show something: two offices with staff and an admin, a shared
/// board with an urgent post, an incident, an application and a published announcement; as the
/// environment the script reads it from.
async fn pages_world(o: &Offices) -> Vec<(&'static str, String)> {
    let Offices { stack, op, w, .. } = o;
    let admin = people::person(
        stack,
        op,
        &w.care,
        &people::NewPerson {
            login_id: "admin.kanri",
            name: "管理 太郎",
            kana: "カンリ タロウ",
            profession: "ケアマネジャー",
            office_admin: true,
        },
    )
    .await
    .unwrap();
    let cm = people::session(stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let hana = Recipient {
        name: "高萩 はな",
        kana: "タカハギ ハナ",
        birth_date: "1936-04-01",
        address: "茨城県高萩市本町1-100-1",
        care_level: "要介護3",
    };
    let board = board::shared(&cm, &hana, &[&w.nurse.id]).await.unwrap();
    for (body, urgent) in [
        ("本日訪問。血圧128/76、食事は半分ほど。", false),
        (
            "夜間に転倒。右膝に擦り傷、腫れなし。明朝の訪問で確認をお願いします。",
            true,
        ),
    ] {
        board::post(&cm, &board, body, urgent).await.unwrap();
    }
    let changed = cm
        .post_form(
            &format!("/recipients/{board}/edit"),
            &[
                ("name", "高萩 はな"),
                ("kana", "タカハギ ハナ"),
                ("birth_date", "1936-04-01"),
                ("sex", "女性"),
                ("address", "茨城県高萩市本町1-100-2"),
                ("care_level", "要介護3"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(changed.status, 303, "{}", changed.body);
    let filed = cm
        .post_form(
            "/incidents",
            &[
                ("occurred_at", "2026-11-20T09:30"),
                ("device", "訪問用タブレット1"),
                ("what_happened", "訪問先でタブレットを置き忘れた"),
                ("action_taken", "回収済み。画面ロックを確認"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(filed.status, 303, "{}", filed.body);
    let incident = filed
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("/incidents/"))
        .unwrap()
        .to_owned();
    let applied = stack
        .public_session()
        .unwrap()
        .post(
            "/api/v1/public/applications",
            &json!({
                "name": "高萩みどり薬局", "kana": "タカハギミドリヤッキョク", "kind": "薬局", "code": "0871234567",
                "postal_code": "318-0034", "address": "茨城県高萩市高萩1-1", "phone": "0293-22-1234",
                "fax": "", "latitude": "36.7197", "longitude": "140.7167",
                "admin_name": "高萩 一郎", "admin_kana": "タカハギ イチロウ", "admin_email": "midori@example.jp",
                "admin_phone": "090-1111-2222", "listed": "1", "consent": "1"
            }),
        )
        .await
        .unwrap();
    assert_eq!(applied.status, 201, "{}", applied.body);
    let announcement = op
        .post(
            "/api/v1/operator/announcements",
            &json!({"title": "説明会のお知らせ", "body": "- 1月10日\n- 1月17日"}),
        )
        .await
        .unwrap();
    assert_eq!(announcement.status, 201, "{}", announcement.body);
    let announcement = announcement.body["id"].as_str().unwrap().to_owned();
    let published = op
        .post(
            &format!("/api/v1/operator/announcements/{announcement}/publish"),
            &json!({"published": true}),
        )
        .await
        .unwrap();
    assert_eq!(published.status, 200, "{}", published.body);
    let p12 = |o: &people::Office| o.p12.to_str().unwrap().to_owned();
    vec![
        ("STAFF_P12", p12(&w.care)),
        ("STAFF_P12_PASSWORD", w.care.p12_password.clone()),
        ("STAFF_LOGIN", w.care_manager.login_id.clone()),
        ("STAFF_PASSWORD", w.care_manager.password.clone()),
        ("ADMIN_LOGIN", admin.login_id.clone()),
        ("ADMIN_PASSWORD", admin.password.clone()),
        ("ADMIN_ID", admin.id.clone()),
        ("NURSE_P12", p12(&w.nursing)),
        ("NURSE_P12_PASSWORD", w.nursing.p12_password.clone()),
        ("NURSE_LOGIN", w.nurse.login_id.clone()),
        ("NURSE_PASSWORD", w.nurse.password.clone()),
        ("OFFICE_ID", w.nursing.id.clone()),
        ("BOARD_ID", board),
        ("INCIDENT_ID", incident),
        (
            "APPLICATION_ID",
            applied.body["application_id"].as_str().unwrap().to_owned(),
        ),
        ("ANNOUNCEMENT_ID", announcement),
    ]
}

/// Every page of every role at 375×667 (touch) and 768×1024 fits the screen, its controls are
/// big enough to tap, and axe-core finds no WCAG 2.2 A/AA violation at 375 and 1024 px, error
/// states included. The script prints the pages and the counts.
#[tokio::test(flavor = "multi_thread")]
async fn every_page_fits_a_phone_and_a_tablet_and_axe_finds_nothing() {
    let o = two_offices().await;
    let world = pages_world(&o).await;
    let extra: Vec<(&str, &str)> = world.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let stdout = run_on(&o.stack, "pages.mjs", &extra);
    println!("{stdout}");
    let pages = stdout.lines().filter(|l| l.starts_with("page ")).count();
    assert!(pages >= 40, "every page was visited ({pages})");
}
