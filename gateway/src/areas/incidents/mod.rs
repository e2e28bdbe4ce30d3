//! Incidents (事故・ヒヤリハット): filing, following up and closing.

pub mod api;
pub mod handlers;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(handlers::page).post(handlers::file_form))
        .route("/incidents/{id}", get(handlers::detail))
        .route("/incidents/{id}/status", post(handlers::status_form))
        .route(
            "/api/v1/incidents",
            get(api::list_incidents).post(api::file_incident),
        )
        .route("/api/v1/incidents/{id}", get(api::get_incident))
        .route("/api/v1/incidents/{id}/status", post(api::update_incident))
}
