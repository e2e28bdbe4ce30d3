//! 事業所のマップ公開: the public map (Leaflet, served from here), a list of the same offices for
//! people who cannot use a map, and the same data as JSON.

use super::views::{MapOffice, MapPage};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::layers::asset;
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use proto::offices as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A page that shows map tiles may load images from the tile server, and nothing else more.
pub fn with_tiles_csp(state: &AppState, page: Html<String>) -> Response {
    let origin = tile_origin(&state.map_tiles);
    let csp = format!(
        "default-src 'self'; img-src 'self' data: {origin}; frame-ancestors 'none'; form-action 'self'"
    );
    let mut response = page.into_response();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
    response
}

/// `https://tile.example.org` from `https://tile.example.org/{z}/{x}/{y}.png`.
fn tile_origin(template: &str) -> String {
    let rest = template.split_once("://").map_or("", |(_, r)| r);
    let scheme = template.split_once("://").map_or("https", |(s, _)| s);
    let host = rest.split('/').next().unwrap_or("").replace("{s}", "*");
    format!("{scheme}://{host}")
}

#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

async fn offices(state: &AppState, kind: &str) -> Result<Vec<pb::Office>, Failure> {
    let mut client = state.clients.offices.clone();
    Ok(client
        .list_map_offices(pb::ListMapOfficesRequest {
            kind: kind.to_owned(),
        })
        .await?
        .into_inner()
        .offices)
}

pub async fn page(
    State(state): State<AppState>,
    Query(q): Query<KindQuery>,
) -> Result<Response, PageError> {
    let list = offices(&state, &q.kind).await?;
    let page = pieces::render(&MapPage {
        kinds: state.choices.kinds(&state.clients).await?,
        kind: &q.kind,
        tiles: &state.map_tiles,
        offices: list.into_iter().map(MapOffice::from).collect(),
    });
    Ok(with_tiles_csp(&state, page))
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::public_office)]
pub struct PublicOffice {
    id: String,
    name: String,
    kind: String,
    postal_code: String,
    address: String,
    phone: String,
    latitude: f64,
    longitude: f64,
}

/// Offices listed on the public map, optionally of one kind (public).
#[utoipa::path(get, path = "/api/v1/public/offices", params(("kind" = Option<String>, Query, example = "訪問看護ステーション")),
    responses((status = 200, body = Vec<PublicOffice>), (status = 422, body = ErrorBody)))]
pub async fn api(
    State(state): State<AppState>,
    Query(q): Query<KindQuery>,
) -> Result<Json<Vec<PublicOffice>>, ApiError> {
    Ok(Json(
        offices(&state, &q.kind)
            .await?
            .into_iter()
            .map(|o| PublicOffice {
                id: o.id,
                name: o.name,
                kind: o.kind,
                postal_code: o.postal_code,
                address: o.address,
                phone: o.phone,
                latitude: o.latitude,
                longitude: o.longitude,
            })
            .collect(),
    ))
}

pub async fn leaflet_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/vendor/leaflet/leaflet.js"),
    )
}

pub async fn leaflet_css() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_bytes!("../../../static/vendor/leaflet/leaflet.css"),
    )
}

pub async fn map_js() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/map.js"),
    )
}

pub async fn busy_script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/busy.js"),
    )
}

pub async fn form_errors_script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/form_errors.js"),
    )
}

pub async fn tables_script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/tables.js"),
    )
}
