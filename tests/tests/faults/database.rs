//! SIGKILL to PostgreSQL's postmaster under load: no binary is restarted, each one's `/readyz`
//! says it is not ready while the database is away and ready once it is back, and writes
//! succeed again by themselves.

use crate::load::{Load, Write};
use crate::{BEAT, MAX_RESENT, STEADY, assert_whole, figures, ms, world};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use system_tests::faults::readiness_at;

const WITH_DATABASE: [&str; 4] = ["identity", "offices", "careboard", "notify"];

/// Each probe of one binary's `/readyz`: when it was sent and the status (`None`: no answer).
type Probes = Arc<Mutex<Vec<(Instant, Option<u16>)>>>;

fn probe(port: u16, stop: Arc<AtomicBool>) -> (Probes, tokio::task::JoinHandle<()>) {
    let probes: Probes = Arc::default();
    let seen = probes.clone();
    let task = tokio::spawn(async move {
        while !stop.load(Ordering::SeqCst) {
            let sent = Instant::now();
            let status = readiness_at(port).await.map(|(s, _)| s);
            seen.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((sent, status));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    (probes, task)
}

#[tokio::test(flavor = "multi_thread")]
async fn postgres_killed_every_service_recovers_by_itself() {
    // fsync and synchronous commit on, as in production: an acknowledged commit survives.
    let mut w = world("rk-faults-pg-", true).await;
    let tag = "pg";
    let binaries: Vec<&str> = WITH_DATABASE.iter().copied().chain(["gateway"]).collect();
    let pids: Vec<Option<u32>> = binaries.iter().map(|b| w.stack.pid(b)).collect();
    let stop = Arc::new(AtomicBool::new(false));
    let probes: Vec<(Probes, tokio::task::JoinHandle<()>)> = binaries
        .iter()
        .map(|b| probe(w.stack.admin_port(b).unwrap(), stop.clone()))
        .collect();
    let load = Load::start(&w.operator, &w.author, &w.board, tag, BEAT);
    tokio::time::sleep(STEADY).await;
    let killed = Instant::now();
    w.stack.postgres.kill().await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let starting = Instant::now();
    w.stack.postgres.restart().await.unwrap();
    let restarted = Instant::now();
    // Every service is ready again without being touched.
    let deadline = restarted + Duration::from_mins(1);
    for (name, (seen, _)) in WITH_DATABASE.iter().zip(&probes) {
        while !seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .any(|(at, s)| *at >= restarted && *s == Some(200))
        {
            assert!(Instant::now() < deadline, "{name} not ready again");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let back = load
        .wait_writes_back(restarted, Duration::from_mins(1))
        .await
        .expect("writes do not succeed again after PostgreSQL came back");
    tokio::time::sleep(STEADY).await;
    stop.store(true, Ordering::SeqCst);
    let writes = load.finish().await;
    let (evidence, caught_up) = w.settle(tag, &writes, Duration::from_mins(1)).await;

    println!(
        "kill -9 of PostgreSQL's postmaster, down {} ms (of which {} ms its restart and crash \
         recovery), on the same port and data:",
        ms(restarted - killed),
        ms(restarted - starting)
    );
    for ((name, pid), (seen, task)) in binaries.iter().zip(&pids).zip(probes) {
        task.await.unwrap();
        let seen = seen.lock().unwrap_or_else(PoisonError::into_inner).clone();
        let unready = seen
            .iter()
            .find(|(at, s)| *at >= killed && *at < restarted && *s != Some(200))
            .map(|(at, s)| (*at - killed, *s));
        let ready = seen
            .iter()
            .find(|(at, s)| *at >= restarted && *s == Some(200))
            .map(|(at, _)| *at - restarted);
        println!(
            "{name:<10} /readyz not ready {} after the kill, ready {} after the restart; same process: {}",
            unready.map_or("(stayed ready)".into(), |(d, s)| format!(
                "{} ms ({})",
                ms(d),
                s.unwrap_or_default()
            )),
            ready.map_or("never".into(), |d| format!("{} ms", ms(d))),
            w.stack.pid(name) == *pid && w.stack.running(name),
        );
        assert!(
            w.stack.pid(name) == *pid && w.stack.running(name),
            "{name} was restarted or died"
        );
        if WITH_DATABASE.contains(name) {
            assert!(
                unready.is_some_and(|(_, s)| s.is_some()),
                "{name}'s /readyz never answered not ready while the database was away"
            );
            assert!(
                ready.is_some(),
                "{name} not ready after the database came back"
            );
        }
    }
    let all: Vec<&Write> = writes.iter().collect();
    let t = evidence.tally(tag, &all, &w.readers);
    figures(
        "postgres",
        &t,
        &format!(
            "writes acknowledged {} ms after the restart",
            ms(back.saturating_duration_since(restarted))
        ),
    );
    println!("mail caught up {} ms after the load stopped", ms(caught_up));
    w.assert_audit_intact().await;
    // An email handed to the mail server just before its delivery could be written down is
    // sent again once the database is back.
    assert_whole("postgres", &t, MAX_RESENT);
}
