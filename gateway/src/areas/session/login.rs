//! Logging in and out, as pages and as the JSON API.

use super::views::Login;
use crate::edge::auth::{
    ApiUser, ApiWriter, PageUser, Principal, cert_message, clear_cookie, peer_cert, session_cookie,
};
use crate::edge::csrf::PreSession;
use crate::edge::error::ForForm;
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::json::ApiJson;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces;
use axum::Json;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use proto::identity as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The verified certificate of the request, for the login handlers (which have no session yet).
pub struct Cert(pub crate::edge::tls::PeerCert);

impl<S: Send + Sync> FromRequestParts<S> for Cert {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        peer_cert(parts).map(Self)
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        PageError(self).into_response()
    }
}

async fn login(
    state: &AppState,
    cert: &crate::edge::tls::PeerCert,
    login_id: &str,
    password: &str,
) -> Result<pb::LoginResponse, Failure> {
    if login_id.trim().is_empty() || password.is_empty() {
        let mut missing = Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_credentials",
            "ユーザーIDとパスワードを入力してください。",
        );
        missing.fields = [("login_id", login_id.trim()), ("password", password)]
            .into_iter()
            .filter(|(_, typed)| typed.is_empty())
            .map(|(name, _)| (name.to_owned(), ""))
            .collect();
        return Err(missing.labelled(labels::LOGIN));
    }
    let mut identity = state.clients.identity.clone();
    Ok(identity
        .login(pb::LoginRequest {
            login_id: login_id.to_owned(),
            password: password.to_owned(),
            certificate: Some(cert_message(cert)),
        })
        .await
        .for_form(labels::LOGIN)?
        .into_inner())
}

/// The page to come back to after signing in, as a link into the system carried it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReturnQuery {
    pub next: String,
}

pub async fn login_page(
    PreSession(csrf): PreSession,
    Query(q): Query<ReturnQuery>,
) -> impl IntoResponse {
    pieces::render(&Login {
        login_id: "",
        error: None,
        errors: Vec::new(),
        csrf: &csrf,
        next: crate::edge::return_to::safe(&q.next).unwrap_or_default(),
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login_id: String,
    #[serde(default)]
    password: String,
    /// The page the user was sent to sign in from (checked before it is followed).
    #[serde(default)]
    next: String,
}

pub async fn login_form(
    State(state): State<AppState>,
    Cert(cert): Cert,
    PreSession(csrf): PreSession,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    match login(&state, &cert, &form.login_id, &form.password).await {
        Ok(session) => (
            [(header::SET_COOKIE, session_cookie(&session.session_token))],
            Redirect::to(crate::edge::return_to::after_login(&form.next)),
        )
            .into_response(),
        Err(failure) => {
            // Only what is missing is tied to a field: a refused pair names neither of them.
            let page = pieces::render(&Login {
                login_id: &form.login_id,
                error: (failure.code != "missing_credentials").then_some(failure.message.as_str()),
                errors: pieces::FieldError::all(Some(&failure)),
                csrf: &csrf,
                next: crate::edge::return_to::safe(&form.next).unwrap_or_default(),
            });
            (failure.status, page).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

pub async fn logout_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<LogoutForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    end_session(&state, &user).await?;
    Ok(([(header::SET_COOKIE, clear_cookie())], Redirect::to("/")).into_response())
}

async fn end_session(state: &AppState, user: &Principal) -> Result<(), Failure> {
    let mut identity = state.clients.identity.clone();
    identity
        .logout(pb::LogoutRequest {
            session_token: user.token.clone(),
        })
        .await?;
    Ok(())
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::login)]
pub struct LoginBody {
    login_id: String,
    password: String,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::csrf_token)]
pub struct CsrfTokenBody {
    /// Send back as `X-CSRF-Token` on calls made before login (login, enrollment, application),
    /// together with the cookie this answer sets.
    csrf_token: String,
}

/// The pre-session CSRF token of this client (its cookie is set with the answer when it had
/// none). Every state-changing call needs a token: this one before login, the session's after.
#[utoipa::path(get, path = "/api/v1/public/csrf-token", responses((status = 200, body = CsrfTokenBody)))]
pub async fn api_csrf_token(PreSession(csrf_token): PreSession) -> Json<CsrfTokenBody> {
    Json(CsrfTokenBody { csrf_token })
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::session)]
pub struct SessionBody {
    /// Send back as `X-CSRF-Token` on every state-changing call.
    csrf_token: String,
}

/// Log in with the device certificate of this connection and a personal password.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginBody,
    responses((status = 200, body = SessionBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn api_login(
    State(state): State<AppState>,
    Cert(cert): Cert,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let session = login(&state, &cert, &body.login_id, &body.password).await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&session.session_token))],
        Json(SessionBody {
            csrf_token: session.csrf_token,
        }),
    )
        .into_response())
}

/// Log out.
#[utoipa::path(delete, path = "/api/v1/session", responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn api_logout(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
) -> Result<Response, ApiError> {
    end_session(&state, &user).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(header::SET_COOKIE, clear_cookie())],
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::people::me)]
pub struct MeBody {
    login_id: String,
    name: String,
    office: String,
    /// `operator`, `office_admin` or `staff`.
    role: String,
    profession: String,
    /// True until the initial password has been replaced; other calls are refused until then.
    must_change_password: bool,
}

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeBody), (status = 401, body = ErrorBody)))]
pub async fn api_me(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<Json<MeBody>, ApiError> {
    let office = crate::areas::session::home::office_name(&state, &user).await?;
    Ok(Json(MeBody {
        login_id: user.login_id.clone(),
        name: user.name.clone(),
        office,
        role: user.role_name().to_owned(),
        profession: user.profession.clone(),
        must_change_password: user.must_change_password,
    }))
}
