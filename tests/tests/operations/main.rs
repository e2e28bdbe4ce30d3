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
use system_tests::board::{self, TAKEKO};
use system_tests::people::TwoOffices;
use system_tests::scenes;
use system_tests::{Stack, StackOptions};

async fn stack(prefix: &str) -> (tempfile::TempDir, Stack, TwoOffices) {
    stack_with(prefix, Vec::new()).await
}

async fn stack_with(
    prefix: &str,
    env: Vec<(String, String)>,
) -> (tempfile::TempDir, Stack, TwoOffices) {
    let scene = scenes::two_offices(prefix, |o| StackOptions { env, ..o })
        .await
        .unwrap();
    (scene.dir, scene.stack, scene.w)
}

/// Registers a recipient (the care manager is its representative), adds the nurse, and returns
/// the board's id.
async fn shared_board(cm: &Session, nurse_id: &str) -> String {
    board::shared(cm, &TAKEKO, &[nurse_id]).await.unwrap()
}
