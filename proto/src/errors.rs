//! Refusals as they cross every process boundary, in gRPC's rich error model: a status carries a
//! `google.rpc.ErrorInfo` whose reason is a value of one of the contract's `ErrorReason` enums and
//! whose domain names the part that refused, and for wrong fields a `google.rpc.BadRequest`
//! naming them. Services build statuses with [`Refusal::into_status`], the gateway reads them
//! back with [`Refusal::from_status`]: both ends match on the same types. The status message is a
//! short text for logs and nobody reads it.

use crate::{careboard, common, identity, notify, offices};
use std::collections::HashMap;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// `ErrorInfo.metadata` key of [`identity::ErrorReason::OtherOfficeDevice`]: the office the
/// device was issued to, so the person is told whose device it is.
pub const DEVICE_OFFICE_NAME: &str = "device_office_name";
/// The fact of a file refused for its size: the limit per file, in MB.
pub const MAX_FILE_MB: &str = "max_mb";
/// The fact of a post refused for its number of files: how many a post takes.
pub const MAX_FILES: &str = "max_files";

/// The part that refused: `ErrorInfo.domain` is `renrakucho.<part>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Domain {
    /// The contract's own check of a request that several services take (the report's period),
    /// made as it is decoded, before any service code knows which service it reached.
    Common,
    Identity,
    Offices,
    Careboard,
    Notify,
}

impl Domain {
    pub const ALL: [Self; 5] = [
        Self::Common,
        Self::Identity,
        Self::Offices,
        Self::Careboard,
        Self::Notify,
    ];

    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Common => "renrakucho.common",
            Self::Identity => "renrakucho.identity",
            Self::Offices => "renrakucho.offices",
            Self::Careboard => "renrakucho.careboard",
            Self::Notify => "renrakucho.notify",
        }
    }

    #[must_use]
    pub fn parse(domain: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == domain)
    }
}

/// Why a call was refused: a reason every service gives alike, or one of a service's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    Common(common::ErrorReason),
    Identity(identity::ErrorReason),
    Offices(offices::ErrorReason),
    Careboard(careboard::ErrorReason),
    Notify(notify::ErrorReason),
}

impl From<common::ErrorReason> for Reason {
    fn from(r: common::ErrorReason) -> Self {
        Self::Common(r)
    }
}

impl From<identity::ErrorReason> for Reason {
    fn from(r: identity::ErrorReason) -> Self {
        Self::Identity(r)
    }
}

impl From<offices::ErrorReason> for Reason {
    fn from(r: offices::ErrorReason) -> Self {
        Self::Offices(r)
    }
}

impl From<careboard::ErrorReason> for Reason {
    fn from(r: careboard::ErrorReason) -> Self {
        Self::Careboard(r)
    }
}

impl From<notify::ErrorReason> for Reason {
    fn from(r: notify::ErrorReason) -> Self {
        Self::Notify(r)
    }
}

impl Reason {
    /// The stable name sent as `ErrorInfo.reason`, as written in the `.proto`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Common(r) => r.as_str_name(),
            Self::Identity(r) => r.as_str_name(),
            Self::Offices(r) => r.as_str_name(),
            Self::Careboard(r) => r.as_str_name(),
            Self::Notify(r) => r.as_str_name(),
        }
    }

    /// The gRPC code each reason is sent with, fixed beside the reasons so that a client which
    /// reads only codes (a service asking another) sees the same code for the same reason.
    #[must_use]
    pub fn code(self) -> Code {
        use common::ErrorReason as C;
        use identity::ErrorReason as I;
        match self {
            Self::Common(r) => match r {
                C::InvalidField => Code::InvalidArgument,
                C::NoActor => Code::Unauthenticated,
                C::Forbidden => Code::PermissionDenied,
                C::NotFound => Code::NotFound,
                C::IdempotencyInProgress => Code::Aborted,
                C::IdempotencyKeyReused | C::IdempotencyAnswered => Code::FailedPrecondition,
                C::Unavailable => Code::Unavailable,
                C::Internal | C::Unspecified => Code::Internal,
            },
            Self::Identity(r) => match r {
                I::BadCredentials | I::SessionInvalid => Code::Unauthenticated,
                I::Locked => Code::FailedPrecondition,
                I::Suspended
                | I::DeviceNotRegistered
                | I::OtherOfficeDevice
                | I::EnrollmentRefused => Code::PermissionDenied,
                I::RateLimited => Code::ResourceExhausted,
                I::LoginIdTaken => Code::AlreadyExists,
                I::WrongCurrentPassword
                | I::WeakPasswordTooShort
                | I::WeakPasswordTooLong
                | I::WeakPasswordCommon
                | I::WeakPasswordReused => Code::InvalidArgument,
                I::Unspecified => Code::Internal,
            },
            Self::Offices(r) => match r {
                offices::ErrorReason::InvitationInvalid => Code::PermissionDenied,
                offices::ErrorReason::AlreadyDecided | offices::ErrorReason::ApplicationsClosed => {
                    Code::FailedPrecondition
                }
                offices::ErrorReason::Unspecified => Code::Internal,
            },
            Self::Careboard(r) => match r {
                careboard::ErrorReason::BoardClosed
                | careboard::ErrorReason::AlreadyMember
                | careboard::ErrorReason::InactiveUser
                | careboard::ErrorReason::RepresentativeMustHandOver
                | careboard::ErrorReason::AlreadyRepresentative
                | careboard::ErrorReason::ReplyToReply
                | careboard::ErrorReason::PostWithdrawn
                | careboard::ErrorReason::CorrectionWindowPassed => Code::FailedPrecondition,
                careboard::ErrorReason::FileUnsupported
                | careboard::ErrorReason::FileHeic
                | careboard::ErrorReason::FileTooLarge
                | careboard::ErrorReason::FileTooManyPixels
                | careboard::ErrorReason::FileCorrupt
                | careboard::ErrorReason::TooManyFiles => Code::InvalidArgument,
                careboard::ErrorReason::NotAuthor => Code::PermissionDenied,
                careboard::ErrorReason::Unspecified => Code::Internal,
            },
            Self::Notify(r) => match r {
                notify::ErrorReason::NotGateway => Code::PermissionDenied,
                notify::ErrorReason::Unspecified => Code::Internal,
            },
        }
    }

    fn is_unspecified(self) -> bool {
        matches!(
            self,
            Self::Common(common::ErrorReason::Unspecified)
                | Self::Identity(identity::ErrorReason::Unspecified)
                | Self::Offices(offices::ErrorReason::Unspecified)
                | Self::Careboard(careboard::ErrorReason::Unspecified)
                | Self::Notify(notify::ErrorReason::Unspecified)
        )
    }

    /// A reason by its name, as the domain that sent it defines it: the common reasons first
    /// (no service defines one of their names), then the domain's own.
    #[must_use]
    pub fn parse(domain: Domain, name: &str) -> Option<Self> {
        let reason = common::ErrorReason::from_str_name(name)
            .map(Self::Common)
            .or_else(|| match domain {
                Domain::Common => None,
                Domain::Identity => identity::ErrorReason::from_str_name(name).map(Self::Identity),
                Domain::Offices => offices::ErrorReason::from_str_name(name).map(Self::Offices),
                Domain::Careboard => {
                    careboard::ErrorReason::from_str_name(name).map(Self::Careboard)
                }
                Domain::Notify => notify::ErrorReason::from_str_name(name).map(Self::Notify),
            })?;
        (!reason.is_unspecified()).then_some(reason)
    }
}

/// A refusal as it crosses a boundary: who refused, why, which of the request's fields, and the
/// few facts the refused person is told (`ErrorInfo.metadata`, never a cause).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub domain: Domain,
    pub reason: Reason,
    /// The request's fields at fault, by their names in the contract.
    pub fields: Vec<String>,
    pub metadata: HashMap<String, String>,
}

impl Refusal {
    #[must_use]
    pub fn new(domain: Domain, reason: impl Into<Reason>) -> Self {
        Self {
            domain,
            reason: reason.into(),
            fields: Vec::new(),
            metadata: HashMap::new(),
        }
    }

    /// `INVALID_FIELD` for the named fields, all of them at once.
    #[must_use]
    pub fn invalid<S: Into<String>>(domain: Domain, fields: impl IntoIterator<Item = S>) -> Self {
        Self {
            fields: fields.into_iter().map(Into::into).collect(),
            ..Self::new(domain, common::ErrorReason::InvalidField)
        }
    }

    /// Names a field of the request the refusal is about.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>) -> Self {
        self.fields.push(name.into());
        self
    }

    /// Adds a fact the refused person is told.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<String>) -> Self {
        self.metadata.insert(key.to_owned(), value.into());
        self
    }

    /// The text of the status message: for logs, never read by a program.
    fn log_text(&self) -> String {
        let name = self.reason.name().to_ascii_lowercase();
        if self.reason == Reason::Common(common::ErrorReason::InvalidField) {
            format!("invalid:{}", self.fields.join(","))
        } else {
            name
        }
    }

    #[must_use]
    pub fn into_status(self) -> Status {
        let message = self.log_text();
        let code = self.reason.code();
        let description = self.reason.name().to_ascii_lowercase();
        let mut details =
            ErrorDetails::with_error_info(self.reason.name(), self.domain.as_str(), self.metadata);
        for field in self.fields {
            details.add_bad_request_violation(field, description.clone());
        }
        Status::with_error_details(code, message, details)
    }

    /// The refusal a status carries; `None` for a status without a reason of the contract (one
    /// made by the transport: a service down, a deadline passed).
    #[must_use]
    pub fn from_status(status: &Status) -> Option<Self> {
        let details = status.get_error_details();
        let info = details.error_info()?;
        let domain = Domain::parse(&info.domain)?;
        let reason = Reason::parse(domain, &info.reason)?;
        let fields = details
            .bad_request()
            .map(|b| b.field_violations.iter().map(|v| v.field.clone()).collect())
            .unwrap_or_default();
        Some(Self {
            domain,
            reason,
            fields,
            metadata: info.metadata.clone(),
        })
    }

    /// A metadata value, when present and not blank.
    #[must_use]
    pub fn fact(&self, key: &str) -> Option<&str> {
        self.metadata
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }
}

/// A status in a log line: the refusal's domain and reason, or for a failure of the transport
/// its code and text (which no program reads).
#[must_use]
pub fn describe(status: &Status) -> String {
    match Refusal::from_status(status) {
        Some(r) => format!("{} {}", r.domain.as_str(), r.reason.name()),
        None => format!("{:?} {}", status.code(), status.message()),
    }
}

impl From<Refusal> for Status {
    fn from(r: Refusal) -> Self {
        r.into_status()
    }
}

#[cfg(test)]
mod tests;
