//! The posts of a period as 支援経過 CSV, for the care manager's records: UTF-8 with a BOM so
//! Excel reads it, every cell formula-safe (`kit::csv`), replies after their post. The same print
//! the print view asks for, recorded in the trail as a print.

use crate::areas::board::search::{PrintQuery, last_month, search_failure};
use crate::edge::auth::{ApiUser, PageUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::state::AppState;
use crate::kit::csv;
use crate::kit::pieces::tokyo_time;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use proto::careboard as pb;

const HEADER: [&str; 8] = [
    "日時",
    "記入者",
    "職種",
    "事業所",
    "分類",
    "緊急",
    "内容",
    "返信先",
];

/// `支援経過.csv`: no name of a person in the file name, which is kept in download lists.
const DISPOSITION: &str = "attachment; filename=\"shienkeika.csv\"; \
    filename*=UTF-8''%E6%94%AF%E6%8F%B4%E7%B5%8C%E9%81%8E.csv";

fn row(p: &pb::Post, reply_to: &str) -> String {
    let body = if p.withdrawn {
        "（取り消されました）"
    } else {
        p.body.as_str()
    };
    csv::line([
        tokyo_time(&p.created_at).as_str(),
        &p.author_name,
        &p.author_profession,
        &p.author_office,
        &p.category,
        if p.urgent { "緊急" } else { "" },
        body,
        reply_to,
    ])
}

/// The file: a header, then each post followed by its replies, oldest first.
fn document(posts: &[pb::Post]) -> String {
    let mut out = format!("{}{}", csv::BOM, csv::line(HEADER));
    for p in posts {
        out.push_str(&row(p, ""));
        let parent = format!("{} {}の書き込み", tokyo_time(&p.created_at), p.author_name);
        for r in &p.replies {
            out.push_str(&row(r, &parent));
        }
    }
    out
}

async fn export(
    state: &AppState,
    user: &Principal,
    id: &str,
    q: PrintQuery,
) -> Result<Response, Failure> {
    let (default_from, default_to) = last_month(state);
    let from = if q.from.is_empty() {
        default_from
    } else {
        q.from
    };
    let to = if q.to.is_empty() { default_to } else { q.to };
    let mut careboard = state.clients.careboard.clone();
    let found = careboard
        .print_board(pb::PrintBoardRequest {
            actor: Some(user.actor()),
            recipient_id: id.to_owned(),
            from,
            to,
            export: false,
        })
        .await
        .map_err(|s| search_failure(s.into()))?
        .into_inner();
    // A file cut short would look whole in the care manager's records: refused instead.
    if found.truncated {
        return Err(Failure::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "period_too_long",
            "この期間は書き込みが多すぎて1つのファイルにできません。期間を短くしてください。",
        ));
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, DISPOSITION),
        ],
        document(&found.posts),
    )
        .into_response())
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path(id): Path<String>,
    Query(q): Query<PrintQuery>,
) -> Result<Response, PageError> {
    Ok(export(&state, &user, &id, q).await?)
}

/// The posts and replies of a period (dates in Japan, both included; the last month if empty)
/// as 支援経過 CSV: UTF-8 with a BOM, columns 日時, 記入者, 職種, 事業所, 分類, 緊急, 内容,
/// 返信先; a cell a spreadsheet would read as a formula starts with `'`. Recorded as a print.
#[utoipa::path(get, operation_id = "export_board_csv", path = "/api/v1/boards/{id}/export.csv",
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"), PrintQuery),
    responses((status = 200, content_type = "text/csv", body = String,
            example = crate::openapi::examples::board::csv),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub async fn api(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<String>,
    Query(q): Query<PrintQuery>,
) -> Result<Response, ApiError> {
    Ok(export(&state, &user, &id, q).await?)
}

/// The export's routes (behind the certificate, like the board).
pub fn routes() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/boards/{id}/export.csv", get(page))
        .route("/api/v1/boards/{id}/export.csv", get(api))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(body: &str) -> pb::Post {
        pb::Post {
            created_at: "2026-11-02T00:30:00Z".into(),
            author_name: "訪問 太郎".into(),
            author_profession: "訪問介護員".into(),
            author_office: "高萩ケア".into(),
            body: body.into(),
            ..pb::Post::default()
        }
    }

    #[test]
    fn a_bom_a_header_and_neutral_cells() {
        let mut p = post("=cmd|' /C calc'!A0");
        p.urgent = true;
        p.replies.push(post("了解です"));
        let doc = document(&[p]);
        assert!(doc.starts_with("\u{feff}日時,記入者,職種,事業所,分類,緊急,内容,返信先\r\n"));
        assert!(doc.contains(",緊急,'=cmd|' /C calc'!A0,\r\n"));
        assert!(doc.contains("の書き込み\r\n"));
        assert_eq!(doc.lines().count(), 3);
    }
}
