//! Idempotency keys. A client that may send a state change twice (a double-clicked form, an API
//! call retried after a timeout) sends a key with it; a repeat with the same key, by the same
//! actor, for the same operation, gets the first answer and changes nothing.
//!
//! The gateway owns no database, so it only carries the key: `scope` holds it for the duration of
//! one HTTP request and `inject` (called by every gRPC client's interceptor) puts it, with the
//! operation it was sent for, into the call's metadata. The service that owns the write records
//! it (`service_runtime::idempotency`) in the same transaction as the write.

use tonic::metadata::{MetadataMap, MetadataValue};

/// The key's name: the HTTP header of the API, and the gRPC metadata it travels in.
pub const KEY: &str = "idempotency-key";
/// The gRPC metadata naming what the key was sent for (the HTTP method and path).
pub const OPERATION: &str = "idempotency-operation";
/// The form field that carries a key rendered with a page.
pub const FORM_FIELD: &str = "idempotency_key";
pub const MAX_KEY_LEN: usize = 128;
const MAX_OPERATION_LEN: usize = 512;

/// A key and the operation it was sent for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub key: String,
    pub operation: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ClaimError {
    #[error("idempotency key must be 1-{MAX_KEY_LEN} of A-Z a-z 0-9 - _ . :")]
    BadKey,
    #[error("idempotency operation missing or malformed")]
    BadOperation,
}

/// A key a client may choose: short, printable, and safe in a header, a log and a URL alike
/// (UUIDs, ULIDs and the like).
#[must_use]
pub fn valid_key(raw: &str) -> bool {
    (1..=MAX_KEY_LEN).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

impl Claim {
    pub fn new(key: &str, operation: &str) -> Result<Self, ClaimError> {
        if !valid_key(key) {
            return Err(ClaimError::BadKey);
        }
        if operation.is_empty()
            || operation.len() > MAX_OPERATION_LEN
            || !operation.bytes().all(|b| b.is_ascii_graphic() || b == b' ')
        {
            return Err(ClaimError::BadOperation);
        }
        Ok(Self {
            key: key.to_owned(),
            operation: operation.to_owned(),
        })
    }

    /// The claim a gRPC call carries, if any.
    pub fn from_metadata(metadata: &MetadataMap) -> Result<Option<Self>, ClaimError> {
        let Some(key) = metadata.get(KEY) else {
            return Ok(None);
        };
        let key = key.to_str().map_err(|_| ClaimError::BadKey)?;
        let operation = metadata
            .get(OPERATION)
            .and_then(|v| v.to_str().ok())
            .ok_or(ClaimError::BadOperation)?;
        Self::new(key, operation).map(Some)
    }

    fn write(&self, metadata: &mut MetadataMap) {
        if let (Ok(k), Ok(o)) = (
            MetadataValue::try_from(self.key.as_str()),
            MetadataValue::try_from(self.operation.as_str()),
        ) {
            metadata.insert(KEY, k);
            metadata.insert(OPERATION, o);
        }
    }
}

tokio::task_local! {
    static CURRENT: Claim;
}

/// Runs `f` (one HTTP request's handling) with `claim` as the key of every gRPC call it makes.
pub async fn scope<F: Future>(claim: Option<Claim>, f: F) -> F::Output {
    match claim {
        Some(c) => CURRENT.scope(c, f).await,
        None => f.await,
    }
}

/// Adds the current request's key, if it has one, to an outgoing call.
pub fn inject(metadata: &mut MetadataMap) {
    let _ = CURRENT.try_with(|c| c.write(metadata));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_and_printable() {
        assert!(valid_key("0192f1c4-7d3a-7b4e-9c1f-2a3b4c5d6e7f"));
        assert!(valid_key("01HGW2N7EXAMPLE:retry.1_a"));
        assert!(!valid_key(""));
        assert!(!valid_key(&"a".repeat(MAX_KEY_LEN + 1)));
        assert!(!valid_key("a b"));
        assert!(!valid_key("キー"));
        assert!(!valid_key("a\r\nb"));
    }

    #[tokio::test]
    async fn the_key_travels_only_inside_its_scope() {
        let claim = Claim::new("k1", "POST /boards/x/posts").unwrap();
        let mut outside = MetadataMap::new();
        inject(&mut outside);
        assert!(Claim::from_metadata(&outside).unwrap().is_none());
        let inside = scope(Some(claim.clone()), async {
            let mut m = MetadataMap::new();
            inject(&mut m);
            m
        })
        .await;
        assert_eq!(Claim::from_metadata(&inside).unwrap(), Some(claim));
    }

    #[test]
    fn a_key_without_its_operation_is_refused() {
        let mut m = MetadataMap::new();
        m.insert(KEY, MetadataValue::from_static("k1"));
        assert_eq!(Claim::from_metadata(&m), Err(ClaimError::BadOperation));
    }
}
