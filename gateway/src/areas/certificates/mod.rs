//! Device certificates: the office's requests and revocations, the operator's list, and
//! enrollment with a one-time code.

pub mod api;
pub mod enroll;
pub mod handlers;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes that work without a device certificate.
pub fn public() -> Router<AppState> {
    Router::new()
        .route("/enroll", get(enroll::page).post(enroll::form))
        .route("/api/v1/public/enroll", post(enroll::api))
}

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/certificates",
            get(handlers::admin_page).post(handlers::request_form),
        )
        .route("/certificates/{serial}/revoke", post(handlers::revoke_form))
        .route("/api/v1/certificates", get(api::api_list))
        .route(
            "/api/v1/certificates/{serial}/revoke",
            post(api::api_revoke),
        )
        .route(
            "/api/v1/certificate-requests",
            get(api::api_requests).post(api::api_request),
        )
        .route("/operator/certificates", get(handlers::operator_page))
}
