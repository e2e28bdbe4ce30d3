//! One cell of the API matrix: an operation called through the gateway as a session, with a body
//! that an allowed caller's call succeeds with.

use serde_json::{Value, json};
use system_tests::api::Session;
use system_tests::matrices::Operation;
use system_tests::samples::sideways_photo;

/// What a cell's path and body name.
pub struct Ids<'a> {
    /// The recipient, whose board it is.
    pub board: &'a str,
    pub post: &'a str,
    /// The member a team operation is about.
    pub user: &'a str,
    pub file: &'a str,
    pub incident: &'a str,
    /// The staff member a representative adds to the team.
    pub newcomer: &'a str,
    /// The office whose staff are looked for.
    pub office: &'a str,
}

/// The template filled: `{id}` is the incident on the incidents' paths, the recipient elsewhere.
fn path(template: &str, ids: &Ids<'_>) -> String {
    let id = if template.starts_with("/api/v1/incidents/") {
        ids.incident
    } else {
        ids.board
    };
    let query = match template {
        "/api/v1/staff" => format!("?office={}", ids.office),
        "/api/v1/boards/{id}/search" => "?q=転倒".to_owned(),
        "/api/v1/operator/consents" => "?pending=1".to_owned(),
        _ => String::new(),
    };
    let filled = template
        .replace("{id}", id)
        .replace("{post}", ids.post)
        .replace("{user}", ids.user)
        .replace("{file}", ids.file);
    format!("{filled}{query}")
}

fn recipient_fields(care_level: &str) -> Value {
    json!({"name": "高萩 花子", "kana": "タカハギ ハナコ", "birth_date": "1938-04-01",
        "sex": "女性", "address": "茨城県高萩市本町1-100", "phone": "0293-22-0000",
        "insured_number": "0123456789", "medical_insurance": "後期高齢者医療",
        "care_level": care_level, "primary_doctor": "高萩クリニック 医師",
        "key_notes": "ペニシリンアレルギー"})
}

/// The body of a write, valid for a caller allowed to make it.
fn body(op: Operation, ids: &Ids<'_>) -> Value {
    match op {
        ("POST", "/api/v1/recipients") => json!({
            "consent": {"obtained_on": "2026-11-01", "obtained_by": "ケアマネジャー 鈴木",
                "office_keeps_copy": true, "recipient_keeps_original": true},
            "fields": {"name": "別人 太郎", "kana": "ベツジン タロウ", "birth_date": "1941-02-03",
                "sex": "男性", "address": "茨城県高萩市春日町2-3", "phone": "0293-23-1111",
                "insured_number": "0123456789", "care_level": "要介護1"},
            "allow_duplicate": true,
        }),
        ("PUT", "/api/v1/recipients/{id}") => recipient_fields("要介護3"),
        ("POST", "/api/v1/recipients/{id}/close") => {
            json!({"reason": "転居", "note": "市外へ転居"})
        }
        ("POST", "/api/v1/recipients/{id}/team") => json!({"user_id": ids.newcomer}),
        ("POST", "/api/v1/boards/{id}/posts") => {
            json!({"body": "血圧 128/76、食事は半分", "category": "バイタル"})
        }
        ("POST", "/api/v1/boards/{id}/posts/{post}/replies") => json!({"body": "了解しました"}),
        ("PATCH", "/api/v1/boards/{id}/posts/{post}") => json!({"body": "訂正後"}),
        ("POST", "/api/v1/boards/{id}/reads") => json!({"post_ids": [ids.post]}),
        ("POST", "/api/v1/incidents") => json!({"occurred_at": "2026-11-21T14:00",
            "device": "事務所PC", "what_happened": "パスワードを書いた紙を机に置いていた",
            "action_taken": "回収しパスワードを変更"}),
        ("POST", "/api/v1/incidents/{id}/status") => {
            json!({"status": "対応中", "note": "確認しています"})
        }
        _ => json!({}),
    }
}

/// `op` called as `who`: the status, and the answer's text to show when it is not the expected.
pub async fn call(who: &Session, op: Operation, ids: &Ids<'_>) -> (u16, String) {
    let (method, template) = op;
    let path = path(template, ids);
    let body = body(op, ids);
    let answer = match (method, template) {
        // A live stream never ends, and a file is not JSON: only their status is read.
        ("GET", "/api/v1/boards/{id}/events") => {
            let stream = who.stream(&path).await.unwrap();
            return (stream.status().as_u16(), String::new());
        }
        ("GET", "/api/v1/boards/{id}/files/{file}") => {
            let file = who.get_raw(&path).await.unwrap();
            return (file.status().as_u16(), String::new());
        }
        ("POST", "/api/v1/boards/{id}/files") => {
            who.upload(&path, "IMG_0413.JPG", sideways_photo()).await
        }
        ("GET", _) => who.get(&path).await,
        ("POST", _) => who.post(&path, &body).await,
        ("PUT", _) => who.put(&path, &body).await,
        ("PATCH", _) => who.patch(&path, &body).await,
        ("DELETE", _) => who.delete(&path).await,
        other => panic!("no call for {other:?}"),
    }
    .unwrap();
    let text = match &answer.body {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    (answer.status, text)
}
