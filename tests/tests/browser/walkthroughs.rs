//! The walkthroughs a script does alone on a fresh stack: the operator's first office, devices
//! and staff, an office's application to the map, and the operator's desk.

use crate::{run_on, stack, two_offices};
use system_tests::board::{self, Recipient};
use system_tests::people;

#[tokio::test(flavor = "multi_thread")]
async fn operator_registers_an_office_in_the_browser_and_the_email_arrives() {
    let (_dir, stack) = stack().await;
    run_on(
        &stack,
        "foundation.mjs",
        &[("OFFICE_EMAIL", "clinic-admin@example.jp")],
    );
    let welcome = stack
        .mails()
        .into_iter()
        .filter(|m| m.contains("clinic-admin@example.jp"))
        .count();
    assert_eq!(welcome, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn enrollment_devices_staff_and_suspension_work_in_the_browser() {
    let (_dir, stack) = stack().await;
    run_on(&stack, "identity.mjs", &[]);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_applies_is_approved_enrolls_and_appears_on_the_map_in_the_browser() {
    let (_dir, stack) = stack().await;
    run_on(&stack, "offices.mjs", &[]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_operator_reports_tracks_an_incident_and_finds_a_board_read_in_the_browser() {
    let o = two_offices().await;
    let (stack, w) = (&o.stack, &o.w);
    // Something to count and something to find: a board, read and written by the staff member.
    let staff = people::session(stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let recipient = "高萩 梅";
    let board = board::register(
        &staff,
        &Recipient {
            name: recipient,
            kana: "タカハギ ウメ",
            birth_date: "1933-05-05",
            address: "茨城県高萩市本町3",
            care_level: "要支援2",
        },
    )
    .await
    .unwrap();
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
    run_on(
        stack,
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
}
