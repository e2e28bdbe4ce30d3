//! Applying to join (public), and the operator's review of applications and invitations.

pub mod apply;
pub mod invite;
pub mod review;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes that work without a device certificate.
pub fn public() -> Router<AppState> {
    Router::new()
        .route("/apply", get(apply::form_page).post(apply::confirm))
        .route("/apply/edit", post(apply::edit))
        .route("/apply/submit", post(apply::send))
        .route("/api/v1/public/applications", post(apply::api))
}

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/operator/applications", get(review::list_page))
        .route("/operator/applications/{id}", get(review::detail_page))
        .route(
            "/operator/applications/{id}/approve",
            post(review::approve_form),
        )
        .route(
            "/operator/applications/{id}/reject",
            post(review::reject_form),
        )
        .route("/api/v1/operator/applications", get(review::api_list))
        .route(
            "/api/v1/operator/applications/{id}/approve",
            post(review::api_approve),
        )
        .route(
            "/api/v1/operator/applications/{id}/reject",
            post(review::api_reject),
        )
        .route("/operator/invitations", post(invite::invite_form))
        .route("/api/v1/operator/invitations", post(invite::api_invite))
}
