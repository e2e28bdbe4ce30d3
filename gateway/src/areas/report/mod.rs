//! The city's report of use, on the page and as CSV.

pub mod api;
pub mod charts;
pub mod handlers;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::get;

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/operator/report", get(handlers::page))
        .route("/operator/report.csv", get(handlers::csv))
        .route("/api/v1/operator/report", get(api::operator_report))
}
