//! Care recipients (支援対象者): registration, details, history, closing, and the consent desk.

pub mod api;
pub mod consents_api;
pub mod handlers;
pub mod records;
pub mod schema;
mod views;

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
        .route("/api/v1/recipients", post(api::register_recipient))
        .route(
            "/api/v1/recipients/{id}",
            get(api::get_recipient).put(api::update_recipient),
        )
        .route(
            "/api/v1/recipients/{id}/history",
            get(api::recipient_history),
        )
        .route("/api/v1/recipients/{id}/close", post(api::close_board))
        .route(
            "/api/v1/operator/consents",
            get(consents_api::list_consents),
        )
        .route(
            "/api/v1/operator/consents/{id}/fax",
            post(consents_api::confirm_consent_fax),
        )
}
