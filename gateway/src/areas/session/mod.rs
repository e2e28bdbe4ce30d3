//! Signing in and out, the forced password change, and the home page.

pub mod home;
pub mod login;
pub mod password;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes that work without a device certificate.
pub fn public() -> Router<AppState> {
    Router::new().route("/api/v1/public/csrf-token", get(login::api_csrf_token))
}

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::login_page).post(login::login_form))
        .route("/logout", post(login::logout_form))
        .route("/home", get(home::page))
        .route(
            "/api/v1/session",
            post(login::api_login).delete(login::api_logout),
        )
        .route("/api/v1/me", get(login::api_me))
        .route("/password", get(password::page).post(password::form))
        .route("/api/v1/password", post(password::api))
}
