//! Who may call what in the JSON API: every careboard-side `/api/v1` operation, called through
//! the gateway with a real session, against every kind of caller.

use super::api_calls::{Ids, call};
use super::{Scene, scene};
use crate::world::{member, register};
use proto::careboard as pb;
use serde_json::json;
use system_tests::api::Session;
use system_tests::matrices::{CAREBOARD, Operation};
use system_tests::samples::sideways_photo;

/// The callers, those refused by the gateway itself first.
const ROLES: [&str; 8] = [
    "no login",
    "suspended member",
    "operator",
    "other office's admin",
    "other office's staff",
    "same-office non-member",
    "member",
    "representative",
];

/// What each caller may do: the team's members read and write the board, the representative
/// also manages the team and closes it, staff register recipients and report incidents, the city
/// keeps the consent register, moves incidents on and reads the report. Without a session the
/// gateway answers 401 before anything else. The suspension ended the suspended member's session:
/// every call, read or write, is asked to log in again (401). Every other refusal is 403, whether
/// the gateway (the city's paths) or a service refuses.
fn expected(role: &str, (method, path): Operation) -> u16 {
    match role {
        "no login" | "suspended member" => return 401,
        _ => {}
    }
    let member = matches!(role, "member" | "representative");
    let staff = role != "operator";
    let allowed = match (method, path) {
        ("POST", "/api/v1/recipients" | "/api/v1/incidents") | ("GET", "/api/v1/staff") => staff,
        // Everyone sees the incidents they may: their own, their office's, all for the city.
        ("GET", "/api/v1/incidents") => true,
        // The representative filed it; the city sees every office's.
        ("GET", "/api/v1/incidents/{id}") => matches!(role, "representative" | "operator"),
        ("POST", "/api/v1/incidents/{id}/status") => role == "operator",
        (_, p) if p.starts_with("/api/v1/operator/") => role == "operator",
        (_, p) if manages(p) => role == "representative",
        _ => member,
    };
    match (allowed, method, path) {
        (false, ..) => 403,
        (true, "POST", "/api/v1/boards/{id}/files") => 201,
        _ => 200,
    }
}

/// The team's management and closing change the board for good: each of these rows gets a
/// board of its own.
fn manages(path: &str) -> bool {
    path.starts_with("/api/v1/recipients/{id}/team") || path == "/api/v1/recipients/{id}/close"
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_careboard_api() {
    let s = scene("rk-board-api-authz-").await;
    let w = &s.w;
    let (base, ca) = (&w.stack.bootstrap.gateway_url, &w.stack.bootstrap.ca_cert);
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let rep = w.session(&w.care, &w.care_manager).await;
    let sessions: [Session; 5] = [
        Session::anonymous(base, ca, Some(&w.care.device)).unwrap(),
        w.session(&w.nursing, &w.other_admin).await,
        w.session(&w.nursing, &w.outsider).await,
        w.session(&w.care, &w.leaver).await,
        nurse,
    ];
    let session = |role: &str| match role {
        "no login" => &sessions[0],
        "suspended member" => &s.suspended,
        "operator" => &w.op,
        "other office's admin" => &sessions[1],
        "other office's staff" => &sessions[2],
        "same-office non-member" => &sessions[3],
        "member" => &sessions[4],
        _ => &rep,
    };
    let file = attached_file(&s, session("member")).await;
    // Posts to correct and to withdraw: the member's (which the others also try) and the
    // representative's own.
    let edits = [own_post(&s, false).await, own_post(&s, true).await];
    let withdrawals = [own_post(&s, false).await, own_post(&s, true).await];
    let (mut allowed, mut refused, mut unexpected) = (0, 0, Vec::new());
    for op in CAREBOARD {
        let board = if manages(op.1) {
            fresh_board(&s).await
        } else {
            s.board.clone()
        };
        // The allowed last, so that a write by one does not change what the others are answered.
        let mut order: Vec<&str> = ROLES.to_vec();
        order.sort_by_key(|role| expected(role, op) < 300);
        for role in order {
            let own = usize::from(role == "representative");
            let post = match op {
                ("PATCH", _) => &edits[own],
                (_, p) if p.ends_with("/withdrawal") => &withdrawals[own],
                _ => &s.urgent_post,
            };
            let ids = Ids {
                board: &board,
                post,
                user: &w.nurse.id,
                file: &file,
                incident: &s.incident,
                newcomer: &w.outsider.id,
                office: &w.nursing.id,
            };
            let (status, text) = call(session(role), op, &ids).await;
            let want = expected(role, op);
            // A refusal says nothing of the recipient.
            let leaked = want >= 400 && text.contains("高萩 花子");
            if status == want && !leaked {
                if want < 300 {
                    allowed += 1;
                } else {
                    refused += 1;
                }
            } else {
                let (method, path) = op;
                let text: String = text.chars().take(300).collect();
                unexpected.push(format!(
                    "{role} {method} {path}: {status} (expected {want}) {text}"
                ));
            }
        }
    }
    println!(
        "careboard API authorization matrix: {} operations x {} callers = {} cells, {allowed} allowed, {refused} refused, {} unexpected",
        CAREBOARD.len(),
        ROLES.len(),
        CAREBOARD.len() * ROLES.len(),
        unexpected.len()
    );
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}

/// A photo the member uploaded and attached to a post of the board.
async fn attached_file(s: &Scene, nurse: &Session) -> String {
    let board = &s.board;
    let up = nurse
        .upload(
            &format!("/api/v1/boards/{board}/files"),
            "IMG_0412.JPG",
            sideways_photo(),
        )
        .await
        .unwrap();
    assert_eq!(up.status, 201, "{}", up.body);
    let file = up.body["id"].as_str().unwrap().to_owned();
    let posted = nurse
        .post(
            &format!("/api/v1/boards/{board}/posts"),
            &json!({"body": "褥瘡の写真です", "category": "連絡", "files": [file]}),
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 200, "{}", posted.body);
    file
}

/// A post of the member's (or the representative's) own on the scene's board.
async fn own_post(s: &Scene, representative: bool) -> String {
    let actor = if representative { &s.rep } else { &s.nurse };
    s.grpc
        .clone()
        .create_post(pb::CreatePostRequest {
            actor: Some(actor.clone()),
            recipient_id: s.board.clone(),
            body: "訂正する書き込み".into(),
            category: String::new(),
            urgent: false,
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .id
}

/// A board of the representative's with the member on its team.
async fn fresh_board(s: &Scene) -> String {
    let mut grpc = s.grpc.clone();
    let board = register(&mut grpc, &s.rep, "高萩 花子", "タカハギ ハナコ").await;
    grpc.add_member(member(&s.rep, &board, &s.w.nurse.id))
        .await
        .unwrap();
    board
}
