//! Browser tests: Debian's Chromium driven by playwright-core (`tests/e2e/`), against a whole
//! stack started by the harness. Screenshots land in `target/e2e/`.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use system_tests::{Stack, StackOptions, workspace_root};

fn node_script(stack: &Stack, script: &str, extra: &[(&str, &str)]) -> std::process::Output {
    let op = &stack.bootstrap.operator;
    let root = workspace_root();
    let mut command = Command::new("node");
    command
        .arg(root.join("tests/e2e").join(script))
        .env("GATEWAY_URL", &stack.bootstrap.gateway_url)
        .env("P12_PATH", &op.p12)
        .env("P12_PASSWORD", &op.p12_password)
        .env("LOGIN_ID", &op.login_id)
        .env("PASSWORD", &op.password)
        .env("MAIL_DIR", &stack.bootstrap.mail_dir)
        .env(
            "SCREENSHOT_DIR",
            root.join("target/e2e")
                .join(script.trim_end_matches(".mjs")),
        );
    for (k, v) in extra {
        command.env(k, v);
    }
    command
        .output()
        .expect("node runs (cargo xtask test installs it)")
}

/// Starts a stack, runs one script against it, and fails with the script's output if it failed.
async fn run(script: &str, extra: &[(&str, &str)]) -> (tempfile::TempDir, Stack) {
    let dir = tempfile::Builder::new()
        .prefix("rk-browser-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let out = node_script(&stack, script, extra);
    assert!(
        out.status.success(),
        "browser test {script} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (dir, stack)
}

#[tokio::test(flavor = "multi_thread")]
async fn operator_registers_an_office_in_the_browser_and_the_email_arrives() {
    let (_dir, stack) = run(
        "foundation.mjs",
        &[("OFFICE_EMAIL", "clinic-admin@example.jp")],
    )
    .await;
    let welcome = stack
        .mails()
        .into_iter()
        .filter(|m| m.contains("clinic-admin@example.jp"))
        .count();
    assert_eq!(welcome, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn enrollment_devices_staff_and_suspension_work_in_the_browser() {
    run("identity.mjs", &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_applies_is_approved_enrolls_and_appears_on_the_map_in_the_browser() {
    run("offices.mjs", &[]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn two_offices_share_a_board_live_and_the_urgent_email_says_nothing_personal() {
    use system_tests::people;
    let dir = tempfile::Builder::new()
        .prefix("rk-browser-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let certs = dir.path().join("devices");
    let people::TwoOffices {
        care,
        nursing,
        care_manager: cm,
        nurse,
    } = people::two_offices(&stack, &op, &certs).await.unwrap();
    let recipient = "高萩 はな";
    let urgent = "呼吸が苦しそう。至急往診を依頼しました";
    let out = node_script(
        &stack,
        "careboard.mjs",
        &[
            ("CM_P12", care.p12.to_str().unwrap()),
            ("CM_P12_PASSWORD", &care.p12_password),
            ("CM_LOGIN", &cm.login_id),
            ("CM_PASSWORD", &cm.password),
            ("CM_NAME", people::CARE_MANAGER_NAME),
            ("NS_P12", nursing.p12.to_str().unwrap()),
            ("NS_P12_PASSWORD", &nursing.p12_password),
            ("NS_LOGIN", &nurse.login_id),
            ("NS_PASSWORD", &nurse.password),
            ("NS_NAME", people::NURSE_NAME),
            ("NS_ID", &nurse.id),
            ("NS_OFFICE", people::NURSING_OFFICE),
            ("RECIPIENT_NAME", recipient),
            ("URGENT_TEXT", urgent),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "browser test careboard.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let board = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RECIPIENT_ID="))
        .unwrap()
        .to_owned();
    // Exactly one email to the care manager, saying nothing about the person or the post.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mails = loop {
        let mails: Vec<String> = stack
            .mails()
            .into_iter()
            .filter(|m| m.contains(&cm.email))
            .collect();
        if !mails.is_empty() || std::time::Instant::now() > deadline {
            break mails;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    assert_eq!(mails.len(), 1, "one urgent email to the care manager");
    let mail = &mails[0];
    assert!(mail.contains(&format!("/boards/{board}")));
    for secret in [recipient, "タカハギ", urgent, "呼吸", "佐藤 花子"] {
        assert!(
            !mail.contains(secret),
            "the urgent email must not contain {secret}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operator_reports_tracks_an_incident_and_finds_a_board_read_in_the_browser() {
    use system_tests::people;
    let dir = tempfile::Builder::new()
        .prefix("rk-browser-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let w = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    // Something to count and something to find: a board, read and written by the staff member.
    let staff = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let recipient = "高萩 梅";
    let saved = staff
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-01"),
                ("obtained_by", "ケアマネジャー 鈴木"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", recipient),
                ("kana", "タカハギ ウメ"),
                ("birth_date", "1933-05-05"),
                ("sex", "女性"),
                ("address", "茨城県高萩市本町3"),
                ("care_level", "要支援2"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved.status, 303);
    let board = saved
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("/recipients/"))
        .and_then(|l| l.split('/').next())
        .unwrap()
        .to_owned();
    let posted = staff
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", "本日訪問。変わりなし")],
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 303);
    assert_eq!(
        staff.get(&format!("/boards/{board}")).await.unwrap().status,
        200
    );
    let out = node_script(
        &stack,
        "operator.mjs",
        &[
            ("STAFF_P12", w.care.p12.to_str().unwrap()),
            ("STAFF_P12_PASSWORD", &w.care.p12_password),
            ("STAFF_LOGIN", &w.care_manager.login_id),
            ("STAFF_PASSWORD", &w.care_manager.password),
            ("RECIPIENT_NAME", recipient),
            ("BOARD_ID", &board),
        ],
    );
    assert!(
        out.status.success(),
        "browser test operator.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The world every page needs to show something: two offices with staff and an admin, a shared
/// board with an urgent post, an incident, an application and a published announcement.
struct PagesWorld {
    env: Vec<(&'static str, String)>,
}

async fn pages_world(stack: &Stack, dir: &std::path::Path) -> PagesWorld {
    use serde_json::json;
    use system_tests::people;
    let op = people::operator(stack).await.unwrap();
    let w = people::two_offices(stack, &op, &dir.join("devices"))
        .await
        .unwrap();
    let admin = people::person(
        stack,
        &op,
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
    let saved = cm
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-01"),
                ("obtained_by", "ケアマネジャー 鈴木"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", "高萩 はな"),
                ("kana", "タカハギ ハナ"),
                ("birth_date", "1936-04-01"),
                ("sex", "女性"),
                ("address", "茨城県高萩市本町1-100-1"),
                ("care_level", "要介護3"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved.status, 303, "{}", saved.body);
    let board = saved
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("/recipients/"))
        .and_then(|l| l.split('/').next())
        .unwrap()
        .to_owned();
    let added = cm
        .post_form(
            &format!("/recipients/{board}/team"),
            &[("user_id", &w.nurse.id)],
        )
        .await
        .unwrap();
    assert_eq!(added.status, 303, "{}", added.body);
    for (body, urgent) in [
        ("本日訪問。血圧128/76、食事は半分ほど。", ""),
        (
            "夜間に転倒。右膝に擦り傷、腫れなし。明朝の訪問で確認をお願いします。",
            "1",
        ),
    ] {
        let posted = cm
            .post_form(
                &format!("/boards/{board}/posts"),
                &[("body", body), ("urgent", urgent)],
            )
            .await
            .unwrap();
        assert_eq!(posted.status, 303, "{}", posted.body);
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
    let public = system_tests::api::Session::anonymous(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        None,
    )
    .unwrap();
    let applied = public
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
    PagesWorld {
        env: vec![
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
        ],
    }
}

/// Every page of every role at 375×667 (touch) and 768×1024 fits the screen, its controls are
/// big enough to tap, and axe-core finds no WCAG 2.2 A/AA violation at 375 and 1024 px, error
/// states included. The script prints the pages and the counts.
#[tokio::test(flavor = "multi_thread")]
async fn every_page_fits_a_phone_and_a_tablet_and_axe_finds_nothing() {
    let dir = tempfile::Builder::new()
        .prefix("rk-browser-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let world = pages_world(&stack, dir.path()).await;
    let extra: Vec<(&str, &str)> = world.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = node_script(&stack, "pages.mjs", &extra);
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(
        out.status.success(),
        "browser test pages.mjs failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pages = stdout.lines().filter(|l| l.starts_with("page ")).count();
    assert!(pages >= 40, "every page was visited ({pages})");
}

/// careboard's gRPC endpoint with the gateway's certificate, to set a board up quickly.
fn careboard(
    stack: &Stack,
) -> proto::careboard::careboard_client::CareboardClient<tonic::transport::Channel> {
    proto::careboard::careboard_client::CareboardClient::new(
        system_tests::grpc::as_gateway(stack, "careboard").unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn on_a_phone_a_nurse_replies_corrects_finds_prints_and_shares_photos() {
    use proto::careboard as pb;
    use system_tests::people;
    let dir = tempfile::Builder::new()
        .prefix("rk-browser-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let people::TwoOffices {
        care,
        nursing,
        care_manager: cm,
        nurse,
    } = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    let mut grpc = careboard(&stack);
    let actor = Some(proto::common::Actor {
        user_id: cm.id.clone(),
        office_id: care.id.clone(),
        role: proto::common::Role::Staff.into(),
        cert_serial: String::new(),
    });
    let recipient = "高萩 すみれ";
    let board = grpc
        .register_recipient(pb::RegisterRecipientRequest {
            actor: actor.clone(),
            consent: Some(pb::ConsentFields {
                obtained_on: "2026-11-01".into(),
                obtained_by: "ケアマネジャー 鈴木".into(),
                office_keeps_copy: true,
                recipient_keeps_original: true,
            }),
            fields: Some(pb::RecipientFields {
                name: recipient.into(),
                kana: "タカハギ スミレ".into(),
                birth_date: "1936-05-05".into(),
                sex: "女性".into(),
                address: "茨城県高萩市本町1-100".into(),
                care_level: "要介護3".into(),
                ..Default::default()
            }),
            allow_duplicate: true,
        })
        .await
        .unwrap()
        .into_inner()
        .recipient_id;
    grpc.add_member(pb::MemberRequest {
        actor: actor.clone(),
        recipient_id: board.clone(),
        user_id: nurse.id.clone(),
    })
    .await
    .unwrap();
    let post = grpc
        .create_post(pb::CreatePostRequest {
            actor,
            recipient_id: board.clone(),
            body: "夜から発熱あり、38.2度。水分は取れています".into(),
            category: "バイタル".into(),
            urgent: false,
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .id;
    // Both scripts sign in as the care manager and the nurse and work on this board.
    let team = [
        ("CM_P12", care.p12.display().to_string()),
        ("CM_P12_PASSWORD", care.p12_password.clone()),
        ("CM_LOGIN", cm.login_id.clone()),
        ("CM_PASSWORD", cm.password.clone()),
        ("NS_P12", nursing.p12.display().to_string()),
        ("NS_P12_PASSWORD", nursing.p12_password.clone()),
        ("NS_LOGIN", nurse.login_id.clone()),
        ("NS_PASSWORD", nurse.password.clone()),
        ("BOARD_ID", board.clone()),
    ];
    let on_the_board = |script: &str, extra: &[(&str, &str)]| {
        let mut env: Vec<(&str, &str)> = team.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(extra);
        let out = node_script(&stack, script, &env);
        assert!(
            out.status.success(),
            "browser test {script} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    on_the_board(
        "board_writing.mjs",
        &[("POST_ID", &post), ("RECIPIENT_NAME", recipient)],
    );
    // On the same board, the nurse shares photos and a PDF from her phone.
    let samples = dir.path().join("samples");
    std::fs::create_dir_all(&samples).unwrap();
    let write = |name: &str, bytes: Vec<u8>| {
        let path = samples.join(name);
        std::fs::write(&path, bytes).unwrap();
        path.display().to_string()
    };
    let photo_1 = write("IMG_0412.JPG", system_tests::samples::sideways_photo());
    let photo_2 = write("IMG_0413.JPG", system_tests::samples::sideways_photo());
    let pdf = write("退院時サマリー.pdf", system_tests::samples::summary_pdf());
    let not_a_photo = write("memo.jpg", b"not a photo, only words".to_vec());
    on_the_board(
        "board_files.mjs",
        &[
            ("PHOTO_1", &photo_1),
            ("PHOTO_2", &photo_2),
            ("SUMMARY_PDF", &pdf),
            ("NOT_A_PHOTO", &not_a_photo),
        ],
    );
}

/// The board on a 375×667 phone, by touch: the urgent email's link leads through sign-in to the
/// post itself, pinned and acknowledged with one tap; the first screen shows the newest post;
/// posts become 既読 only once shown; posting takes three actions from the menu; another
/// member's post is announced.
#[tokio::test(flavor = "multi_thread")]
async fn the_board_on_a_phone_reads_unread_and_urgent_first() {
    use system_tests::people;
    let dir = tempfile::Builder::new()
        .prefix("rk-browser-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let w = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    let cm = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let saved = cm
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-01"),
                ("obtained_by", "ケアマネジャー 鈴木"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", "高萩 すみれ"),
                ("kana", "タカハギ スミレ"),
                ("birth_date", "1935-06-01"),
                ("sex", "女性"),
                ("address", "茨城県高萩市本町2"),
                ("care_level", "要介護1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved.status, 303);
    let board = saved
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("/recipients/"))
        .and_then(|l| l.split('/').next())
        .unwrap()
        .to_owned();
    let added = cm
        .post_form(
            &format!("/recipients/{board}/team"),
            &[("user_id", &w.nurse.id)],
        )
        .await
        .unwrap();
    assert!(added.status < 400, "{}", added.body);
    // Enough posts that the oldest are off the phone's first screen, then the urgent one.
    for i in 1..=12 {
        let a = cm
            .post(
                &format!("/api/v1/boards/{board}/posts"),
                &serde_json::json!({"body": format!("訪問記録 {i}：血圧・食事ともに変わりなし。\n次回は金曜日です。")}),
            )
            .await
            .unwrap();
        assert_eq!(a.status, 200, "{}", a.body);
    }
    let urgent = cm
        .post(
            &format!("/api/v1/boards/{board}/posts"),
            &serde_json::json!({"body": "夜間に転倒。右手首の痛みあり。訪問をお願いします", "urgent": true}),
        )
        .await
        .unwrap();
    assert_eq!(urgent.status, 200, "{}", urgent.body);
    let urgent_id = urgent.body["id"].as_str().unwrap().to_owned();
    let out = node_script(
        &stack,
        "board_phone.mjs",
        &[
            ("CM_P12", w.care.p12.to_str().unwrap()),
            ("CM_P12_PASSWORD", &w.care.p12_password),
            ("CM_LOGIN", &w.care_manager.login_id),
            ("CM_PASSWORD", &w.care_manager.password),
            ("NS_P12", w.nursing.p12.to_str().unwrap()),
            ("NS_P12_PASSWORD", &w.nursing.p12_password),
            ("NS_LOGIN", &w.nurse.login_id),
            ("NS_PASSWORD", &w.nurse.password),
            ("NS_EMAIL", &w.nurse.email),
            ("BOARD_ID", &board),
            ("URGENT_ID", &urgent_id),
        ],
    );
    assert!(
        out.status.success(),
        "browser test board_phone.mjs failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{}", String::from_utf8_lossy(&out.stdout));
}
