//! Examples of signing in, the offices, their people and devices, and the city's desk.

use super::{
    ANNOUNCEMENT, APPLICATION, CERTIFICATE_REQUEST, INCIDENT, NURSING_NAME, OFFICE_CARE,
    OFFICE_NURSING, OFFICE_PHARMACY, RECIPIENT, SERIAL, USER_SATO, USER_SUZUKI, USER_TANAKA,
};
use serde_json::{Value, json};

#[must_use]
pub fn csrf_token() -> Value {
    json!({"csrf_token": "6vohO39CDCrpUZD8gX3aSjDu-vUAq1DJv_7LXlGauvo"})
}

#[must_use]
pub fn login() -> Value {
    json!({"login_id": "sato.hanako", "password": "はまなすの咲く海辺を歩く2026"})
}

#[must_use]
pub fn session() -> Value {
    json!({"csrf_token": "QEFRynI7BqRQBObcnj4LYIEU1RWr9qu1GRZbHoo1iX4"})
}

#[must_use]
pub fn me() -> Value {
    json!({"login_id": "sato.hanako", "name": "佐藤 花子", "office": NURSING_NAME, "role": "staff",
        "profession": "看護師", "must_change_password": false})
}

#[must_use]
pub fn password() -> Value {
    json!({"current_password": "r4wd-8mfz-2nqh-x6ta", "new_password": "はまなすの咲く海辺を歩く2026"})
}

#[must_use]
pub fn register_office() -> Value {
    json!({"name": NURSING_NAME, "kind": "訪問看護ステーション",
        "admin_email": "kanri@takahagi-houkan.example.jp"})
}

#[must_use]
pub fn office() -> Value {
    json!({"id": OFFICE_NURSING, "name": NURSING_NAME, "kind": "訪問看護ステーション",
        "admin_email": "kanri@takahagi-houkan.example.jp", "status": "active",
        "created_at": "2026-04-01T00:12:30.482913+00:00"})
}

#[must_use]
pub fn enrollment_code() -> Value {
    json!({"number": "4830192756", "secret": "K7QM-3XRA-TZ9C-HP4W",
        "expires_at": "2026-04-15T00:12:31.104877+00:00"})
}

#[must_use]
pub fn partners() -> Value {
    json!({"partner_office_ids": [OFFICE_CARE]})
}

#[must_use]
pub fn withdraw() -> Value {
    json!({"reason": "令和9年3月31日で事業所を廃止するため。"})
}

#[must_use]
pub fn suspension() -> Value {
    json!({"suspended": true, "reason": "訪問用タブレットの紛失について、事業所から報告があったため。"})
}

#[must_use]
pub fn chain() -> Value {
    json!({"intact": true, "records": 18342, "first_broken_seq": 0})
}

/// An application as the form sends it (what the city's own test of the rules sends).
#[must_use]
pub fn application() -> Value {
    json!({"name": "高萩さくら訪問看護ステーション", "kana": "タカハギサクラホウモンカンゴステーション",
        "kind": "訪問看護ステーション", "code": "0861234567", "postal_code": "318-0034",
        "address": "茨城県高萩市高萩1-1", "phone": "0293-22-1234", "fax": "0293-22-1235",
        "latitude": "36.7197", "longitude": "140.7167", "admin_name": "桜 花子",
        "admin_kana": "サクラ ハナコ", "admin_email": "sakura@takahagi-sakura.example.jp",
        "admin_phone": "090-1234-5678", "listed": "1", "consent": "1",
        "invitation_code": "K7QM-3XRA-TZ9C"})
}

/// An office's own profile and map entry, as its admin corrects them (the applicant's fields
/// are not part of it).
#[must_use]
pub fn office_profile() -> Value {
    json!({"name": NURSING_NAME, "kana": "タカハギホウモンカンゴステーション",
        "kind": "訪問看護ステーション", "code": "0861234567", "postal_code": "318-0034",
        "address": "茨城県高萩市高萩1-1", "phone": "0293-22-1234", "fax": "0293-22-1235",
        "latitude": "36.7197", "longitude": "140.7167", "listed": "1"})
}

#[must_use]
pub fn application_accepted() -> Value {
    json!({"application_id": APPLICATION})
}

#[must_use]
pub fn invite() -> Value {
    json!({"note": "高萩さくら訪問看護ステーション（令和9年1月開設予定）"})
}

#[must_use]
pub fn invitation() -> Value {
    json!({"code": "K7QM-3XRA-TZ9C"})
}

#[must_use]
pub fn application_out() -> Value {
    json!({"id": APPLICATION, "status": "pending", "name": "高萩さくら訪問看護ステーション",
        "kind": "訪問看護ステーション", "admin_email": "sakura@takahagi-sakura.example.jp",
        "submitted_at": "2026-03-24T01:05:12.338201+00:00", "reason": "", "office_id": ""})
}

#[must_use]
pub fn approve() -> Value {
    json!({"admin_login_id": "sakura.kanri"})
}

#[must_use]
pub fn approved() -> Value {
    json!({"office_id": OFFICE_NURSING, "admin_login_id": "sakura.kanri"})
}

#[must_use]
pub fn reject() -> Value {
    json!({"reason": "所在地が高萩市外のため、本システムの対象外です。"})
}

#[must_use]
pub fn announcement() -> Value {
    json!({"id": ANNOUNCEMENT, "title": "年末年始の問い合わせ窓口について",
        "body": "12月29日から1月3日まで、高齢福祉課の窓口はお休みです。\n\n- 急ぎの連絡は連絡帳の緊急（重要）を使ってください。",
        "body_html": "<p>12月29日から1月3日まで、高齢福祉課の窓口はお休みです。</p><ul><li>急ぎの連絡は連絡帳の緊急（重要）を使ってください。</li></ul>",
        "published_at": "2026-12-01T00:00:05.120004+00:00",
        "updated_at": "2026-12-01T00:00:05.120004+00:00"})
}

#[must_use]
pub fn announcement_body() -> Value {
    json!({"title": "年末年始の問い合わせ窓口について",
        "body": "12月29日から1月3日まで、高齢福祉課の窓口はお休みです。\n\n- 急ぎの連絡は連絡帳の緊急（重要）を使ってください。"})
}

#[must_use]
pub fn publish() -> Value {
    json!({"published": true})
}

#[must_use]
pub fn public_office() -> Value {
    json!({"id": OFFICE_NURSING, "name": NURSING_NAME, "kind": "訪問看護ステーション",
        "postal_code": "318-0034", "address": "茨城県高萩市高萩1-1", "phone": "0293-22-1234",
        "latitude": 36.7197, "longitude": 140.7167})
}

#[must_use]
pub fn user() -> Value {
    json!({"id": USER_SATO, "login_id": "sato.hanako", "name": "佐藤 花子", "kana": "サトウ ハナコ",
        "profession": "看護師", "email": "sato.hanako@takahagi-houkan.example.jp",
        "office_id": OFFICE_NURSING, "role": "staff", "status": "active",
        "must_change_password": false, "status_reason": ""})
}

#[must_use]
pub fn user_body() -> Value {
    json!({"login_id": "sato.hanako", "name": "佐藤 花子", "kana": "サトウ ハナコ", "profession": "看護師",
        "email": "sato.hanako@takahagi-houkan.example.jp", "office_admin": false})
}

/// A change of a person's details: the login ID stays as it was created.
#[must_use]
pub fn user_update() -> Value {
    json!({"name": "佐藤 花子", "kana": "サトウ ハナコ", "profession": "保健師",
        "email": "sato.hanako@takahagi-houkan.example.jp", "office_admin": false})
}

#[must_use]
pub fn issued() -> Value {
    let mut user = user();
    user["must_change_password"] = json!(true);
    json!({"user": user, "initial_password": "r4wd-8mfz-2nqh-x6ta"})
}

#[must_use]
pub fn active() -> Value {
    json!({"active": false})
}

#[must_use]
pub fn certificate() -> Value {
    json!({"serial": SERIAL, "office_id": OFFICE_NURSING, "office_name": NURSING_NAME,
        "label": "訪問用タブレット1",
        "fingerprint_sha256": "9c4e1f0a7b2d85e3c6a1f4b9d20e7c38a5f61b2d9e0c47a3b8f5d1e6c2a9b074",
        "issued_at": "2026-04-03T00:41:07.552109+00:00",
        "not_after": "2028-07-06T00:41:07.552109+00:00",
        "last_used_at": "2026-12-01T00:28:44.019311+00:00", "status": "active",
        "revoked_at": "", "revoked_reason": ""})
}

#[must_use]
pub fn revoke() -> Value {
    json!({"reason": "紛失（訪問先からの帰りに置き忘れ、見つからない）"})
}

#[must_use]
pub fn certificate_request() -> Value {
    json!({"id": CERTIFICATE_REQUEST, "office_id": OFFICE_NURSING, "office_name": NURSING_NAME,
        "note": "訪問用タブレットを1台増やすため", "created_at": "2026-12-01T01:02:03.400512+00:00",
        "status": "open"})
}

#[must_use]
pub fn certificate_request_body() -> Value {
    json!({"note": "訪問用タブレットを1台増やすため"})
}

#[must_use]
pub fn enroll() -> Value {
    json!({"number": "4830192756", "secret": "K7QM-3XRA-TZ9C-HP4W", "device_label": "訪問用タブレット1",
        "p12_password": "tablet-2026-takahagi", "legacy_p12": false})
}

#[must_use]
pub fn enrolled() -> Value {
    json!({"p12_base64": "MIIKcQIBAzCCCicGCSqGSIb3DQEHAaCCChgEggoUMIIKEDCCBMcGCSqGSIb3DQEHBqCCBLgwggS0AgEA",
        "serial": SERIAL, "device_label": "訪問用タブレット1", "office_name": NURSING_NAME,
        "not_after": "2028-07-06T00:41:07.552109+00:00"})
}

#[must_use]
pub fn undelivered() -> Value {
    json!({"mails": [{"failed_at": "2026-11-30T01:17:40.902114+00:00",
        "due_at": "2026-11-30T01:15:02.118342+00:00", "address": "suzuki.ichiro@docomo.example.ne.jp",
        "user_id": USER_SUZUKI, "office_id": OFFICE_CARE, "template": "urgent_post",
        "template_label": "緊急（重要）の連絡", "state": "failed_permanent", "failure": "refused",
        "failure_label": "受信拒否（受信側で拒否されました）", "attempts": 1, "failures": 3}],
        "sender_domain": "renrakucho.city.takahagi.example.jp"})
}

#[must_use]
pub fn audit() -> Value {
    json!({"entries": [{"seq": 18342, "at": "2026-12-01T00:31:12.447810+00:00", "action": "board.read",
        "outcome": "success", "actor_user_id": USER_SATO, "actor_login_id": "sato.hanako",
        "actor_office_id": OFFICE_NURSING, "cert_serial": SERIAL, "target_type": "recipient",
        "target_id": RECIPIENT, "details": "{\"category\":null,\"cursor\":null,\"posts\":12}"}],
        "next_before": 18342})
}

#[must_use]
pub fn incident_body() -> Value {
    json!({"occurred_at": "2026-12-01T09:30", "device": "訪問用タブレット1",
        "what_happened": "タブレットを利用者宅に置き忘れた。", "action_taken": "30分後に回収した。"})
}

#[must_use]
pub fn incident() -> Value {
    json!({"id": INCIDENT, "office_id": OFFICE_NURSING, "office_name": NURSING_NAME,
        "reporter_name": "佐藤 花子", "occurred_at": "2026-12-01T00:30:00+00:00",
        "device": "訪問用タブレット1", "what_happened": "タブレットを利用者宅に置き忘れた。",
        "action_taken": "30分後に回収した。", "status": "対応中",
        "filed_at": "2026-12-01T01:10:22.905117+00:00", "updated_at": "2026-12-01T02:03:41.230557+00:00",
        "notes": [{"at": "2026-12-01T02:03:41.230557+00:00", "by_name": "高萩市 高齢福祉課",
            "status": "対応中", "note": "端末の画面ロックが掛かっていたか確認をお願いします。"}]})
}

#[must_use]
pub fn incidents() -> Value {
    json!({"incidents": [incident()]})
}

#[must_use]
pub fn incident_status() -> Value {
    json!({"status": "対応中", "note": "端末の画面ロックが掛かっていたか確認をお願いします。"})
}

#[must_use]
pub fn staff() -> Value {
    json!({"staff": [
        {"user_id": USER_SUZUKI, "name": "鈴木 一郎", "kana": "スズキ イチロウ",
            "profession": "ケアマネジャー", "office_id": OFFICE_CARE, "status": "active"},
        {"user_id": USER_TANAKA, "name": "田中 美咲", "kana": "タナカ ミサキ",
            "profession": "薬剤師", "office_id": OFFICE_PHARMACY, "status": "active"}]})
}
