//! Live updates of open boards. Every gateway instance subscribes (no queue group) to careboard's
//! board events on NATS and fans them out to the pages open on that board. The events carry ids
//! only; a page that hears of a post asks for it and careboard checks that the reader may see it.
//! A page's stream ends as soon as its reader leaves the team or is suspended, or its session
//! ends (`watch`): careboard would refuse the content anyway, but not even the ids should keep
//! flowing.

use futures::StreamExt;
use proto::common::UserStatus;
use proto::events as bus;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

/// What an open page is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardEvent {
    /// A new post to fetch and show.
    Posted(Uuid),
    /// Posts whose 既読 or 確認 changed, to fetch again.
    Marked(Vec<Uuid>),
    /// This person may no longer see the board: their streams of it end.
    Left(Uuid),
    /// The session with this token hash (SHA-256, hex) ended: its streams end.
    SessionEnded(String),
}

/// Which open pages an event is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Audience {
    Board(Uuid),
    EveryBoard,
}

/// What the gateway listens to.
const SUBJECTS: [&str; 4] = bus::heard::GATEWAY_LIVE;

/// Per board, the channel its open pages listen on; dropped when the last page closes.
#[derive(Clone, Default)]
pub struct Live {
    boards: Arc<Mutex<HashMap<Uuid, broadcast::Sender<BoardEvent>>>>,
    /// identity's kept answers about sessions, which the same events end.
    sessions: super::sessions::Sessions,
}

fn id(text: &str) -> Option<Uuid> {
    text.parse().ok()
}

/// What `payload`, heard on `subject`, tells open pages; `None` for an event they need not hear
/// or that does not read as its subject's message.
fn decode(subject: &str, payload: &[u8]) -> Option<(Audience, BoardEvent)> {
    let event: common::events::CloudEvent = serde_json::from_slice(payload).ok()?;
    if event.kind != subject {
        return None;
    }
    if bus::USER_STATUS_CHANGED == *subject {
        let changed = event.data_of(bus::USER_STATUS_CHANGED).ok()?;
        let left = match changed.status() {
            // A status this gateway cannot read ends the person's streams too: a page that
            // reconnects is let in again only if identity still takes its session.
            UserStatus::Suspended | UserStatus::Deactivated | UserStatus::Unspecified => true,
            UserStatus::Active => false,
        };
        return left.then_some((
            Audience::EveryBoard,
            BoardEvent::Left(id(&changed.user_id)?),
        ));
    }
    if bus::SESSION_ENDED == *subject {
        let ended = event.data_of(bus::SESSION_ENDED).ok()?;
        return Some((
            Audience::EveryBoard,
            BoardEvent::SessionEnded(ended.session_sha256),
        ));
    }
    let (board, what) = if bus::POST_CREATED == *subject {
        let d = event.data_of(bus::POST_CREATED).ok()?;
        (d.recipient_id, BoardEvent::Posted(id(&d.post_id)?))
    } else if let Some(marks) = [bus::POSTS_READ, bus::POST_ACKNOWLEDGED, bus::POST_CHANGED]
        .into_iter()
        .find(|s| *s == *subject)
    {
        let d = event.data_of(marks).ok()?;
        let posts = d.post_ids.iter().map(|p| id(p)).collect::<Option<_>>()?;
        (d.recipient_id, BoardEvent::Marked(posts))
    } else if bus::MEMBER_REMOVED == *subject {
        let d = event.data_of(bus::MEMBER_REMOVED).ok()?;
        (d.recipient_id, BoardEvent::Left(id(&d.user_id)?))
    } else {
        return None;
    };
    Some((Audience::Board(id(&board)?), what))
}

impl Live {
    pub fn subscribe(&self, board: Uuid) -> broadcast::Receiver<BoardEvent> {
        let mut boards = self.boards.lock().unwrap_or_else(PoisonError::into_inner);
        boards.retain(|_, tx| tx.receiver_count() > 0);
        boards
            .entry(board)
            .or_insert_with(|| broadcast::channel(64).0)
            .subscribe()
    }

    /// The kept answers about sessions that the events this gateway hears keep true.
    #[must_use]
    pub fn sessions(&self) -> &super::sessions::Sessions {
        &self.sessions
    }

    fn publish(&self, audience: Audience, event: BoardEvent) {
        match (&event, audience) {
            (BoardEvent::SessionEnded(sha), _) => self.sessions.session_ended(sha),
            (BoardEvent::Left(user), Audience::EveryBoard) => {
                self.sessions.user_left(&user.to_string());
            }
            _ => {}
        }
        let boards = self.boards.lock().unwrap_or_else(PoisonError::into_inner);
        // No listener left is not an error: the page closed.
        match audience {
            Audience::Board(board) => {
                if let Some(tx) = boards.get(&board) {
                    let _ = tx.send(event);
                }
            }
            Audience::EveryBoard => {
                for tx in boards.values() {
                    let _ = tx.send(event.clone());
                }
            }
        }
    }

    async fn subscribe_all(
        nats: &async_nats::Client,
    ) -> Result<futures::stream::SelectAll<async_nats::Subscriber>, async_nats::SubscribeError>
    {
        let mut all = futures::stream::SelectAll::new();
        for subject in SUBJECTS {
            all.push(nats.subscribe(subject).await?);
        }
        Ok(all)
    }

    /// Relays NATS to the open pages until shutdown, resubscribing after a lost connection.
    pub async fn run(self, nats: async_nats::Client, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match Self::subscribe_all(&nats).await {
                Ok(mut sub) => loop {
                    tokio::select! {
                        () = shutdown.cancelled() => return,
                        msg = sub.next() => match msg {
                            Some(msg) => {
                                if let Some((audience, event)) = decode(msg.subject.as_str(), &msg.payload) {
                                    self.publish(audience, event);
                                }
                            }
                            None => break,
                        },
                    }
                },
                Err(e) => tracing::warn!(error = %e, "cannot subscribe to board events"),
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(Duration::from_secs(1)) => {},
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::clock::SystemClock;

    #[test]
    fn events_reach_only_the_pages_of_their_board() {
        let live = Live::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let mut on_a = live.subscribe(a);
        let mut on_b = live.subscribe(b);
        let post = Uuid::now_v7();
        let event = common::events::CloudEvent::new(
            &SystemClock,
            "renrakucho/careboard",
            bus::POST_CREATED.name(),
            None,
            &serde_json::json!({ "recipient_id": a, "post_id": post, "urgent": false }),
        )
        .unwrap();
        let (audience, what) = decode(
            bus::POST_CREATED.name(),
            &serde_json::to_vec(&event).unwrap(),
        )
        .unwrap();
        live.publish(audience, what);
        assert_eq!(on_a.try_recv().unwrap(), BoardEvent::Posted(post));
        assert!(on_b.try_recv().is_err());
        assert!(
            decode(
                bus::POST_URGENT.name(),
                &serde_json::to_vec(&event).unwrap()
            )
            .is_none()
        );
    }

    fn event(kind: &str, data: &serde_json::Value) -> Vec<u8> {
        let event =
            common::events::CloudEvent::new(&SystemClock, "renrakucho/test", kind, None, data)
                .unwrap();
        serde_json::to_vec(&event).unwrap()
    }

    #[test]
    fn a_removed_member_is_told_on_that_board_only() {
        let live = Live::default();
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let (mut on_a, mut on_b) = (live.subscribe(a), live.subscribe(b));
        let nurse = Uuid::now_v7();
        let removed = event(
            bus::MEMBER_REMOVED.name(),
            &serde_json::json!({ "recipient_id": a, "user_id": nurse }),
        );
        let (audience, what) = decode(bus::MEMBER_REMOVED.name(), &removed).unwrap();
        live.publish(audience, what);
        assert_eq!(on_a.try_recv().unwrap(), BoardEvent::Left(nurse));
        assert!(on_b.try_recv().is_err());
    }

    #[test]
    fn a_suspended_user_is_told_on_every_board_and_a_restored_one_is_not() {
        let live = Live::default();
        let (mut on_a, mut on_b) = (
            live.subscribe(Uuid::now_v7()),
            live.subscribe(Uuid::now_v7()),
        );
        let nurse = Uuid::now_v7();
        let restored = event(
            bus::USER_STATUS_CHANGED.name(),
            &serde_json::json!({ "user_id": nurse, "status": "active" }),
        );
        assert!(decode(bus::USER_STATUS_CHANGED.name(), &restored).is_none());
        let suspended = event(
            bus::USER_STATUS_CHANGED.name(),
            &serde_json::json!({ "user_id": nurse, "status": "suspended" }),
        );
        let (audience, what) = decode(bus::USER_STATUS_CHANGED.name(), &suspended).unwrap();
        live.publish(audience, what);
        assert_eq!(on_a.try_recv().unwrap(), BoardEvent::Left(nurse));
        assert_eq!(on_b.try_recv().unwrap(), BoardEvent::Left(nurse));
        let deactivated = event(
            bus::USER_STATUS_CHANGED.name(),
            &serde_json::json!({ "user_id": nurse, "status": "deactivated" }),
        );
        assert_eq!(
            decode(bus::USER_STATUS_CHANGED.name(), &deactivated),
            Some((Audience::EveryBoard, BoardEvent::Left(nurse)))
        );
        let unknown = event(
            bus::USER_STATUS_CHANGED.name(),
            &serde_json::json!({ "user_id": nurse, "status": "asleep" }),
        );
        assert_eq!(
            decode(bus::USER_STATUS_CHANGED.name(), &unknown),
            Some((Audience::EveryBoard, BoardEvent::Left(nurse))),
            "a status not understood ends the streams, as leaving does"
        );
    }

    #[test]
    fn an_ended_session_is_told_on_every_board() {
        let live = Live::default();
        let mut on_a = live.subscribe(Uuid::now_v7());
        let ended = event(
            bus::SESSION_ENDED.name(),
            &serde_json::json!({ "session_sha256": "ab12" }),
        );
        let (audience, what) = decode(bus::SESSION_ENDED.name(), &ended).unwrap();
        live.publish(audience, what);
        assert_eq!(
            on_a.try_recv().unwrap(),
            BoardEvent::SessionEnded("ab12".into())
        );
    }
}
