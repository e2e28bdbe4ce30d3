//! The layers every request passes through (trace, metrics, security headers) and the answers
//! that belong to no area (the stylesheet, not found).

use super::error::{Failure, PageError};
use super::state::AppState;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

pub async fn not_found(req: Request) -> Response {
    let failure = Failure::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "お探しのページは見つかりませんでした。",
    );
    if req.uri().path().starts_with("/api/") {
        super::error::ApiError(failure).into_response()
    } else {
        PageError(failure).into_response()
    }
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/app.css"),
    )
}

/// Request rate, errors and latency for `/metrics`. Live-update streams are counted when they
/// open, not timed: they last as long as the page.
pub async fn count_request(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().as_str().to_owned();
    let response = next.run(req).await;
    let status = response.status().as_u16();
    state
        .metrics
        .http_requests
        .get_or_create(&common::metrics::HttpLabel {
            method,
            status: common::metrics::status_class(status),
        })
        .inc();
    let streaming = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if !streaming {
        state
            .metrics
            .http_duration
            .observe(started.elapsed().as_secs_f64());
    }
    response
}

/// One span per request, child of the caller's trace when it sent one.
pub async fn trace_request(req: Request, next: Next) -> Response {
    let span = tracing::info_span!(
        "http",
        method = %req.method(),
        path = %req.uri().path(),
        status = tracing::field::Empty,
        trace_id = tracing::field::Empty
    );
    common::telemetry::set_parent_from_headers(&span, req.headers());
    let response = next.run(req).instrument(span.clone()).await;
    span.record("status", response.status().as_u16());
    response
}

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    // Nothing of a URL leaves for another site; `no-referrer` would also make browsers send
    // `Origin: null` on the gateway's own forms, which the CSRF guard must refuse.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Pages that show map tiles set their own policy, naming the tile server.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// A static file compiled into the binary, cached for a day.
pub fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
