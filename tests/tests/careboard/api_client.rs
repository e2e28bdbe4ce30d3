//! W4–W6 by a client that knows the API only from its `OpenAPI` document: every call's path is
//! looked up by its operationId in `/api/v1/openapi.json`, none is written here.

use crate::world::world;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use system_tests::api::{Answer, Session};

/// The operations of the document, by operationId: (method, path template).
struct Document(Value);

impl Document {
    async fn fetch(session: &Session) -> Self {
        let answer = session.get("/api/v1/openapi.json").await.unwrap();
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.body["openapi"].as_str().map(|v| &v[..2]), Some("3."));
        Self(answer.body)
    }

    /// The method and the path of `operation`, its `{…}` filled from `args` in order.
    fn path(&self, operation: &str, args: &[&str]) -> (String, String) {
        let paths = self.0["paths"].as_object().unwrap();
        let mut found = paths.iter().flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .iter()
                .filter(|(_, op)| op["operationId"] == operation)
                .map(move |(method, _)| (method.clone(), path.clone()))
        });
        let (method, template) = found.next().unwrap_or_else(|| panic!("no {operation}"));
        assert!(found.next().is_none(), "{operation} twice");
        let mut path = String::new();
        let mut rest = template.as_str();
        let mut args = args.iter();
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').unwrap() + open;
            path.push_str(&rest[..open]);
            path.push_str(args.next().unwrap_or_else(|| panic!("{template}: too few")));
            rest = &rest[close + 1..];
        }
        path.push_str(rest);
        assert!(args.next().is_none(), "{template}: too many");
        (method, path)
    }

    /// Calls `operation` as `session`, expecting 200.
    async fn call(
        &self,
        session: &Session,
        operation: &str,
        args: &[&str],
        query: &str,
        body: Option<Value>,
    ) -> Value {
        let (method, path) = self.path(operation, args);
        let path = format!("{path}{query}");
        let body = body.unwrap_or_else(|| json!({}));
        let answer: Answer = match method.as_str() {
            "get" => session.get(&path).await,
            "post" => session.post(&path, &body).await,
            "put" => session.put(&path, &body).await,
            "patch" => session.patch(&path, &body).await,
            "delete" => session.delete(&path).await,
            other => panic!("{other}"),
        }
        .unwrap();
        assert_eq!(answer.status, 200, "{operation}: {}", answer.body);
        answer.body
    }
}

fn ids(posts: &Value) -> Vec<String> {
    posts
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

/// What a live stream has said by `limit`.
async fn heard(stream: &mut reqwest::Response, want: &str, limit: Duration) -> String {
    let mut said = String::new();
    let deadline = Instant::now() + limit;
    while !said.contains(want) {
        let Some(left) = deadline.checked_duration_since(Instant::now()) else {
            break;
        };
        match tokio::time::timeout(left, stream.chunk()).await {
            Ok(Ok(Some(bytes))) => said.push_str(&String::from_utf8_lossy(&bytes)),
            _ => break,
        }
    }
    said
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_of_the_document_alone_shares_a_board_across_two_offices() {
    let w = world("rk-api-client-").await;
    let cm = w.session(&w.care, &w.care_manager).await;
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let doc = Document::fetch(&cm).await;

    // W4: the care manager registers the recipient with the consent and becomes representative.
    let registered = doc
        .call(
            &cm,
            "register_recipient",
            &[],
            "",
            Some(json!({
                "consent": {"obtained_on": "2026-11-30", "obtained_by": "佐藤 ケアマネ",
                    "office_keeps_copy": true, "recipient_keeps_original": true},
                "fields": {"name": "高萩 桜子", "kana": "タカハギ サクラコ",
                    "birth_date": "1938-05-06", "sex": "女性", "address": "茨城県高萩市本町1-1",
                    "phone": "0293-22-1234", "insured_number": "0123456789",
                    "care_level": "要介護2"},
            })),
        )
        .await;
    let board = registered["recipient_id"].as_str().unwrap().to_owned();
    assert!(!board.is_empty(), "{registered}");
    let recipient = doc.call(&cm, "get_recipient", &[&board], "", None).await;
    assert_eq!(recipient["actor_is_representative"], true, "{recipient}");
    assert_eq!(recipient["consent"]["office_keeps_copy"], true);

    // W5: the team across two offices — the nurse is found by office and added.
    let query = format!("?office={}", w.nursing.id);
    let staff = doc.call(&cm, "search_staff", &[], &query, None).await;
    assert!(
        staff["staff"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["user_id"] == w.nurse.id.as_str()),
        "{staff}"
    );
    let team = doc
        .call(
            &cm,
            "add_member",
            &[&board],
            "",
            Some(json!({"user_id": w.nurse.id})),
        )
        .await;
    let offices: Vec<&str> = team["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["office_id"].as_str())
        .collect();
    assert!(offices.contains(&w.care.id.as_str()) && offices.contains(&w.nursing.id.as_str()));

    // W6: the nurse listens live; the care manager posts, one of them urgent.
    let (_, events) = doc.path("board_events", &[&board]);
    let mut stream = nurse.stream(&events).await.unwrap();
    assert_eq!(stream.status(), 200);
    let content_type = stream.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );
    let plain = doc
        .call(
            &cm,
            "create_post",
            &[&board],
            "",
            Some(json!({"body": "本日訪問し、血圧は安定していました。"})),
        )
        .await;
    let urgent = doc
        .call(
            &cm,
            "create_post",
            &[&board],
            "",
            Some(json!({"body": "発熱あり。至急ご確認ください。", "urgent": true})),
        )
        .await;
    let (plain, urgent) = (
        plain["id"].as_str().unwrap().to_owned(),
        urgent["id"].as_str().unwrap().to_owned(),
    );
    let said = heard(&mut stream, &urgent, Duration::from_secs(10)).await;
    assert!(
        said.contains("event: post") && said.contains(&urgent),
        "{said}"
    );

    // The nurse's timeline shows both, unread, the urgent one pinned until acknowledged.
    let timeline = doc.call(&nurse, "list_posts", &[&board], "", None).await;
    let shown = ids(&timeline["posts"]);
    assert!(
        shown.contains(&plain) && shown.contains(&urgent),
        "{timeline}"
    );
    assert_eq!(ids(&timeline["pinned"]), std::slice::from_ref(&urgent));
    assert_eq!(timeline["unread_total"], 2, "{timeline}");

    // 既読 in a batch, then 確認しました.
    let read = doc
        .call(
            &nurse,
            "api_shown",
            &[&board],
            "",
            Some(json!({"post_ids": shown})),
        )
        .await;
    assert_eq!(read["read_post_ids"].as_array().unwrap().len(), 2, "{read}");
    let acknowledged = doc
        .call(&nurse, "acknowledge_post", &[&board, &urgent], "", None)
        .await;
    assert_eq!(
        acknowledged["acknowledged_by_actor"], true,
        "{acknowledged}"
    );

    // The care manager's timeline, followed by its cursor to the end, shows who read and who
    // acknowledged.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let query = format!("?cursor={cursor}");
        let page = doc.call(&cm, "list_posts", &[&board], &query, None).await;
        seen.extend(page["posts"].as_array().unwrap().iter().cloned());
        cursor = page["next_cursor"].as_str().unwrap().to_owned();
        if cursor.is_empty() {
            break;
        }
    }
    let find = |id: &str| seen.iter().find(|p| p["id"] == id).unwrap().clone();
    let nurse_in = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .any(|p| p["user_id"] == w.nurse.id.as_str())
    };
    assert!(nurse_in(&find(&plain)["read_by"]), "{}", find(&plain));
    let urgent_seen = find(&urgent);
    assert!(nurse_in(&urgent_seen["read_by"]), "{urgent_seen}");
    assert!(nurse_in(&urgent_seen["acknowledged_by"]), "{urgent_seen}");
    assert!(
        !nurse_in(&urgent_seen["not_acknowledged_by"]),
        "{urgent_seen}"
    );
    let said = heard(&mut stream, "event: marks", Duration::from_secs(10)).await;
    assert!(said.contains("event: marks"), "{said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_client_of_the_document_alone_keeps_records_consents_and_incidents() {
    let w = world("rk-api-client-records-").await;
    let cm = w.session(&w.care, &w.care_manager).await;
    let doc = Document::fetch(&cm).await;
    let mut fields = json!({"name": "高萩 松子", "kana": "タカハギ マツコ",
        "birth_date": "1941-02-03", "sex": "女性", "address": "茨城県高萩市春日町2-3",
        "phone": "0293-23-1111", "insured_number": "0123456789", "care_level": "要介護1"});
    let registered = doc
        .call(
            &cm,
            "register_recipient",
            &[],
            "",
            Some(json!({
                "consent": {"obtained_on": "2026-11-30", "obtained_by": "佐藤 ケアマネ",
                    "office_keeps_copy": true, "recipient_keeps_original": true},
                "fields": fields,
            })),
        )
        .await;
    let board = registered["recipient_id"].as_str().unwrap().to_owned();

    // The details change, and the history keeps what they were.
    fields["care_level"] = json!("要介護3");
    let updated = doc
        .call(&cm, "update_recipient", &[&board], "", Some(fields))
        .await;
    assert_eq!(updated["fields"]["care_level"], "要介護3", "{updated}");
    let history = doc
        .call(&cm, "recipient_history", &[&board], "", None)
        .await;
    let changes = &history["entries"][0]["changes"];
    assert!(
        changes
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "care_level" && c["before"] == "要介護1"),
        "{history}"
    );

    // The city finds the consent whose FAX has not arrived, and confirms it.
    let pending = doc
        .call(&w.op, "list_consents", &[], "?pending=1", None)
        .await;
    assert!(
        pending["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["recipient_id"] == board.as_str()),
        "{pending}"
    );
    let confirmed = doc
        .call(&w.op, "confirm_consent_fax", &[&board], "", None)
        .await;
    assert_ne!(confirmed["consent"]["fax_received_at"], "", "{confirmed}");

    // The representative closes the board; it stays readable.
    let closed = doc
        .call(
            &cm,
            "close_board",
            &[&board],
            "",
            Some(json!({"reason": "転居", "note": "市外へ転居"})),
        )
        .await;
    assert_eq!(closed["status"], "closed", "{closed}");

    // An incident: filed by staff, moved on by the city, seen by the reporter.
    let filed = doc
        .call(
            &cm,
            "file_incident",
            &[],
            "",
            Some(
                json!({"occurred_at": "2026-12-01T09:30", "device": "訪問用タブレット1",
                "what_happened": "タブレットを利用者宅に置き忘れた。",
                "action_taken": "30分後に回収した。"}),
            ),
        )
        .await;
    let incident = filed["id"].as_str().unwrap().to_owned();
    let all = doc.call(&w.op, "list_incidents", &[], "", None).await;
    assert!(ids(&all["incidents"]).contains(&incident), "{all}");
    doc.call(
        &w.op,
        "update_incident",
        &[&incident],
        "",
        Some(json!({"status": "対応中", "note": "事業所に確認中"})),
    )
    .await;
    let seen = doc.call(&cm, "get_incident", &[&incident], "", None).await;
    assert_eq!(seen["status"], "対応中", "{seen}");

    // The city's report counts the recipient.
    let report = doc.call(&w.op, "operator_report", &[], "", None).await;
    assert!(report["recipients_closed"].as_u64() >= Some(1), "{report}");
}
