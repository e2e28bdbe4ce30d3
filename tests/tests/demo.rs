//! `cargo xtask run --demo`'s city, seeded twice into one stack: the first run makes it through
//! the gateway's API, the second finds everything there and adds nothing.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use system_tests::Stack;
use system_tests::demo;

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_city_is_seeded_once_and_a_second_run_adds_nothing() {
    let (dir, stack) = Stack::in_temp_dir("rk-demo-", |o| o).await.unwrap();
    let devices = dir.path().join("demo");
    let first = demo::seed(&stack, &devices).await.unwrap();
    assert_eq!(first.added.offices, 3);
    assert_eq!(first.added.devices, 3);
    assert_eq!(first.added.people, 9);
    assert_eq!(first.added.recipients, 5);
    assert!(first.added.posts >= 20, "a few posts on every board");
    let mails = stack.mails().len();
    let second = demo::seed(&stack, &devices).await.unwrap();
    assert_eq!(second.added, demo::Added::default(), "nothing added");
    // Nothing was made, so nobody was mailed (an urgent post or a code would be).
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(stack.mails().len(), mails);
    // The second run signed every person in with the printed password on their office's
    // certificate, which it read from the printed path.
    for o in &second.offices {
        assert!(o.p12.exists(), "{} has its certificate", o.name);
    }
}
