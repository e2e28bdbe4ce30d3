//! A bad day for the operations team: NATS away for a minute, binaries started before what they
//! need, a service scaled out behind one address, a replica that stops answering. Each binary
//! must say what it can do (`/healthz`, `/readyz`) and keep doing it.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::board::{self, Recipient};
use system_tests::outage::Balancer;
use system_tests::people::{self, TwoOffices};
use system_tests::scenes;
use system_tests::{Stack, StackOptions, free_port};

const BINARIES: [&str; 5] = ["identity", "offices", "careboard", "notify", "gateway"];

async fn stack_with(
    prefix: &str,
    env: Vec<(String, String)>,
) -> (tempfile::TempDir, Stack, TwoOffices) {
    let scene = scenes::two_offices(prefix, |o| StackOptions {
        otlp: false,
        env,
        ..o
    })
    .await
    .unwrap();
    (scene.dir, scene.stack, scene.w)
}

/// A recipient registered by the care manager with the nurse on the team; the board's id.
async fn shared_board(cm: &Session, nurse_id: &str) -> String {
    let umeko = Recipient {
        name: "高萩 梅子",
        kana: "タカハギ ウメコ",
        birth_date: "1938-03-03",
        address: "茨城県高萩市本町1",
        care_level: "要介護2",
    };
    board::shared(cm, &umeko, &[nurse_id]).await.unwrap()
}

fn page_text(answer: &system_tests::api::Answer) -> &str {
    answer.body.as_str().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_minute_without_nats_keeps_every_binary_ready_and_its_events_follow() {
    let (_dir, mut stack, two) = stack_with("rk-outage-nats-", Vec::new()).await;
    let cm = people::session(&stack, &two.care, &two.care_manager)
        .await
        .unwrap();
    let board = shared_board(&cm, &two.nurse.id).await;
    // The urgent email names the board (its link) and goes to the nurse.
    let urgent_mails = |stack: &Stack| {
        stack
            .mails()
            .iter()
            .filter(|m| m.contains(&two.nurse.email) && m.contains(&board))
            .count()
    };

    stack.nats.stop();
    let stopped = Instant::now();
    let (mut probes, mut unready, mut writes) = (0, Vec::new(), Vec::new());
    while stopped.elapsed() < Duration::from_mins(1) {
        for name in BINARIES {
            probes += 1;
            match stack.readiness(name).await {
                Some((200, _)) => {}
                other => unready.push((name, stopped.elapsed(), other)),
            }
        }
        let page = cm.get(&format!("/boards/{board}")).await.unwrap();
        assert_eq!(
            page.status, 200,
            "the board page without NATS: {}",
            page.body
        );
        let text = format!("NATS停止中の連絡 その{}", writes.len() + 1);
        let mut form = vec![("body", text.as_str())];
        if writes.is_empty() {
            form.push(("urgent", "1"));
        }
        let posted = cm
            .post_form(&format!("/boards/{board}/posts"), &form)
            .await
            .unwrap();
        assert_eq!(posted.status, 303, "a post without NATS: {}", posted.body);
        writes.push(text);
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let me = cm.get("/api/v1/me").await.unwrap();
    assert_eq!(me.status, 200, "{}", me.body);
    println!(
        "NATS stopped {} s: {probes} readiness probes of 5 binaries, {} not ready; {} posts written",
        stopped.elapsed().as_secs(),
        unready.len(),
        writes.len()
    );
    assert!(unready.is_empty(), "not ready without NATS: {unready:?}");
    assert_eq!(
        urgent_mails(&stack),
        0,
        "an event went out with NATS stopped"
    );

    stack.nats.restart().await.unwrap();
    let restarted = Instant::now();
    while urgent_mails(&stack) == 0 {
        assert!(
            restarted.elapsed() < Duration::from_mins(1),
            "the urgent post's email did not follow once NATS was back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!(
        "the urgent post's email arrived {} ms after NATS was back",
        restarted.elapsed().as_millis()
    );
    let page = cm.get(&format!("/boards/{board}")).await.unwrap();
    for text in &writes {
        assert!(
            page_text(&page).contains(text.as_str()),
            "{text} is missing"
        );
    }
    for name in BINARIES {
        assert!(stack.running(name), "{name} exited");
    }
}

/// Waits until `/readyz` of `name` answers 200; fails if the process exits first.
async fn until_ready(stack: &mut Stack, name: &str) -> Duration {
    let from = Instant::now();
    stack
        .wait_binary_ready(name, Duration::from_mins(1))
        .await
        .unwrap();
    from.elapsed()
}

#[tokio::test(flavor = "multi_thread")]
async fn binaries_answer_health_at_once_and_wait_for_what_they_need() {
    let (_dir, mut stack, _two) = stack_with("rk-outage-start-", Vec::new()).await;
    // Addresses where nothing listens yet: the database and identity come later.
    let (db_port, identity_port) = (free_port().unwrap(), free_port().unwrap());
    let database = stack
        .postgres
        .url("careboard")
        .replace(&stack.postgres.port.to_string(), &db_port.to_string());
    stack
        .launch(
            "careboard",
            "careboard",
            "careboard-early",
            &[("DATABASE_URL", database)],
        )
        .unwrap();
    stack
        .launch(
            "gateway",
            "gateway",
            "gateway-early",
            &[("IDENTITY_URL", format!("https://localhost:{identity_port}"))],
        )
        .unwrap();
    for name in ["careboard-early", "gateway-early"] {
        let from = Instant::now();
        while stack.health(name).await != Some(200) {
            assert!(stack.running(name), "{name} exited while starting");
            assert!(
                from.elapsed() < Duration::from_secs(10),
                "{name}: no /healthz"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        println!(
            "{name}: /healthz answered {} ms after start",
            from.elapsed().as_millis()
        );
    }
    // Longer than the fifteen seconds a service used to wait for its database before exiting.
    let waited = Instant::now();
    while waited.elapsed() < Duration::from_secs(20) {
        for (name, awaited) in [
            ("careboard-early", "waiting for the database"),
            ("gateway-early", "waiting for identity"),
        ] {
            assert!(stack.running(name), "{name} gave up waiting");
            assert_eq!(
                stack.readiness(name).await,
                Some((503, awaited.to_owned())),
                "{name}"
            );
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let postgres = format!("127.0.0.1:{}", stack.postgres.port)
        .parse()
        .unwrap();
    let _database = Balancer::start(db_port, vec![postgres]).await.unwrap();
    println!(
        "careboard-early ready {} ms after its database came",
        until_ready(&mut stack, "careboard-early").await.as_millis()
    );
    let identity = stack.grpc_addr("identity").unwrap();
    let _identity = Balancer::start(identity_port, vec![identity])
        .await
        .unwrap();
    println!(
        "gateway-early ready {} ms after identity came",
        until_ready(&mut stack, "gateway-early").await.as_millis()
    );
}

/// The sum of `renrakucho_grpc_requests_total` a service's `/metrics` shows.
async fn grpc_calls(stack: &Stack, name: &str) -> f64 {
    let admin = stack.env_of(name, "ADMIN_ADDR").unwrap();
    let text = reqwest::get(format!("http://{admin}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("renrakucho_grpc_requests_total"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn calls_reach_every_replica_behind_one_address_and_a_frozen_one_fails_within_the_deadline() {
    let (_dir, mut stack, two) = stack_with("rk-outage-grpc-", Vec::new()).await;
    let cm = people::session(&stack, &two.care, &two.care_manager)
        .await
        .unwrap();
    let board = shared_board(&cm, &two.nurse.id).await;
    // careboard's servers end each connection after a second, so the gateway's one channel to
    // them moves on; set after the scene, whose many set-up calls need no such churn.
    stack.stop_binary("careboard");
    stack.set_env("careboard", "GRPC_MAX_CONNECTION_AGE_SECS", "1");
    stack.start_binary("careboard").unwrap();
    until_ready(&mut stack, "careboard").await;
    stack
        .launch("careboard", "careboard", "careboard-2", &[])
        .unwrap();
    until_ready(&mut stack, "careboard-2").await;
    let replicas = ["careboard", "careboard-2"];
    let backends = replicas.map(|r| stack.grpc_addr(r).unwrap()).to_vec();
    let service = Balancer::start(free_port().unwrap(), backends)
        .await
        .unwrap();
    // The gateway reaches careboard only through the one address, as through a ClusterIP.
    stack.stop_binary("gateway");
    stack.set_env(
        "gateway",
        "CAREBOARD_URL",
        &format!("https://localhost:{}", service.port),
    );
    stack.set_env("gateway", "GRPC_DEADLINE_MS", "3000");
    stack.start_binary("gateway").unwrap();
    until_ready(&mut stack, "gateway").await;

    let before = [
        grpc_calls(&stack, replicas[0]).await,
        grpc_calls(&stack, replicas[1]).await,
    ];
    let from = Instant::now();
    let mut pages = 0;
    while from.elapsed() < Duration::from_secs(6) {
        let page = cm.get(&format!("/boards/{board}")).await.unwrap();
        assert_eq!(page.status, 200, "{}", page.body);
        pages += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let served = [
        grpc_calls(&stack, replicas[0]).await - before[0],
        grpc_calls(&stack, replicas[1]).await - before[1],
    ];
    println!(
        "{pages} board pages in 6 s: careboard calls per replica {served:?}, connections per replica {:?}",
        service.given()
    );
    assert!(
        served.iter().all(|n| *n > 0.0),
        "a replica got no calls: {served:?}"
    );

    // Both replicas stop answering, their connections left open: a node lost.
    for replica in replicas {
        stack.freeze(replica, true).unwrap();
    }
    let asked = Instant::now();
    let answer = cm.get(&format!("/boards/{board}")).await;
    let waited = asked.elapsed();
    for replica in replicas {
        stack.freeze(replica, false).unwrap();
    }
    let answer = answer.expect("the page hung instead of failing at the deadline");
    println!(
        "with careboard frozen the board page answered {} after {} ms (deadline 3000 ms)",
        answer.status,
        waited.as_millis()
    );
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert!(
        page_text(&answer).contains("しばらくしてから"),
        "{}",
        answer.body
    );
    let back = Instant::now();
    while cm.get(&format!("/boards/{board}")).await.unwrap().status != 200 {
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "careboard does not serve again"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
