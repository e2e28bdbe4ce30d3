//! Who is calling: the verified device certificate and the session bound to it.

use crate::edge::error::{ApiError, Failure, PageError};
use crate::edge::revocation::Verdict;
use crate::edge::state::AppState;
use crate::edge::tls::PeerCert;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use proto::common::{Actor, Role};
use proto::identity as pb;
use subtle::ConstantTimeEq;

pub const SESSION_COOKIE: &str = "__Host-rk_session";

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// Refuses every request of the protected routes that came without a verified certificate, or
/// with one that has since been revoked or has expired: checked per request, not per connection.
pub async fn require_certificate(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let cert = req
        .extensions()
        .get::<Option<PeerCert>>()
        .cloned()
        .flatten();
    let now = common::clock::Clock::now(state.clock.as_ref()).timestamp();
    let failure = match cert {
        None => Failure::certificate_required(),
        Some(cert) if cert.not_after <= now => Failure::certificate_revoked(),
        Some(cert) => match state.revocations.check(&cert.serial) {
            Verdict::Good => return next.run(req).await,
            Verdict::Revoked => Failure::certificate_revoked(),
            Verdict::Unknown => Failure::revocation_unknown(),
        },
    };
    if is_api(req.uri().path()) {
        ApiError(failure).into_response()
    } else {
        PageError(failure).into_response()
    }
}

pub fn peer_cert(parts: &Parts) -> Result<PeerCert, Failure> {
    parts
        .extensions
        .get::<Option<PeerCert>>()
        .cloned()
        .flatten()
        .ok_or_else(Failure::certificate_required)
}

pub fn cert_message(cert: &PeerCert) -> pb::ClientCertificate {
    pb::ClientCertificate {
        serial: cert.serial.clone(),
        fingerprint_sha256: cert.fingerprint_sha256.clone(),
    }
}

pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the cookie `name`, if it is there and of a token's size.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(name)?
                .strip_prefix('=')
                .map(str::to_owned)
        })
        .filter(|t| !t.is_empty() && t.len() <= 128)
}

#[must_use]
pub fn session_cookie(token: &str) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict")
}

#[must_use]
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// The logged-in user of this request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub must_change_password: bool,
    pub profession: String,
    pub user_id: String,
    pub login_id: String,
    pub name: String,
    pub office_id: String,
    pub role: Role,
    pub csrf: String,
    pub token: String,
    pub cert: PeerCert,
    /// When the session ends unless it is used again (Unix milliseconds).
    pub ends_at_ms: i64,
}

impl Principal {
    #[must_use]
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.user_id.clone(),
            office_id: self.office_id.clone(),
            role: self.role.into(),
            cert_serial: self.cert.serial.clone(),
        }
    }

    #[must_use]
    pub fn role_name(&self) -> &'static str {
        match self.role {
            Role::Operator => "operator",
            Role::OfficeAdmin => "office_admin",
            _ => "staff",
        }
    }

    #[must_use]
    pub fn role_label(&self) -> &'static str {
        match self.role {
            Role::Operator => "市（運営者）",
            Role::OfficeAdmin => "事業所管理者",
            _ => "利用スタッフ",
        }
    }

    pub fn check_csrf(&self, given: &str) -> Result<(), Failure> {
        if bool::from(self.csrf.as_bytes().ct_eq(given.as_bytes())) {
            Ok(())
        } else {
            Err(Failure::csrf())
        }
    }

    pub fn require_operator(&self) -> Result<(), Failure> {
        if self.role == Role::Operator {
            Ok(())
        } else {
            Err(Failure::forbidden())
        }
    }

    #[must_use]
    pub fn from_principal(
        p: pb::Principal,
        csrf: String,
        token: String,
        cert: PeerCert,
        ends_at_ms: i64,
    ) -> Self {
        let role = p.role();
        Self {
            must_change_password: p.must_change_password,
            profession: p.profession,
            user_id: p.user_id,
            login_id: p.login_id,
            name: p.name,
            office_id: p.office_id,
            role,
            csrf,
            token,
            cert,
            ends_at_ms,
        }
    }

    /// The session as identity's events name it: the SHA-256 of its token, never the token.
    #[must_use]
    pub fn session_sha256(&self) -> String {
        hex::encode(super::sessions::token_hash(&self.token))
    }
}

/// The session of this request, asked of identity once: the CSRF guard may already have.
pub async fn resolve(parts: &Parts, state: &AppState) -> Result<Principal, Failure> {
    if let Some(known) = parts.extensions.get::<Principal>() {
        return Ok(known.clone());
    }
    let cert = peer_cert(parts)?;
    let token = session_token(&parts.headers).ok_or_else(Failure::login_required)?;
    // Reads may use identity's answer of a moment ago; anything else asks afresh (`sessions`).
    let sessions = state.live.sessions();
    let hash = super::sessions::token_hash(&token);
    let read = parts.method == axum::http::Method::GET || parts.method == axum::http::Method::HEAD;
    if !read {
        sessions.forget(&hash);
    } else if let Some(kept) = sessions.get(&hash, &cert.serial) {
        return Ok(Principal::from_principal(
            kept.principal,
            kept.csrf,
            token,
            cert,
            kept.ends_at_ms,
        ));
    }
    let mut identity = state.clients.identity.clone();
    let resp = identity
        .authenticate(pb::AuthenticateRequest {
            session_token: token.clone(),
            certificate: Some(cert_message(&cert)),
            passive: false,
        })
        .await?
        .into_inner();
    let principal = resp.principal.ok_or_else(Failure::login_required)?;
    if read {
        sessions.keep(
            hash,
            &cert.serial,
            super::sessions::Answer {
                principal: principal.clone(),
                csrf: resp.csrf_token.clone(),
                ends_at_ms: resp.ends_at_ms,
            },
        );
    }
    Ok(Principal::from_principal(
        principal,
        resp.csrf_token,
        token,
        cert,
        resp.ends_at_ms,
    ))
}

/// Paths a user who must change their password may still use.
const PASSWORD_EXEMPT: [&str; 5] = [
    "/password",
    "/logout",
    "/api/v1/password",
    "/api/v1/session",
    "/api/v1/me",
];

/// The city's menus and API belong to the operator alone. The services behind check the role
/// too; refusing here as well means nobody else's form or body is even read.
const OPERATOR_PATHS: [&str; 2] = ["/operator/", "/api/v1/operator/"];

fn require_role_for(p: &Principal, path: &str) -> Result<(), Failure> {
    if OPERATOR_PATHS.iter().any(|prefix| path.starts_with(prefix)) {
        p.require_operator()
    } else {
        Ok(())
    }
}

/// Whether this session may use this path: its initial password replaced, and the city's paths
/// for the operator only.
fn admit(p: &Principal, path: &str) -> Result<(), Failure> {
    if p.must_change_password && !PASSWORD_EXEMPT.contains(&path) {
        Err(Failure::new(
            axum::http::StatusCode::FORBIDDEN,
            "password_change_required",
            "初期パスワードのままです。パスワードを変更してから操作してください。",
        ))
    } else {
        require_role_for(p, path)
    }
}

/// A page that needs a session: without one the browser is sent to the login page.
pub struct PageUser(pub Principal);

impl FromRequestParts<AppState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // A page opened by a link (an urgent email's, say) is come back to after signing in.
        let here = if parts.method == axum::http::Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or("", axum::http::uri::PathAndQuery::as_str)
        } else {
            ""
        };
        match resolve(parts, state).await {
            // Until the initial password is replaced, the only page is the one that replaces it.
            Ok(p) if p.must_change_password && !PASSWORD_EXEMPT.contains(&parts.uri.path()) => Err(
                Redirect::to(&crate::edge::return_to::with_next("/password", here)).into_response(),
            ),
            Ok(p) => match require_role_for(&p, parts.uri.path()) {
                Ok(()) => Ok(Self(p)),
                Err(f) => Err(PageError(f).into_response()),
            },
            Err(f) if f.code == "login_required" => {
                Err(Redirect::to(&crate::edge::return_to::login_url(here)).into_response())
            }
            Err(f) => Err(PageError(f).into_response()),
        }
    }
}

/// An API call that needs a session.
pub struct ApiUser(pub Principal);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = resolve(parts, state).await?;
        admit(&principal, parts.uri.path())?;
        Ok(Self(principal))
    }
}

/// An API call that changes state: it needs a session and the `X-CSRF-Token` header.
pub struct ApiWriter(pub Principal);

impl FromRequestParts<AppState> for ApiWriter {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let principal = resolve(parts, state).await?;
        admit(&principal, parts.uri.path())?;
        let given = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        principal.check_csrf(given)?;
        Ok(Self(principal))
    }
}
