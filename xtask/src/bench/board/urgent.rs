//! Urgent posts at a steady rate, each on a board of its own, and for each the time from its
//! answer (the writer sees it sent) to its email at the harness's SMTP server: today's 20 a
//! second, and the burst of a disaster morning across the city (200 a second for 10 s).

use super::team::{Login, quantile};
use crate::bench::load::{Client, Conn};
use anyhow::{Context, Result, bail};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};
use uuid::Uuid;

/// How long the emails may take after the last post before the rest count as lost.
pub const ARRIVAL_LIMIT: Duration = Duration::from_mins(1);

/// A load: `posts` posts at `rate` a second over `connections` kept-alive connections.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub rate: u32,
    pub posts: u32,
    pub connections: u32,
}

/// What one load came to.
pub struct Run {
    /// From each post's answer to its email; for an email that never came, `Duration::MAX`.
    pub latencies: Vec<Duration>,
    pub arrived: usize,
    /// Emails per second from the first post's answer to the last email's arrival.
    pub emails_per_second: f64,
}

impl Run {
    pub fn p50(&self) -> Duration {
        quantile(&self.latencies, 0.50)
    }

    pub fn p99(&self) -> Duration {
        quantile(&self.latencies, 0.99)
    }
}

/// One urgent post on each of `boards` (as many as `load.posts`) at `load.rate`, then the wait
/// for their emails.
pub async fn run(
    client: &Client,
    addr: SocketAddr,
    login: &Login,
    mail_dir: &Path,
    boards: &[Uuid],
    load: Load,
) -> Result<Run> {
    let interval = Duration::from_secs(1) / load.rate;
    let start = Instant::now();
    let tasks: Vec<_> = (0..load.connections)
        .map(|worker| {
            let mut conn = Conn::new(client, addr);
            // Post i goes at start + i × interval, on connection i mod connections.
            let turns: Vec<(Instant, Uuid, Vec<u8>)> = (worker..load.posts)
                .step_by(load.connections as usize)
                .map(|i| {
                    let board = boards[i as usize];
                    let request = login.post_form(
                        &format!("/boards/{board}/posts"),
                        &[
                            ("body", "急変のため至急連絡ください。"),
                            ("category", "連絡"),
                            ("urgent", "1"),
                        ],
                    );
                    (start + interval * i, board, request)
                })
                .collect();
            tokio::spawn(async move {
                let mut answered = Vec::new();
                for (due, board, request) in turns {
                    tokio::time::sleep_until(due.into()).await;
                    let answer = conn.send(&request).await?;
                    if answer.status != 303 {
                        bail!("an urgent post answered {}", answer.status);
                    }
                    #[expect(
                        clippy::disallowed_methods,
                        reason = "compared with the mail file's time, which is wall-clock time"
                    )]
                    let at = SystemTime::now();
                    answered.push((board, at, due.elapsed()));
                }
                Ok(answered)
            })
        })
        .collect();
    let mut answered = HashMap::new();
    let mut late = Duration::ZERO;
    for t in tasks {
        for (board, at, behind) in t.await.context("an urgent poster panicked")?? {
            answered.insert(board, at);
            late = late.max(behind);
        }
    }
    eprintln!("xtask:   the latest post was answered {late:?} after its turn");
    let boards = &boards[..load.posts as usize];
    let arrived = mail_arrivals(mail_dir, boards).await?;
    let mut latencies: Vec<Duration> = boards
        .iter()
        .map(|b| match arrived.get(b) {
            Some(at) => at.duration_since(answered[b]).unwrap_or(Duration::ZERO),
            None => Duration::MAX,
        })
        .collect();
    latencies.sort();
    let first = answered.values().min().copied();
    let last = arrived.values().max().copied();
    let span = match (first, last) {
        (Some(f), Some(l)) => l.duration_since(f).unwrap_or_default(),
        _ => Duration::ZERO,
    };
    #[expect(clippy::cast_precision_loss, reason = "a count of emails")]
    let emails_per_second = if span.is_zero() {
        0.0
    } else {
        arrived.len() as f64 / span.as_secs_f64()
    };
    Ok(Run {
        latencies,
        arrived: arrived.len(),
        emails_per_second,
    })
}

/// When each board's email reached the SMTP server, for those that did within
/// [`ARRIVAL_LIMIT`]: the sink writes a message and renames it into place once received, so a
/// file's modification time is its arrival (to the kernel's clock tick, a few ms), with no need
/// to watch the folder closely while the load runs.
async fn mail_arrivals(dir: &Path, boards: &[Uuid]) -> Result<HashMap<Uuid, SystemTime>> {
    let wanted: HashSet<Uuid> = boards.iter().copied().collect();
    let deadline = Instant::now() + ARRIVAL_LIMIT;
    let mut seen = HashSet::new();
    let mut arrived = HashMap::new();
    let mut doubled = 0_usize;
    while arrived.len() < wanted.len() && Instant::now() < deadline {
        for entry in std::fs::read_dir(dir)?.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|x| x != "eml") || !seen.insert(path.clone()) {
                continue;
            }
            let at = entry.metadata()?.modified()?;
            let text = system_tests::smtp::readable(&std::fs::read_to_string(&path)?);
            let board = text
                .split("/boards/")
                .skip(1)
                .find_map(|rest| rest.get(..36)?.parse::<Uuid>().ok())
                .filter(|b| wanted.contains(b));
            // One email per post: the nurse is the only other member. A second would be a
            // redelivery, reported; the first is the arrival.
            if let Some(board) = board {
                if arrived.contains_key(&board) {
                    doubled += 1;
                }
                let first = arrived.entry(board).or_insert(at);
                *first = (*first).min(at);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if doubled > 0 {
        eprintln!("xtask:   {doubled} urgent posts were mailed twice");
    }
    Ok(arrived)
}
