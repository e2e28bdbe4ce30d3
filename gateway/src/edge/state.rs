//! What every handler reaches through axum's state.

/// Bodies larger than this are refused before any handler runs.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub clients: super::clients::Clients,
    pub revocations: super::revocation::Revocations,
    pub clock: common::clock::SharedClock,
    /// The map's tile server URL template (`{z}/{x}/{y}`).
    pub map_tiles: String,
    /// The city's contact block on the portal, line by line.
    pub contact: Vec<String>,
    pub choices: crate::edge::choices::SharedChoices,
    /// Open boards' live updates.
    pub live: super::live::Live,
    /// Ends the live-update streams when the gateway stops.
    pub shutdown: tokio_util::sync::CancellationToken,
    pub metrics: common::metrics::Metrics,
}
