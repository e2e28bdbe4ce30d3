//! The retry schedule: emails whose first try did not take wait in the deliveries table, not in
//! JetStream, and are sent from here when due. Every replica runs it; the lease of each try
//! (`Store::lease`) lets one replica only send a given email, so a mail still goes out once
//! across replicas and a kill -9 (a lapsed lease is tried again, with the same Message-ID).

use crate::deliver::{Notifier, Settled};
use crate::events::CONSUMER;
use futures::StreamExt;
use std::collections::HashSet;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The most emails one round takes: a round that finds this many goes again at once.
const BATCH: i64 = 200;
/// The longest the scheduler sleeps: it also sees emails another replica put off.
const LONGEST: Duration = Duration::from_secs(1);
/// The shortest: a round costs two queries.
const SHORTEST: Duration = Duration::from_millis(100);

impl Notifier {
    /// Sends due emails until cancelled.
    pub async fn run_schedule(&self, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            let wait = match self.send_due().await {
                Ok(wait) => wait,
                Err(why) => {
                    tracing::warn!(reason = %why, "due emails not sent; trying again");
                    LONGEST
                }
            };
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One round: the due emails tried, their events settled once none of their emails is
    /// pending; how long until the next round.
    async fn send_due(&self) -> Result<Duration, String> {
        let due = self
            .store
            .due(self.clock.now(), BATCH)
            .await
            .map_err(|e| e.to_string())?;
        let full = i64::try_from(due.len()).unwrap_or(i64::MAX) >= BATCH;
        let tried: Vec<Result<Settled, String>> = futures::stream::iter(&due)
            .map(|(event, row)| self.try_one(event, row))
            .buffer_unordered(self.fan_out.max(1))
            .collect()
            .await;
        for t in tried {
            t?;
        }
        let events: HashSet<uuid::Uuid> = due.iter().map(|(event, _)| event.id).collect();
        for event in events {
            self.store
                .settle(CONSUMER, event)
                .await
                .map_err(|e| e.to_string())?;
        }
        if full {
            return Ok(Duration::ZERO);
        }
        let next = self.store.next_due().await.map_err(|e| e.to_string())?;
        Ok(next.map_or(LONGEST, |at| {
            (at - self.clock.now())
                .to_std()
                .unwrap_or_default()
                .clamp(SHORTEST, LONGEST)
        }))
    }
}
