//! What the operations team relies on: a first install with nothing secret typed, one trace from
//! the browser's request to the email it causes, a backup that restores into a whole board, a
//! restore to a point in time, and certificates renewed under a running system.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod bootstrap;
mod certificates;
mod pitr;
mod renewal;
mod restore;
mod trace;

use system_tests::api::Session;
use system_tests::people::{self, TwoOffices};
use system_tests::{Stack, StackOptions};

async fn stack(prefix: &str) -> (tempfile::TempDir, Stack, TwoOffices) {
    stack_with(prefix, Vec::new()).await
}

async fn stack_with(
    prefix: &str,
    env: Vec<(String, String)>,
) -> (tempfile::TempDir, Stack, TwoOffices) {
    let dir = tempfile::Builder::new().prefix(prefix).tempdir().unwrap();
    let mut opts = StackOptions::for_test(dir.path());
    opts.env = env;
    let stack = Stack::start(opts).await.unwrap();
    let op = people::operator(&stack).await.unwrap();
    let two = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    (dir, stack, two)
}

/// Registers a recipient (the care manager is its representative), adds the nurse, and returns
/// the board's id.
async fn shared_board(cm: &Session, nurse_id: &str) -> String {
    let saved = cm
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-01"),
                ("obtained_by", "ケアマネジャー 鈴木"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", "高萩 竹子"),
                ("kana", "タカハギ タケコ"),
                ("birth_date", "1936-02-02"),
                ("sex", "女性"),
                ("address", "茨城県高萩市安良川1"),
                ("care_level", "要介護1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved.status, 303, "{}", saved.body);
    let board = cm
        .get("/home")
        .await
        .unwrap()
        .body
        .as_str()
        .unwrap()
        .split("data-recipient=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let added = cm
        .post_form(
            &format!("/recipients/{board}/team"),
            &[("user_id", nurse_id)],
        )
        .await
        .unwrap();
    assert_eq!(added.status, 303, "{}", added.body);
    board
}
