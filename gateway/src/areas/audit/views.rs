//! The audit viewer, and the trail's 対象 and 詳細 in the city's words. Services record a target
//! as a type and an id and the details as JSON made for machines; the viewer and its CSV say what
//! they mean and never show ids or JSON (the id of a target stays in the link that filters by it).

use crate::kit::pieces::{OfficeChoice, field_name};
use askama::Template;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;

/// The viewer's filters, as the form sends them and the CSV link repeats them.
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, utoipa::IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// A login ID or user id.
    #[param(example = "sato.hanako")]
    pub user: String,
    #[param(example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01")]
    pub office: String,
    /// The record's target, e.g. a recipient id.
    #[param(example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21")]
    pub target: String,
    /// An action or its start, e.g. `board.`.
    #[param(example = "board.")]
    pub action: String,
    /// `YYYY-MM-DD` in Japan, inclusive.
    #[param(example = "2026-11-01")]
    pub from: String,
    #[param(example = "2026-11-30")]
    pub to: String,
    /// The next page: older than this sequence number.
    #[param(example = 18343)]
    pub before: i64,
    /// `success`, `denied` or `failure`; empty for every outcome.
    #[param(example = "success")]
    pub outcome: String,
}

impl AuditFilter {
    pub fn query_string(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in [
            ("user", &self.user),
            ("office", &self.office),
            ("target", &self.target),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
            ("outcome", &self.outcome),
        ] {
            if !v.is_empty() {
                parts.push(format!("{k}={}", crate::kit::text::url_encode(v)));
            }
        }
        parts.join("&")
    }
}

/// A record of the audit trail as the viewer shows it.
pub struct AuditLine {
    pub seq: i64,
    pub at: String,
    pub action: String,
    pub code: String,
    pub outcome: String,
    pub who: String,
    pub office: String,
    /// What the record is about, in words; empty when nothing.
    pub target: String,
    /// The target's id: in the link that filters by it and the CSV, never as text on the page.
    pub target_id: String,
    pub device: String,
    /// The details as phrases (`details_words`).
    pub details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
pub struct AuditPage<'a> {
    pub csrf: &'a str,
    pub filter: &'a AuditFilter,
    pub offices: Vec<OfficeChoice>,
    pub actions: &'a [(&'a str, &'a str)],
    pub outcomes: &'a [(&'a str, &'a str)],
    pub entries: Vec<AuditLine>,
    pub next_page: Option<String>,
    pub csv: String,
    pub verdict: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// What kind of thing a record is about.
#[must_use]
pub fn target_words(target_type: &str) -> &'static str {
    match target_type {
        "recipient" => "支援対象者",
        "user" => "利用者",
        "office" => "事業所",
        "certificate" => "電子証明書",
        "enrollment_code" => "証明書取得用No.",
        "incident" => "事故・インシデント報告",
        "post" => "連絡帳の書き込み",
        "application" => "事業所登録申請",
        "announcement" => "お知らせ",
        _ => "その他",
    }
}

/// Why a sign-in or an enrollment was refused, from the service's code for it.
fn refusal(code: &str) -> Option<&'static str> {
    Some(match code {
        "device" => "登録されていないか失効した端末",
        "device_rate" => "この端末からの失敗が多いため一時的に拒否",
        "credentials" => "ユーザーIDまたはパスワードの誤り",
        "suspended" => "利用停止中",
        "office" => "他の事業所の端末",
        "unknown" => "証明書取得用No.の誤り",
        "unusable" => "使用済み・期限切れの証明書取得用No.",
        "secret" => "証明書取得用パスワードの誤り",
        _ => return None,
    })
}

fn role(code: &str) -> &'static str {
    match code {
        "operator" => "市の管理者",
        "office_admin" => "事業所管理者",
        "staff" => "利用スタッフ",
        _ => "その他",
    }
}

/// The details of one record as short phrases joined by 「、」 (one line, for the CSV too).
/// Keys nobody needs to read (page cursors, ids already named by the target) are left out.
#[must_use]
pub fn details_words(action: &str, details: &str, offices: &HashMap<String, String>) -> String {
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(details) else {
        return String::new();
    };
    let office = |v: &Value| {
        v.as_str()
            .and_then(|id| offices.get(id))
            .map_or_else(|| "登録のない事業所".to_owned(), Clone::clone)
    };
    let coded = action == "session.login" || action == "certificate.enroll";
    let mut words = Vec::new();
    // The reason first, whatever the keys' order.
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by_key(|(key, _)| key.as_str() != "reason");
    for (key, value) in entries {
        let text = value.as_str().unwrap_or_default();
        let phrase = match key.as_str() {
            "reason" if coded => refusal(text).map(|r| format!("理由：{r}")),
            "reason" if !text.is_empty() => Some(format!("理由：{text}")),
            "locked" if value.as_bool() == Some(true) => {
                Some("ユーザーIDを一時的にロック".to_owned())
            }
            "device_office_id" => Some(format!("端末の事業所：{}", office(value))),
            "user_office_id" => Some(format!("利用者の事業所：{}", office(value))),
            "office_id" => Some(format!("事業所：{}", office(value))),
            "partner_office_ids" => Some(format!(
                "連携事業所：{}",
                value.as_array().map_or_else(String::new, |ids| {
                    if ids.is_empty() {
                        "なし".to_owned()
                    } else {
                        ids.iter().map(office).collect::<Vec<_>>().join("・")
                    }
                })
            )),
            "number" if !text.is_empty() => Some(format!("証明書取得用No.：{text}")),
            "legacy_p12" if value.as_bool() == Some(true) => Some("古い機種向けの形式".to_owned()),
            "bootstrap" if value.as_bool() == Some(true) => Some("初回の設定".to_owned()),
            "role" => Some(format!("権限：{}", role(text))),
            "posts" | "count" => value.as_u64().map(|n| format!("{n}件を表示")),
            "urgent" if value.as_bool() == Some(true) => Some("緊急（重要）".to_owned()),
            "fields" => value.as_array().map(|fields| {
                let names: Vec<&str> = fields
                    .iter()
                    .filter_map(Value::as_str)
                    .map(field_name)
                    .collect();
                format!("変更した項目：{}", names.join("・"))
            }),
            "consent_obtained_on" if !text.is_empty() => Some(format!("同意日：{text}")),
            "allow_duplicate" if value.as_bool() == Some(true) => {
                Some("同じ方の可能性を確かめたうえで登録".to_owned())
            }
            "name" if !text.is_empty() => Some(format!("名称：{text}")),
            "source" if !text.is_empty() => Some(format!("接続元：{text}")),
            _ => None,
        };
        words.extend(phrase);
    }
    words.join("、")
}

#[cfg(test)]
mod tests {
    use super::{details_words, target_words};
    use std::collections::HashMap;

    #[test]
    fn details_are_phrases_without_ids_or_json() {
        let office = "0193a3b0-0000-7000-8000-000000000001";
        let offices = HashMap::from([(office.to_owned(), "ひまわり訪問看護".to_owned())]);
        let refused = format!(
            r#"{{"reason":"office","device_office_id":"{office}","user_office_id":"0193a3b0-0000-7000-8000-000000000002"}}"#
        );
        let words = details_words("session.login", &refused, &offices);
        assert_eq!(
            words,
            "理由：他の事業所の端末、端末の事業所：ひまわり訪問看護、利用者の事業所：登録のない事業所"
        );
        let read = details_words(
            "board.read",
            r#"{"post_id":"0193a3b0-0000-7000-8000-000000000009","cursor":"x","posts":12}"#,
            &offices,
        );
        assert_eq!(read, "12件を表示");
        let changed = details_words(
            "recipient.update",
            r#"{"fields":["kana","care_level"]}"#,
            &offices,
        );
        assert_eq!(changed, "変更した項目：カナ・要介護度");
        let revoked = details_words("certificate.revoke", r#"{"reason":"紛失"}"#, &offices);
        assert_eq!(revoked, "理由：紛失");
        for raw in ["null", "", "[1]", "{"] {
            assert_eq!(details_words("x", raw, &offices), "");
        }
    }

    #[test]
    fn every_target_has_a_japanese_name() {
        for t in ["recipient", "user", "office", "certificate", "anything"] {
            assert!(!target_words(t).is_ascii());
        }
    }
}
