//! Device certificates as admins and the operator see them: list, revoke, ask for more.

use super::views::{CertificateDraft, Certificates, RequestLine};
use crate::areas::accounts::handlers::identity;
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, CertificateLine, FieldError, Refused, tokyo_time};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::common::Role;
use proto::identity as pb;
use serde::Deserialize;

pub async fn list(
    state: &AppState,
    user: &Principal,
    office_id: &str,
    query: &str,
) -> Result<Vec<pb::Certificate>, Failure> {
    Ok(identity(state)
        .list_certificates(pb::ListCertificatesRequest {
            actor: Some(user.actor()),
            office_id: office_id.to_owned(),
            query: query.to_owned(),
        })
        .await
        .for_form(labels::CERTIFICATE)?
        .into_inner()
        .certificates)
}

pub(super) async fn revoke(
    state: &AppState,
    user: &Principal,
    serial: &str,
    reason: &str,
) -> Result<pb::Certificate, Failure> {
    Ok(identity(state)
        .revoke_certificate(pb::RevokeCertificateRequest {
            actor: Some(user.actor()),
            serial: serial.to_owned(),
            reason: reason.to_owned(),
        })
        .await
        .for_form(labels::CERTIFICATE)?
        .into_inner())
}

pub(super) async fn requests(
    state: &AppState,
    user: &Principal,
) -> Result<Vec<pb::CertificateRequest>, Failure> {
    Ok(identity(state)
        .list_certificate_requests(pb::ListCertificateRequestsRequest {
            actor: Some(user.actor()),
        })
        .await?
        .into_inner()
        .requests)
}

pub(super) async fn ask(
    state: &AppState,
    user: &Principal,
    note: &str,
) -> Result<pb::CertificateRequest, Failure> {
    let office_name = crate::areas::session::home::office_name(state, user).await?;
    Ok(identity(state)
        .request_certificate(pb::RequestCertificateRequest {
            actor: Some(user.actor()),
            office_name,
            note: note.to_owned(),
        })
        .await
        .for_form(labels::CERTIFICATE)?
        .into_inner())
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    done: Option<String>,
}

async fn view(
    state: &AppState,
    user: &Principal,
    q: &PageQuery,
    draft: CertificateDraft<'_>,
    refused: Refused<'_>,
) -> Result<Html<String>, PageError> {
    let operator = user.role == Role::Operator;
    let certificates = list(state, user, "", &q.q).await?;
    let requests = if operator {
        requests(state, user).await?
    } else {
        Vec::new()
    };
    let notice = match q.done.as_deref() {
        Some("revoked") => {
            Some("電子証明書を失効させました。この証明書ではすぐに利用できなくなります。")
        }
        Some("requested") => Some(
            "追加発行を申請しました。市から新しい証明書取得用No/パスワードがメールで届きます。",
        ),
        _ => None,
    };
    Ok(pieces::render(&Certificates {
        csrf: &user.csrf,
        operator,
        query: &q.q,
        items: certificates
            .into_iter()
            .map(CertificateLine::from)
            .collect(),
        requests: requests
            .into_iter()
            .map(|r| RequestLine {
                created_at: tokyo_time(&r.created_at),
                office_id: r.office_id,
                office: r.office_name,
                note: r.note,
            })
            .collect(),
        notice,
        draft,
        error: refused.message,
        errors: refused.fields,
    }))
}

fn unrefused() -> Refused<'static> {
    Refused {
        message: None,
        fields: Vec::new(),
    }
}

/// The page again after a refused form, with what was typed and the status of the refusal.
async fn refused_page(
    state: &AppState,
    user: &Principal,
    draft: CertificateDraft<'_>,
    refused: Refused<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let page = view(state, user, &PageQuery::default(), draft, refused).await?;
    Ok((status, page).into_response())
}

pub async fn admin_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    if user.role != Role::OfficeAdmin {
        return Err(Failure::forbidden().into());
    }
    view(
        &state,
        &user,
        &PageQuery {
            q: String::new(),
            done: q.done,
        },
        CertificateDraft::default(),
        unrefused(),
    )
    .await
}

pub async fn operator_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    user.require_operator()?;
    view(&state, &user, &q, CertificateDraft::default(), unrefused()).await
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    reason: String,
}

pub async fn revoke_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(serial): Path<String>,
    PageForm(form): PageForm<RevokeForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    if let Err(f) = revoke(&state, &user, &serial, &form.reason).await {
        if f.status != StatusCode::UNPROCESSABLE_ENTITY {
            return Err(f.into());
        }
        let draft = CertificateDraft {
            serial: &serial,
            reason: &form.reason,
            note: "",
        };
        let refused = FieldError::in_row(&f, "reason", &serial);
        return refused_page(&state, &user, draft, refused, f.status).await;
    }
    let back = if user.role == Role::Operator {
        "/operator/certificates?done=revoked"
    } else {
        "/admin/certificates?done=revoked"
    };
    Ok(Redirect::to(back).into_response())
}

#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    note: String,
}

pub async fn request_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<RequestForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    match ask(&state, &user, &form.note).await {
        Ok(_) => Ok(Redirect::to("/admin/certificates?done=requested").into_response()),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let draft = CertificateDraft {
                note: &form.note,
                ..CertificateDraft::default()
            };
            refused_page(&state, &user, draft, Refused::of(Some(&f), &[]), f.status).await
        }
        Err(f) => Err(f.into()),
    }
}
