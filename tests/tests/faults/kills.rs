//! SIGKILL to each binary in turn, and to NATS, while the city registers offices and a care
//! manager posts urgently.

use crate::load::{Load, Write};
use crate::{BEAT, MAX_RESENT, STEADY, assert_whole, figures, ms, world};
use std::time::{Duration, Instant};

/// How long a killed binary stays down before it is started again.
const DOWN: Duration = Duration::from_secs(1);

struct Outage {
    name: &'static str,
    from: Instant,
    killed: Instant,
    ready: Instant,
    back: Instant,
}

#[tokio::test(flavor = "multi_thread")]
async fn each_binary_killed_in_turn_loses_no_acknowledged_write_and_mails_it_once() {
    let mut w = world("rk-faults-kill-", false).await;
    let tag = "kill";
    let load = Load::start(&w.operator, &w.author, &w.board, tag, BEAT);
    let mut outages = Vec::new();
    for name in ["identity", "offices", "careboard", "notify", "gateway"] {
        let from = Instant::now();
        tokio::time::sleep(STEADY).await;
        let killed = Instant::now();
        w.stack.kill_binary(name);
        tokio::time::sleep(DOWN).await;
        w.stack.start_binary(name).unwrap();
        w.stack
            .wait_binary_ready(name, Duration::from_mins(1))
            .await
            .unwrap();
        let ready = Instant::now();
        let back = load
            .wait_writes_back(ready, Duration::from_secs(30))
            .await
            .unwrap_or_else(|| panic!("writes do not succeed again after {name} restarted"));
        outages.push(Outage {
            name,
            from,
            killed,
            ready,
            back,
        });
    }
    tokio::time::sleep(STEADY).await;
    let writes = load.finish().await;
    let (evidence, caught_up) = w.settle(tag, &writes, Duration::from_mins(1)).await;

    println!(
        "kill -9 of each binary, down {} ms, restarted on the same ports:",
        ms(DOWN)
    );
    let mut tallies = Vec::new();
    for (i, o) in outages.iter().enumerate() {
        let until = outages.get(i + 1).map(|next| next.from);
        let stretch: Vec<&Write> = writes
            .iter()
            .filter(|x| x.sent >= o.from && until.is_none_or(|u| x.sent < u))
            .collect();
        let t = evidence.tally(tag, &stretch, &w.readers);
        figures(
            o.name,
            &t,
            &format!(
                "ready {:>5} ms and writes back {:>5} ms after the kill",
                ms(o.ready - o.killed),
                ms(o.back - o.killed)
            ),
        );
        tallies.push((o.name, t));
    }
    println!("mail caught up {} ms after the load stopped", ms(caught_up));
    w.assert_audit_intact().await;
    // notify's crash may re-send the message it was sending, whichever stretch it was for.
    for (name, t) in &tallies {
        assert_whole(name, t, MAX_RESENT);
    }
    let resent: usize = tallies.iter().map(|(_, t)| t.resent).sum();
    println!("resent with the same Message-ID after notify's crash: {resent}");
    assert!(resent <= MAX_RESENT, "{resent} emails sent twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn nats_killed_under_load_loses_no_acknowledged_event() {
    let mut w = world("rk-faults-nats-", false).await;
    let tag = "nats";
    let load = Load::start(&w.operator, &w.author, &w.board, tag, BEAT);
    tokio::time::sleep(STEADY).await;
    let killed = Instant::now();
    w.stack.nats.kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    let mails_before = w.stack.mails().len();
    w.stack.nats.restart().await.unwrap();
    let restarted = Instant::now();
    // The first email after the restart: events flow from the outboxes through JetStream again.
    let deadline = restarted + Duration::from_mins(1);
    while w.stack.mails().len() <= mails_before {
        assert!(Instant::now() < deadline, "no email after NATS came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let flowing = Instant::now();
    let back = load
        .wait_writes_back(restarted, Duration::from_secs(30))
        .await
        .expect("writes do not succeed after NATS came back");
    tokio::time::sleep(STEADY).await;
    let writes = load.finish().await;
    let (evidence, caught_up) = w.settle(tag, &writes, Duration::from_mins(1)).await;
    let all: Vec<&Write> = writes.iter().collect();
    let t = evidence.tally(tag, &all, &w.readers);
    println!(
        "kill -9 of NATS, down {} ms, restarted on the same port and store:",
        ms(restarted - killed)
    );
    figures(
        "nats",
        &t,
        &format!(
            "email flowing {} ms and writes acknowledged {} ms after the restart",
            ms(flowing - restarted),
            ms(back.saturating_duration_since(restarted))
        ),
    );
    println!("mail caught up {} ms after the load stopped", ms(caught_up));
    w.assert_audit_intact().await;
    assert_whole("nats", &t, 0);
    // The gateway hears revocations on NATS: after the restart it still does.
    let refused = w.revoke_nursing_device().await;
    println!(
        "a device revoked after NATS's restart is refused {} ms later",
        ms(refused)
    );
    assert!(
        refused < Duration::from_secs(1),
        "revocation took {refused:?}: the gateway no longer hears revocations"
    );
}
