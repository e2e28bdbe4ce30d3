//! Identity's rules: passwords, sessions, device certificates. Plain Rust, no I/O.

pub mod access;
pub mod audit;
pub mod ca;
pub mod certificate;
pub mod directory;
pub mod enrollment;
pub mod password;
pub mod profession;
pub mod session;

pub use common::states::UserStatus;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Staff,
    OfficeAdmin,
    Operator,
}

impl Role {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Staff => "staff",
            Role::OfficeAdmin => "office_admin",
            Role::Operator => "operator",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "staff" => Some(Role::Staff),
            "office_admin" => Some(Role::OfficeAdmin),
            "operator" => Some(Role::Operator),
            _ => None,
        }
    }
}

/// A login ID: ASCII letters, digits, `.`, `_`, `-`, 3 to 64 characters, case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginId(String);

impl LoginId {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let s = raw.trim().to_ascii_lowercase();
        let ok = (3..=64).contains(&s.len())
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(Self(s))
        } else {
            Err(DomainError::InvalidLoginId)
        }
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LoginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DomainError {
    #[error("login id is malformed")]
    InvalidLoginId,
    #[error("password does not meet the policy: {0}")]
    WeakPassword(password::Weakness),
    #[error("credentials rejected")]
    BadCredentials,
    #[error("account locked")]
    Locked,
    #[error("account suspended")]
    Suspended,
    #[error("session invalid")]
    SessionInvalid,
    #[error("certificate: {0}")]
    Certificate(String),
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("field {0} is invalid")]
    Invalid(&'static str),
    #[error("login id taken")]
    LoginIdTaken,
    #[error("too many attempts")]
    RateLimited,
    #[error("enrollment code refused")]
    EnrollmentRefused,
    #[error("current password wrong")]
    WrongCurrentPassword,
    /// The device belongs to another office (named here) than the person's or its partners.
    #[error("device of another office")]
    OtherOfficeDevice(String),
}

/// A person's name as shown to others: trimmed, 1 to 50 characters.
pub fn person_name(raw: &str) -> Result<String, DomainError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n == 0 || n > 50 || s.chars().any(char::is_control) {
        return Err(DomainError::Invalid("name"));
    }
    Ok(s.to_owned())
}
