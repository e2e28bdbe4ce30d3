//! A refused address is recorded once and holds nobody back; a passing refusal is retried until
//! the server takes the mail; tries are bounded and the given-up mail lands on the dead-letter
//! subject. The operator sees every undelivered mail, an office admin only their own staff's.

use crate::world::{MAX_ATTEMPTS, mails_to, urgent, wait_until, world};
use futures::StreamExt;
use std::time::Duration;

const UNKNOWN: &str = "550 5.1.1 Recipient address rejected: User unknown";
const LATER: &str = "451 4.3.0 Temporary local problem, try again later";

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_address_is_recorded_once_and_every_other_member_is_mailed_once() {
    let w = world("rk-notify-550-").await;
    let smtp = w.stack.smtp.as_ref().unwrap();
    smtp.answer(&w.night_nurse.email, UNKNOWN);
    let cm = w.session(&w.care, &w.care_manager).await;
    let board = w
        .board(&cm, "高萩 梅子", &[&w.nurse, &w.night_nurse, &w.helper])
        .await;
    urgent(&cm, &board).await;
    wait_until(Duration::from_secs(20), "the others' mails", async || {
        !w.mails_to(&w.nurse).is_empty() && !w.mails_to(&w.helper).is_empty()
    })
    .await;
    // Long past the retries a passing failure would get (1 s, then 2 s).
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(w.mails_to(&w.nurse).len(), 1, "the nurse, exactly once");
    assert_eq!(w.mails_to(&w.helper).len(), 1, "the helper, exactly once");
    assert!(w.mails_to(&w.night_nurse).is_empty());
    assert!(w.mails_to(&w.care_manager).is_empty(), "not the author");
    assert_eq!(
        smtp.tries(&w.night_nurse.email),
        1,
        "a refused address is not tried again"
    );
    let notify = w.stack.database("notify").await.unwrap();
    let (state, attempts, error): (String, i32, Option<String>) =
        sqlx::query_as("SELECT state, attempts, last_error FROM deliveries WHERE recipient = $1")
            .bind(&w.night_nurse.email)
            .fetch_one(&notify)
            .await
            .unwrap();
    assert_eq!(
        (state.as_str(), attempts, error.as_deref()),
        ("failed_permanent", 1, Some("unknown_recipient"))
    );

    // The operator: who, when, why — never what.
    let listed = w.op.get("/api/v1/operator/undelivered").await.unwrap();
    assert_eq!(listed.status, 200, "{}", listed.body);
    let mails = listed.body["mails"].as_array().unwrap();
    assert_eq!(mails.len(), 1, "{}", listed.body);
    assert_eq!(mails[0]["address"], w.night_nurse.email.as_str());
    assert_eq!(mails[0]["user_id"], w.night_nurse.id.as_str());
    assert_eq!(mails[0]["office_id"], w.nursing.id.as_str());
    assert_eq!(mails[0]["failure"], "unknown_recipient");
    assert_eq!(mails[0]["template"], "urgent_post");
    assert!(
        !listed.body.to_string().contains(&board),
        "no link, no content"
    );
    let page = w.op.get("/operator/undelivered").await.unwrap();
    let html = page.body.as_str().unwrap();
    assert_eq!(page.status, 200);
    for shown in [
        w.night_nurse.email.as_str(),
        "宛先不明",
        "山田 夜子",
        "緊急（重要）の連絡",
    ] {
        assert!(html.contains(shown), "{shown} missing: {html}");
    }
    assert!(!html.contains("転倒"), "never the post");

    // The nursing station's admin sees their staff's address; the care office's does not.
    let nursing_admin = w.session(&w.nursing, &w.nursing_admin).await;
    let page = nursing_admin.get("/admin/bounces").await.unwrap();
    assert_eq!(page.status, 200);
    let html = page.body.as_str().unwrap();
    for shown in [
        w.night_nurse.email.as_str(),
        "山田 夜子",
        "宛先不明",
        "renrakucho.invalid",
    ] {
        assert!(html.contains(shown), "{shown} missing: {html}");
    }
    let menu = nursing_admin.get("/admin").await.unwrap();
    assert!(menu.body.as_str().unwrap().contains("/admin/bounces"));
    let care_admin = w.session(&w.care, &w.care_admin).await;
    let theirs = care_admin.get("/api/v1/bouncing-addresses").await.unwrap();
    assert_eq!(theirs.status, 200);
    assert_eq!(
        theirs.body["mails"].as_array().unwrap().len(),
        0,
        "{}",
        theirs.body
    );
    let page = care_admin.get("/admin/bounces").await.unwrap();
    assert!(!page.body.as_str().unwrap().contains(&w.night_nurse.email));
    // Staff see none of it, nor does an admin see the city's list.
    let nurse = w.session(&w.nursing, &w.nurse).await;
    assert_eq!(nurse.get("/admin/bounces").await.unwrap().status, 403);
    assert_eq!(
        nurse
            .get("/api/v1/bouncing-addresses")
            .await
            .unwrap()
            .status,
        403
    );
    assert_eq!(
        nursing_admin
            .get("/api/v1/operator/undelivered")
            .await
            .unwrap()
            .status,
        403
    );

    // Only the gateway's certificate may ask notify at all.
    let env = w.stack.service_env("notify");
    let addr = env
        .iter()
        .find(|(k, _)| k == "GRPC_ADDR")
        .unwrap()
        .1
        .clone();
    let port = addr.rsplit(':').next().unwrap();
    let careboard = w.stack.pki.files("careboard");
    let tls = common::config::TlsFiles {
        ca: w.stack.pki.ca.clone(),
        cert: careboard.cert,
        key: careboard.key,
    };
    let channel = common::grpc::channel(
        &format!("https://localhost:{port}"),
        &tls,
        &common::grpc::GrpcOptions::default(),
    )
    .unwrap();
    let mut client = proto::notify::notify_client::NotifyClient::new(channel);
    let asked = client
        .list_undelivered(proto::notify::ListUndeliveredRequest {
            actor: Some(proto::common::Actor {
                user_id: uuid::Uuid::now_v7().to_string(),
                office_id: w.nursing.id.clone(),
                role: proto::common::Role::Operator.into(),
                cert_serial: String::new(),
            }),
        })
        .await;
    assert_eq!(
        asked.unwrap_err().code(),
        tonic::Code::PermissionDenied,
        "careboard's certificate"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_passing_refusal_is_retried_and_delivered_once_the_server_takes_it() {
    let w = world("rk-notify-451-").await;
    let smtp = w.stack.smtp.as_ref().unwrap();
    smtp.answer(&w.nurse.email, LATER);
    let cm = w.session(&w.care, &w.care_manager).await;
    let board = w.board(&cm, "高萩 桃子", &[&w.nurse, &w.helper]).await;
    urgent(&cm, &board).await;
    wait_until(Duration::from_secs(20), "the helper's mail", async || {
        !w.mails_to(&w.helper).is_empty()
    })
    .await;
    wait_until(Duration::from_secs(10), "a second try", async || {
        smtp.tries(&w.nurse.email) >= 2
    })
    .await;
    assert!(w.mails_to(&w.nurse).is_empty());
    smtp.accept(&w.nurse.email);
    wait_until(Duration::from_secs(20), "the nurse's mail", async || {
        !w.mails_to(&w.nurse).is_empty()
    })
    .await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(w.mails_to(&w.nurse).len(), 1, "delivered once");
    assert_eq!(w.mails_to(&w.helper).len(), 1, "the helper once");
    let notify = w.stack.database("notify").await.unwrap();
    let state: String = sqlx::query_scalar("SELECT state FROM deliveries WHERE recipient = $1")
        .bind(&w.nurse.email)
        .fetch_one(&notify)
        .await
        .unwrap();
    assert_eq!(state, "sent");
    let listed = w.op.get("/api/v1/operator/undelivered").await.unwrap();
    assert_eq!(
        listed.body["mails"].as_array().unwrap().len(),
        0,
        "{}",
        listed.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_mail_that_spends_its_tries_lands_on_the_dead_letter_subject() {
    let mut w = world("rk-notify-dead-").await;
    // A stream made by a release before the dead-letter subject: notify adds it when it starts.
    let js = async_nats::jetstream::new(w.stack.nats.client("admin").await.unwrap());
    let mut stream = js.get_stream(common::events::STREAM).await.unwrap();
    let mut config = stream.info().await.unwrap().config.clone();
    config.subjects.retain(|s| s != "notify.>");
    js.update_stream(config).await.unwrap();
    w.stack.stop_binary("notify");
    w.stack.start_binary("notify").unwrap();
    w.stack.wait_ready(Duration::from_secs(30)).await.unwrap();
    // Ready does not wait for NATS (a binary stays ready through a NATS outage): the stream is
    // widened as soon as notify reaches it.
    wait_until(
        Duration::from_secs(30),
        "notify.> in the stream",
        async || {
            stream
                .info()
                .await
                .is_ok_and(|i| i.config.subjects.iter().any(|s| s == "notify.>"))
        },
    )
    .await;

    let dead = js
        .create_consumer_on_stream(
            async_nats::jetstream::consumer::pull::Config {
                filter_subject: "notify.delivery.dead".into(),
                ..Default::default()
            },
            common::events::STREAM,
        )
        .await
        .unwrap();
    let smtp = w.stack.smtp.as_ref().unwrap();
    smtp.answer(&w.nurse.email, LATER);
    let cm = w.session(&w.care, &w.care_manager).await;
    let board = w.board(&cm, "高萩 菊子", &[&w.nurse, &w.helper]).await;
    urgent(&cm, &board).await;
    let mut letters = dead.messages().await.unwrap();
    let letter = tokio::time::timeout(Duration::from_secs(30), letters.next())
        .await
        .expect("no dead letter within 30 s")
        .unwrap()
        .unwrap();
    let text = String::from_utf8_lossy(&letter.payload).into_owned();
    let event: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(event["type"], "notify.delivery.dead");
    assert_eq!(event["data"]["event_type"], "careboard.post.urgent");
    assert_eq!(event["data"]["template"], "urgent_post");
    assert_eq!(event["data"]["user_id"], w.nurse.id.as_str());
    assert_eq!(event["data"]["reason"], "temporary");
    assert_eq!(event["data"]["attempts"], MAX_ATTEMPTS);
    for secret in [w.nurse.email.as_str(), board.as_str(), "転倒"] {
        assert!(
            !text.contains(secret),
            "the dead letter holds {secret}: {text}"
        );
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        smtp.tries(&w.nurse.email),
        MAX_ATTEMPTS,
        "the tries are bounded"
    );
    assert!(mails_to(&w.stack, &w.nurse.email).is_empty());
    assert_eq!(w.mails_to(&w.helper).len(), 1);
    let listed = w.op.get("/api/v1/operator/undelivered").await.unwrap();
    let mails = listed.body["mails"].as_array().unwrap();
    assert_eq!(mails.len(), 1, "{}", listed.body);
    assert_eq!(mails[0]["state"], "dead");
    assert_eq!(mails[0]["failure"], "temporary");
    assert_eq!(mails[0]["attempts"], MAX_ATTEMPTS);
    // The event is settled: nothing of it waits in the consumer any more.
    let info = js
        .get_stream(common::events::STREAM)
        .await
        .unwrap()
        .consumer_info("notify")
        .await
        .unwrap();
    assert_eq!(info.num_ack_pending, 0, "{info:?}");
}
