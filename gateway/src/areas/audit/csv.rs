//! The filtered audit trail as CSV (UTF-8 with a BOM so Excel reads it): every matching record,
//! asked of identity and written a page at a time, so a year's trail never sits in memory.

use crate::areas::audit::handlers::{AuditFilter, line, lines, office_names};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::PageError;
use crate::edge::state::AppState;
use crate::kit::csv;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use proto::identity as pb;
use std::collections::HashMap;

/// Records asked of identity at once.
const PAGE: u32 = 1000;

const HEADER: [&str; 11] = [
    "番号",
    "日時",
    "操作",
    "操作コード",
    "結果",
    "利用者",
    "事業所",
    "対象",
    "証明書",
    "詳細",
    "対象の番号",
];

/// Where the export stands between two pages.
struct Cursor {
    state: AppState,
    user: Principal,
    filter: AuditFilter,
    offices: HashMap<String, String>,
    page: pb::ListAuditResponse,
    /// The file's first chunk carries the header.
    first: bool,
}

pub async fn csv(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(filter): Query<AuditFilter>,
) -> Result<Response, PageError> {
    user.require_operator()?;
    let offices: HashMap<String, String> = office_names(&state, &user)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    // The first page is asked before answering: a refusal or a wrong filter is still an error
    // page, not a download cut short.
    let page = lines(&state, &user, &filter, PAGE).await?;
    let start = Cursor {
        state,
        user,
        filter,
        offices,
        page,
        first: true,
    };
    let chunks = futures::stream::try_unfold(Some(start), |cursor| async move {
        let Some(mut cursor) = cursor else {
            return Ok::<_, std::io::Error>(None);
        };
        let page = std::mem::take(&mut cursor.page);
        let mut chunk = if std::mem::take(&mut cursor.first) {
            format!("{}{}", csv::BOM, csv::line(HEADER))
        } else {
            String::new()
        };
        chunk.push_str(&rows(page.entries, &cursor.offices));
        if page.next_before_seq == 0 {
            return Ok(Some((chunk, None)));
        }
        cursor.filter.before = page.next_before_seq;
        // A page that cannot be had ends the download with an error, never a short file that
        // looks whole.
        cursor.page = lines(&cursor.state, &cursor.user, &cursor.filter, PAGE)
            .await
            .map_err(|f| std::io::Error::other(f.message))?;
        Ok(Some((chunk, Some(cursor))))
    });
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"audit.csv\"",
            ),
        ],
        Body::from_stream(chunks),
    )
        .into_response())
}

fn rows(entries: Vec<pb::AuditEntry>, offices: &HashMap<String, String>) -> String {
    let mut out = String::new();
    for e in entries.into_iter().map(|e| line(e, offices)) {
        let row = [
            e.seq.to_string(),
            e.at,
            e.action,
            e.code,
            e.outcome,
            e.who,
            e.office,
            e.target,
            e.device,
            e.details,
            e.target_id,
        ];
        out.push_str(&csv::line(row));
    }
    out
}
