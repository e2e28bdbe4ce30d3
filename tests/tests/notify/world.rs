//! The people of the mail scenarios: a care manager who posts, and team members of two offices,
//! each office with its admin.

use std::time::{Duration, Instant};
use system_tests::Stack;
use system_tests::api::Session;
use system_tests::board::{self, Recipient};
use system_tests::people::{self, NewPerson, Office, Person, TwoOffices};

/// Tries of a passing failure in these tests, one second apart at first.
pub const MAX_ATTEMPTS: usize = 3;

pub struct World {
    pub stack: Stack,
    pub op: Session,
    pub care: Office,
    pub nursing: Office,
    /// Posts; never mailed for their own post.
    pub care_manager: Person,
    pub nurse: Person,
    /// A second nurse, whose address the tests make the mail server refuse.
    pub night_nurse: Person,
    /// Of the care manager's office.
    pub helper: Person,
    pub nursing_admin: Person,
    pub care_admin: Person,
    _dir: tempfile::TempDir,
}

pub async fn world(prefix: &str) -> World {
    world_with(prefix, &[]).await
}

/// `world`, its services also given `env` (which wins over the retry settings above).
pub async fn world_with(prefix: &str, env: &[(&str, &str)]) -> World {
    let attempts = MAX_ATTEMPTS.to_string();
    let retries = [
        ("MAIL_RETRY_SECONDS", "1"),
        ("MAIL_MAX_ATTEMPTS", &attempts),
    ];
    let (dir, stack) = Stack::in_temp_dir(prefix, |o| o.with_env(&retries).with_env(env))
        .await
        .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let TwoOffices {
        care,
        nursing,
        care_manager,
        nurse,
    } = people::two_offices(&stack, &op, &dir.path().join("devices"))
        .await
        .unwrap();
    let person = async |office: &Office, login_id: &str, name: &str, admin: bool| {
        people::person(
            &stack,
            &op,
            office,
            &NewPerson {
                login_id,
                name,
                kana: "テスト",
                profession: if admin { "事務" } else { "看護師" },
                office_admin: admin,
            },
        )
        .await
        .unwrap()
    };
    let night_nurse = person(&nursing, "ns.yamada", "山田 夜子", false).await;
    let helper = person(&care, "hh.kobayashi", "小林 助", false).await;
    let nursing_admin = person(&nursing, "ad.houkan", "訪看 管理", true).await;
    let care_admin = person(&care, "ad.care", "居宅 管理", true).await;
    World {
        stack,
        op,
        care,
        nursing,
        care_manager,
        nurse,
        night_nurse,
        helper,
        nursing_admin,
        care_admin,
        _dir: dir,
    }
}

impl World {
    pub async fn session(&self, office: &Office, person: &Person) -> Session {
        people::session(&self.stack, office, person).await.unwrap()
    }

    /// A recipient the care manager registers, with `members` on the team; the board's id.
    pub async fn board(&self, cm: &Session, name: &str, members: &[&Person]) -> String {
        let recipient = Recipient {
            name,
            kana: "タカハギ テスト",
            birth_date: "1936-02-02",
            address: "茨城県高萩市安良川1",
            care_level: "要介護1",
        };
        let members: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
        board::shared(cm, &recipient, &members).await.unwrap()
    }

    /// The mails the sink received for `person`'s address.
    pub fn mails_to(&self, person: &Person) -> Vec<String> {
        mails_to(&self.stack, &person.email)
    }
}

/// The mails addressed to `address` (by their `To:` header).
pub fn mails_to(stack: &Stack, address: &str) -> Vec<String> {
    stack
        .mails()
        .into_iter()
        .filter(|m| {
            m.lines()
                .take_while(|l| !l.is_empty())
                .any(|l| l.to_ascii_lowercase().starts_with("to:") && l.contains(address))
        })
        .collect()
}

/// Waits until `done` holds, failing the test after `within`.
pub async fn wait_until(within: Duration, what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + within;
    while !done().await {
        assert!(Instant::now() < deadline, "not within {within:?}: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An urgent post by `cm` on `board`.
pub async fn urgent(cm: &Session, board: &str) {
    let posted = cm
        .post_form(
            &format!("/boards/{board}/posts"),
            &[
                ("body", "転倒あり。至急連絡ください"),
                ("category", "連絡"),
                ("urgent", "1"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 303, "{}", posted.body);
}
