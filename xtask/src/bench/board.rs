//! `cargo xtask bench board`: the 連絡帳 at scale. Loads 1M posts over 10k recipients, then 10M
//! over 100k, straight into careboard's database; at each size reads timeline pages (50 posts)
//! through the gateway over kept-alive mutual-TLS connections; then measures post creation and
//! the time from an urgent post to its email at the harness's SMTP server.

mod data;
pub mod login;

use super::load::{self, Client, Conn, Window};
use anyhow::{Context, Result, bail};
use data::{Members, POSTS_PER_RECIPIENT, READ_BOARDS, recipient_id};
use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use system_tests::people::{self, NewPerson, Office, Person};
use system_tests::{Stack, StackOptions};
use uuid::Uuid;

/// Longer than the TLS bench's: page latencies need more samples than a rate does for a p99.
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(10);
const CREATE_FOR: Duration = Duration::from_secs(5);
/// The urgent load: 20 posts a second, here for 10 s.
const URGENT_RATE: u32 = 20;
const URGENT_POSTS: u32 = 200;
/// Enough connections that one slow answer does not hold up the next post's turn.
const URGENT_CONNECTIONS: u32 = 4;
/// Free disk a loaded post needs: its row, two index entries and the WAL written on the way,
/// with room to spare (10M posts took about N GB).
const BYTES_PER_POST: u64 = 800;

pub struct Timeline {
    pub posts: u64,
    pub load: Duration,
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
}

pub struct Figures {
    pub timelines: Vec<Timeline>,
    pub posts_per_second: f64,
    pub urgent_p50: Duration,
    pub urgent_p99: Duration,
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
    let stack = Stack::start(opts)
        .await
        .context("the stack did not start")?;
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
        eprintln!("xtask: reading timelines at {posts} posts");
        let login = login(&client, addr, &team.care_manager).await?;
        let mut timeline = read_timelines(&client, addr, &login).await?;
        timeline.posts = posts;
        timeline.load = took;
        timelines.push(timeline);
    }
    let login = login(&client, addr, &team.care_manager).await?;
    eprintln!("xtask: creating posts for {CREATE_FOR:?}");
    let posts_per_second = create_posts(&client, addr, &login).await?;
    eprintln!("xtask: {URGENT_POSTS} urgent posts at {URGENT_RATE}/s");
    let boards = loaded..loaded + u64::from(URGENT_POSTS);
    data::urgent_boards(&db, &team.members, boards.start, boards.end).await?;
    let boards: Vec<Uuid> = boards.map(recipient_id).collect();
    let mut latencies = urgent_emails(&client, addr, &login, &stack, &boards).await?;
    latencies.sort();
    Ok(Figures {
        timelines,
        posts_per_second,
        urgent_p50: quantile(&latencies, 0.50),
        urgent_p99: quantile(&latencies, 0.99),
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

/// The bench's people: a care manager of one office who reads and posts, and a nurse of another
/// office whom urgent posts mail. Both are real accounts, so logging in and notify's address
/// lookup work as for anyone.
struct Team {
    office: Office,
    care_manager: Person,
    members: Members,
}

impl Team {
    async fn create(stack: &Stack, dir: &Path) -> Result<Self> {
        let op = people::operator(stack).await?;
        let certs = dir.join("devices");
        let office = people::office(
            stack,
            &op,
            &certs,
            "ベンチ居宅介護支援事業所",
            "居宅介護支援事業所",
        )
        .await?;
        let nursing = people::office(
            stack,
            &op,
            &certs,
            "ベンチ訪問看護ステーション",
            "訪問看護ステーション",
        )
        .await?;
        let person = |login_id, name, kana, profession| NewPerson {
            login_id,
            name,
            kana,
            profession,
            office_admin: false,
        };
        let care_manager = people::person(
            stack,
            &op,
            &office,
            &person(
                "bench.cm",
                "計測 一郎",
                "ケイソク イチロウ",
                "ケアマネジャー",
            ),
        )
        .await?;
        let nurse = people::person(
            stack,
            &op,
            &nursing,
            &person("bench.ns", "計測 花子", "ケイソク ハナコ", "看護師"),
        )
        .await?;
        let members = Members {
            care_manager: care_manager.id.parse()?,
            office: office.id.parse()?,
            nurse: nurse.id.parse()?,
            nurse_office: nursing.id.parse()?,
        };
        Ok(Self {
            office,
            care_manager,
            members,
        })
    }
}

/// A signed-in session as a browser's requests carry it: the cookie, and the CSRF token forms
/// send back.
struct Login {
    cookie: String,
    csrf: String,
}

async fn login(client: &Client, addr: SocketAddr, person: &Person) -> Result<Login> {
    // A login carries the pre-session CSRF token and its cookie, as the login page does.
    let pre = Conn::new(client, addr)
        .send(b"GET /api/v1/public/csrf-token HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await?;
    let pre_cookie = pre
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .context("no pre-session cookie")?
        .to_owned();
    let pre_json: serde_json::Value = serde_json::from_slice(&pre.body)?;
    let pre_token = pre_json["csrf_token"]
        .as_str()
        .context("no pre-session token")?
        .to_owned();
    let body =
        serde_json::json!({"login_id": person.login_id, "password": person.password}).to_string();
    let request = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Cookie: {pre_cookie}\r\nX-CSRF-Token: {pre_token}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let answer = Conn::new(client, addr).send(request.as_bytes()).await?;
    if answer.status != 200 {
        bail!(
            "login refused: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    let cookie = answer
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .context("no session cookie at login")?
        .to_owned();
    let json: serde_json::Value = serde_json::from_slice(&answer.body)?;
    let csrf = json["csrf_token"]
        .as_str()
        .context("no csrf_token at login")?
        .to_owned();
    Ok(Login { cookie, csrf })
}

impl Login {
    fn get(&self, path: &str) -> Vec<u8> {
        format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\n\r\n",
            self.cookie
        )
        .into_bytes()
    }

    /// A form as the board page submits it, with the CSRF token.
    fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Vec<u8> {
        let body = std::iter::once(("csrf_token", self.csrf.as_str()))
            .chain(fields.iter().copied())
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.cookie,
            body.len()
        )
        .into_bytes()
    }
}

/// `application/x-www-form-urlencoded`, as browsers send it.
fn form_encode(raw: &str) -> String {
    use std::fmt::Write;
    raw.bytes().fold(String::new(), |mut out, b| {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
        out
    })
}

/// The element quantile `q` of `sorted`.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a list of at most a few hundred thousand"
    )]
    let rank = (sorted.len() as f64 * q).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len().max(1)) - 1)
        .copied()
        .unwrap_or_default()
}

/// The newest page of the boards the care manager represents, one board after another, on
/// [`load::CONCURRENCY`] kept-alive connections. Fails on any page that is not 50 posts.
async fn read_timelines(client: &Client, addr: SocketAddr, login: &Login) -> Result<Timeline> {
    let pages: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..READ_BOARDS)
            .map(|n| login.get(&format!("/boards/{}", recipient_id(n))))
            .collect(),
    );
    eprintln!(
        "xtask:   {} connections, {MEASURE:?} (+{WARM_UP:?} warm-up)",
        load::CONCURRENCY
    );
    let window = Window::after(WARM_UP, MEASURE);
    let tasks: Vec<_> = (0..load::CONCURRENCY)
        .map(|worker| {
            let mut conn = Conn::new(client, addr);
            let pages = pages.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut next = worker;
                while window.open() {
                    let started = Instant::now();
                    let page = conn.send(&pages[next % pages.len()]).await?;
                    let took = started.elapsed();
                    let posts = String::from_utf8_lossy(&page.body)
                        .matches("<article class=\"post")
                        .count();
                    if page.status != 200 || posts != 50 {
                        bail!(
                            "a timeline page answered {} with {posts} posts instead of 50",
                            page.status
                        );
                    }
                    if window.counts() {
                        latencies.push(took);
                    }
                    next += load::CONCURRENCY;
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.context("a reader panicked")??);
    }
    all.sort();
    #[expect(clippy::cast_precision_loss, reason = "a count of requests")]
    let per_second = all.len() as f64 / MEASURE.as_secs_f64();
    Ok(Timeline {
        posts: 0,
        load: Duration::ZERO,
        per_second,
        p50: quantile(&all, 0.50),
        p99: quantile(&all, 0.99),
    })
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

/// One urgent post on each board at [`URGENT_RATE`] a second, and for each the time from its
/// answer (the writer sees it sent) to its email at the SMTP server.
async fn urgent_emails(
    client: &Client,
    addr: SocketAddr,
    login: &Login,
    stack: &Stack,
    boards: &[Uuid],
) -> Result<Vec<Duration>> {
    let interval = Duration::from_secs(1) / URGENT_RATE;
    let start = Instant::now();
    let tasks: Vec<_> = (0..URGENT_CONNECTIONS)
        .map(|worker| {
            let mut conn = Conn::new(client, addr);
            // Post i goes at start + i × interval, on connection i mod URGENT_CONNECTIONS.
            let turns: Vec<(Instant, Uuid, Vec<u8>)> = (worker..URGENT_POSTS)
                .step_by(URGENT_CONNECTIONS as usize)
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
    let arrived = mail_arrivals(&stack.bootstrap.mail_dir, boards).await?;
    Ok(boards
        .iter()
        .map(|b| {
            arrived[b]
                .duration_since(answered[b])
                .unwrap_or(Duration::ZERO)
        })
        .collect())
}

/// When each board's email reached the SMTP server: the sink writes a message and renames it into
/// place once received, so a file's modification time is its arrival (to the kernel's clock
/// tick, a few ms), with no need to watch the folder closely while the load runs.
async fn mail_arrivals(dir: &Path, boards: &[Uuid]) -> Result<HashMap<Uuid, SystemTime>> {
    let wanted: HashSet<Uuid> = boards.iter().copied().collect();
    let deadline = Instant::now() + Duration::from_mins(1);
    let mut seen = HashSet::new();
    let mut arrived = HashMap::new();
    while arrived.len() < wanted.len() {
        if Instant::now() > deadline {
            bail!(
                "only {} of {} urgent emails arrived within 60 s of the last post",
                arrived.len(),
                wanted.len()
            );
        }
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
                    eprintln!("xtask:   a second email for the urgent post on board {board}");
                }
                let first = arrived.entry(board).or_insert(at);
                *first = (*first).min(at);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(arrived)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_elements() {
        let ms: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&ms, 0.50), Duration::from_millis(50));
        assert_eq!(quantile(&ms, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&[], 0.99), Duration::ZERO);
    }

    #[test]
    fn forms_are_encoded_as_browsers_do() {
        assert_eq!(form_encode("a b&c=連"), "a+b%26c%3D%E9%80%A3");
    }
}
