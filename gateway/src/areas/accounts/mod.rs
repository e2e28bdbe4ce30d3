//! An office's staff accounts, managed by its admin.

pub mod api;
pub mod handlers;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/admin", get(handlers::admin_menu))
        .route(
            "/admin/users",
            get(handlers::users_page).post(handlers::create_form),
        )
        .route(
            "/admin/users/{id}",
            get(handlers::user_page).post(handlers::update_form),
        )
        .route(
            "/admin/users/{id}/password-reset",
            post(handlers::reset_form),
        )
        .route("/admin/users/{id}/active", post(handlers::active_form))
        .route("/api/v1/users", get(api::api_list).post(api::api_create))
        .route(
            "/api/v1/users/{id}",
            get(api::api_get).patch(api::api_update),
        )
        .route("/api/v1/users/{id}/password-reset", post(api::api_reset))
        .route("/api/v1/users/{id}/active", post(api::api_active))
}
