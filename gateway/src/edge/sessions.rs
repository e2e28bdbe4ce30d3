//! identity's answer about a session, kept for a moment: a phone opening a board, its 既読
//! batches and its live stream ask the same question several times a second, and each answer
//! costs identity two queries. An answer is kept for `KEEP` and only for reads (GET): any other
//! request by the session asks identity afresh and drops what was kept, so a password change or
//! a logout is seen by the very next page. What ends a session elsewhere (a suspension, a
//! logout on another gateway, identity killing it) arrives as an event and drops the answer at
//! once; a lost event is bounded by `KEEP`. The certificate's revocation is checked on every
//! request apart from this.

use proto::identity::Principal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long an answer stands without identity being asked again.
const KEEP: Duration = Duration::from_secs(1);
/// Past this many sessions, answers that have lapsed are swept before another is kept.
const SWEEP_OVER: usize = 10_000;

/// A session's token, hashed (SHA-256): the token itself is not kept here.
pub type TokenHash = [u8; 32];

#[derive(Clone)]
pub struct Answer {
    pub principal: Principal,
    pub csrf: String,
    pub ends_at_ms: i64,
}

struct Kept {
    serial: String,
    answer: Answer,
    at: Instant,
}

#[derive(Clone, Default)]
pub struct Sessions {
    kept: Arc<Mutex<HashMap<TokenHash, Kept>>>,
}

#[must_use]
pub fn token_hash(token: &str) -> TokenHash {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).into()
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TokenHash, Kept>> {
        self.kept.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The answer kept for this session on this device, if it still stands.
    #[must_use]
    pub fn get(&self, token: &TokenHash, serial: &str) -> Option<Answer> {
        let kept = self.lock();
        kept.get(token)
            .filter(|k| k.serial == serial && k.at.elapsed() < KEEP)
            .map(|k| k.answer.clone())
    }

    pub fn keep(&self, token: TokenHash, serial: &str, answer: Answer) {
        let mut kept = self.lock();
        if kept.len() > SWEEP_OVER {
            kept.retain(|_, k| k.at.elapsed() < KEEP);
        }
        kept.insert(
            token,
            Kept {
                serial: serial.to_owned(),
                answer,
                at: Instant::now(),
            },
        );
    }

    pub fn forget(&self, token: &TokenHash) {
        self.lock().remove(token);
    }

    /// A session ended (identity names it by its token's SHA-256, hex).
    pub fn session_ended(&self, sha256_hex: &str) {
        if let Ok(bytes) = hex::decode(sha256_hex)
            && let Ok(token) = TokenHash::try_from(bytes.as_slice())
        {
            self.forget(&token);
        }
    }

    /// A person was suspended or deactivated: none of their sessions stands.
    pub fn user_left(&self, user: &str) {
        self.lock()
            .retain(|_, k| k.answer.principal.user_id != user);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(user: &str) -> Answer {
        Answer {
            principal: Principal {
                user_id: user.into(),
                ..Principal::default()
            },
            csrf: "c".into(),
            ends_at_ms: 0,
        }
    }

    #[test]
    fn an_answer_stands_for_its_device_until_its_session_or_person_is_gone() {
        let sessions = Sessions::default();
        let token = token_hash("t");
        sessions.keep(token, "AA", answer("u1"));
        assert!(sessions.get(&token, "AA").is_some());
        assert!(
            sessions.get(&token, "BB").is_none(),
            "another device asks again"
        );
        sessions.session_ended(&hex::encode(token));
        assert!(sessions.get(&token, "AA").is_none());
        sessions.keep(token, "AA", answer("u1"));
        sessions.user_left("u2");
        assert!(sessions.get(&token, "AA").is_some());
        sessions.user_left("u1");
        assert!(sessions.get(&token, "AA").is_none());
    }

    #[test]
    fn an_answer_lapses() {
        let sessions = Sessions::default();
        let token = token_hash("t");
        sessions.keep(token, "AA", answer("u1"));
        if let (Some(k), Some(past)) = (
            sessions.lock().get_mut(&token),
            Instant::now().checked_sub(KEEP),
        ) {
            k.at = past;
        }
        assert!(sessions.get(&token, "AA").is_none());
    }
}
