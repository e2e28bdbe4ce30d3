//! A recipient's support team (支援チーム): members and the representative.

pub mod api;
pub mod handlers;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{delete, get, post};

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route(
            "/recipients/{id}/team",
            get(handlers::page).post(handlers::add_form),
        )
        .route(
            "/recipients/{id}/team/{user}/remove",
            post(handlers::remove_form),
        )
        .route(
            "/recipients/{id}/team/{user}/representative",
            post(handlers::hand_over_form),
        )
        .route("/api/v1/staff", get(api::search_staff))
        .route("/api/v1/recipients/{id}/team", post(api::add_member))
        .route(
            "/api/v1/recipients/{id}/team/{user}",
            delete(api::remove_member),
        )
        .route(
            "/api/v1/recipients/{id}/team/{user}/representative",
            post(api::hand_over_representative),
        )
}
