//! Idempotency keys on their way to the services. The gateway keeps nothing: it reads the key a
//! request carries (the API's `Idempotency-Key` header, or the `idempotency_key` field rendered
//! into every form) and hands it, with the operation (method and path), to every gRPC call made
//! while handling that request. The service that owns the write records it.

use crate::edge::error::{ApiError, Failure, PageError};
use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use common::idempotency::{Claim, FORM_FIELD, KEY};

/// A fresh key for a form about to be rendered (time-ordered, so pruning follows age).
#[must_use]
pub fn fresh_key() -> String {
    uuid::Uuid::now_v7().to_string()
}

fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

fn refuse(api: bool, failure: Failure) -> Response {
    if api {
        ApiError(failure).into_response()
    } else {
        PageError(failure).into_response()
    }
}

/// Runs the request with its key, if it sent one, in scope for the gRPC clients.
pub async fn carry_key(req: Request, next: Next) -> Response {
    if !matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    ) {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let operation = format!("{} {}", req.method(), req.uri().path());
    let (req, key) = if let Some(value) = req.headers().get(KEY) {
        let key = value.to_str().map(str::to_owned).unwrap_or_default();
        (req, Some(key))
    } else if is_form(&req) {
        // The form is read here and handed on whole; its extractor reads it again.
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, crate::edge::state::BODY_LIMIT).await else {
            return refuse(
                api,
                Failure::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "送信された内容が大きすぎます。入力内容を短くしてください。",
                ),
            );
        };
        let key = url::form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FORM_FIELD)
            .map(|(_, v)| v.into_owned())
            // An empty field is a page rendered without a key: nothing to honour.
            .filter(|v| !v.is_empty());
        (Request::from_parts(parts, Body::from(bytes)), key)
    } else {
        (req, None)
    };
    let claim = match key.map(|k| Claim::new(&k, &operation)) {
        None => None,
        Some(Ok(c)) => Some(c),
        Some(Err(_)) => {
            return refuse(
                api,
                Failure::bad_request(if api {
                    "Idempotency-Key の形式が正しくありません。英数字と - _ . : の128文字以内で指定してください。"
                } else {
                    "画面の情報が正しくありません。画面を開き直して、もう一度操作してください。"
                }),
            );
        }
    };
    common::idempotency::scope(claim, next.run(req)).await
}
