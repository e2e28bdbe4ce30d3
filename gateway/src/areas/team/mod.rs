//! A recipient's support team (支援チーム): members and the representative.

pub mod handlers;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

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
}
