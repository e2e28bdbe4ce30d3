//! Care recipients (支援対象者): registration, details, history, closing, and the consent desk.

pub mod handlers;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/recipients/new", get(handlers::new_page))
        .route("/recipients", post(handlers::register_form))
        .route("/recipients/{id}", get(handlers::page))
        .route(
            "/recipients/{id}/edit",
            get(handlers::edit_page).post(handlers::edit_form),
        )
        .route("/recipients/{id}/history", get(handlers::history_page))
        .route("/recipients/{id}/close", post(handlers::close_form))
        .route("/operator/consents", get(handlers::consents_page))
        .route("/operator/consents/{id}/fax", post(handlers::fax_form))
}
