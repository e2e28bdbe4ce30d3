//! Live updates of open boards. Every gateway instance subscribes (no queue group) to careboard's
//! board events on NATS and fans them out to the pages open on that board. The events carry ids
//! only; a page that hears of a post asks for it and careboard checks that the reader may see it.

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
}

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
}

fn decode(subject: &str, payload: &[u8]) -> Option<(Uuid, BoardEvent)> {
    let event: common::events::CloudEvent = serde_json::from_slice(payload).ok()?;
    let ids: BoardEventData = event.data_as().ok()?;
    let what = match subject {
        "careboard.post.created" => BoardEvent::Posted(ids.post_id?),
        "careboard.post.read" | "careboard.post.acknowledged" => BoardEvent::Marked(ids.post_ids),
        _ => return None,
    };
    Some((ids.recipient_id, what))
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

    fn publish(&self, board: Uuid, event: BoardEvent) {
        let boards = self.boards.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = boards.get(&board) {
            // No listener left is not an error: the page closed.
            let _ = tx.send(event);
        }
    }

    /// Relays NATS to the open pages until shutdown, resubscribing after a lost connection.
    pub async fn run(self, nats: async_nats::Client, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match nats.subscribe("careboard.post.>").await {
                Ok(mut sub) => loop {
                    tokio::select! {
                        () = shutdown.cancelled() => return,
                        msg = sub.next() => match msg {
                            Some(msg) => {
                                if let Some((board, event)) = decode(msg.subject.as_str(), &msg.payload) {
                                    self.publish(board, event);
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
        let (board, what) = decode(
            "careboard.post.created",
            &serde_json::to_vec(&event).unwrap(),
        )
        .unwrap();
        live.publish(board, what);
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
}
