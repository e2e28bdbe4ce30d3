//! The edge: what stands between the network and the areas. TLS with client certificates, the
//! session, revocation, CSRF, idempotency keys, the error table, strict input, live streams and
//! the shared state. Nothing here knows any area.

pub mod auth;
pub mod choices;
pub mod clients;
pub mod csrf;
pub mod error;
pub mod error_table;
pub mod forms;
pub mod idempotency;
pub mod json;
pub mod labels;
pub mod layers;
pub mod live;
pub mod page;
pub mod return_to;
pub mod revocation;
pub mod sessions;
pub mod state;
pub mod tls;
pub mod watch;
