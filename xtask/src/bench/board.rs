//! `cargo xtask bench board`: the 連絡帳 at scale. Loads 1M posts over 10k recipients, then 10M
//! over 100k, straight into careboard's database; at each size reads timeline pages (50 posts)
//! through the gateway over kept-alive mutual-TLS connections; then measures post creation and
//! the time from an urgent post to its email at the SMTP server.

use anyhow::{Context, Result, bail};
use sqlx::PgPool;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::people::{self, NewPerson, Office, Person};
use system_tests::{Stack, StackOptions};
use uuid::Uuid;

/// Posts per recipient, as the issue sizes it (1M over 10k, 10M over 100k).
const POSTS_PER_RECIPIENT: u64 = 100;
/// Boards the bench user reads, in turn.
const READ_BOARDS: u64 = 20;
const CONCURRENCY: usize = 8;
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(10);
/// The urgent load: 20 posts a second.
const URGENT_RATE: u32 = 20;
const URGENT_POSTS: u32 = 200;

pub struct Timeline {
    pub posts: u64,
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

/// `BENCH_BOARD_SCALE` (default 1) shrinks the data for a quick run; the figures are then not
/// the issue's.
fn scale() -> f64 {
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
    ((full as f64 * scale()) as u64).max(READ_BOARDS + 1)
}

pub async fn run(dir: &Path) -> Result<Figures> {
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
    let mut timelines = Vec::new();
    let mut loaded = 0;
    for full in [10_000, 100_000] {
        let target = recipients_at(full);
        load(&db, &team, loaded, target).await?;
        loaded = target;
        let posts = target * POSTS_PER_RECIPIENT;
        eprintln!("xtask: reading timelines at {posts} posts");
        timelines.push(read_timelines(&stack, &team, posts).await?);
    }
    eprintln!("xtask: creating posts");
    let posts_per_second = create_posts(&stack, &team).await?;
    eprintln!("xtask: urgent posts at {URGENT_RATE}/s");
    let (urgent_p50, urgent_p99) = urgent_emails(&stack, &team, &db, loaded).await?;
    Ok(Figures {
        timelines,
        posts_per_second,
        urgent_p50,
        urgent_p99,
    })
}

/// The bench's people: a care manager who reads (and represents the sample boards) and a nurse
/// of another office who is mailed on urgent posts.
struct Team {
    office: Office,
    nurse_office_id: Uuid,
    care_manager: Person,
    nurse: Person,
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
        let care_manager = people::person(
            stack,
            &op,
            &office,
            &NewPerson {
                login_id: "bench.cm",
                name: "計測 一郎",
                kana: "ケイソク イチロウ",
                profession: "ケアマネジャー",
                office_admin: false,
            },
        )
        .await?;
        let nurse = people::person(
            stack,
            &op,
            &nursing,
            &NewPerson {
                login_id: "bench.ns",
                name: "計測 花子",
                kana: "ケイソク ハナコ",
                profession: "看護師",
                office_admin: false,
            },
        )
        .await?;
        Ok(Self {
            nurse_office_id: nursing.id.parse()?,
            office,
            care_manager,
            nurse,
        })
    }

    async fn session(&self, stack: &Stack) -> Result<Session> {
        people::session(stack, &self.office, &self.care_manager).await
    }
}

/// Recipient number `n` as an id, so the bench can name the boards it loaded.
fn recipient_id(n: u64) -> Uuid {
    Uuid::from_u128(0x0000_0000_0000_4000_8000_0000_0000_0000 | u128::from(n))
}

/// Adds recipients `from..to` with their consent, a member who writes, and 100 posts each
/// (`UUIDv7` ids one millisecond apart, interleaved across boards as real days would be). The
/// first `READ_BOARDS` recipients also have the bench's care manager (representative) and nurse.
async fn load(db: &PgPool, team: &Team, from: u64, to: u64) -> Result<()> {
    let started = Instant::now();
    let cm: Uuid = team.care_manager.id.parse()?;
    let office: Uuid = team.office.id.parse()?;
    eprintln!("xtask: loading recipients {from}..{to}");
    sqlx::query(
        "INSERT INTO recipients (id, display_name, kana, birth_date, sex, address, care_level, status, created_at, \
         updated_at, registered_by, registered_office) \
         SELECT ('00000000-0000-4000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, '計測 ' || i, 'ケイソク', \
                date '1930-01-01' + (i % 7000)::int, '女性', '高萩市', '要介護2', 'active', now(), now(), $3, $4 \
         FROM generate_series($1::bigint, $2::bigint - 1) i",
    )
    .bind(i64::try_from(from)?)
    .bind(i64::try_from(to)?)
    .bind(cm)
    .bind(office)
    .execute(db)
    .await?;
    sqlx::query(
        "INSERT INTO consents (recipient_id, obtained_on, obtained_by, office_id, office_name, recorded_by, \
         recorded_by_name, recorded_at) \
         SELECT id, date '2026-11-01', '計測', $2, 'ベンチ', $3, '計測 一郎', now() FROM recipients \
         WHERE id >= ('00000000-0000-4000-8000-' || lpad(to_hex($1::bigint), 12, '0'))::uuid",
    )
    .bind(i64::try_from(from)?)
    .bind(office)
    .bind(cm)
    .execute(db)
    .await?;
    // The writer of each board: an id of its own (identity never needs to know it), its
    // representative except on the boards the bench's care manager represents.
    sqlx::query(
        "INSERT INTO team_members (recipient_id, user_id, office_id, is_representative, added_at, name, kana, \
         profession, office_name) \
         SELECT id, ('00000000-0000-4000-9000-' || right(id::text, 12))::uuid, $2, id > $3, now(), \
                '計測 職員', 'ケイソク', '看護師', 'ベンチ' FROM recipients \
         WHERE id >= ('00000000-0000-4000-8000-' || lpad(to_hex($1::bigint), 12, '0'))::uuid",
    )
    .bind(i64::try_from(from)?)
    .bind(team.nurse_office_id)
    .bind(recipient_id(READ_BOARDS - 1))
    .execute(db)
    .await?;
    if from == 0 {
        join_read_boards(db, team).await?;
    }
    let total = (to - from) * POSTS_PER_RECIPIENT;
    let batch = 500_000.min(total);
    let mut done = 0;
    while done < total {
        let n = batch.min(total - done);
        insert_posts(db, from, to, from * POSTS_PER_RECIPIENT + done, n).await?;
        done += n;
        eprintln!(
            "xtask:   posts {done}/{total} ({:.0} %, {:.0} s)",
            percent(done, total),
            started.elapsed().as_secs_f64()
        );
    }
    sqlx::query("ANALYZE").execute(db).await?;
    eprintln!(
        "xtask: loaded {} recipients and {total} posts in {:.0} s",
        to - from,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[expect(clippy::cast_precision_loss, reason = "progress figures only")]
fn percent(done: u64, total: u64) -> f64 {
    done as f64 * 100.0 / total as f64
}

/// The care manager represents the boards the bench reads; the nurse is on them too.
async fn join_read_boards(db: &PgPool, team: &Team) -> Result<()> {
    let cm: Uuid = team.care_manager.id.parse()?;
    let nurse: Uuid = team.nurse.id.parse()?;
    let office: Uuid = team.office.id.parse()?;
    for n in 0..READ_BOARDS {
        for (user, office, rep, name, profession) in [
            (cm, office, true, "計測 一郎", "ケアマネジャー"),
            (nurse, team.nurse_office_id, false, "計測 花子", "看護師"),
        ] {
            sqlx::query(
                "INSERT INTO team_members (recipient_id, user_id, office_id, is_representative, added_at, name, kana, \
                 profession, office_name) VALUES ($1, $2, $3, $4, now(), $5, 'ケイソク', $6, 'ベンチ')",
            )
            .bind(recipient_id(n))
            .bind(user)
            .bind(office)
            .bind(rep)
            .bind(name)
            .bind(profession)
            .execute(db)
            .await?;
        }
    }
    Ok(())
}

/// Posts `first..first + n` of the global sequence; post `k` goes to recipient
/// `from + k % (to - from)` and is `k` milliseconds after a fixed start.
async fn insert_posts(db: &PgPool, from: u64, to: u64, first: u64, n: u64) -> Result<()> {
    sqlx::query(
        "INSERT INTO posts (id, recipient_id, author_user_id, author_name, author_profession, author_office, \
         category, urgent, body, created_at) \
         SELECT (lpad(to_hex(t), 12, '0') || '7000' || '8' || lpad(to_hex(k), 15, '0'))::uuid, \
                ('00000000-0000-4000-8000-' || lpad(to_hex(r), 12, '0'))::uuid, \
                ('00000000-0000-4000-9000-' || lpad(to_hex(r), 12, '0'))::uuid, \
                '計測 職員', '看護師', 'ベンチ訪問看護ステーション', \
                (ARRAY['服薬','治療','生活・食事','排泄','バイタル','リハビリ','連絡','その他'])[1 + k % 8], false, \
                '本日訪問しました。血圧' || (110 + k % 40) || '/' || (60 + k % 30) || '、食事は半分程度、水分は十分に摂れています。', \
                to_timestamp(t / 1000.0) \
         FROM (SELECT k, $1::bigint + k % ($2::bigint - $1::bigint) AS r, 1700000000000 + k AS t \
               FROM generate_series($3::bigint, $3::bigint + $4::bigint - 1) k) s",
    )
    .bind(i64::try_from(from)?)
    .bind(i64::try_from(to)?)
    .bind(i64::try_from(first)?)
    .bind(i64::try_from(n)?)
    .execute(db)
    .await?;
    Ok(())
}

/// The page latencies, sorted.
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a list of a few hundred thousand"
    )]
    let i = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

async fn read_timelines(stack: &Stack, team: &Team, posts: u64) -> Result<Timeline> {
    let session = Arc::new(team.session(stack).await?);
    let from = Instant::now() + WARM_UP;
    let until = from + MEASURE;
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let session = session.clone();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = worker as u64;
                while Instant::now() < until {
                    let board = recipient_id(n % READ_BOARDS);
                    n += CONCURRENCY as u64;
                    let started = Instant::now();
                    let page = session.get(&format!("/boards/{board}")).await?;
                    if page.status != 200 {
                        bail!("the timeline answered {}", page.status);
                    }
                    let html = page.body.as_str().unwrap_or_default();
                    if html.matches("<article class=\"post").count() != 50 {
                        bail!("a timeline page without 50 posts");
                    }
                    if started >= from && Instant::now() < until {
                        latencies.push(started.elapsed());
                    }
                }
                Ok(latencies)
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await??);
    }
    all.sort();
    #[expect(clippy::cast_precision_loss, reason = "a count of requests")]
    let per_second = all.len() as f64 / MEASURE.as_secs_f64();
    Ok(Timeline {
        posts,
        per_second,
        p50: quantile(&all, 0.50),
        p99: quantile(&all, 0.99),
    })
}

async fn create_posts(stack: &Stack, team: &Team) -> Result<f64> {
    let session = Arc::new(team.session(stack).await?);
    let until = Instant::now() + Duration::from_secs(5);
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|worker| {
            let session = session.clone();
            tokio::spawn(async move {
                let mut created = 0_u32;
                let board = recipient_id(worker as u64 % READ_BOARDS);
                while Instant::now() < until {
                    let a = session
                        .post_form(
                            &format!("/boards/{board}/posts"),
                            &[
                                ("body", "訪問しました。変わりありません。"),
                                ("category", "連絡"),
                            ],
                        )
                        .await?;
                    if a.status != 303 {
                        bail!("posting answered {}: {}", a.status, a.body);
                    }
                    created += 1;
                }
                Ok(created)
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await??;
    }
    Ok(f64::from(total) / 5.0)
}

/// Each urgent post goes to a board of its own (added here: the care manager and the nurse), so
/// its email, which names only the board, is known when it arrives.
async fn urgent_emails(
    stack: &Stack,
    team: &Team,
    db: &PgPool,
    loaded: u64,
) -> Result<(Duration, Duration)> {
    let boards: Vec<Uuid> = (0..u64::from(URGENT_POSTS))
        .map(|i| recipient_id(loaded + 1 + i))
        .collect();
    let cm: Uuid = team.care_manager.id.parse()?;
    let nurse: Uuid = team.nurse.id.parse()?;
    let office: Uuid = team.office.id.parse()?;
    for b in &boards {
        sqlx::query(
            "INSERT INTO recipients (id, display_name, kana, birth_date, sex, address, care_level, status, created_at) \
             VALUES ($1, '計測 緊急', 'ケイソク', date '1935-01-01', '女性', '高萩市', '要介護3', 'active', now())",
        )
        .bind(b)
        .execute(db)
        .await?;
        for (user, office, rep) in [(cm, office, true), (nurse, team.nurse_office_id, false)] {
            sqlx::query(
                "INSERT INTO team_members (recipient_id, user_id, office_id, is_representative, added_at, name, kana, \
                 profession, office_name) VALUES ($1, $2, $3, $4, now(), '計測', 'ケイソク', '看護師', 'ベンチ')",
            )
            .bind(b)
            .bind(user)
            .bind(office)
            .bind(rep)
            .execute(db)
            .await?;
        }
    }
    let session = Arc::new(team.session(stack).await?);
    let mail_dir = stack.bootstrap.mail_dir.clone();
    let watcher = tokio::spawn(watch_mail(mail_dir, boards.clone()));
    let interval = Duration::from_secs(1) / URGENT_RATE;
    let start = Instant::now();
    let mut sent = Vec::new();
    for (i, board) in boards.iter().enumerate() {
        let due = start + interval * u32::try_from(i)?;
        tokio::time::sleep_until(due.into()).await;
        let session = session.clone();
        let board = *board;
        sent.push(tokio::spawn(async move {
            let at = Instant::now();
            let a = session
                .post_form(
                    &format!("/boards/{board}/posts"),
                    &[
                        ("body", "急変のため至急連絡ください"),
                        ("category", "連絡"),
                        ("urgent", "1"),
                    ],
                )
                .await?;
            if a.status != 303 {
                bail!("the urgent post answered {}", a.status);
            }
            Ok((board, at))
        }));
    }
    let mut posted = std::collections::HashMap::new();
    for s in sent {
        let (board, at) = s.await??;
        posted.insert(board, at);
    }
    let arrived = watcher.await??;
    let mut latencies: Vec<Duration> = arrived
        .into_iter()
        .filter_map(|(board, at)| posted.get(&board).map(|p| at.saturating_duration_since(*p)))
        .collect();
    if latencies.len() != boards.len() {
        bail!(
            "{} of {} urgent emails arrived",
            latencies.len(),
            boards.len()
        );
    }
    latencies.sort();
    Ok((quantile(&latencies, 0.50), quantile(&latencies, 0.99)))
}

/// When each board's email reached the SMTP server: the folder is scanned every 2 ms (the
/// server renames each finished message into place).
async fn watch_mail(dir: std::path::PathBuf, boards: Vec<Uuid>) -> Result<Vec<(Uuid, Instant)>> {
    let deadline = Instant::now() + Duration::from_mins(2);
    let mut seen = std::collections::HashSet::new();
    let mut arrived = Vec::new();
    while arrived.len() < boards.len() {
        if Instant::now() > deadline {
            bail!(
                "only {} of {} urgent emails arrived within 120 s",
                arrived.len(),
                boards.len()
            );
        }
        let now = Instant::now();
        for entry in std::fs::read_dir(&dir)?.flatten() {
            let name = entry.file_name();
            if !name.to_string_lossy().ends_with(".eml") || !seen.insert(name) {
                continue;
            }
            let text = system_tests::smtp::readable(&std::fs::read_to_string(entry.path())?);
            if let Some(b) = boards
                .iter()
                .find(|b| text.contains(&format!("/boards/{b}")))
            {
                arrived.push((*b, now));
            }
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    Ok(arrived)
}
