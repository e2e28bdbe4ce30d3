//! Live updates of open boards. Every gateway instance subscribes (no queue group) to careboard's
//! board events on NATS and fans them out to the pages open on that board. The events carry ids
//! only; a page that hears of a post asks for it and careboard checks that the reader may see it.
//! A page's stream ends as soon as its reader leaves the team or is suspended, or its session
//! ends (`watch`): careboard would refuse the content anyway, but not even the ids should keep
//! flowing.

use futures::StreamExt;
use serde::Deserialize;
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
const SUBJECTS: [&str; 4] = [
    "careboard.post.>",
    "careboard.team.member_removed",
    "identity.user.status_changed",
    "identity.session.ended",
];

/// Per board, the channel its open pages listen on; dropped when the last page closes.
#[derive(Clone, Default)]
pub struct Live {
    boards: Arc<Mutex<HashMap<Uuid, broadcast::Sender<BoardEvent>>>>,
}

/// The ids in a board event's data.
#[derive(Deserialize)]
struct BoardEventData {
    recipient_id: Uuid,
    #[serde(default)]
    post_id: Option<Uuid>,
    #[serde(default)]
    post_ids: Vec<Uuid>,
    #[serde(default)]
    user_id: Option<Uuid>,
}

#[derive(Deserialize)]
struct SessionEnded {
    session_sha256: String,
}

#[derive(Deserialize)]
struct UserStatusChanged {
    user_id: Uuid,
    status: String,
}

fn decode(subject: &str, payload: &[u8]) -> Option<(Audience, BoardEvent)> {
    let event: common::events::CloudEvent = serde_json::from_slice(payload).ok()?;
    if subject == "identity.user.status_changed" {
        let changed: UserStatusChanged = event.data_as().ok()?;
        return (changed.status != "active")
            .then_some((Audience::EveryBoard, BoardEvent::Left(changed.user_id)));
    }
    if subject == "identity.session.ended" {
        let ended: SessionEnded = event.data_as().ok()?;
        return Some((
            Audience::EveryBoard,
            BoardEvent::SessionEnded(ended.session_sha256),
        ));
    }
    let ids: BoardEventData = event.data_as().ok()?;
    let what = match subject {
        "careboard.post.created" => BoardEvent::Posted(ids.post_id?),
        "careboard.post.read" | "careboard.post.acknowledged" | "careboard.post.changed" => {
            BoardEvent::Marked(ids.post_ids)
        }
        "careboard.team.member_removed" => BoardEvent::Left(ids.user_id?),
        _ => return None,
    };
    Some((Audience::Board(ids.recipient_id), what))
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

    fn publish(&self, audience: Audience, event: BoardEvent) {
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
            "careboard.post.created",
            None,
            &serde_json::json!({ "recipient_id": a, "post_id": post, "urgent": false }),
        )
        .unwrap();
        let (audience, what) = decode(
            "careboard.post.created",
            &serde_json::to_vec(&event).unwrap(),
        )
        .unwrap();
        live.publish(audience, what);
        assert_eq!(on_a.try_recv().unwrap(), BoardEvent::Posted(post));
        assert!(on_b.try_recv().is_err());
        assert!(
            decode(
                "careboard.post.urgent",
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
            "careboard.team.member_removed",
            &serde_json::json!({ "recipient_id": a, "user_id": nurse }),
        );
        let (audience, what) = decode("careboard.team.member_removed", &removed).unwrap();
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
            "identity.user.status_changed",
            &serde_json::json!({ "user_id": nurse, "status": "active" }),
        );
        assert!(decode("identity.user.status_changed", &restored).is_none());
        let suspended = event(
            "identity.user.status_changed",
            &serde_json::json!({ "user_id": nurse, "status": "suspended" }),
        );
        let (audience, what) = decode("identity.user.status_changed", &suspended).unwrap();
        live.publish(audience, what);
        assert_eq!(on_a.try_recv().unwrap(), BoardEvent::Left(nurse));
        assert_eq!(on_b.try_recv().unwrap(), BoardEvent::Left(nurse));
    }

    #[test]
    fn an_ended_session_is_told_on_every_board() {
        let live = Live::default();
        let mut on_a = live.subscribe(Uuid::now_v7());
        let ended = event(
            "identity.session.ended",
            &serde_json::json!({ "session_sha256": "ab12" }),
        );
        let (audience, what) = decode("identity.session.ended", &ended).unwrap();
        live.publish(audience, what);
        assert_eq!(
            on_a.try_recv().unwrap(),
            BoardEvent::SessionEnded("ab12".into())
        );
    }
}
