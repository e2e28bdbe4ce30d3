//! The lines that pages of several areas list: a user (an office's staff and the operator's
//! search), a certificate (its own page and the office's), a team member (the team and the
//! recipient), an announcement (the portal and the desk), an office to choose, the office's
//! application form (applying and editing the profile), and a recipient field's name (the
//! history and the audit trail).

use super::{FieldError, certificate_status_label, role_label, tokyo_time, user_status_label};
use proto::careboard as pb;
use proto::common::UserStatus;
use proto::identity::CertificateStatus;

pub struct UserLine {
    pub id: String,
    pub login_id: String,
    pub name: String,
    pub kana: String,
    pub profession: String,
    pub role: &'static str,
    pub status: &'static str,
    pub status_reason: String,
    pub suspended: bool,
}

impl UserLine {
    /// The name of this row's 一時停止の理由.
    #[must_use]
    pub fn reason_field(&self) -> String {
        FieldError::row_field("reason", &self.id)
    }
}

impl From<proto::identity::User> for UserLine {
    fn from(u: proto::identity::User) -> Self {
        Self {
            role: role_label(u.role()),
            status: user_status_label(u.status()),
            suspended: u.status() == UserStatus::Suspended,
            id: u.id,
            login_id: u.login_id,
            name: u.name,
            kana: u.kana,
            profession: u.profession,
            status_reason: u.status_reason,
        }
    }
}

pub struct CertificateLine {
    pub serial: String,
    pub office: String,
    pub label: String,
    pub issued_at: String,
    pub last_used_at: String,
    pub not_after: String,
    pub status: &'static str,
    pub active: bool,
    pub revoked_reason: String,
}

impl CertificateLine {
    /// The name of this row's 失効の理由.
    #[must_use]
    pub fn reason_field(&self) -> String {
        FieldError::row_field("reason", &self.serial)
    }
}

impl From<proto::identity::Certificate> for CertificateLine {
    fn from(c: proto::identity::Certificate) -> Self {
        Self {
            status: certificate_status_label(c.status()),
            active: c.status() == CertificateStatus::Active,
            issued_at: tokyo_time(&c.issued_at),
            last_used_at: tokyo_time(&c.last_used_at),
            not_after: tokyo_time(&c.not_after),
            serial: c.serial,
            office: c.office_name,
            label: c.label,
            revoked_reason: c.revoked_reason,
        }
    }
}

pub struct MemberLine {
    pub user_id: String,
    pub name: String,
    pub profession: String,
    pub office: String,
    pub added_at: String,
    pub representative: bool,
    pub departed: bool,
}

impl From<pb::Member> for MemberLine {
    fn from(m: pb::Member) -> Self {
        Self {
            added_at: tokyo_time(&m.added_at),
            departed: m.status() != UserStatus::Active,
            user_id: m.user_id,
            name: m.name,
            profession: m.profession,
            office: m.office_name,
            representative: m.is_representative,
        }
    }
}

#[must_use]
pub fn members(team: Option<pb::Team>) -> Vec<MemberLine> {
    team.unwrap_or_default()
        .members
        .into_iter()
        .map(MemberLine::from)
        .collect()
}

/// The label of a recipient field, for its history and for the audit trail's 変更した項目.
#[must_use]
pub fn field_name(field: &str) -> &'static str {
    match field {
        "name" => "氏名",
        "kana" => "カナ",
        "birth_date" => "生年月日",
        "sex" => "性別",
        "address" => "住所",
        "phone" => "電話番号",
        "insured_number" => "介護保険被保険者番号",
        "medical_insurance" => "医療保険",
        "care_level" => "要介護度",
        "primary_doctor" => "主治医",
        "key_notes" => "特記事項",
        _ => "その他",
    }
}

pub struct AnnouncementLine {
    pub id: String,
    pub title: String,
    pub date: String,
    pub published: bool,
}

pub struct OfficeChoice {
    pub id: String,
    pub name: String,
}

pub struct ApplyForm<'a> {
    pub name: &'a str,
    pub kana: &'a str,
    pub kind: &'a str,
    pub code: &'a str,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub fax: &'a str,
    pub latitude: &'a str,
    pub longitude: &'a str,
    pub admin_name: &'a str,
    pub admin_kana: &'a str,
    pub admin_email: &'a str,
    pub admin_phone: &'a str,
    pub listed: bool,
    pub consent: bool,
    pub invitation_code: &'a str,
}
