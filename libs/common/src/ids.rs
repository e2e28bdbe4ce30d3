//! Typed ids, decoded once where a request or an event comes in, so a recipient's id can never be
//! passed where a post's is expected. Only mechanisms here: which ids a service has is its own.
//!
//! No database driver: `common` is linked by the gateway, which must hold none. Stores bind
//! `id.as_uuid()` and wrap what they read with `From<Uuid>`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use uuid::Uuid;

/// Why a text is not an id of the kind asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("{0}: empty")]
    Empty(&'static str),
    /// Longer than any written form of a UUID: refused before parsing.
    #[error("{0}: too long")]
    TooLong(&'static str),
    #[error("{0}: not a uuid")]
    Malformed(&'static str),
}

/// The longest written form `uuid` accepts (`urn:uuid:` and 36 characters).
const MAX_UUID_TEXT: usize = 45;

fn parse_uuid(text: &str, kind: &'static str) -> Result<Uuid, IdError> {
    if text.is_empty() {
        return Err(IdError::Empty(kind));
    }
    if text.len() > MAX_UUID_TEXT {
        return Err(IdError::TooLong(kind));
    }
    Uuid::parse_str(text).map_err(|_| IdError::Malformed(kind))
}

/// A list of typed ids as the UUIDs a query binds (`= ANY($1)`).
#[must_use]
pub fn uuids<T: Copy + Into<Uuid>>(ids: &[T]) -> Vec<Uuid> {
    ids.iter().copied().map(Into::into).collect()
}

/// A newtype over a UUID with the conversions every id needs, and no others.
macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id for a row being created.
            #[must_use]
            pub fn new_v7() -> Self {
                Self(Uuid::now_v7())
            }

            #[must_use]
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(text: &str) -> Result<Self, IdError> {
                parse_uuid(text, $kind).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

uuid_id!(
    /// A person with an account (identity's `users`).
    UserId,
    "user id"
);
uuid_id!(
    /// A care office (事業所), or the city's own.
    OfficeId,
    "office id"
);
uuid_id!(
    /// A care recipient (利用者), whose board it is.
    RecipientId,
    "recipient id"
);
uuid_id!(
    /// A post on a board; a reply is a post with a parent, under the same kind of id.
    PostId,
    "post id"
);
uuid_id!(
    /// A file attached (or being attached) to a post.
    FileId,
    "file id"
);
uuid_id!(
    /// An incident report (事故・ヒヤリハット報告).
    IncidentId,
    "incident id"
);
uuid_id!(
    /// An office's application to join (利用申請).
    ApplicationId,
    "application id"
);
uuid_id!(
    /// An announcement of the city to offices (お知らせ).
    AnnouncementId,
    "announcement id"
);

/// Why a text is not a certificate serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SerialError {
    #[error("certificate serial: empty")]
    Empty,
    #[error("certificate serial: longer than {} characters", CertSerial::MAX_LEN)]
    TooLong,
    #[error("certificate serial: not hexadecimal")]
    NotHex,
}

/// A device certificate's serial number as the gateway reads it from the TLS session: its bytes
/// in hexadecimal (the CA writes 16 random bytes, 32 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CertSerial(String);

impl CertSerial {
    /// X.509 allows serials of 20 bytes; 64 characters leaves room and is what services stored.
    pub const MAX_LEN: usize = 64;

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CertSerial {
    type Err = SerialError;

    fn from_str(text: &str) -> Result<Self, SerialError> {
        if text.is_empty() {
            return Err(SerialError::Empty);
        }
        if text.len() > Self::MAX_LEN {
            return Err(SerialError::TooLong);
        }
        if !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SerialError::NotHex);
        }
        Ok(Self(text.to_owned()))
    }
}

impl TryFrom<String> for CertSerial {
    type Error = SerialError;

    fn try_from(text: String) -> Result<Self, SerialError> {
        text.parse()
    }
}

impl From<CertSerial> for String {
    fn from(serial: CertSerial) -> Self {
        serial.0
    }
}

impl fmt::Display for CertSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "0190abcd-0001-7000-8000-123456789abc";

    #[test]
    fn an_id_reads_back_as_it_was_written() {
        let id: RecipientId = GOOD.parse().unwrap();
        assert_eq!(id.to_string(), GOOD);
        assert_eq!(id.as_uuid(), Uuid::parse_str(GOOD).unwrap());
        assert_eq!(Uuid::from(id), id.as_uuid());
        assert_eq!(RecipientId::from(id.as_uuid()), id);
    }

    #[test]
    fn a_text_that_is_not_an_id_is_refused_with_its_reason() {
        assert_eq!("".parse::<PostId>(), Err(IdError::Empty("post id")));
        assert_eq!(
            "not-a-uuid".parse::<PostId>(),
            Err(IdError::Malformed("post id"))
        );
        assert_eq!(
            "0190abcd-0001-7000-8000-123456789ab\0".parse::<UserId>(),
            Err(IdError::Malformed("user id"))
        );
        assert_eq!(
            format!("{GOOD}\0").parse::<UserId>(),
            Err(IdError::Malformed("user id"))
        );
        assert_eq!(
            GOOD.repeat(2).parse::<OfficeId>(),
            Err(IdError::TooLong("office id"))
        );
        assert_eq!(
            "x".repeat(100_000).parse::<FileId>(),
            Err(IdError::TooLong("file id"))
        );
        // One hex digit short or over is no id either.
        assert!(GOOD[..35].parse::<IncidentId>().is_err());
        assert!(format!("{GOOD}0").parse::<IncidentId>().is_err());
    }

    #[test]
    fn ids_are_strings_in_json() {
        let id: PostId = GOOD.parse().unwrap();
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{GOOD}\""));
        assert_eq!(
            serde_json::from_str::<PostId>(&format!("\"{GOOD}\"")).unwrap(),
            id
        );
        assert!(serde_json::from_str::<PostId>("\"nope\"").is_err());
    }

    #[test]
    fn fresh_ids_are_time_ordered() {
        let first = PostId::new_v7();
        let second = PostId::new_v7();
        assert_eq!(first.as_uuid().get_version_num(), 7);
        assert!(first < second);
    }

    #[test]
    fn a_serial_is_bounded_hexadecimal() {
        let serial: CertSerial = "3f9a1c0e5b7d42a8b6c1e0f29d4a7b35".parse().unwrap();
        assert_eq!(serial.as_str(), "3f9a1c0e5b7d42a8b6c1e0f29d4a7b35");
        assert_eq!(serial.to_string(), serial.as_str());
        assert!("3F9A".parse::<CertSerial>().is_ok());
        assert_eq!("".parse::<CertSerial>(), Err(SerialError::Empty));
        assert_eq!("3f9a\0".parse::<CertSerial>(), Err(SerialError::NotHex));
        assert_eq!("3f 9a".parse::<CertSerial>(), Err(SerialError::NotHex));
        assert_eq!("ｆｆ".parse::<CertSerial>(), Err(SerialError::NotHex));
        assert!(
            "a".repeat(CertSerial::MAX_LEN)
                .parse::<CertSerial>()
                .is_ok()
        );
        assert_eq!(
            "a".repeat(CertSerial::MAX_LEN + 1).parse::<CertSerial>(),
            Err(SerialError::TooLong)
        );
    }

    #[test]
    fn a_serial_is_checked_when_read_from_json_too() {
        assert!(serde_json::from_str::<CertSerial>("\"00ff\"").is_ok());
        assert!(serde_json::from_str::<CertSerial>("\"zz\"").is_err());
        let serial: CertSerial = "00ff".parse().unwrap();
        assert_eq!(serde_json::to_string(&serial).unwrap(), "\"00ff\"");
    }
}
