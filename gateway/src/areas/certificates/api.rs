//! Device certificates in JSON: the same use cases as the pages.

use super::handlers::{ask, list, requests, revoke};
use crate::edge::auth::{ApiUser, ApiWriter};
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::json::ApiJson;
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proto::identity as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A device certificate now; `unknown` for a status this gateway does not know (a newer
/// identity's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CertificateStatusOut {
    Active,
    Revoked,
    /// Past its end without being revoked.
    Expired,
    Unknown,
}

impl From<pb::CertificateStatus> for CertificateStatusOut {
    fn from(status: pb::CertificateStatus) -> Self {
        match status {
            pb::CertificateStatus::Active => Self::Active,
            pb::CertificateStatus::Revoked => Self::Revoked,
            pb::CertificateStatus::Expired => Self::Expired,
            pb::CertificateStatus::Unspecified => Self::Unknown,
        }
    }
}

/// A request for another certificate: `open` until the city issues a code for the office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatusOut {
    Open,
    Done,
    Unknown,
}

impl From<pb::CertificateRequestStatus> for RequestStatusOut {
    fn from(status: pb::CertificateRequestStatus) -> Self {
        match status {
            pb::CertificateRequestStatus::Open => Self::Open,
            pb::CertificateRequestStatus::Done => Self::Done,
            pb::CertificateRequestStatus::Unspecified => Self::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::certificate)]
pub struct CertificateOut {
    serial: String,
    office_id: String,
    office_name: String,
    label: String,
    fingerprint_sha256: String,
    issued_at: String,
    not_after: String,
    last_used_at: String,
    status: CertificateStatusOut,
    revoked_at: String,
    revoked_reason: String,
}

impl From<pb::Certificate> for CertificateOut {
    fn from(c: pb::Certificate) -> Self {
        Self {
            status: c.status().into(),
            serial: c.serial,
            office_id: c.office_id,
            office_name: c.office_name,
            label: c.label,
            fingerprint_sha256: c.fingerprint_sha256,
            issued_at: c.issued_at,
            not_after: c.not_after,
            last_used_at: c.last_used_at,
            revoked_at: c.revoked_at,
            revoked_reason: c.revoked_reason,
        }
    }
}

/// The office's device certificates (the operator: every office's, `q` searches).
#[utoipa::path(get, operation_id = "list_certificates", path = "/api/v1/certificates", params(("office_id" = Option<String>, Query, example = "019d4657-2c10-7a3e-8b41-5f2d9c0e1a01"), ("q" = Option<String>, Query, example = "タブレット")),
    responses((status = 200, body = Vec<CertificateOut>), (status = 403, body = ErrorBody)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<crate::edge::json::ListQuery>,
) -> Result<Json<Vec<CertificateOut>>, ApiError> {
    Ok(Json(
        list(&state, &user, &q.office_id, &q.q)
            .await?
            .into_iter()
            .map(CertificateOut::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::revoke)]
pub struct RevokeBody {
    /// Why (紛失, 盗難, 廃棄 …), up to 200 characters.
    reason: String,
}

/// Revoke a device certificate: every gateway refuses it within a second.
#[utoipa::path(post, path = "/api/v1/certificates/{serial}/revoke", params(("serial" = String, Path, description = "The certificate's serial number (hex).", example = "3f9a1c0e5b7d42a8b6c1e0f29d4a7b35")), request_body = RevokeBody,
    responses((status = 200, body = CertificateOut), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_revoke(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(serial): Path<String>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> Result<Json<CertificateOut>, ApiError> {
    Ok(Json(
        revoke(&state, &user, &serial, &body.reason).await?.into(),
    ))
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::certificate_request)]
pub struct RequestOut {
    id: String,
    office_id: String,
    office_name: String,
    note: String,
    created_at: String,
    status: RequestStatusOut,
}

impl From<pb::CertificateRequest> for RequestOut {
    fn from(r: pb::CertificateRequest) -> Self {
        Self {
            status: r.status().into(),
            id: r.id,
            office_id: r.office_id,
            office_name: r.office_name,
            note: r.note,
            created_at: r.created_at,
        }
    }
}

/// Open requests for additional certificates (operator).
#[utoipa::path(get, path = "/api/v1/certificate-requests", responses((status = 200, body = Vec<RequestOut>), (status = 403, body = ErrorBody)))]
pub async fn api_requests(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<Vec<RequestOut>>, ApiError> {
    Ok(Json(
        requests(&state, &user)
            .await?
            .into_iter()
            .map(RequestOut::from)
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::certificate_request_body)]
pub struct RequestBody {
    #[serde(default)]
    note: String,
}

/// Ask the city for another device certificate (office admin).
#[utoipa::path(post, path = "/api/v1/certificate-requests", request_body = RequestBody,
    responses((status = 201, body = RequestOut), (status = 403, body = ErrorBody)))]
pub async fn api_request(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    ApiJson(body): ApiJson<RequestBody>,
) -> Result<Response, ApiError> {
    let r = ask(&state, &user, &body.note).await?;
    Ok((StatusCode::CREATED, Json(RequestOut::from(r))).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(v: impl Serialize) -> String {
        serde_json::to_value(v)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned()
    }

    #[test]
    fn the_api_words_each_status_as_before_it_was_an_enum() {
        use pb::{CertificateRequestStatus as R, CertificateStatus as C};
        let certificates = [
            (C::Active, "active"),
            (C::Revoked, "revoked"),
            (C::Expired, "expired"),
        ];
        for (status, expected) in certificates {
            assert_eq!(word(CertificateStatusOut::from(status)), expected);
        }
        assert_eq!(word(CertificateStatusOut::from(C::Unspecified)), "unknown");
        for (status, expected) in [(R::Open, "open"), (R::Done, "done")] {
            assert_eq!(word(RequestStatusOut::from(status)), expected);
        }
        assert_eq!(word(RequestStatusOut::from(R::Unspecified)), "unknown");
    }
}
