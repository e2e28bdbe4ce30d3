//! The shared board in the browser: two offices on one board live, a nurse's phone replying,
//! correcting, finding, printing and sharing photos, and the board read by touch on a phone.

use crate::{Team, two_offices};
use proto::careboard as pb;
use proto::careboard::careboard_client::CareboardClient;
use system_tests::Stack;
use system_tests::board::{self, Recipient};
use system_tests::people::{self, TwoOffices};
use tonic::transport::Channel;

/// careboard's gRPC endpoint with the gateway's certificate, to set a board up quickly.
fn careboard(stack: &Stack) -> CareboardClient<Channel> {
    CareboardClient::new(system_tests::grpc::as_gateway(stack, "careboard").unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn two_offices_share_a_board_live_and_the_urgent_email_says_nothing_personal() {
    let o = two_offices().await;
    let (stack, cm, nurse) = (&o.stack, &o.w.care_manager, &o.w.nurse);
    let recipient = "高萩 はな";
    let urgent = "呼吸が苦しそう。至急往診を依頼しました";
    let stdout = o.run_as_team(
        "careboard.mjs",
        &[
            ("CM_NAME", people::CARE_MANAGER_NAME),
            ("NS_NAME", people::NURSE_NAME),
            ("NS_ID", &nurse.id),
            ("NS_OFFICE", people::NURSING_OFFICE),
            ("RECIPIENT_NAME", recipient),
            ("URGENT_TEXT", urgent),
        ],
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
async fn on_a_phone_a_nurse_replies_corrects_finds_prints_and_shares_photos() {
    let o = two_offices().await;
    let TwoOffices {
        care,
        care_manager: cm,
        nurse,
        ..
    } = &o.w;
    let mut grpc = careboard(&o.stack);
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
    let on_the_board = |script: &str, extra: &[(&str, &str)]| {
        let mut env = vec![("BOARD_ID", board.as_str())];
        env.extend_from_slice(extra);
        o.run_as_team(script, &env);
    };
    on_the_board(
        "board_writing.mjs",
        &[("POST_ID", &post), ("RECIPIENT_NAME", recipient)],
    );
    // On the same board, the nurse shares photos and a PDF from her phone.
    let samples = o.dir.path().join("samples");
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
    let o = two_offices().await;
    let (stack, w) = (&o.stack, &o.w);
    let cm = people::session(stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let board = board::register(
        &cm,
        &Recipient {
            name: "高萩 すみれ",
            kana: "タカハギ スミレ",
            birth_date: "1935-06-01",
            address: "茨城県高萩市本町2",
            care_level: "要介護1",
        },
    )
    .await
    .unwrap();
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
    let stdout = o.run_as_team(
        "board_phone.mjs",
        &[
            ("NS_EMAIL", &w.nurse.email),
            ("BOARD_ID", &board),
            ("URGENT_ID", &urgent_id),
        ],
    );
    println!("{stdout}");
}
