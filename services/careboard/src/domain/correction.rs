//! Correcting and withdrawing (取り消し) a post: a care record is never silently rewritten. Only
//! its author, only within the window the city sets, and never once withdrawn; what it said
//! before is kept in its history.

use super::DomainError;
use chrono::{DateTime, Duration, Utc};
use common::ids::UserId;

/// A rule of writing on the board that a reply or a correction would break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoardRule {
    /// Replies are one level deep.
    #[error("a reply to a reply")]
    ReplyToReply,
    /// A withdrawn post takes no reply and no correction.
    #[error("the post was withdrawn")]
    PostWithdrawn,
    /// Corrections are for a while after posting; later, a reply adds to the record.
    #[error("the correction window has passed")]
    CorrectionWindowPassed,
}

/// The window when the city sets none: a day, time enough to notice a slip on the next visit.
pub const DEFAULT_WINDOW_HOURS: i64 = 24;

/// What the rule needs of the post.
pub struct Written {
    pub author: UserId,
    pub created_at: DateTime<Utc>,
    pub withdrawn: bool,
}

/// Whether `actor` may correct or withdraw `post` at `now`.
pub fn may_correct(
    actor: UserId,
    post: &Written,
    window: Duration,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    if post.author != actor {
        return Err(DomainError::NotAuthor);
    }
    if post.withdrawn {
        return Err(DomainError::Rule(BoardRule::PostWithdrawn));
    }
    if now - post.created_at > window {
        return Err(DomainError::Rule(BoardRule::CorrectionWindowPassed));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(author: UserId, hours_ago: i64, now: DateTime<Utc>) -> Written {
        Written {
            author,
            created_at: now - Duration::hours(hours_ago),
            withdrawn: false,
        }
    }

    #[test]
    fn only_the_author_corrects_and_only_within_the_window() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let me = UserId::new_v7();
        let day = Duration::hours(DEFAULT_WINDOW_HOURS);
        assert!(may_correct(me, &written(me, 23, now), day, now).is_ok());
        assert_eq!(
            may_correct(me, &written(me, 25, now), day, now),
            Err(DomainError::Rule(BoardRule::CorrectionWindowPassed))
        );
        assert_eq!(
            may_correct(UserId::new_v7(), &written(me, 1, now), day, now),
            Err(DomainError::NotAuthor)
        );
        let mut gone = written(me, 1, now);
        gone.withdrawn = true;
        assert_eq!(
            may_correct(me, &gone, day, now),
            Err(DomainError::Rule(BoardRule::PostWithdrawn))
        );
    }
}
