//! The care record as it leaves for another system: one recipient's record as a FHIR R4 Bundle
//! following JP Core (`GET /api/v1/recipients/{id}/fhir`), for current members of the team only.

pub mod export;

use crate::edge::state::AppState;
use axum::Router;
use axum::routing::get;

/// Routes behind the device certificate and a session.
pub fn protected() -> Router<AppState> {
    Router::new().route("/api/v1/recipients/{id}/fhir", get(export::api_fhir))
}
