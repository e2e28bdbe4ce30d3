//! 事業所管理者メニュー and 利用者管理: pages for office admins, and the JSON API that the operator
//! and admins share. identity decides who may do what; these handlers only carry it.

use super::views::{AdminMenu, UserEdit, UserForm, Users};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::ForForm;
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::PageForm;
use crate::edge::labels;
use crate::edge::state::AppState;
use crate::kit::pieces::{self, Notice, UserLine};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::identity as pb;
use serde::Deserialize;
use utoipa::ToSchema;

pub fn identity(
    state: &AppState,
) -> proto::identity::identity_client::IdentityClient<crate::edge::clients::Traced> {
    state.clients.identity.clone()
}

pub async fn list_users(
    state: &AppState,
    user: &Principal,
    office_id: &str,
    query: &str,
) -> Result<Vec<pb::User>, Failure> {
    Ok(identity(state)
        .list_users(pb::ListUsersRequest {
            actor: Some(user.actor()),
            office_id: office_id.to_owned(),
            query: query.to_owned(),
        })
        .await
        .for_form(labels::SEARCH)?
        .into_inner()
        .users)
}

pub(super) async fn get_user(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<pb::User, Failure> {
    Ok(identity(state)
        .get_user(pb::UserRef {
            actor: Some(user.actor()),
            user_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

/// What an admin types about a person.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = crate::openapi::examples::people::user_body)]
pub struct UserBody {
    /// Only when creating: 3–64 of `A-Z a-z 0-9 . _ -`, unique system-wide.
    #[serde(default)]
    pub login_id: String,
    pub name: String,
    /// Full-width katakana (half-width and hiragana are converted).
    pub kana: String,
    /// One of 医師, 歯科医師, 薬剤師, 看護師, 准看護師, 保健師, PT, OT, ST, ケアマネジャー, 社会福祉士, 介護福祉士, ヘルパー, MSW, 事務, その他.
    pub profession: String,
    pub email: String,
    #[serde(default)]
    pub office_admin: bool,
    /// Operator only: the office to create the person in.
    #[serde(default)]
    pub office_id: String,
}

pub async fn create_user(
    state: &AppState,
    user: &Principal,
    b: &UserBody,
) -> Result<pb::IssuedPassword, Failure> {
    Ok(identity(state)
        .create_user(pb::CreateUserRequest {
            actor: Some(user.actor()),
            office_id: b.office_id.clone(),
            login_id: b.login_id.clone(),
            name: b.name.clone(),
            kana: b.kana.clone(),
            profession: b.profession.clone(),
            email: b.email.clone(),
            office_admin: b.office_admin,
        })
        .await
        .for_form(labels::STAFF)?
        .into_inner())
}

pub(super) async fn update_user(
    state: &AppState,
    user: &Principal,
    id: &str,
    b: &UserBody,
) -> Result<pb::User, Failure> {
    Ok(identity(state)
        .update_user(pb::UpdateUserRequest {
            actor: Some(user.actor()),
            user_id: id.to_owned(),
            name: b.name.clone(),
            kana: b.kana.clone(),
            profession: b.profession.clone(),
            email: b.email.clone(),
            office_admin: b.office_admin,
        })
        .await
        .for_form(labels::STAFF)?
        .into_inner())
}

pub(crate) async fn reset(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<pb::IssuedPassword, Failure> {
    Ok(identity(state)
        .reset_password(pb::UserRef {
            actor: Some(user.actor()),
            user_id: id.to_owned(),
        })
        .await?
        .into_inner())
}

pub(super) async fn set_active(
    state: &AppState,
    user: &Principal,
    id: &str,
    active: bool,
) -> Result<pb::User, Failure> {
    let changed = identity(state)
        .set_user_active(pb::SetUserActiveRequest {
            actor: Some(user.actor()),
            user_id: id.to_owned(),
            active,
        })
        .await?
        .into_inner();
    // This gateway forgets the person's sessions now; the others, when the event reaches them.
    state.live.sessions().user_left(&changed.id);
    Ok(changed)
}

fn require_admin(user: &Principal) -> Result<(), Failure> {
    if user.role == proto::common::Role::OfficeAdmin {
        Ok(())
    } else {
        Err(Failure::forbidden())
    }
}

// ---- pages ----

pub async fn admin_menu(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    require_admin(&user)?;
    let office = crate::areas::session::home::office_name(&state, &user).await?;
    Ok(pieces::render(&AdminMenu { office: &office }))
}

#[derive(Deserialize, Default)]
pub struct UserFormBody {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    login_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kana: String,
    #[serde(default)]
    profession: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    office_admin: Option<String>,
}

impl UserFormBody {
    fn body(&self) -> UserBody {
        UserBody {
            login_id: self.login_id.clone(),
            name: self.name.clone(),
            kana: self.kana.clone(),
            profession: self.profession.clone(),
            email: self.email.clone(),
            office_admin: self.office_admin.is_some(),
            office_id: String::new(),
        }
    }

    fn form(&self) -> UserForm<'_> {
        UserForm {
            login_id: &self.login_id,
            name: &self.name,
            kana: &self.kana,
            profession: &self.profession,
            email: &self.email,
            office_admin: self.office_admin.is_some(),
        }
    }
}

async fn users_view(
    state: &AppState,
    user: &Principal,
    form: &UserFormBody,
    failure: Option<&Failure>,
) -> Result<Html<String>, PageError> {
    let office = crate::areas::session::home::office_name(state, user).await?;
    let users = list_users(state, user, "", "").await?;
    // A login id already taken is about the ユーザーID box.
    let refused = pieces::Refused::of(failure, &[("login_id_taken", "login_id")]);
    Ok(pieces::render(&Users {
        csrf: &user.csrf,
        office: &office,
        people: users.into_iter().map(UserLine::from).collect(),
        professions: state.choices.professions(&state.clients).await?,
        form: form.form(),
        error: refused.message,
        errors: refused.fields,
    }))
}

pub async fn users_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
) -> Result<Html<String>, PageError> {
    require_admin(&user)?;
    users_view(&state, &user, &UserFormBody::default(), None).await
}

fn initial_password_page(title: &str, issued: &pb::IssuedPassword) -> Html<String> {
    let login = issued
        .user
        .as_ref()
        .map(|u| u.login_id.as_str())
        .unwrap_or_default();
    let message = format!(
        "ユーザーID「{login}」の初期パスワードを発行しました。初回ログイン時に本人がパスワードを変更します。"
    );
    pieces::render(&Notice {
        title,
        message: &message,
        secret: Some(("初期パスワード", &issued.initial_password)),
        back_href: "/admin/users",
        back_label: "利用者管理へ戻る",
    })
}

pub async fn create_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    PageForm(form): PageForm<UserFormBody>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    user.check_csrf(&form.csrf_token)?;
    match create_user(&state, &user, &form.body()).await {
        Ok(issued) => Ok(initial_password_page("利用者を追加しました", &issued).into_response()),
        Err(f) if f.status.is_client_error() && f.status != StatusCode::FORBIDDEN => {
            let page = users_view(&state, &user, &form, Some(&f)).await?;
            Ok((f.status, page).into_response())
        }
        Err(f) => Err(f.into()),
    }
}

async fn edit_view(
    state: &AppState,
    user: &Principal,
    id: &str,
    target: &pb::User,
    form: &UserFormBody,
    failure: Option<&Failure>,
) -> Result<Html<String>, PageError> {
    Ok(pieces::render(&UserEdit {
        csrf: &user.csrf,
        id,
        status: pieces::user_status_label(target.status()),
        active: target.status() == proto::common::UserStatus::Active,
        professions: state.choices.professions(&state.clients).await?,
        form: form.form(),
        error: pieces::FieldError::message(failure),
        errors: pieces::FieldError::all(failure),
    }))
}

pub async fn user_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    require_admin(&user)?;
    let target = get_user(&state, &user, &id).await?;
    let form = UserFormBody {
        login_id: target.login_id.clone(),
        name: target.name.clone(),
        kana: target.kana.clone(),
        profession: target.profession.clone(),
        email: target.email.clone(),
        office_admin: (target.role() == proto::common::Role::OfficeAdmin).then(String::new),
        ..Default::default()
    };
    edit_view(&state, &user, &id, &target, &form, None).await
}

pub async fn update_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<UserFormBody>,
) -> Result<Response, PageError> {
    require_admin(&user)?;
    user.check_csrf(&form.csrf_token)?;
    match update_user(&state, &user, &id, &form.body()).await {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let target = get_user(&state, &user, &id).await?;
            let form = UserFormBody {
                login_id: target.login_id.clone(),
                ..form
            };
            Ok((
                f.status,
                edit_view(&state, &user, &id, &target, &form, Some(&f)).await?,
            )
                .into_response())
        }
        Err(f) => Err(f.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf_token: String,
}

pub async fn reset_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<CsrfOnly>,
) -> Result<Html<String>, PageError> {
    require_admin(&user)?;
    user.check_csrf(&form.csrf_token)?;
    let issued = reset(&state, &user, &id).await?;
    Ok(initial_password_page(
        "初期パスワードを再発行しました",
        &issued,
    ))
}

#[derive(Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    active: String,
}

pub async fn active_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    PageForm(form): PageForm<ActiveForm>,
) -> Result<Redirect, PageError> {
    require_admin(&user)?;
    user.check_csrf(&form.csrf_token)?;
    set_active(&state, &user, &id, form.active == "1").await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")))
}

// ---- API ----
