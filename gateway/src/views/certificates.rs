//! 電子証明書の管理: the devices' certificates and the requests for more.

use super::{FieldError, status_label, tokyo_time};
use askama::Template;

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

pub struct RequestLine {
    pub office_id: String,
    pub office: String,
    pub note: String,
    pub created_at: String,
}

#[derive(Template)]
#[template(path = "certificates.html")]
pub struct Certificates<'a> {
    pub csrf: &'a str,
    pub operator: bool,
    pub query: &'a str,
    pub items: Vec<CertificateLine>,
    pub requests: Vec<RequestLine>,
    pub notice: Option<&'a str>,
    /// A refused 失効 (its certificate's serial and the reason typed) or 追加発行の申請 (the note).
    pub draft: CertificateDraft<'a>,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
}

#[derive(Default)]
pub struct CertificateDraft<'a> {
    pub serial: &'a str,
    pub reason: &'a str,
    pub note: &'a str,
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
            status: status_label(&c.status),
            active: c.status == "active",
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
