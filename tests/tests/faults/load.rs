//! The writes of a busy morning, made while something breaks: the city registers offices and a
//! care manager makes urgent posts, one of each per beat, every answer recorded. Nothing is
//! retried: what the user was told is what is checked afterwards.

use common::clock::Clock;
use serde_json::json;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};
use system_tests::api::Session;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Office,
    Post,
}

#[derive(Clone, Debug)]
pub struct Write {
    pub kind: Kind,
    pub n: usize,
    pub sent: Instant,
    pub answered: Instant,
    /// The same moment by the wall clock, to set against when its emails arrived.
    pub answered_at: SystemTime,
    /// The user was told it worked (201 for the API, the redirect back to the board for the form).
    pub ok: bool,
}

pub struct Load {
    writes: Arc<Mutex<Vec<Write>>>,
    stop: Arc<AtomicBool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

/// The admin address of the n-th office: its welcome mail goes there and nowhere else.
pub fn office_email(tag: &str, n: usize) -> String {
    format!("fault-{tag}-{n}@example.jp")
}

/// The n-th urgent post's text, unique so that its row can be found again.
pub fn post_body(tag: &str, n: usize) -> String {
    format!("障害試験 {tag}-{n} 至急連絡を")
}

impl Load {
    /// Starts both writers; `beat` is the pause between two writes of one kind.
    pub fn start(
        operator: &Arc<Session>,
        author: &Arc<Session>,
        board: &str,
        tag: &str,
        beat: Duration,
    ) -> Self {
        let writes = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = Vec::new();
        for kind in [Kind::Office, Kind::Post] {
            let (writes, stop) = (writes.clone(), stop.clone());
            let session = if kind == Kind::Office {
                operator.clone()
            } else {
                author.clone()
            };
            let (tag, board) = (tag.to_owned(), board.to_owned());
            tasks.push(tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::SeqCst) {
                    let sent = Instant::now();
                    let ok = write(&session, kind, &tag, &board, n).await;
                    let answered = Instant::now();
                    let answered_at = SystemTime::from(common::clock::SystemClock.now());
                    writes
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(Write {
                            kind,
                            n,
                            sent,
                            answered,
                            answered_at,
                            ok,
                        });
                    n += 1;
                    tokio::time::sleep(beat.saturating_sub(answered - sent)).await;
                }
            }));
        }
        Self {
            writes,
            stop,
            tasks,
        }
    }

    #[must_use]
    pub fn writes(&self) -> Vec<Write> {
        self.writes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// When writes of both kinds sent at or after `after` have been acknowledged: the user can
    /// work again. `None` if that did not happen `within`.
    pub async fn wait_writes_back(&self, after: Instant, within: Duration) -> Option<Instant> {
        let deadline = Instant::now() + within;
        loop {
            let writes = self.writes();
            let back = [Kind::Office, Kind::Post].map(|kind| {
                writes
                    .iter()
                    .filter(|w| w.kind == kind && w.ok && w.sent >= after)
                    .map(|w| w.answered)
                    .min()
            });
            if let [Some(a), Some(b)] = back {
                return Some(a.max(b));
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Stops both writers after their current write and returns every write made.
    pub async fn finish(mut self) -> Vec<Write> {
        self.stop.store(true, Ordering::SeqCst);
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
        self.writes()
    }
}

async fn write(session: &Session, kind: Kind, tag: &str, board: &str, n: usize) -> bool {
    match kind {
        Kind::Office => session
            .post(
                "/api/v1/operator/offices",
                &json!({
                    "name": format!("障害試験事業所 {tag}-{n}"),
                    "kind": "訪問看護ステーション",
                    "admin_email": office_email(tag, n),
                }),
            )
            .await
            .is_ok_and(|a| a.status == 201),
        Kind::Post => session
            .post_form(
                &format!("/boards/{board}/posts"),
                &[("body", &post_body(tag, n)), ("urgent", "1")],
            )
            .await
            // Back to the board, at the new post's anchor.
            .is_ok_and(|a| {
                let to_board = format!("/boards/{board}");
                a.status == 303
                    && a.location.as_deref().is_some_and(|l| {
                        l == to_board || l.starts_with(&format!("{to_board}#post-"))
                    })
            }),
    }
}
