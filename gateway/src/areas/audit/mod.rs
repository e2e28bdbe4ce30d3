//! The audit trail: the operator's viewer, CSV export and hash-chain check.

pub mod csv;
pub mod handlers;
mod outcomes;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/operator/audit", get(handlers::page))
        .route("/operator/audit.csv", get(csv::csv))
        .route("/operator/audit/verify", post(handlers::verify_form))
        .route("/api/v1/operator/audit", get(handlers::api_list))
        .route(
            "/api/v1/operator/audit/verify",
            get(handlers::api_verify_audit),
        )
}
