//! The routes, one module per area. Public routes work without a certificate; every other route
//! sits behind `auth::require_certificate`.

mod accounts;
mod announcements;
mod api;
mod applications;
mod apply;
mod audit;
mod audit_csv;
mod board;
mod board_api;
mod board_search;
mod board_writing;
mod board_writing_api;
mod board_reads;
mod certificates;
mod choices;
mod enroll;
mod forms;
mod home;
mod incidents;
mod labels;
mod mail;
mod map;
mod office_profile;
mod operator;
mod partners;
mod password;
mod portal;
mod recipients;
mod report;
mod session;
mod team;

pub use audit::AuditFilter;
pub use partners::PartnerChoice;

use crate::auth::require_certificate;
use crate::clients::Clients;
use crate::error::{Failure, PageError};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tracing::Instrument;

/// Bodies larger than this are refused before any handler runs.
pub const BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub clients: Clients,
    pub revocations: crate::revocation::Revocations,
    pub clock: common::clock::SharedClock,
    /// The map's tile server URL template (`{z}/{x}/{y}`).
    pub map_tiles: String,
    /// The city's contact block on the portal, line by line.
    pub contact: Vec<String>,
    pub choices: choices::SharedChoices,
    /// Open boards' live updates.
    pub live: crate::live::Live,
    /// Ends the live-update streams when the gateway stops.
    pub shutdown: tokio_util::sync::CancellationToken,
    pub metrics: common::metrics::Metrics,
}

pub fn router(state: AppState) -> Router {
    let public = Router::new()
        .route("/", get(portal::home))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/app.css", get(stylesheet))
        .route("/enroll", get(enroll::page).post(enroll::form))
        .route("/api/v1/public/enroll", post(enroll::api))
        .route("/apply", get(apply::form_page).post(apply::confirm))
        .route("/apply/edit", post(apply::edit))
        .route("/apply/submit", post(apply::send))
        .route("/api/v1/public/applications", post(apply::api))
        .route("/map", get(map::page))
        .route("/announcements/{id}", get(announcements::page))
        .route(
            "/api/v1/public/announcements",
            get(announcements::api_published),
        )
        .route("/api/v1/public/offices", get(map::api))
        .route("/api/v1/public/csrf-token", get(session::api_csrf_token))
        .route("/static/vendor/leaflet/leaflet.js", get(map::leaflet_js))
        .route("/static/vendor/leaflet/leaflet.css", get(map::leaflet_css))
        .route("/static/map.js", get(map::map_js))
        .route("/static/board.js", get(board::script))
        .route("/static/busy.js", get(map::busy_script))
        .route("/static/tables.js", get(map::tables_script));
    let protected = Router::new()
        .route("/login", get(session::login_page).post(session::login_form))
        .route("/logout", post(session::logout_form))
        .route("/home", get(home::page))
        .route(
            "/operator/offices",
            get(operator::offices_page).post(operator::register_form),
        )
        .route(
            "/api/v1/session",
            post(session::api_login).delete(session::api_logout),
        )
        .route("/api/v1/me", get(session::api_me))
        .route(
            "/api/v1/operator/offices",
            get(operator::api_list).post(operator::api_register),
        )
        .route("/api/v1/openapi.json", get(api::openapi))
        .route("/password", get(password::page).post(password::form))
        .route("/api/v1/password", post(password::api))
        .route("/admin", get(accounts::admin_menu))
        .route(
            "/admin/users",
            get(accounts::users_page).post(accounts::create_form),
        )
        .route(
            "/admin/users/{id}",
            get(accounts::user_page).post(accounts::update_form),
        )
        .route(
            "/admin/users/{id}/password-reset",
            post(accounts::reset_form),
        )
        .route("/admin/users/{id}/active", post(accounts::active_form))
        .route(
            "/api/v1/users",
            get(accounts::api_list).post(accounts::api_create),
        )
        .route(
            "/api/v1/users/{id}",
            get(accounts::api_get).patch(accounts::api_update),
        )
        .route(
            "/api/v1/users/{id}/password-reset",
            post(accounts::api_reset),
        )
        .route("/api/v1/users/{id}/active", post(accounts::api_active))
        .route(
            "/admin/certificates",
            get(certificates::admin_page).post(certificates::request_form),
        )
        .route(
            "/certificates/{serial}/revoke",
            post(certificates::revoke_form),
        )
        .route("/api/v1/certificates", get(certificates::api_list))
        .route(
            "/api/v1/certificates/{serial}/revoke",
            post(certificates::api_revoke),
        )
        .route(
            "/api/v1/certificate-requests",
            get(certificates::api_requests).post(certificates::api_request),
        )
        .route("/operator/certificates", get(certificates::operator_page))
        .route("/operator/offices/{id}", get(operator::office_page))
        .route(
            "/operator/offices/{id}/enrollment-codes",
            post(operator::issue_code_form),
        )
        .route(
            "/operator/offices/{id}/admins",
            post(operator::create_admin_form),
        )
        .route(
            "/api/v1/operator/offices/{id}/enrollment-codes",
            post(operator::api_issue_code),
        )
        .route("/operator/users", get(operator::users_page))
        .route(
            "/operator/users/{id}/suspension",
            post(operator::suspension_form),
        )
        .route(
            "/api/v1/operator/users/{id}/suspension",
            post(operator::api_suspension),
        )
        .route(
            "/api/v1/operator/audit/verify",
            get(operator::api_verify_audit),
        )
        .route("/operator/applications", get(applications::list_page))
        .route(
            "/operator/applications/{id}",
            get(applications::detail_page),
        )
        .route(
            "/operator/applications/{id}/approve",
            post(applications::approve_form),
        )
        .route(
            "/operator/applications/{id}/reject",
            post(applications::reject_form),
        )
        .route("/api/v1/operator/applications", get(applications::api_list))
        .route(
            "/api/v1/operator/applications/{id}/approve",
            post(applications::api_approve),
        )
        .route(
            "/api/v1/operator/applications/{id}/reject",
            post(applications::api_reject),
        )
        .route("/offices/{id}/withdraw", post(operator::withdraw_form))
        .route("/operator/invitations", post(applications::invite_form))
        .route(
            "/api/v1/operator/invitations",
            post(applications::api_invite),
        )
        .route(
            "/admin/office",
            get(office_profile::page).post(office_profile::form),
        )
        .route(
            "/api/v1/offices/{id}",
            axum::routing::patch(office_profile::api),
        )
        .route(
            "/operator/announcements",
            get(announcements::operator_page).post(announcements::create_form),
        )
        .route(
            "/operator/announcements/{id}",
            get(announcements::edit_page).post(announcements::update_form),
        )
        .route(
            "/operator/announcements/{id}/publish",
            post(announcements::publish_form),
        )
        .route(
            "/api/v1/operator/announcements",
            get(announcements::api_all).post(announcements::api_create),
        )
        .route(
            "/api/v1/operator/announcements/{id}",
            axum::routing::put(announcements::api_update),
        )
        .route(
            "/api/v1/operator/announcements/{id}/publish",
            post(announcements::api_publish),
        )
        .route(
            "/api/v1/offices/{id}/withdraw",
            post(operator::api_withdraw),
        )
        .route("/recipients/new", get(recipients::new_page))
        .route("/recipients", post(recipients::register_form))
        .route("/recipients/{id}", get(recipients::page))
        .route(
            "/recipients/{id}/edit",
            get(recipients::edit_page).post(recipients::edit_form),
        )
        .route("/recipients/{id}/history", get(recipients::history_page))
        .route("/recipients/{id}/close", post(recipients::close_form))
        .route(
            "/recipients/{id}/team",
            get(team::page).post(team::add_form),
        )
        .route(
            "/recipients/{id}/team/{user}/remove",
            post(team::remove_form),
        )
        .route(
            "/recipients/{id}/team/{user}/representative",
            post(team::hand_over_form),
        )
        .route("/boards/{id}", get(board::page))
        .route("/boards/{id}/posts", post(board::post_form))
        .route("/boards/{id}/posts/{post}", get(board::post_fragment))
        .route("/boards/{id}/posts/{post}/read", post(board::read_form))
        .route(
            "/boards/{id}/posts/{post}/acknowledge",
            post(board::acknowledge_form),
        )
        .route("/boards/{id}/events", get(board::events))
        .route("/boards/{id}/reads", post(board_reads::shown_form))
        .route("/api/v1/boards/{id}/reads", post(board_reads::api_shown))
        .route("/api/v1/boards/{id}/posts", post(board_api::create_post))
        .route("/operator/consents", get(recipients::consents_page))
        .route(
            "/incidents",
            get(incidents::page).post(incidents::file_form),
        )
        .route("/incidents/{id}", get(incidents::detail))
        .route("/incidents/{id}/status", post(incidents::status_form))
        .route("/operator/report", get(report::page))
        .route("/operator/report.csv", get(report::csv))
        .route("/operator/audit", get(audit::page))
        .route("/operator/audit.csv", get(audit_csv::csv))
        .route("/operator/audit/verify", post(audit::verify_form))
        .route("/api/v1/operator/audit", get(audit::api_list))
        .route("/operator/consents/{id}/fax", post(recipients::fax_form))
        .merge(partners::routes())
        .merge(board_search::routes())
        .route("/operator/undelivered", get(mail::operator_page))
        .route("/admin/bounces", get(mail::admin_page))
        .route("/api/v1/operator/undelivered", get(mail::api_undelivered))
        .route("/api/v1/bouncing-addresses", get(mail::api_bouncing))
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), require_certificate));
    public
        .merge(protected)
        .layer(from_fn_with_state(state.clone(), crate::csrf::guard))
        .layer(from_fn(crate::idempotency::carry_key))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn(forms::strict_uri))
        .layer(from_fn(security_headers))
        .layer(from_fn_with_state(state.clone(), count_request))
        .layer(from_fn(trace_request))
        .with_state(state)
}

async fn not_found(req: Request) -> Response {
    let failure = Failure::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "お探しのページは見つかりませんでした。",
    );
    if req.uri().path().starts_with("/api/") {
        crate::error::ApiError(failure).into_response()
    } else {
        PageError(failure).into_response()
    }
}

async fn stylesheet() -> impl IntoResponse {
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
async fn count_request(
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
async fn trace_request(req: Request, next: Next) -> Response {
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

async fn security_headers(req: Request, next: Next) -> Response {
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
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            ),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
