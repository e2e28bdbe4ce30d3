//! The city's register of offices (the operator's side), an office's own profile, and its
//! partner offices.

mod directory;
pub mod one;
pub mod operator;
pub mod partners;
pub mod profile;
pub mod users;
mod views;
pub mod withdraw;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, patch, post};

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route(
            "/operator/offices",
            get(operator::offices_page).post(operator::register_form),
        )
        .route(
            "/api/v1/operator/offices",
            get(operator::api_list).post(operator::api_register),
        )
        .route("/operator/offices/{id}", get(one::office_page))
        .route(
            "/operator/offices/{id}/enrollment-codes",
            post(one::issue_code_form),
        )
        .route(
            "/operator/offices/{id}/admins",
            post(one::create_admin_form),
        )
        .route(
            "/api/v1/operator/offices/{id}/enrollment-codes",
            post(operator::api_issue_code),
        )
        .route("/operator/users", get(users::users_page))
        .route(
            "/operator/users/{id}/password-reset",
            post(one::reset_password_form),
        )
        .route(
            "/operator/users/{id}/suspension",
            post(users::suspension_form),
        )
        .route(
            "/api/v1/operator/users/{id}/suspension",
            post(users::api_suspension),
        )
        .route("/offices/{id}/withdraw", post(withdraw::withdraw_form))
        .route("/admin/office", get(profile::page).post(profile::form))
        .route("/api/v1/offices/{id}", patch(profile::api))
        .route(
            "/api/v1/offices/{id}/withdraw",
            post(withdraw::api_withdraw),
        )
        .merge(partners::routes())
}
