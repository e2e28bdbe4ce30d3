//! One office, as the operator sees it: enrollment codes, its first admin, its partners and
//! 利用廃止. A refused form comes back on this page, what was typed kept beside its error.

use super::directory::list;
use super::views::{self, OperatorOfficeDraft};
use crate::areas::accounts::handlers::{UserBody, create_user, identity};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, tokyo_time};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use proto::identity as idpb;
use proto::offices as pb;
use serde::Deserialize;

async fn office(state: &AppState, user: &Principal, id: &str) -> Result<pb::Office, Failure> {
    user.require_operator()?;
    let mut offices = state.clients.offices.clone();
    Ok(offices
        .get_office(pb::GetOfficeRequest {
            actor: Some(user.actor()),
            office_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

pub(super) async fn issue_code(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<idpb::EnrollmentCode, Failure> {
    user.require_operator()?;
    Ok(identity(state)
        .issue_enrollment_code(idpb::IssueEnrollmentCodeRequest {
            actor: Some(user.actor()),
            office_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

/// The page, with a refused form's draft and its failure when there is one.
pub(super) async fn office_view(
    state: &AppState,
    user: &Principal,
    id: &str,
    draft: &OperatorOfficeDraft,
    failure: Option<&Failure>,
) -> Result<Html<String>, PageError> {
    let o = office(state, user, id).await?;
    let users = crate::areas::accounts::handlers::list_users(state, user, &o.id, "").await?;
    let certificates = crate::areas::certificates::handlers::list(state, user, &o.id, "").await?;
    let partners =
        crate::areas::offices::partners::choices(state, user, &o.id, list(state, user).await?)
            .await?;
    // A login id already taken is about the ユーザーID box.
    let refused = pieces::Refused::of(failure, &[("login_id_taken", "login_id")]);
    let admin_email = if draft.email.is_empty() && failure.is_none() {
        o.admin_email.as_str()
    } else {
        draft.email.as_str()
    };
    Ok(pieces::render(&views::OperatorOffice {
        partners,
        csrf: &user.csrf,
        id: &o.id,
        name: &o.name,
        kind: &o.kind,
        admin_email: &o.admin_email,
        users: users.into_iter().map(pieces::UserLine::from).collect(),
        certificates: certificates
            .into_iter()
            .map(pieces::CertificateLine::from)
            .collect(),
        professions: state.choices.professions(&state.clients).await?,
        draft,
        draft_email: admin_email,
        error: refused.message,
        errors: refused.fields,
    }))
}

pub async fn office_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    office_view(&state, &user, &id, &OperatorOfficeDraft::default(), None).await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn issue_code_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Html<String>, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let code = issue_code(&state, &user, &id).await?;
    let message = format!(
        "証明書取得用No {} を発行し、事業所管理者のメールアドレスに送信しました（有効期限 {}）。",
        code.number,
        tokyo_time(&code.expires_at)
    );
    let back = format!("/operator/offices/{id}");
    Ok(pieces::render(&pieces::Notice {
        title: "証明書取得用Noを発行しました",
        message: &message,
        secret: None,
        back_href: &back,
        back_label: "事業所の画面へ戻る",
    }))
}

pub async fn create_admin_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(d): PageForm<OperatorOfficeDraft>,
) -> Result<Response, PageError> {
    user.check_csrf(&d.csrf_token)?;
    user.require_operator()?;
    // The page's twin is `POST /api/v1/users` with the office's id and `office_admin`.
    let admin = UserBody {
        login_id: d.login_id.clone(),
        name: d.name.clone(),
        kana: d.kana.clone(),
        profession: d.profession.clone(),
        email: d.email.clone(),
        office_admin: true,
        office_id: id.clone(),
    };
    let issued = match create_user(&state, &user, &admin).await {
        Ok(issued) => issued,
        Err(f) if f.status.is_client_error() && f.status != axum::http::StatusCode::FORBIDDEN => {
            let page = office_view(&state, &user, &id, &d, Some(&f)).await?;
            return Ok((f.status, page).into_response());
        }
        Err(f) => return Err(f.into()),
    };
    let login = issued
        .user
        .as_ref()
        .map(|u| u.login_id.clone())
        .unwrap_or_default();
    let message = format!(
        "事業所管理者（ユーザーID「{login}」）を作成しました。初期パスワードを本人に確実に伝えてください。"
    );
    Ok(password_notice("事業所管理者を作成しました", &message, &issued, &id).into_response())
}

/// A password just issued for one of the office's people, shown once, and the way back.
fn password_notice(
    title: &str,
    message: &str,
    issued: &idpb::IssuedPassword,
    office: &str,
) -> Html<String> {
    let back = format!("/operator/offices/{office}");
    pieces::render(&pieces::Notice {
        title,
        message,
        secret: Some(("初期パスワード", &issued.initial_password)),
        back_href: &back,
        back_label: "事業所の画面へ戻る",
    })
}

/// 初期パスワードを発行: the operator issues a password for one of the office's people (the first
/// admin's, after an approval) and tells it by telephone; the API's twin is
/// `POST /api/v1/users/{id}/password-reset`, which calls the same function.
pub async fn reset_password_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Html<String>, PageError> {
    user.check_csrf(&form.csrf_token)?;
    user.require_operator()?;
    let issued = crate::areas::accounts::handlers::reset(&state, &user, &id).await?;
    let (login, office) = issued
        .user
        .as_ref()
        .map(|u| (u.login_id.as_str(), u.office_id.as_str()))
        .unwrap_or_default();
    let message = format!(
        "ユーザーID「{login}」の初期パスワードを発行しました。電話などメール以外の方法で本人に伝えてください。初回ログイン時に本人がパスワードを変更します。"
    );
    Ok(password_notice(
        "初期パスワードを発行しました",
        &message,
        &issued,
        office,
    ))
}
