//! The audit trail's hash chain: each record's hash covers the previous record's hash and every
//! field of its own, so altering, inserting or deleting a record breaks every link after it.

use common::states::StateError;
use sha2::{Digest, Sha256};
use std::str::FromStr;

/// How an audited action ended, as every service records it (`common::audit::AuditRecord`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditOutcome {
    Success,
    /// Refused: the actor or the device may not do it.
    Denied,
    Failure,
}

impl AuditOutcome {
    pub const ALL: [Self; 3] = [Self::Success, Self::Denied, Self::Failure];

    /// The text the trail stores (and hashes).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Denied => "denied",
            Self::Failure => "failure",
        }
    }
}

impl FromStr for AuditOutcome {
    type Err = StateError;

    fn from_str(text: &str) -> Result<Self, StateError> {
        Self::ALL
            .into_iter()
            .find(|o| o.as_str() == text)
            .ok_or(StateError("audit outcome"))
    }
}

impl TryFrom<String> for AuditOutcome {
    type Error = StateError;

    fn try_from(text: String) -> Result<Self, StateError> {
        text.parse()
    }
}

/// The fields of a record in the order they are hashed.
pub struct Hashed<'a> {
    pub seq: i64,
    pub event_id: &'a str,
    pub at_micros: i64,
    pub source: &'a str,
    pub action: &'a str,
    pub actor_user_id: &'a str,
    pub actor_office_id: &'a str,
    pub cert_serial: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub outcome: &'a str,
    /// Canonical JSON (object keys sorted).
    pub details: &'a str,
}

#[must_use]
pub fn link_hash(prev: &[u8], r: &Hashed<'_>) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(prev);
    // Length-prefixed fields, so no two different records serialize alike.
    for field in [
        r.seq.to_string().as_str(),
        r.event_id,
        r.at_micros.to_string().as_str(),
        r.source,
        r.action,
        r.actor_user_id,
        r.actor_office_id,
        r.cert_serial,
        r.target_type,
        r.target_id,
        r.outcome,
        r.details,
    ] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().to_vec()
}

/// What a check of the whole chain found.
#[derive(Debug, PartialEq, Eq)]
pub enum ChainVerdict {
    Intact {
        records: usize,
    },
    /// The first record whose link does not hold, and how many held before it.
    BrokenAt {
        seq: i64,
        checked: usize,
    },
}

/// Walks the records in order, one at a time, so the trail can be read in pages of any size:
/// each must follow the previous by one, point at its hash, and hash to what it says.
#[derive(Debug)]
pub struct ChainWalk {
    prev: Vec<u8>,
    next_seq: i64,
    checked: usize,
}

impl Default for ChainWalk {
    fn default() -> Self {
        Self {
            prev: vec![0u8; 32],
            next_seq: 1,
            checked: 0,
        }
    }
}

impl ChainWalk {
    /// The verdict at the first link that does not hold; `Ok` while the chain holds.
    pub fn step(
        &mut self,
        fields: &Hashed<'_>,
        prev_hash: &[u8],
        hash: &[u8],
    ) -> Result<(), ChainVerdict> {
        if fields.seq != self.next_seq
            || prev_hash != self.prev.as_slice()
            || link_hash(&self.prev, fields) != hash
        {
            return Err(ChainVerdict::BrokenAt {
                seq: fields.seq,
                checked: self.checked,
            });
        }
        hash.clone_into(&mut self.prev);
        self.next_seq += 1;
        self.checked += 1;
        Ok(())
    }

    /// The last sequence number checked: where the next page starts after.
    #[must_use]
    pub fn last_seq(&self) -> i64 {
        self.next_seq - 1
    }

    #[must_use]
    pub fn finish(self) -> ChainVerdict {
        ChainVerdict::Intact {
            records: self.checked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify<'a>(
        records: impl IntoIterator<Item = (Hashed<'a>, &'a [u8], &'a [u8])>,
    ) -> ChainVerdict {
        let mut walk = ChainWalk::default();
        for (fields, prev_hash, hash) in records {
            if let Err(broken) = walk.step(&fields, prev_hash, hash) {
                return broken;
            }
        }
        walk.finish()
    }

    fn record(seq: i64, action: &'static str) -> Hashed<'static> {
        Hashed {
            seq,
            event_id: "e",
            at_micros: 1,
            source: "s",
            action,
            actor_user_id: "",
            actor_office_id: "",
            cert_serial: "",
            target_type: "",
            target_id: "",
            outcome: "success",
            details: "null",
        }
    }

    #[test]
    fn an_outcome_is_one_of_the_three_texts_the_trail_holds() {
        for outcome in AuditOutcome::ALL {
            assert_eq!(outcome.as_str().parse::<AuditOutcome>(), Ok(outcome));
            assert_eq!(
                AuditOutcome::try_from(outcome.as_str().to_owned()),
                Ok(outcome)
            );
        }
        for wrong in ["", "Success", "maybe", "denied "] {
            assert!(wrong.parse::<AuditOutcome>().is_err(), "{wrong:?}");
        }
    }

    #[test]
    fn an_altered_record_breaks_the_chain_there() {
        let zero = vec![0u8; 32];
        let h1 = link_hash(&zero, &record(1, "a"));
        let h2 = link_hash(&h1, &record(2, "b"));
        let h3 = link_hash(&h2, &record(3, "c"));
        let intact = vec![
            (record(1, "a"), zero.as_slice(), h1.as_slice()),
            (record(2, "b"), &h1, &h2),
            (record(3, "c"), &h2, &h3),
        ];
        assert_eq!(verify(intact), ChainVerdict::Intact { records: 3 });
        let altered = vec![
            (record(1, "a"), zero.as_slice(), h1.as_slice()),
            (record(2, "X"), &h1, &h2),
            (record(3, "c"), &h2, &h3),
        ];
        assert_eq!(
            verify(altered),
            ChainVerdict::BrokenAt { seq: 2, checked: 1 }
        );
        let deleted = vec![
            (record(1, "a"), zero.as_slice(), h1.as_slice()),
            (record(3, "c"), &h2, &h3),
        ];
        assert_eq!(
            verify(deleted),
            ChainVerdict::BrokenAt { seq: 3, checked: 1 }
        );
    }
}
