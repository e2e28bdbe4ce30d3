//! 初回の証明書設定: public, because the device has no certificate yet. The code is the only
//! credential; identity rate-limits by source and locks a code after five wrong tries.

use super::views::{Enroll, Enrolled};
use crate::areas::accounts::handlers::identity;
use crate::edge::csrf::PreSession;
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::edge::tls::ClientAddr;
use crate::kit::pieces::{self, tokyo_time};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use proto::identity as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

async fn enroll(
    state: &AppState,
    source: Option<ClientAddr>,
    b: &EnrollBody,
) -> Result<pb::EnrollResponse, Failure> {
    Ok(identity(state)
        .enroll(pb::EnrollRequest {
            number: b.number.clone(),
            secret: b.secret.clone(),
            device_label: b.device_label.clone(),
            p12_password: b.p12_password.clone(),
            legacy_p12: b.legacy_p12,
            source: source.map(|a| a.0.ip().to_string()).unwrap_or_default(),
        })
        .await
        .for_form(labels::ENROLL)?
        .into_inner())
}

pub async fn page(PreSession(csrf): PreSession) -> Html<String> {
    pieces::render(&Enroll {
        number: "",
        label: "",
        legacy: false,
        error: None,
        errors: Vec::new(),
        csrf: &csrf,
    })
}

#[derive(Deserialize)]
pub struct EnrollForm {
    #[serde(default)]
    number: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    device_label: String,
    #[serde(default)]
    p12_password: String,
    #[serde(default)]
    p12_password_confirm: String,
    #[serde(default)]
    legacy: Option<String>,
}

/// The file name offered for download: ASCII, from the serial, so every browser keeps it.
fn file_name(serial: &str) -> String {
    format!("renrakucho-{}.p12", &serial[..serial.len().min(12)])
}

pub async fn form(
    State(state): State<AppState>,
    source: Option<axum::Extension<ClientAddr>>,
    PreSession(csrf): PreSession,
    PageForm(form): PageForm<EnrollForm>,
) -> Result<Response, PageError> {
    let again = |f: Failure| {
        // A refused code names neither the number nor its password: which one was wrong is not
        // told to whoever is guessing.
        let refused = pieces::Refused::of(Some(&f), &[("mismatch", "p12_password_confirm")]);
        let page = pieces::render(&Enroll {
            number: &form.number,
            label: &form.device_label,
            legacy: form.legacy.is_some(),
            error: refused.message,
            errors: refused.fields,
            csrf: &csrf,
        });
        (f.status, page).into_response()
    };
    if form.p12_password != form.p12_password_confirm {
        return Ok(again(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mismatch",
            "証明書ファイルのパスワードと確認用のパスワードが一致しません。",
        )));
    }
    let body = EnrollBody {
        number: form.number.clone(),
        secret: form.secret.clone(),
        device_label: form.device_label.clone(),
        p12_password: form.p12_password.clone(),
        legacy_p12: form.legacy.is_some(),
    };
    match enroll(&state, source.map(|e| e.0), &body).await {
        Ok(done) => {
            // The file never rests on the server: it travels once, inside this page.
            let data_url = format!(
                "data:application/x-pkcs12;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(&done.p12)
            );
            Ok(pieces::render(&Enrolled {
                office: &done.office_name,
                label: &done.device_label,
                serial: &done.serial,
                not_after: &tokyo_time(&done.not_after),
                file_name: &file_name(&done.serial),
                data_url: &data_url,
            })
            .into_response())
        }
        Err(f) if f.status.is_client_error() => Ok(again(f)),
        Err(f) => Err(f.into()),
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::enroll)]
pub struct EnrollBody {
    /// 証明書取得用No (10 digits).
    number: String,
    /// 証明書取得用パスワード (hyphens and case do not matter).
    secret: String,
    /// What the office calls this PC or tablet.
    device_label: String,
    /// Protects the PKCS#12 file; at least 8 characters.
    p12_password: String,
    /// The 3DES/SHA-1 profile for devices that cannot import AES-protected files.
    #[serde(default)]
    legacy_p12: bool,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::enrolled)]
pub struct EnrolledOut {
    /// The PKCS#12 file, base64.
    p12_base64: String,
    serial: String,
    device_label: String,
    office_name: String,
    not_after: String,
}

/// Exchange an enrollment code for a device certificate (public; once per code).
#[utoipa::path(post, operation_id = "enroll_device", path = "/api/v1/public/enroll", request_body = EnrollBody,
    responses((status = 201, body = EnrolledOut), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn api(
    State(state): State<AppState>,
    source: Option<axum::Extension<ClientAddr>>,
    ApiJson(body): ApiJson<EnrollBody>,
) -> Result<Response, ApiError> {
    let done = enroll(&state, source.map(|e| e.0), &body).await?;
    let out = EnrolledOut {
        p12_base64: base64::engine::general_purpose::STANDARD.encode(&done.p12),
        serial: done.serial,
        device_label: done.device_label,
        office_name: done.office_name,
        not_after: done.not_after,
    };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}
