//! Undelivered mail as the operator and an office admin read it: who, when and why in words,
//! never what the mail said.

use crate::kit::pieces::tokyo_time;
use askama::Template;
use proto::notify as pb;

/// Why a mail did not arrive, as notify names it, in Japanese.
#[must_use]
pub fn failure_label(failure: &str) -> &'static str {
    match failure {
        "unknown_recipient" => "宛先不明（そのアドレスはありません）",
        "refused" => "受信拒否（受信側で拒否されました）",
        "mailbox_full" => "受信箱の容量超過",
        "temporary" => "一時的な障害（再送しても届きませんでした）",
        "invalid_address" => "アドレスの形式の誤り",
        _ => "不明",
    }
}

/// Which mail it was, in Japanese.
#[must_use]
pub fn template_label(template: &str) -> &'static str {
    match template {
        "urgent_post" => "緊急（重要）の連絡",
        "office_welcome" => "事業所の登録完了",
        "enrollment_code" => "証明書取得用No/パスワード",
        "application_receipt" => "事業所登録申請の受付",
        "application_notice" => "事業所登録申請の通知（市あて）",
        "application_rejected" => "事業所登録申請の結果",
        "incident_filed" => "事故・インシデントの報告",
        "certificate_expiring" => "電子証明書の有効期限",
        _ => "その他",
    }
}

/// One undelivered mail on a page.
pub struct UndeliveredLine {
    pub failed_at: String,
    pub address: String,
    /// The person's name where the address is a user's, else empty.
    pub person: String,
    pub office: String,
    pub kind: &'static str,
    pub reason: &'static str,
    /// 再送しない (refused) or 再送をn回試行.
    pub tries: String,
    pub failures: u32,
}

impl UndeliveredLine {
    pub fn new(m: &pb::UndeliveredMail, person: String, office: String) -> Self {
        Self {
            failed_at: tokyo_time(&m.failed_at),
            address: m.address.clone(),
            person,
            office,
            kind: template_label(&m.template),
            reason: failure_label(&m.failure),
            tries: match m.state() {
                pb::UndeliveredState::Dead => format!("{}回試行して中止", m.attempts),
                pb::UndeliveredState::FailedPermanent | pb::UndeliveredState::Unspecified => {
                    "再送しません".into()
                }
            },
            failures: m.failures,
        }
    }
}

#[derive(Template)]
#[template(path = "operator_undelivered.html")]
pub struct OperatorUndelivered<'a> {
    pub mails: Vec<UndeliveredLine>,
    pub sender_domain: &'a str,
}

#[derive(Template)]
#[template(path = "admin_bounces.html")]
pub struct AdminBounces<'a> {
    pub office: &'a str,
    pub mails: Vec<UndeliveredLine>,
    pub sender_domain: &'a str,
}
