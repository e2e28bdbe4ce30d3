//! Finding on a board (分類・緊急・言葉で探す) and its print view (印刷), with the search's API twin.

use super::views::{BoardPrintPage, BoardSearchPage, FoundLine, PostCard};
use crate::areas::board::api::PostOut;
use crate::edge::auth::{ApiUser, PageUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::state::AppState;
use crate::kit::pieces::{self, FieldError, tokyo_time};
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use proto::careboard as pb;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// What to look for; every part may be empty.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words separated by spaces (at most 5, each at most 30 characters), e.g. `発熱 転倒`.
    #[param(example = "発熱 転倒")]
    q: String,
    /// One of the board's categories.
    #[param(example = "バイタル")]
    category: String,
    /// `1`: urgent (緊急（重要）) posts only.
    #[param(example = "1")]
    urgent: String,
    /// The next page: `next_cursor` of the previous answer.
    #[param(example = "01a1e5b0-7c2d-7e3f-8a4b-5c6d7e8f9a01")]
    cursor: String,
}

pub(super) async fn search(
    state: &AppState,
    user: &Principal,
    id: &str,
    q: &SearchQuery,
) -> Result<pb::FoundPosts, Failure> {
    let mut careboard = state.clients.careboard.clone();
    Ok(careboard
        .search_posts(pb::SearchPostsRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            words: q.q.clone(),
            category: q.category.clone(),
            urgent_only: q.urgent == "1",
            cursor: q.cursor.clone(),
            limit: 0,
        })
        .await
        .map_err(|s| search_failure(s.into()))?
        .into_inner())
}

pub(super) fn search_failure(mut f: Failure) -> Failure {
    if f.code == "invalid_field" {
        match f.fields.first().map(|(field, _)| field.as_str()) {
            Some("category") => "分類は一覧から選んでください。",
            Some("from" | "to") => {
                "期間は開始日から終了日までの日付（例：2026-11-01）で指定してください。"
            }
            _ => "探す言葉は1行で、空白で区切って5語まで（1語30文字まで）にしてください。",
        }
        .clone_into(&mut f.message);
    }
    f
}

pub async fn search_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let choices = state.choices.board(&state.clients).await?;
    let (found, failure) = match search(&state, &user, &id, &q).await {
        Ok(f) => (f, None),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            (pb::FoundPosts::default(), Some(f))
        }
        Err(f) => return Err(f.into()),
    };
    let next = (!found.next_cursor.is_empty()).then(|| {
        let query = serde_urlencoded::to_string([
            ("q", q.q.as_str()),
            ("category", q.category.as_str()),
            ("urgent", q.urgent.as_str()),
            ("cursor", found.next_cursor.as_str()),
        ])
        .unwrap_or_default();
        format!("/boards/{id}/search?{query}")
    });
    let page = pieces::render(&BoardSearchPage {
        id: &id,
        name: &found.recipient_name,
        q: &q.q,
        category: &q.category,
        urgent: q.urgent == "1",
        categories: &choices.categories,
        found: found
            .posts
            .into_iter()
            .map(|p| FoundLine::new(&id, p, &found.words))
            .collect(),
        next,
        error: failure.as_ref().map(|f| f.message.as_str()),
        errors: on_field(failure.as_ref(), "q"),
    });
    Ok(match failure {
        Some(f) => (f.status, page).into_response(),
        None => page.into_response(),
    })
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::found)]
pub struct FoundOut {
    posts: Vec<PostOut>,
    /// Empty on the last page.
    next_cursor: String,
    /// The words looked for, as matched (lower case, half-width).
    words: Vec<String>,
}

/// Find posts and replies on a board by words, category and urgency, newest first.
#[utoipa::path(get, path = "/api/v1/boards/{id}/search", params(
        ("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"), SearchQuery),
    responses((status = 200, body = FoundOut), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn api_search(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<FoundOut>, ApiError> {
    let f = search(&state, &user, &id, &q).await?;
    Ok(Json(FoundOut {
        posts: f.posts.into_iter().map(PostOut::from).collect(),
        next_cursor: f.next_cursor,
        words: f.words,
    }))
}

/// A period in Japan's dates, both included; empty for the last month.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(default)]
#[into_params(parameter_in = Query)]
pub struct PrintQuery {
    /// `YYYY-MM-DD`, the first day.
    #[param(example = "2026-11-01")]
    pub from: String,
    /// `YYYY-MM-DD`, the last day (included).
    #[param(example = "2026-11-30")]
    pub to: String,
}

/// Today in Japan, and the day a month before.
pub(super) fn last_month(state: &AppState) -> (String, String) {
    let today = (state.clock.now() + chrono::Duration::hours(9)).date_naive();
    let from = today - chrono::Duration::days(30);
    (from.to_string(), today.to_string())
}

pub async fn print_page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(q): Query<PrintQuery>,
) -> Result<Response, PageError> {
    let (default_from, default_to) = last_month(&state);
    let from = if q.from.is_empty() {
        default_from
    } else {
        q.from
    };
    let to = if q.to.is_empty() { default_to } else { q.to };
    let mut careboard = state.clients.careboard.clone();
    let answer = careboard
        .print_board(pb::PrintBoardRequest {
            actor: Some(user.actor()),
            recipient_id: id.clone(),
            from: from.clone(),
            to: to.clone(),
            export: false,
        })
        .await
        .map_err(|s| search_failure(s.into()));
    let (found, failure) = match answer {
        Ok(f) => (f.into_inner(), None),
        Err(f) if f.status == StatusCode::UNPROCESSABLE_ENTITY => {
            (pb::FoundPosts::default(), Some(f))
        }
        Err(f) => return Err(f.into()),
    };
    let printed_at = tokyo_time(&state.clock.now().to_rfc3339());
    let page = pieces::render(&BoardPrintPage {
        id: &id,
        name: &found.recipient_name,
        care_level: &found.care_level,
        from: &from,
        to: &to,
        posts: found
            .posts
            .into_iter()
            .map(|p| PostCard::new(p, &user.user_id))
            .collect(),
        truncated: found.truncated,
        printed_at,
        error: failure.as_ref().map(|f| f.message.as_str()),
        errors: on_field(failure.as_ref(), "from"),
    });
    Ok(match failure {
        Some(f) => (f.status, page).into_response(),
        None => page.into_response(),
    })
}

/// The routes of writing on a board and finding in it (behind the certificate, like the board).
pub fn routes() -> axum::Router<AppState> {
    use super::{writing as w, writing_api as api};
    use axum::routing::{get, post};
    axum::Router::new()
        .route("/boards/{id}/posts/{post}/replies", post(w::reply_form))
        .route(
            "/boards/{id}/posts/{post}/edit",
            get(w::edit_page).post(w::edit_form),
        )
        .route("/boards/{id}/posts/{post}/withdraw", post(w::withdraw_form))
        .route("/boards/{id}/posts/{post}/history", get(w::history_page))
        .route("/boards/{id}/search", get(search_page))
        .route("/boards/{id}/print", get(print_page))
        .route(
            "/api/v1/boards/{id}/posts/{post}/replies",
            post(api::create_reply),
        )
        .route(
            "/api/v1/boards/{id}/posts/{post}",
            axum::routing::patch(api::correct_post),
        )
        .route(
            "/api/v1/boards/{id}/posts/{post}/withdrawal",
            post(api::withdraw_post),
        )
        .route(
            "/api/v1/boards/{id}/posts/{post}/history",
            get(api::post_history),
        )
        .route("/api/v1/boards/{id}/search", get(api_search))
}

/// A refusal of the page's question, beside its box: `field` (the words, the period's start)
/// unless the refusal names the category.
fn on_field(failure: Option<&Failure>, field: &str) -> Vec<FieldError> {
    failure.map_or_else(Vec::new, |f| {
        let named = match f.fields.first() {
            Some((name, _)) if name == "category" => "category",
            _ => field,
        };
        vec![FieldError::new(named, f.message.clone())]
    })
}
