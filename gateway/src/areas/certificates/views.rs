//! 電子証明書: getting one for a device, and the management of the devices' certificates and
//! the requests for more.

use crate::kit::pieces::{CertificateLine, FieldError};
use askama::Template;

#[derive(Template)]
#[template(path = "enroll.html")]
pub struct Enroll<'a> {
    pub number: &'a str,
    pub label: &'a str,
    pub legacy: bool,
    pub error: Option<&'a str>,
    pub errors: Vec<FieldError>,
    pub csrf: &'a str,
}

#[derive(Template)]
#[template(path = "enrolled.html")]
pub struct Enrolled<'a> {
    pub office: &'a str,
    pub label: &'a str,
    pub serial: &'a str,
    pub not_after: &'a str,
    pub file_name: &'a str,
    pub data_url: &'a str,
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
