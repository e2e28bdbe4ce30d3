//! The city's public face: the portal with its announcements and the map of offices.

pub mod map;
pub mod page;
mod views;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::get;

/// Routes that work without a device certificate.
pub fn public() -> Router<AppState> {
    Router::new()
        .route("/", get(page::home))
        .route("/map", get(map::page))
        .route("/api/v1/public/offices", get(map::api))
        .route("/static/vendor/leaflet/leaflet.js", get(map::leaflet_js))
        .route("/static/vendor/leaflet/leaflet.css", get(map::leaflet_css))
        .route("/static/map.js", get(map::map_js))
        .route("/static/busy.js", get(map::busy_script))
        .route("/static/tables.js", get(map::tables_script))
        .route("/static/form_errors.js", get(map::form_errors_script))
}
