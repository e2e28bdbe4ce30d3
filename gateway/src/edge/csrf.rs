//! Cross-site request forgery, refused once for the whole router. A request that changes state
//! (anything but GET, HEAD and OPTIONS, login and the public forms included) passes only when
//!
//! 1. it comes from the gateway's own pages: a browser says so with `Sec-Fetch-Site:
//!    same-origin` and an `Origin` equal to `https://` and the authority it asked for; a
//!    foreign or `null` Origin is refused, and so is a missing one from a browser (one that sends
//!    `Sec-Fetch-*` headers). Programs that send neither are judged by the token alone;
//! 2. it carries a token no other site can know, in the `X-CSRF-Token` header or the form's
//!    `csrf_token` field: the session's token, or before login the browser's pre-session token,
//!    a random value in a `__Host-` cookie that the pages echo in their forms.
//!
//! Tokens are compared in constant time. A session token that matches is checked with identity
//! here, and the principal it names is kept for the handler, so a write costs one check.

use crate::edge::auth::{self, Principal, cookie};
use crate::edge::error::{ApiError, Failure, PageError};
use crate::edge::state::{AppState, BODY_LIMIT};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use rand::Rng;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "__Host-rk_csrf";
pub const HEADER: &str = "x-csrf-token";
pub const FIELD: &str = "csrf_token";

/// The browser's pre-session token, for the pages that show a form before login.
#[derive(Debug, Clone)]
pub struct PreSession(pub String);

impl PreSession {
    /// The token of this request (the guard puts one on every safe request).
    #[must_use]
    pub fn of(parts: &Parts) -> String {
        parts
            .extensions
            .get::<Self>()
            .map(|p| p.0.clone())
            .unwrap_or_default()
    }
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for PreSession {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(Self::of(parts)))
    }
}

fn mint() -> String {
    let mut buf = [0u8; 32];
    rand::rng().fill(&mut buf[..]);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

/// Lax, not Strict: a link from a mail opens a page whose form must match the cookie already
/// held, rather than a new one that breaks the forms of the other open tabs.
fn set_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Lax")
}

fn equal(a: &str, b: &str) -> bool {
    !a.is_empty() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn cross_site() -> Failure {
    Failure::new(
        StatusCode::FORBIDDEN,
        "cross_site",
        "ほかのサイトから送られた操作のため、受け付けませんでした。電子@連絡帳の画面を開き直してから、もう一度操作してください。",
    )
}

/// Whether the request comes from the gateway's own pages, as far as its headers tell.
fn same_origin(headers: &HeaderMap, authority: Option<&str>) -> bool {
    let browser = headers.keys().any(|k| k.as_str().starts_with("sec-fetch-"));
    if let Some(site) = headers.get("sec-fetch-site")
        && site.as_bytes() != b"same-origin"
    {
        return false;
    }
    match headers.get(header::ORIGIN) {
        Some(origin) => authority.is_some_and(|own| {
            origin
                .to_str()
                .ok()
                .and_then(|o| o.strip_prefix("https://"))
                .is_some_and(|host| host.eq_ignore_ascii_case(own))
        }),
        None => !browser,
    }
}

/// The authority the request was sent to: HTTP/2's `:authority`, else `Host`.
fn authority(parts: &Parts) -> Option<String> {
    parts
        .uri
        .authority()
        .map(|a| a.as_str().to_owned())
        .or_else(|| {
            parts
                .headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned)
        })
}

/// `csrf_token` of a form body, decoded.
fn form_token(body: &[u8]) -> Option<String> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let value = pair.strip_prefix(FIELD.as_bytes())?.strip_prefix(b"=")?;
        percent_decode(value)
    })
}

fn percent_decode(raw: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        match raw[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = raw.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
}

fn refuse(path: &str, failure: Failure) -> Response {
    if path.starts_with("/api/") {
        ApiError(failure).into_response()
    } else {
        PageError(failure).into_response()
    }
}

/// The layer: see the module's comment.
pub async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        let held = cookie(req.headers(), COOKIE);
        let token = held.clone().unwrap_or_else(mint);
        req.extensions_mut().insert(PreSession(token.clone()));
        let mut response = next.run(req).await;
        if held.is_none()
            && let Ok(v) = HeaderValue::from_str(&set_cookie(&token))
        {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
        return response;
    }
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    if !same_origin(&parts.headers, authority(&parts).as_deref()) {
        let header = |name| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned()
        };
        tracing::info!(
            path,
            origin = header(header::ORIGIN.as_str()),
            site = header("sec-fetch-site"),
            authority = authority(&parts).unwrap_or_default(),
            "cross-site request refused"
        );
        return refuse(&path, cross_site());
    }
    let header_token = parts
        .headers
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (given, body) = match header_token {
        Some(t) => (t, body),
        None if is_form(&parts.headers) => match axum::body::to_bytes(body, BODY_LIMIT).await {
            Ok(bytes) => (form_token(&bytes).unwrap_or_default(), Body::from(bytes)),
            Err(_) => {
                return refuse(
                    &path,
                    Failure::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "too_large",
                        "送信された内容が大きすぎます。入力内容を短くしてください。",
                    ),
                );
            }
        },
        None => (String::new(), body),
    };
    let pre_session = cookie(&parts.headers, COOKIE).is_some_and(|held| equal(&given, &held));
    if !pre_session {
        match auth::resolve(&parts, &state).await {
            Ok(principal) if equal(&given, &principal.csrf) => {
                parts.extensions.insert::<Principal>(principal);
            }
            // A program whose session ended (logged out, suspended, expired) is told to log in
            // again, as its reads are; a page's form says to open the screen again, which leads
            // to the login.
            Err(f)
                if f.code == "login_required"
                    && path.starts_with("/api/")
                    && auth::session_token(&parts.headers).is_some() =>
            {
                return refuse(&path, f);
            }
            _ => {
                tracing::info!(path, "request without a valid CSRF token refused");
                return refuse(&path, Failure::csrf());
            }
        }
    }
    // A form shown again (a wrong password, say) carries the same pre-session token.
    if let Some(held) = cookie(&parts.headers, COOKIE) {
        parts.extensions.insert(PreSession(held));
    }
    next.run(Request::from_parts(parts, body)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    const OWN: Option<&str> = Some("gw.example.jp:8443");

    #[test]
    fn the_gateways_own_pages_pass() {
        assert!(same_origin(
            &headers(&[
                ("origin", "https://gw.example.jp:8443"),
                ("sec-fetch-site", "same-origin"),
                ("sec-fetch-mode", "navigate"),
            ]),
            OWN
        ));
        assert!(same_origin(
            &headers(&[("origin", "https://GW.example.jp:8443")]),
            OWN
        ));
        // A program that is no browser is judged by its token alone.
        assert!(same_origin(&headers(&[]), OWN));
    }

    #[test]
    fn foreign_null_and_missing_origins_of_browsers_are_refused() {
        for h in [
            headers(&[("origin", "https://evil.example")]),
            headers(&[("origin", "null")]),
            headers(&[("origin", "http://gw.example.jp:8443")]),
            headers(&[("origin", "https://gw.example.jp")]),
            headers(&[("origin", "https://gw.example.jp:8443.evil.example")]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[
                ("origin", "https://gw.example.jp:8443"),
                ("sec-fetch-site", "same-site"),
            ]),
            headers(&[("sec-fetch-site", "same-origin")]),
            headers(&[("sec-fetch-mode", "navigate")]),
        ] {
            assert!(!same_origin(&h, OWN), "{h:?}");
        }
        assert!(!same_origin(
            &headers(&[("origin", "https://gw.example.jp:8443")]),
            None
        ));
    }

    #[test]
    fn the_token_is_read_from_a_form_body() {
        assert_eq!(
            form_token(b"login_id=a&csrf_token=ab-c_d%2B&password=x").as_deref(),
            Some("ab-c_d+")
        );
        assert_eq!(form_token(b"xcsrf_token=a&b=c"), None);
        assert_eq!(form_token(b"csrf_token=%zz"), None);
        assert!(!equal("", ""));
        assert!(equal("abc", "abc"));
        assert!(!equal("abc", "abd"));
    }
}
