//! 連絡帳: replies, corrections (訂正・取り消し) and a post's history (編集履歴). Each page action
//! and its API twin (`writing_api`) call one function here; careboard decides who may.

use super::views::{self, PostCard, PostEditPage, PostHistoryPage, RevisionLine};
use crate::areas::board::pages::{Draft, PageQuery, board_page};
use crate::areas::recipients::handlers::{CsrfForm, form_failure};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::{CheckedForm, PageForm};
use crate::edge::state::AppState;
use crate::kit::pieces::{self, FieldError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::careboard as pb;
use serde::Deserialize;

pub(super) async fn reply(
    state: &AppState,
    user: &Principal,
    id: &str,
    post: &str,
    body: &str,
    file_ids: Vec<String>,
) -> Result<pb::Post, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .create_reply(pb::CreateReplyRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            post_id: post.to_owned(),
            body: body.to_owned(),
            file_ids,
        })
        .await
        .map_err(|s| form_failure(s.into()))?
        .into_inner())
}

pub(super) async fn correct(
    state: &AppState,
    user: &Principal,
    id: &str,
    post: &str,
    body: &str,
    category: &str,
) -> Result<pb::Post, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .edit_post(pb::EditPostRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            post_id: post.to_owned(),
            body: body.to_owned(),
            category: category.to_owned(),
        })
        .await
        .map_err(|s| form_failure(s.into()))?
        .into_inner())
}

fn post_ref(user: &Principal, id: &str, post: &str) -> pb::PostRef {
    pb::PostRef {
        actor: Some(user.actor()),
        recipient_id: id.to_owned(),
        post_id: post.to_owned(),
    }
}

pub(super) async fn withdraw(
    state: &AppState,
    user: &Principal,
    id: &str,
    post: &str,
) -> Result<pb::Post, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .withdraw_post(post_ref(user, id, post))
        .await?
        .into_inner())
}

pub(super) async fn history(
    state: &AppState,
    user: &Principal,
    id: &str,
    post: &str,
) -> Result<pb::PostHistory, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .list_post_history(post_ref(user, id, post))
        .await?
        .into_inner())
}

/// Where a post or reply is seen on its board.
fn anchor(id: &str, p: &pb::Post) -> String {
    let thread = if p.parent_id.is_empty() {
        &p.id
    } else {
        &p.parent_id
    };
    views::post_link(id, thread, &p.id)
}

/// A reply refused for its text or for the post it answers (withdrawn, not on this board), as
/// against one the writer may not make at all (not on the team, signed out) or one already
/// made (a second press of the button: a fresh form would make it twice).
fn refused_reply(f: &Failure) -> bool {
    matches!(
        f.status,
        StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY | StatusCode::NOT_FOUND
    ) && f.code != "idempotency_key_reused"
        || f.code == "post_withdrawn"
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplyForm {
    csrf_token: String,
    body: String,
    /// The files uploaded for the reply by the page's script, comma-separated.
    file_ids: String,
}

pub async fn reply_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, post)): Path<(String, String)>,
    CheckedForm(form, refusal): CheckedForm<ReplyForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    // Characters no text may hold: refused here, the rest of the text shown again.
    let answer = match refusal {
        Some(f) => Err(f),
        None => {
            reply(
                &state,
                &user,
                &id,
                &post,
                &form.body,
                super::drafts::file_ids(&form.file_ids),
            )
            .await
        }
    };
    match answer {
        Ok(r) => Ok(Redirect::to(&anchor(&id, &r)).into_response()),
        // Refused for what it says or what it answers: the board again, the text kept.
        Err(f) if refused_reply(&f) => {
            let draft = Draft::Reply {
                post: &post,
                body: &form.body,
                failure: &f,
            };
            // A board that cannot be shown (not the writer's) answers with the refusal itself.
            match board_page(&state, &user, &id, &PageQuery::default(), draft, "").await {
                Ok(page) => Ok((f.status, page).into_response()),
                Err(_) => Err(f.into()),
            }
        }
        Err(f) => Err(f.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    csrf_token: String,
    body: String,
    category: String,
}

async fn edit_page_with(
    state: &AppState,
    user: &Principal,
    id: &str,
    post: &str,
    draft: Option<(&EditForm, &Failure)>,
) -> Result<Html<String>, Failure> {
    let h = history(state, user, id, post).await?;
    let p = h.post.unwrap_or_default();
    if !p.correctable {
        return Err(Failure::new(
            StatusCode::CONFLICT,
            "not_correctable",
            "この書き込みは訂正・取り消しできません（自分の書き込みで、訂正できる期間内のものだけが対象です）。",
        ));
    }
    let choices = state.choices.board(&state.clients).await?;
    let is_reply = !p.parent_id.is_empty();
    let (body, category) = draft.map_or((p.body.clone(), p.category.clone()), |(f, _)| {
        (f.body.clone(), f.category.clone())
    });
    // A refusal of the text or of the category, beside that box; any other is the summary's.
    let refused = draft.map(|(_, f)| match f.fields.first() {
        Some((field, hint)) => {
            let field = if field == "category" {
                "category"
            } else {
                "body"
            };
            FieldError::new(field, *hint)
        }
        None => FieldError::new("body", f.message.clone()),
    });
    Ok(pieces::render(&PostEditPage {
        csrf: &user.csrf,
        id,
        post: PostCard::new(p, &user.user_id),
        is_reply,
        categories: &choices.categories,
        limit: choices.post_limit,
        draft: &body,
        draft_category: &category,
        errors: refused.into_iter().collect(),
    }))
}

pub async fn edit_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, post)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    Ok(edit_page_with(&state, &user, &id, &post, None).await?)
}

pub async fn edit_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, post)): Path<(String, String)>,
    CheckedForm(form, refusal): CheckedForm<EditForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let answer = match refusal {
        Some(f) => Err(f),
        None => correct(&state, &user, &id, &post, &form.body, &form.category).await,
    };
    match answer {
        Ok(p) => Ok(Redirect::to(&anchor(&id, &p)).into_response()),
        Err(f)
            if matches!(
                f.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
            ) =>
        {
            // What was typed comes back in the form; a post that cannot be corrected (not the
            // writer's) answers with the refusal itself.
            match edit_page_with(&state, &user, &id, &post, Some((&form, &f))).await {
                Ok(page) => Ok((f.status, page).into_response()),
                Err(_) => Err(f.into()),
            }
        }
        Err(f) => Err(f.into()),
    }
}

pub async fn withdraw_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, post)): Path<(String, String)>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let p = withdraw(&state, &user, &id, &post).await?;
    Ok(Redirect::to(&anchor(&id, &p)).into_response())
}

pub async fn history_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((id, post)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let h = history(&state, &user, &id, &post).await?;
    Ok(pieces::render(&PostHistoryPage {
        id: &id,
        post: PostCard::new(h.post.unwrap_or_default(), &user.user_id),
        revisions: h.revisions.into_iter().map(RevisionLine::from).collect(),
    }))
}
