//! The board (連絡帳): the timeline, posting, read marks, acknowledgements and live updates.

pub mod api;
mod drafts;
pub mod export;
pub mod files;
pub mod pages;
pub mod reads;
pub mod search;
pub mod timeline_api;
mod views;
pub mod writing;
pub mod writing_api;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::{get, post};

/// Routes that work without a device certificate.
pub fn public() -> Router<AppState> {
    Router::new()
        .route("/static/board.js", get(pages::script))
        .route("/static/board_files.js", get(pages::files_script))
}

/// Routes behind the device certificate (and, but for login, a session).
pub fn protected() -> Router<AppState> {
    Router::new()
        .route("/boards/{id}", get(pages::page))
        .route("/boards/{id}/posts", post(pages::post_form))
        .route("/boards/{id}/posts/{post}", get(pages::post_fragment))
        .route("/boards/{id}/posts/{post}/read", post(pages::read_form))
        .route(
            "/boards/{id}/posts/{post}/acknowledge",
            post(pages::acknowledge_form),
        )
        .route("/boards/{id}/events", get(pages::events))
        .route(
            "/api/v1/boards/{id}/posts",
            get(timeline_api::list_posts).post(api::create_post),
        )
        .route(
            "/api/v1/boards/{id}/posts/{post}/acknowledge",
            post(timeline_api::acknowledge_post),
        )
        .route(
            "/api/v1/boards/{id}/events",
            get(timeline_api::board_events),
        )
        .route("/boards/{id}/reads", post(reads::shown_form))
        .route("/api/v1/boards/{id}/reads", post(reads::api_shown))
        .route("/api/v1/boards/{id}/files", post(files::upload))
        .route("/api/v1/boards/{id}/files/{file}", get(files::api_download))
        .route("/boards/{id}/files/{file}/{variant}", get(files::page))
        .merge(search::routes())
        .merge(export::routes())
}
