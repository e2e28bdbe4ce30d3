//! `cargo xtask bench login`: what a morning's logins cost everyone else. The timeline's p99 is
//! measured on its own, then again while 20 logins a second run (argon2id at 19 MiB each, on
//! identity's bounded CPU pool), and the ratio printed; then a burst of logins at once, with
//! identity's peak (`VmHWM`) and settled (`VmRSS`) resident memory read from `/proc`.

use super::reading::{self, Reading};
use super::team::{Login, Team, login, quantile};
use super::{data, recipients_at};
use crate::bench::load::{Client, Conn};
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use system_tests::people::Person;
use system_tests::{Stack, StackOptions};

/// The login load.
const LOGIN_RATE: u32 = 20;
/// Logins started at once in the burst, as when a shift starts across the city.
const BURST: usize = 200;
const BURST_CONCURRENCY: usize = 50;
/// How long identity is left alone before its settled memory is read.
const SETTLE: Duration = Duration::from_secs(20);

pub struct Figures {
    pub p99_alone: Duration,
    pub p99_with_logins: Duration,
    pub logins_per_second: f64,
    pub login_p99: Duration,
    pub idle_rss_kib: u64,
    pub peak_rss_kib: u64,
    pub settled_rss_kib: u64,
}

/// `VmHWM` (the peak) and `VmRSS` (now) of `pid`, in KiB.
pub fn memory(pid: u32) -> Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .with_context(|| format!("cannot read /proc/{pid}/status"))?;
    let field = |name: &str| -> Result<u64> {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .with_context(|| format!("no {name} in /proc/{pid}/status"))
    };
    Ok((field("VmHWM:")?, field("VmRSS:")?))
}

/// One login on a fresh connection (a full handshake, as a browser that just started), timed.
async fn one_login(client: &Client, addr: SocketAddr, person: &Person) -> Result<Duration> {
    let started = Instant::now();
    let _session: Login = login(client, addr, person).await?;
    Ok(started.elapsed())
}

/// Logins at [`LOGIN_RATE`] a second until `stop`, each on its own task so that a slow one does
/// not delay the next one's turn. Returns each login's time.
async fn logins_until(
    client: &Client,
    addr: SocketAddr,
    person: &Person,
    stop: Arc<AtomicBool>,
) -> Result<Vec<Duration>> {
    let interval = Duration::from_secs(1) / LOGIN_RATE;
    let start = Instant::now();
    let mut running = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::SeqCst) {
        tokio::time::sleep_until((start + interval * n).into()).await;
        n += 1;
        let (client, person) = (client.clone(), person.clone());
        running.push(tokio::spawn(async move {
            one_login(&client, addr, &person).await
        }));
    }
    let mut took = Vec::with_capacity(running.len());
    for t in running {
        took.push(t.await.context("a login panicked")??);
    }
    Ok(took)
}

pub async fn run(dir: &Path) -> Result<Figures> {
    eprintln!("xtask: starting the stack");
    let opts = StackOptions {
        otlp: false,
        env: vec![
            ("RUST_LOG".into(), "warn".into()),
            // As deploy/k8s runs identity (the others do not mind), so the settled memory is the
            // deployment's.
            ("MALLOC_MMAP_THRESHOLD_".into(), "1048576".into()),
        ],
        ..StackOptions::for_test(dir)
    };
    let stack: Stack = Stack::start(opts)
        .await
        .context("the stack did not start")?;
    let team = Team::create(&stack, dir).await?;
    let db = stack.database("careboard").await?;
    data::load(&db, &team.members, 0, recipients_at(0)).await?;
    let addr = crate::bench::gateway_addr(&stack)?;
    let device = &team.office.device;
    let client = Client::new(&stack.bootstrap.ca_cert, Some((&device.cert, &device.key)))?;
    let pid = stack.pid("identity").context("identity is not running")?;
    let reader = Arc::new(login(&client, addr, &team.care_manager).await?);

    eprintln!("xtask: reading timelines alone");
    let alone = reading::measure(&client, addr, &reader, Reading::Timeline)
        .await?
        .pages;
    let (_, idle_rss_kib) = memory(pid)?;

    eprintln!("xtask: reading timelines while {LOGIN_RATE} logins a second run");
    let stop = Arc::new(AtomicBool::new(false));
    let load = {
        let (client, person, stop) = (client.clone(), team.care_manager.clone(), stop.clone());
        tokio::spawn(async move { logins_until(&client, addr, &person, stop).await })
    };
    let started = Instant::now();
    let loaded = reading::measure(&client, addr, &reader, Reading::Timeline).await;
    stop.store(true, Ordering::SeqCst);
    let elapsed = started.elapsed();
    let mut login_times = load.await.context("the login load panicked")??;
    let loaded = loaded?.pages;
    login_times.sort();
    #[expect(clippy::cast_precision_loss, reason = "a count of logins")]
    let logins_per_second = login_times.len() as f64 / elapsed.as_secs_f64();

    eprintln!("xtask: a burst of {BURST} logins, {BURST_CONCURRENCY} at once");
    let next = Arc::new(AtomicU64::new(0));
    let workers: Vec<_> = (0..BURST_CONCURRENCY)
        .map(|_| {
            let (client, person, next) = (client.clone(), team.care_manager.clone(), next.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::SeqCst) < BURST as u64 {
                    one_login(&client, addr, &person).await?;
                }
                anyhow::Ok(())
            })
        })
        .collect();
    for w in workers {
        w.await.context("a burst login panicked")??;
    }
    let (peak_rss_kib, _) = memory(pid)?;
    eprintln!("xtask: leaving identity alone for {SETTLE:?}");
    tokio::time::sleep(SETTLE).await;
    let (_, settled_rss_kib) = memory(pid)?;
    // The session the reader held must still work: nothing was refused along the way.
    let mut conn = Conn::new(&client, addr);
    let home = conn.send(&reader.get("/home")).await?;
    if home.status != 200 {
        bail!(
            "the reader's session answered {} after the burst",
            home.status
        );
    }
    Ok(Figures {
        p99_alone: alone.p99,
        p99_with_logins: loaded.p99,
        logins_per_second,
        login_p99: quantile(&login_times, 0.99),
        idle_rss_kib,
        peak_rss_kib,
        settled_rss_kib,
    })
}

/// What the bench prints; its last lines are the ratio and the memory.
#[must_use]
pub fn report(f: &Figures) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    #[expect(clippy::cast_precision_loss, reason = "memory sizes in KiB")]
    let mib = |kib: u64| kib as f64 / 1024.0;
    let ratio = if f.p99_alone.is_zero() {
        0.0
    } else {
        f.p99_with_logins.as_secs_f64() / f.p99_alone.as_secs_f64()
    };
    format!(
        "timeline p99 ms alone: {:.1}\n\
         timeline p99 ms with {LOGIN_RATE} logins/s: {:.1}\n\
         logins answered per second: {:.1} (p99 {:.0} ms)\n\
         identity resident MiB: idle {:.1}, peak {:.1} after {BURST} logins ({BURST_CONCURRENCY} at once), settled {:.1} after {}s\n\
         timeline p99 ratio with/without logins: {ratio:.2}\n",
        ms(f.p99_alone),
        ms(f.p99_with_logins),
        f.logins_per_second,
        ms(f.login_p99),
        mib(f.idle_rss_kib),
        mib(f.peak_rss_kib),
        mib(f.settled_rss_kib),
        SETTLE.as_secs(),
    )
}
