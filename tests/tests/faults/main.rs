//! The faults an operator fears, done to a running system under load, with the figures printed:
//! each binary killed with SIGKILL in turn and restarted as Kubernetes would; NATS killed and
//! restarted; PostgreSQL's postmaster killed and restarted while every service stays up.
//! Afterwards every acknowledged write is there and mailed exactly once.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

mod database;
mod kills;
mod ledger;
mod load;

use ledger::{Evidence, Tally};
use load::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::board::{self, TAKEKO};
use system_tests::people::{self, NewPerson};
use system_tests::scenes::{self, TwoOfficesScene};
use system_tests::{Stack, StackOptions};

/// Between two writes of one kind: about four offices and four urgent posts a second.
pub const BEAT: Duration = Duration::from_millis(250);
/// Load before a fault and after recovery, so each stretch has writes on both sides.
pub const STEADY: Duration = Duration::from_secs(1);

pub struct World {
    pub stack: Stack,
    pub operator: Arc<Session>,
    pub author: Arc<Session>,
    pub board: String,
    /// Whom every urgent post must reach: the team but its author.
    pub readers: Vec<String>,
    /// A nurse signed in on her office's device, which the load does not use.
    pub nurse: Session,
    pub nursing_office: String,
    _dir: tempfile::TempDir,
}

/// A stack with a board shared by a care manager and two nurses of another office.
pub async fn world(prefix: &str, durable: bool) -> World {
    let TwoOfficesScene {
        stack,
        op,
        w: two,
        dir,
    } = scenes::two_offices(prefix, |o| StackOptions {
        durable,
        otlp: false,
        ..o
    })
    .await
    .unwrap();
    let second = people::person(
        &stack,
        &op,
        &two.nursing,
        &NewPerson {
            login_id: "ns.tanaka",
            name: "田中 恵子",
            kana: "タナカ ケイコ",
            profession: "看護師",
            office_admin: false,
        },
    )
    .await
    .unwrap();
    let author = people::session(&stack, &two.care, &two.care_manager)
        .await
        .unwrap();
    // The author becomes the board's representative.
    let board = board::shared(&author, &TAKEKO, &[&two.nurse.id, &second.id])
        .await
        .unwrap();
    let nurse = people::session(&stack, &two.nursing, &two.nurse)
        .await
        .unwrap();
    World {
        stack,
        operator: Arc::new(op),
        author: Arc::new(author),
        board,
        readers: vec![two.nurse.email, second.email],
        nurse,
        nursing_office: two.nursing.id,
        _dir: dir,
    }
}

impl World {
    /// Waits (up to `within`) until every email the committed writes owe has arrived, then a
    /// moment longer so that a late second copy would show; returns the evidence and how long
    /// the mail took to catch up.
    pub async fn settle(
        &self,
        tag: &str,
        writes: &[Write],
        within: Duration,
    ) -> (Evidence, Duration) {
        let started = Instant::now();
        let all: Vec<&Write> = writes.iter().collect();
        loop {
            let evidence = Evidence::gather(&self.stack, &self.operator, tag, &self.board)
                .await
                .unwrap();
            let t = evidence.tally(tag, &all, &self.readers);
            if t.lost.is_empty() || started.elapsed() > within {
                let caught_up = started.elapsed();
                tokio::time::sleep(Duration::from_secs(1)).await;
                let evidence = Evidence::gather(&self.stack, &self.operator, tag, &self.board)
                    .await
                    .unwrap();
                return (evidence, caught_up);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

impl World {
    /// The city revokes the nursing office's device; returns how long until the gateway refuses
    /// the nurse's open session (revocations reach it by event, the full list only every 30 s).
    pub async fn revoke_nursing_device(&self) -> Duration {
        let listed = self
            .operator
            .get(&format!(
                "/api/v1/certificates?office_id={}",
                self.nursing_office
            ))
            .await
            .unwrap();
        let serial = listed.body[0]["serial"].as_str().unwrap().to_owned();
        let revoked = self
            .operator
            .post(
                &format!("/api/v1/certificates/{serial}/revoke"),
                &serde_json::json!({"reason": "紛失"}),
            )
            .await
            .unwrap();
        assert_eq!(revoked.status, 200, "{}", revoked.body);
        let start = Instant::now();
        while self.nurse.get("/api/v1/me").await.unwrap().code() != "certificate_revoked" {
            assert!(
                start.elapsed() < Duration::from_secs(40),
                "the revoked device still works"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        start.elapsed()
    }

    /// identity re-computes the audit trail's hash chain: a crash left no broken link.
    pub async fn assert_audit_intact(&self) {
        let verdict = self
            .operator
            .get("/api/v1/operator/audit/verify")
            .await
            .unwrap();
        assert_eq!(verdict.status, 200, "{}", verdict.body);
        println!(
            "audit trail: {} records, hash chain intact: {}",
            verdict.body["records"], verdict.body["intact"]
        );
        assert_eq!(verdict.body["intact"], true, "{}", verdict.body);
    }
}

/// Milliseconds, for the figures.
#[must_use]
pub fn ms(d: Duration) -> u128 {
    d.as_millis()
}

/// One line of figures: what the users were told and what the mail sink received.
pub fn figures(name: &str, t: &Tally, timings: &str) {
    println!(
        "{name:<10} writes acknowledged {:>3}, failed {:>2} (committed unanswered {}) | {timings} | \
         emails expected {:>3}, arrived {:>3}, duplicated {}, resent with the same Message-ID {}, \
         longest wait {} ms",
        t.acknowledged,
        t.failed,
        t.committed_unanswered,
        t.expected,
        t.arrived,
        t.duplicated,
        t.resent,
        ms(t.longest_wait)
    );
}

/// How many emails a fault may leave sent twice with the same Message-ID: one per email notify
/// had in flight when it lost the means to write down what it sent (its process, its database),
/// and notify works on at most this many events at once (`NOTIFY_CONCURRENCY`'s default).
pub const MAX_RESENT: usize = 32;

/// Fails with every lost and doubled write named. `resends`: how many second copies of one
/// message the fault may cause (see `Tally::resent`).
pub fn assert_whole(name: &str, t: &Tally, resends: usize) {
    assert!(
        t.is_whole(resends),
        "{name}: lost {:?}; doubled {:?}; {} duplicated and {} resent emails",
        t.lost,
        t.doubled,
        t.duplicated,
        t.resent
    );
    assert!(t.acknowledged > 0, "{name}: no write was acknowledged");
}
