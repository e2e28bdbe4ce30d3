//! Mail that did not arrive: the operator's undelivered list and an office's bounces.

pub mod handlers;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::get;

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/operator/undelivered", get(handlers::operator_page))
        .route("/admin/bounces", get(handlers::admin_page))
        .route(
            "/api/v1/operator/undelivered",
            get(handlers::api_undelivered),
        )
        .route("/api/v1/bouncing-addresses", get(handlers::api_bouncing))
}
