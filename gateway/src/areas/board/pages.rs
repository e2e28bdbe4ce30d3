//! 連絡帳: the timeline, posting, 既読 and 確認しました, and the live updates of an open page
//! (server-sent events fed by `live::Live`). Careboard checks membership on every call.

use super::views::{BoardPage, PostCard, PostFragment, Reading};
use crate::areas::board::{drafts, reads};
use crate::areas::recipients::handlers::{CsrfForm, form_failure};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::forms::{CheckedForm, PageForm};
use crate::edge::state::AppState;
use crate::edge::watch::{Follow, Update};
use crate::kit::pieces::{self, FieldError};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Redirect, Response};
use proto::careboard as pb;
use serde::Deserialize;
use std::convert::Infallible;

pub async fn script() -> Response {
    crate::edge::layers::asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/board.js"),
    )
}

pub async fn files_script() -> Response {
    crate::edge::layers::asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../../static/board_files.js"),
    )
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PageQuery {
    cursor: String,
    /// 分類で絞り込む: one of the board's categories, or empty for every post. Named apart from
    /// the composer's `category`, which is on the same page.
    #[serde(rename = "filter")]
    category: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PostForm {
    csrf_token: String,
    body: String,
    category: String,
    urgent: String,
    /// The files uploaded for the post by the page's script, comma-separated.
    file_ids: String,
}

/// A page of the board's timeline, newest first, as careboard shows it to `user`.
pub async fn timeline(
    state: &AppState,
    user: &Principal,
    id: &str,
    cursor: &str,
    category: &str,
    limit: u32,
) -> Result<pb::ListPostsResponse, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .list_posts(pb::ListPostsRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            cursor: cursor.to_owned(),
            limit,
            category: category.to_owned(),
        })
        .await
        .map_err(|s| {
            let f = Failure::from(s);
            if f.code == "invalid_field" {
                Failure::bad_request("その分類はありません。分類を選び直してください。")
            } else {
                f
            }
        })?
        .into_inner())
}

/// A refused form the board is shown again with.
pub(super) enum Draft<'a> {
    None,
    Post(&'a PostForm, &'a Failure),
    /// A reply to `post` and why it was refused.
    Reply {
        post: &'a str,
        body: &'a str,
        failure: &'a Failure,
    },
}

pub(super) async fn board_page(
    state: &AppState,
    user: &Principal,
    id: &str,
    page: &PageQuery,
    draft: Draft<'_>,
    focus: &str,
) -> Result<Html<String>, Failure> {
    let timeline = timeline(state, user, id, &page.cursor, &page.category, 0).await?;
    let choices = state.choices.board(&state.clients).await?;
    let (body, category, urgent, files, error) = match &draft {
        Draft::Post(form, failure) => (
            form.body.as_str(),
            form.category.as_str(),
            form.urgent == "1",
            form.file_ids.as_str(),
            // The field's own words: a refusal of bytes says "go back" in its message.
            Some(
                failure
                    .fields
                    .first()
                    .map_or(failure.message.as_str(), |(_, hint)| *hint),
            ),
        ),
        Draft::None | Draft::Reply { .. } => ("", "", false, "", None),
    };
    let mut posts: Vec<PostCard> = timeline
        .posts
        .into_iter()
        .map(|p| PostCard::new(p, &user.user_id))
        .collect();
    let mut reading = Reading::new(
        timeline.pinned,
        &mut posts,
        &user.user_id,
        timeline.unread_total,
        focus,
    );
    if !focus.is_empty() && !reading.shows(focus, &posts) {
        reading.linked = Some(PostCard::new(
            reads::one_post(state, user, id, focus).await?,
            &user.user_id,
        ));
    }
    // A refused reply opens its post's reply box again; a reply to a post this board does not
    // hold has no box, so its text waits in the composer.
    let unplaced;
    let (body, error, errors) = match draft {
        Draft::Reply {
            post,
            body: reply,
            failure,
        } => {
            let cards = (&mut posts, &mut reading);
            if timeline.closed {
                (body, Some(failure.message.as_str()), Vec::new())
            } else if drafts::reply_again(state, user, id, cards, post, reply, failure).await {
                (body, None, Vec::new())
            } else {
                unplaced = format!(
                    "{} 入力した内容は、下の書き込み欄に残しています。",
                    failure.message
                );
                (reply, Some(unplaced.as_str()), Vec::new())
            }
        }
        Draft::Post(..) => (
            body,
            None,
            error.map_or_else(Vec::new, |e| vec![FieldError::new("post", e.to_owned())]),
        ),
        Draft::None => (body, None, Vec::new()),
    };
    Ok(pieces::render(&BoardPage {
        csrf: &user.csrf,
        id,
        name: &timeline.recipient_name,
        care_level: &timeline.care_level,
        closed: timeline.closed,
        posts,
        reading,
        older: !timeline.next_cursor.is_empty(),
        next_cursor: &timeline.next_cursor,
        categories: &choices.categories,
        category: &page.category,
        limit: choices.post_limit,
        draft: body,
        draft_category: category,
        draft_urgent: urgent,
        draft_files: files,
        draft_file_count: files.split(',').filter(|s| !s.trim().is_empty()).count(),
        error,
        errors,
    }))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Result<Html<String>, PageError> {
    Ok(board_page(&state, &user, &id, &q, Draft::None, "").await?)
}

pub async fn post_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    headers: HeaderMap,
    Path(id): Path<String>,
    CheckedForm(form, refusal): CheckedForm<PostForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let answer = if let Some(f) = refusal {
        Err(f)
    } else {
        super::api::post(
            &state,
            &user,
            &id,
            &form.body,
            &form.category,
            form.urgent == "1",
            crate::areas::board::drafts::file_ids(&form.file_ids),
        )
        .await
        .map_err(form_failure)
    };
    match answer {
        // The script shows the new post in place; a plain form lands on it.
        Ok(post) => Ok(marked(&headers, &user, &id, post)),
        Err(f) => {
            if !matches!(
                f.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST
            ) {
                return Err(f.into());
            }
            // The text comes back in the form: nothing typed on a visit is lost. A board that
            // cannot be shown (not the writer's) answers with the refusal itself.
            let draft = Draft::Post(&form, &f);
            match board_page(&state, &user, &id, &PageQuery::default(), draft, "").await {
                Ok(page) => Ok((f.status, page).into_response()),
                Err(_) => Err(f.into()),
            }
        }
    }
}

fn fragment(user: &Principal, id: &str, post: pb::Post) -> Html<String> {
    pieces::render(&PostFragment {
        csrf: &user.csrf,
        id,
        closed: post.board_closed,
        p: PostCard::new(post, &user.user_id),
    })
}

/// One post: for the script, the card alone (a page that heard of it live); for a link (the
/// urgent email's), the board with that post brought into view.
pub async fn post_fragment(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    headers: HeaderMap,
    Path((id, post)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    if reads::navigated(&headers) {
        return Ok(board_page(
            &state,
            &user,
            &id,
            &PageQuery::default(),
            Draft::None,
            &post,
        )
        .await?);
    }
    let p = reads::one_post(&state, &user, &id, &post).await?;
    Ok(fragment(&user, &id, p))
}

/// The script asks for the post back; a plain form goes back to the board.
fn marked(headers: &HeaderMap, user: &Principal, id: &str, post: pb::Post) -> Response {
    if headers
        .get("x-requested-with")
        .is_some_and(|v| v == "fetch")
    {
        fragment(user, id, post).into_response()
    } else {
        Redirect::to(&format!("/boards/{id}#post-{}", post.id)).into_response()
    }
}

pub async fn read_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    headers: HeaderMap,
    Path((id, post)): Path<(String, String)>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let mut careboard = state.clients.careboard.clone();
    let p = careboard
        .mark_read(pb::PostRef {
            actor: Some(user.actor()),
            recipient_id: id.clone(),
            post_id: post,
        })
        .await?
        .into_inner();
    Ok(marked(&headers, &user, &id, p))
}

pub async fn acknowledge_form(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    headers: HeaderMap,
    Path((id, post)): Path<(String, String)>,
    PageForm(form): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_csrf(&form.csrf_token)?;
    let p = acknowledge(&state, &user, &id, &post).await?;
    Ok(marked(&headers, &user, &id, p))
}

/// 確認しました on an urgent post of another member.
pub async fn acknowledge(
    state: &AppState,
    user: &Principal,
    id: &str,
    post: &str,
) -> Result<pb::Post, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .acknowledge_post(pb::PostRef {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            post_id: post.to_owned(),
        })
        .await?
        .into_inner())
}

/// Server-sent events for an open board: `post` with a new post's id, `marks` with the ids of
/// posts whose 既読 or 確認 changed. Ids only: the page asks for the content, and careboard
/// checks again. The stream ends with the gateway, when the reader is removed from the team or
/// suspended, and when the session or the certificate ends (`watch::Follow`).
pub async fn events(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    Ok(event_stream(state, user, &id).await?)
}

/// The stream of `events`, for a page's session or an API client's.
pub async fn event_stream(state: AppState, user: Principal, id: &str) -> Result<Response, Failure> {
    // Membership is checked (and the opening audited) by careboard.
    crate::areas::recipients::handlers::get(&state, &user, id).await?;
    let board = id.parse().map_err(|_| {
        Failure::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "お探しの連絡帳は見つかりませんでした。",
        )
    })?;
    let follow = Follow::new(
        state.live.subscribe(board),
        state.shutdown.clone(),
        state.revocations.clone(),
        state.clients.clone(),
        state.clock.clone(),
        user,
    );
    let stream = futures::stream::unfold(follow, |mut follow| async move {
        let event = match follow.next().await? {
            Update::Posted(post) => Event::default().event("post").data(post.to_string()),
            Update::Marked(posts) => Event::default().event("marks").data(
                posts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            ),
        };
        Some((Ok::<_, Infallible>(event), follow))
    });
    Ok(Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response())
}
