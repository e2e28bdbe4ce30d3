//! Examples of a recipient, her team and her board (連絡帳).

use super::{
    CARE_NAME, FILE, NURSING_NAME, OFFICE_CARE, OFFICE_NURSING, OFFICE_PHARMACY, PHARMACY_NAME,
    POST, RECIPIENT, REPLY, USER_SATO, USER_SUZUKI, USER_TANAKA,
};
use serde_json::{Value, json};

const POSTED_AT: &str = "2026-11-30T01:15:00.482913+00:00";
const FEVER: &str = "発熱38.2度。主治医に連絡済み。夕方に再度検温します。";
const REPLIED: &str = "承知しました。本日のデイサービスは休みと連絡します。";

#[must_use]
pub fn file() -> Value {
    json!({"id": FILE, "kind": "image", "mime": "image/jpeg", "name": "体温計.jpg",
        "bytes": 482_133, "width": 1600, "height": 1200})
}

fn person(user_id: &str, name: &str, office: &str, at: &str) -> Value {
    json!({"user_id": user_id, "name": name, "office_name": office, "at": at})
}

/// 佐藤さん's urgent post, as 田中さん sees it: read by both others, acknowledged by 鈴木さん.
#[must_use]
pub fn post() -> Value {
    json!({"id": POST, "recipient_id": RECIPIENT, "author_name": "佐藤 花子",
        "created_at": POSTED_AT, "category": "バイタル", "urgent": true, "body": FEVER,
        "parent_id": "", "edited_at": "", "withdrawn": false, "files": [file()],
        "author_profession": "看護師", "author_office": NURSING_NAME,
        "read_by": [
            person(USER_SUZUKI, "鈴木 一郎", CARE_NAME, "2026-11-30T01:20:41.102330+00:00"),
            person(USER_TANAKA, "田中 美咲", PHARMACY_NAME, "2026-11-30T02:05:13.774021+00:00"),
        ],
        "readers_total": 2,
        "acknowledged_by": [
            person(USER_SUZUKI, "鈴木 一郎", CARE_NAME, "2026-11-30T01:21:02.448196+00:00"),
        ],
        "not_acknowledged_by": [person(USER_TANAKA, "田中 美咲", PHARMACY_NAME, "")],
        "read_by_actor": true, "acknowledged_by_actor": false})
}

/// 鈴木さん's reply to it.
#[must_use]
pub fn reply() -> Value {
    json!({"id": REPLY, "recipient_id": RECIPIENT, "author_name": "鈴木 一郎",
        "created_at": "2026-11-30T01:23:17.009452+00:00", "category": "", "urgent": false,
        "body": REPLIED, "parent_id": POST,
        "edited_at": "", "withdrawn": false, "files": [], "author_profession": "ケアマネジャー",
        "author_office": CARE_NAME,
        "read_by": [person(USER_SATO, "佐藤 花子", NURSING_NAME, "2026-11-30T01:30:55.210874+00:00")],
        "readers_total": 2, "acknowledged_by": [], "not_acknowledged_by": [],
        "read_by_actor": false, "acknowledged_by_actor": false})
}

#[must_use]
pub fn post_body() -> Value {
    json!({"body": FEVER, "category": "バイタル", "urgent": true, "files": [FILE]})
}

#[must_use]
pub fn reply_body() -> Value {
    json!({"body": REPLIED, "files": []})
}

#[must_use]
pub fn correction() -> Value {
    json!({"body": "発熱38.2度。主治医に連絡済み。17時に再度検温します。", "category": "バイタル"})
}

#[must_use]
pub fn history() -> Value {
    let mut post = post();
    post["body"] = json!("発熱38.2度。主治医に連絡済み。17時に再度検温します。");
    post["edited_at"] = json!("2026-11-30T01:40:09.661230+00:00");
    json!({"post": post, "revisions": [{"kind": "edited", "body": FEVER, "category": "バイタル",
        "changed_at": "2026-11-30T01:40:09.661230+00:00"}]})
}

#[must_use]
pub fn shown() -> Value {
    json!({"post_ids": [POST, REPLY]})
}

#[must_use]
pub fn read() -> Value {
    json!({"read_post_ids": [POST, REPLY]})
}

#[must_use]
pub fn found() -> Value {
    json!({"posts": [post()], "next_cursor": "", "words": ["発熱"]})
}

#[must_use]
pub fn thread() -> Value {
    let mut thread = post();
    thread["replies"] = json!([reply()]);
    thread
}

#[must_use]
pub fn timeline() -> Value {
    json!({"recipient_name": "高萩 花子", "care_level": "要介護1", "closed": false,
        "posts": [thread()], "next_cursor": "01a1e5b0-7c2d-7e3f-8a4b-5c6d7e8f9a01",
        "pinned": [thread()], "unread_total": 1})
}

/// What the registration form records.
#[must_use]
pub fn fields() -> Value {
    json!({"name": "高萩 花子", "kana": "タカハギ ハナコ", "birth_date": "1940-04-01", "sex": "女性",
        "address": "茨城県高萩市本町1-100", "phone": "0293-23-0000", "insured_number": "0000123456",
        "medical_insurance": "後期高齢者医療", "care_level": "要介護1",
        "primary_doctor": "高萩内科クリニック 山田医師", "key_notes": "ペニシリン系の薬にアレルギーあり。"})
}

#[must_use]
pub fn consent() -> Value {
    json!({"obtained_on": "2026-04-10", "obtained_by": "鈴木 一郎", "office_name": CARE_NAME,
        "recorded_at": "2026-04-10T05:02:44.118530+00:00",
        "fax_received_at": "2026-04-13T00:45:10.902265+00:00",
        "office_keeps_copy": true, "recipient_keeps_original": true})
}

#[must_use]
pub fn consent_body() -> Value {
    json!({"obtained_on": "2026-04-10", "obtained_by": "鈴木 一郎", "office_keeps_copy": true,
        "recipient_keeps_original": true})
}

fn members() -> Value {
    json!([
        {"user_id": USER_SUZUKI, "name": "鈴木 一郎", "kana": "スズキ イチロウ",
            "profession": "ケアマネジャー", "office_id": OFFICE_CARE, "office_name": CARE_NAME,
            "is_representative": true, "added_at": "2026-04-10T05:02:44.118530+00:00",
            "status": "active"},
        {"user_id": USER_SATO, "name": "佐藤 花子", "kana": "サトウ ハナコ", "profession": "看護師",
            "office_id": OFFICE_NURSING, "office_name": NURSING_NAME, "is_representative": false,
            "added_at": "2026-04-10T05:10:02.337104+00:00", "status": "active"},
        {"user_id": USER_TANAKA, "name": "田中 美咲", "kana": "タナカ ミサキ", "profession": "薬剤師",
            "office_id": OFFICE_PHARMACY, "office_name": PHARMACY_NAME, "is_representative": false,
            "added_at": "2026-05-08T01:30:19.551870+00:00", "status": "active"}
    ])
}

#[must_use]
pub fn member() -> Value {
    members()[0].clone()
}

#[must_use]
pub fn team() -> Value {
    json!({"members": members()})
}

#[must_use]
pub fn member_body() -> Value {
    json!({"user_id": USER_TANAKA})
}

#[must_use]
pub fn recipient() -> Value {
    json!({"id": RECIPIENT, "fields": fields(), "status": "active", "close_reason": "",
        "close_note": "", "closed_at": "", "consent": consent(), "team": members(),
        "created_at": "2026-04-10T05:02:44.118530+00:00",
        "updated_at": "2026-10-02T06:14:51.006723+00:00", "actor_is_representative": true})
}

#[must_use]
pub fn register() -> Value {
    json!({"consent": consent_body(), "fields": fields(), "allow_duplicate": false})
}

#[must_use]
pub fn duplicate() -> Value {
    json!({"recipient_id": RECIPIENT, "name": "高萩 花子", "kana": "タカハギ ハナコ",
        "birth_date": "1940-04-01", "is_member": true})
}

#[must_use]
pub fn registered() -> Value {
    json!({"recipient_id": RECIPIENT, "duplicates": []})
}

#[must_use]
pub fn recipient_history() -> Value {
    json!({"entries": [{"changed_at": "2026-10-02T06:14:51.006723+00:00",
        "changed_by_name": "鈴木 一郎", "changed_by_office": CARE_NAME,
        "changes": [{"field": "care_level", "before": "要支援2", "after": "要介護1"}]}]})
}

#[must_use]
pub fn close() -> Value {
    json!({"reason": "施設入所", "note": "12月1日に特別養護老人ホームへ入所。"})
}

#[must_use]
pub fn consent_entry() -> Value {
    json!({"recipient_id": RECIPIENT, "recipient_name": "高萩 花子",
        "recipient_kana": "タカハギ ハナコ", "office_id": OFFICE_CARE, "consent": consent(),
        "registered_by_name": "鈴木 一郎", "status": "active"})
}

#[must_use]
pub fn consents() -> Value {
    json!({"entries": [consent_entry()], "next_cursor": ""})
}

/// The board's urgent post as the FHIR export writes it (one of the Bundle's resources).
#[must_use]
pub fn fhir_bundle() -> Value {
    json!({"resourceType": "Bundle", "id": format!("export-{RECIPIENT}"), "type": "collection",
        "timestamp": "2026-12-01T00:00:12.300418+00:00",
        "entry": [{"resource": {"resourceType": "Communication", "id": POST, "status": "completed",
            "priority": "urgent", "subject": {"reference": format!("Patient/{RECIPIENT}")},
            "sent": POSTED_AT, "sender": {"reference": format!("Practitioner/{USER_SATO}")},
            "payload": [{"contentString": FEVER}],
            "category": [{"coding": [{"system": fhir_export::CATEGORY_SYSTEM, "code": "バイタル"}],
                "text": "バイタル"}]}}]})
}

/// The board's 支援経過 CSV for November: the post, then its reply.
#[must_use]
pub fn csv() -> Value {
    json!(format!(
        "\u{feff}日時,記入者,職種,事業所,分類,緊急,内容,返信先\r\n\
        2026-11-30 10:15,佐藤 花子,看護師,{NURSING_NAME},バイタル,緊急,{FEVER},\r\n\
        2026-11-30 10:23,鈴木 一郎,ケアマネジャー,{CARE_NAME},,,{REPLIED},2026-11-30 10:15 佐藤 花子の書き込み\r\n"
    ))
}

/// The live stream: 佐藤さん's post arrives, then it and the reply are marked read.
#[must_use]
pub fn events() -> Value {
    json!(format!(
        "event: post\ndata: {POST}\n\nevent: marks\ndata: {POST},{REPLY}\n\n"
    ))
}
