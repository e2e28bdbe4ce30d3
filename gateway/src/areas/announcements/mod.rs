//! The city's announcements: written by the operator, published on the portal.

pub mod handlers;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post, put};

/// Routes that work without a device certificate.
pub fn public() -> Router<AppState> {
    Router::new()
        .route("/announcements/{id}", get(handlers::page))
        .route("/api/v1/public/announcements", get(handlers::api_published))
}

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route(
            "/operator/announcements",
            get(handlers::operator_page).post(handlers::create_form),
        )
        .route(
            "/operator/announcements/{id}",
            get(handlers::edit_page).post(handlers::update_form),
        )
        .route(
            "/operator/announcements/{id}/publish",
            post(handlers::publish_form),
        )
        .route(
            "/api/v1/operator/announcements",
            get(handlers::api_all).post(handlers::api_create),
        )
        .route(
            "/api/v1/operator/announcements/{id}",
            put(handlers::api_update),
        )
        .route(
            "/api/v1/operator/announcements/{id}/publish",
            post(handlers::api_publish),
        )
}
