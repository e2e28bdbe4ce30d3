//! `cargo xtask bench board`: the 連絡帳 at scale. Loads 1M posts over 10k recipients, then 10M
//! over 100k, straight into careboard's database; at each size reads timeline pages (50 posts)
//! through the gateway over kept-alive mutual-TLS connections; then measures post creation and
//! the time from an urgent post to its email at the harness's SMTP server.

mod data;
pub mod login;
mod reading;
mod statements;
mod team;
mod urgent;

use super::load::{self, Client, Conn, Window};
use anyhow::{Context, Result, bail};
use data::{POSTS_PER_RECIPIENT, READ_BOARDS, recipient_id};
use reading::{Reading, Sample};
pub use statements::Statements;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use system_tests::{Stack, StackOptions};
use team::{Login, Team, login};
use uuid::Uuid;

const CREATE_FOR: Duration = Duration::from_secs(5);
/// The urgent load: 20 posts a second, here for 10 s. Enough connections that one slow
/// answer does not hold up the next post's turn.
const URGENT: urgent::Load = urgent::Load {
    rate: 20,
    posts: 200,
    connections: 4,
};
/// A disaster morning across the city: 200 urgent posts a second for 10 s.
const BURST: urgent::Load = urgent::Load {
    rate: 200,
    posts: 2000,
    connections: 32,
};
/// Free disk a loaded post needs: its row, two index entries and the WAL written on the way,
/// with room to spare; the word index's grams about double a row.
const BYTES_PER_POST: u64 = 1600;

/// What the readers measured at one size.
pub struct Timeline {
    pub posts: u64,
    pub load: Duration,
    pub pages: Sample,
    /// The pages again, each followed by the 既読 batch of the posts it showed.
    pub pages_with_reads: Sample,
    pub batches: Sample,
    pub search: Sample,
}

pub struct Figures {
    pub timelines: Vec<Timeline>,
    pub statements: Statements,
    pub posts_per_second: f64,
    pub urgent_p50: Duration,
    pub urgent_p99: Duration,
    pub burst: Burst,
}

/// The burst's figures.
pub struct Burst {
    pub rate: u32,
    pub posts: u32,
    pub arrived: usize,
    pub p50: Duration,
    /// `Duration::MAX` when more than 1 % of the emails did not come within a minute.
    pub p99: Duration,
    pub replicas: usize,
    pub emails_per_second_per_replica: f64,
}

/// `BENCH_NOTIFY_REPLICAS` (default 1, at most 4): how many notify processes share the burst.
fn notify_replicas() -> usize {
    std::env::var("BENCH_NOTIFY_REPLICAS")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|n| (1..=4).contains(n))
        .unwrap_or(1)
}

/// `BENCH_BOARD_SCALE` (default 1) shrinks the data for a quick run; its figures are then not
/// the issue's.
pub fn scale() -> f64 {
    std::env::var("BENCH_BOARD_SCALE")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|s: &f64| *s > 0.0 && *s <= 1.0)
        .unwrap_or(1.0)
}

#[expect(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "recipient counts are small positive numbers"
)]
fn recipients_at(full: u64) -> u64 {
    ((full as f64 * scale()) as u64).max(READ_BOARDS)
}

pub async fn run(dir: &Path) -> Result<Figures> {
    let sizes = [recipients_at(10_000), recipients_at(100_000)];
    check_disk(dir, sizes[1] * POSTS_PER_RECIPIENT)?;
    eprintln!("xtask: starting the stack");
    let opts = StackOptions {
        otlp: false,
        env: vec![("RUST_LOG".into(), "warn".into())],
        ..StackOptions::for_test(dir)
    };
    let mut stack = Stack::start(opts)
        .await
        .context("the stack did not start")?;
    let replicas = notify_replicas();
    for n in 2..=replicas {
        stack
            .start_replica("notify", &format!("notify-{n}"))
            .await?;
    }
    let team = Team::create(&stack, dir).await?;
    let db = stack.database("careboard").await?;
    let addr = super::gateway_addr(&stack)?;
    let device = &team.office.device;
    let client = Client::new(&stack.bootstrap.ca_cert, Some((&device.cert, &device.key)))?;
    let mut timelines = Vec::new();
    let mut loaded = 0;
    for size in sizes {
        let took = data::load(&db, &team.members, loaded, size).await?;
        loaded = size;
        let posts = size * POSTS_PER_RECIPIENT;
        let login = Arc::new(login(&client, addr, &team.care_manager).await?);
        eprintln!("xtask: reading timelines at {posts} posts");
        let pages = reading::measure(&client, addr, &login, Reading::Timeline).await?;
        eprintln!("xtask: reading timelines and marking them 既読 at {posts} posts");
        let with_reads = reading::measure(&client, addr, &login, Reading::TimelineAndReads).await?;
        eprintln!("xtask: searching for {} at {posts} posts", reading::WORD);
        let search = reading::measure(&client, addr, &login, Reading::Search).await?;
        timelines.push(Timeline {
            posts,
            load: took,
            pages: pages.pages,
            pages_with_reads: with_reads.pages,
            batches: with_reads.batches,
            search: search.pages,
        });
    }
    let login = login(&client, addr, &team.care_manager).await?;
    eprintln!("xtask: counting SQL statements per timeline page view");
    let cluster = stack.database("postgres").await?;
    let statements = statements::per_page_view(&cluster, &client, addr, &login).await?;
    eprintln!("xtask: creating posts for {CREATE_FOR:?}");
    let posts_per_second = create_posts(&client, addr, &login).await?;
    let mail_dir = stack.bootstrap.mail_dir.clone();
    eprintln!("xtask: {} urgent posts at {}/s", URGENT.posts, URGENT.rate);
    let boards = loaded..loaded + u64::from(URGENT.posts);
    data::urgent_boards(&db, &team.members, boards.start, boards.end).await?;
    let boards: Vec<Uuid> = boards.map(recipient_id).collect();
    let steady = urgent::run(&client, addr, &login, &mail_dir, &boards, URGENT).await?;
    if steady.arrived < boards.len() {
        bail!(
            "only {} of {} urgent emails arrived within 60 s of the last post",
            steady.arrived,
            boards.len()
        );
    }
    eprintln!(
        "xtask: the burst: {} urgent posts at {}/s on {replicas} notify replica(s)",
        BURST.posts, BURST.rate
    );
    let from = loaded + u64::from(URGENT.posts);
    let boards = from..from + u64::from(BURST.posts);
    data::urgent_boards(&db, &team.members, boards.start, boards.end).await?;
    let boards: Vec<Uuid> = boards.map(recipient_id).collect();
    let burst = urgent::run(&client, addr, &login, &mail_dir, &boards, BURST).await?;
    #[expect(clippy::cast_precision_loss, reason = "a handful of replicas")]
    let per_replica = burst.emails_per_second / replicas as f64;
    Ok(Figures {
        timelines,
        statements,
        posts_per_second,
        urgent_p50: steady.p50(),
        urgent_p99: steady.p99(),
        burst: Burst {
            rate: BURST.rate,
            posts: BURST.posts,
            arrived: burst.arrived,
            p50: burst.p50(),
            p99: burst.p99(),
            replicas,
            emails_per_second_per_replica: per_replica,
        },
    })
}

/// Fails before the stack starts when the disk under `dir` (where PostgreSQL's data goes) cannot
/// hold `posts`, rather than an hour into the load.
fn check_disk(dir: &Path, posts: u64) -> Result<()> {
    let output = std::process::Command::new("df")
        .args(["-Pk"])
        .arg(dir)
        .output()
        .context("cannot run df")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let free_kib: u64 = text
        .lines()
        .nth(1)
        .and_then(|l| l.split_whitespace().nth(3))
        .and_then(|n| n.parse().ok())
        .with_context(|| format!("cannot read df's answer: {text}"))?;
    let need_kib = posts * BYTES_PER_POST / 1024;
    if free_kib < need_kib {
        bail!(
            "{posts} posts need about {} GiB free under {}, but only {} GiB are; free some space, \
             point TMPDIR elsewhere, or shrink the run with BENCH_BOARD_SCALE=0.1",
            need_kib >> 20,
            dir.display(),
            free_kib >> 20
        );
    }
    Ok(())
}

/// Posts per second on the read boards, as fast as [`load::CONCURRENCY`] connections go.
async fn create_posts(client: &Client, addr: SocketAddr, login: &Login) -> Result<f64> {
    let window = Window::after(Duration::from_secs(1), CREATE_FOR);
    let tasks: Vec<_> = (0..load::CONCURRENCY)
        .map(|worker| {
            let mut conn = Conn::new(client, addr);
            let request = login.post_form(
                &format!(
                    "/boards/{}/posts",
                    recipient_id(worker as u64 % READ_BOARDS)
                ),
                &[
                    ("body", "訪問しました。変わりありません。"),
                    ("category", "連絡"),
                ],
            );
            tokio::spawn(async move {
                let mut created = 0_u32;
                while window.open() {
                    let answer = conn.send(&request).await?;
                    if answer.status != 303 {
                        bail!(
                            "posting answered {}: {}",
                            answer.status,
                            String::from_utf8_lossy(&answer.body)
                        );
                    }
                    if window.counts() {
                        created += 1;
                    }
                }
                Ok(created)
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.context("a poster panicked")??;
    }
    Ok(f64::from(total) / CREATE_FOR.as_secs_f64())
}
