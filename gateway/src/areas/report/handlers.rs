//! 運営状況の報告 (W9): the city's counts over a chosen period, as charts and as CSV for the
//! council. Counts only: each service answers for what it owns, none with a name or a text.

use super::views::{ReportPage, ReportTable};
use crate::areas::report::charts::{Series, bars, columns, stacked};
use crate::edge::auth::{PageUser, Principal};
use crate::edge::error::{Failure, PageError};
use crate::edge::state::AppState;
use crate::kit::csv;
use crate::kit::pieces;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use proto::common::{LabelCount, LabelMonths, MonthCount, StatsRequest};
use serde::Deserialize;

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct Period {
    /// `YYYY-MM`; empty for the twelve months up to now.
    pub from: String,
    pub to: String,
}

/// Everything the report shows, gathered from the services.
pub(super) struct Figures {
    pub(super) months: Vec<String>,
    pub(super) offices_by_kind: Vec<(String, u64)>,
    pub(super) staff_by_profession: Vec<(String, u64)>,
    pub(super) recipients_active: u64,
    pub(super) recipients_closed: u64,
    /// Per month, in the order of `MONTHLY`.
    pub(super) monthly: Vec<Vec<u64>>,
    /// At each month's end, in the order of `MONTH_END`.
    pub(super) month_end: Vec<Vec<u64>>,
    pub(super) offices_by_kind_monthly: Vec<(String, Vec<u64>)>,
    pub(super) staff_by_profession_monthly: Vec<(String, Vec<u64>)>,
}

/// The monthly rows, in the report's and the CSV's order.
pub(super) const MONTHLY: [&str; 11] = [
    "事業所の登録",
    "支援対象者の登録",
    "共有の終了",
    "連絡帳の書き込み",
    "うち緊急（重要）",
    "利用者（ログインした人）",
    "電子証明書の発行",
    "電子証明書の失効",
    "事故・インシデント報告",
    "添付された写真・資料（件）",
    "添付の保存容量（MB）",
];

/// What there was at each month's end (for the current month: now).
pub(super) const MONTH_END: [&str; 2] = ["支援対象者（共有中）", "支援対象者（共有終了・累計）"];

fn values(rows: &[MonthCount]) -> Vec<u64> {
    rows.iter().map(|m| m.value).collect()
}

fn labelled(rows: Vec<LabelCount>) -> Vec<(String, u64)> {
    rows.into_iter().map(|l| (l.label, l.value)).collect()
}

fn labelled_months(rows: Vec<LabelMonths>) -> Vec<(String, Vec<u64>)> {
    rows.into_iter()
        .map(|l| (l.label, values(&l.months)))
        .collect()
}

pub(super) async fn gather(
    state: &AppState,
    user: &Principal,
    p: &Period,
) -> Result<Figures, Failure> {
    user.require_operator()?;
    let request = || StatsRequest {
        actor: Some(user.actor()),
        from_month: p.from.clone(),
        to_month: p.to.clone(),
    };
    let mut careboard = state.clients.careboard.clone();
    let mut identity = state.clients.identity.clone();
    let mut offices = state.clients.offices.clone();
    let (board, people, places) = tokio::try_join!(
        async {
            careboard
                .get_board_stats(request())
                .await
                .map_err(Failure::from)
        },
        async {
            identity
                .get_identity_stats(request())
                .await
                .map_err(Failure::from)
        },
        async {
            offices
                .get_office_stats(request())
                .await
                .map_err(Failure::from)
        },
    )?;
    let (board, people, places) = (board.into_inner(), people.into_inner(), places.into_inner());
    Ok(Figures {
        months: board.posts.iter().map(|m| m.month.clone()).collect(),
        recipients_active: board.recipients_active,
        recipients_closed: board.recipients_closed,
        monthly: vec![
            values(&places.registered),
            values(&board.recipients_registered),
            values(&board.boards_closed),
            values(&board.posts),
            values(&board.urgent_posts),
            values(&people.active_users),
            values(&people.certificates_issued),
            values(&people.certificates_revoked),
            values(&board.incidents),
            values(&board.files),
            values(&board.file_megabytes),
        ],
        month_end: vec![
            values(&board.active_month_end),
            values(&board.closed_month_end),
        ],
        offices_by_kind_monthly: labelled_months(places.active_by_kind),
        staff_by_profession_monthly: labelled_months(people.staff_by_profession_monthly),
        offices_by_kind: labelled(places.by_kind),
        staff_by_profession: labelled(people.staff_by_profession),
    })
}

pub(super) fn period_failure(f: Failure) -> Failure {
    if f.code == "invalid_field" {
        Failure::bad_request(
            "期間は 2026-04 のように年と月で指定し、終わりを始まりより後に、長さは5年以内にしてください。",
        )
    } else {
        f
    }
}

/// A month as the charts label it.
fn short(month: &str) -> String {
    month
        .split_once('-')
        .map_or_else(|| month.to_owned(), |(y, m)| format!("{}/{m}", &y[2..]))
}

pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<Period>,
) -> Result<Html<String>, PageError> {
    let f = gather(&state, &user, &p).await.map_err(period_failure)?;
    let labels: Vec<String> = f.months.iter().map(|m| short(m)).collect();
    let chart = |title: &str, rows: &[(usize, &'static str)]| {
        let svg = columns(
            title,
            &labels,
            &rows
                .iter()
                .map(|(i, color)| Series {
                    name: MONTHLY[*i],
                    color,
                    values: f.monthly[*i].clone(),
                })
                .collect::<Vec<_>>(),
        );
        (title.to_owned(), svg)
    };
    let stack = |title: &str, rows: &[(String, Vec<u64>)]| {
        (title.to_owned(), stacked(title, &labels, rows))
    };
    let charts = vec![
        chart(
            "連絡帳の書き込み（月別）",
            &[(3, "#1d4ed8"), (4, "#b91c1c")],
        ),
        chart("利用者（月別）", &[(5, "#0f766e")]),
        chart("支援対象者（月別）", &[(1, "#7c3aed"), (2, "#64748b")]),
        (
            "支援対象者（月末）".to_owned(),
            columns(
                "支援対象者（月末）",
                &labels,
                &[
                    Series {
                        name: MONTH_END[0],
                        color: "#7c3aed",
                        values: f.month_end[0].clone(),
                    },
                    Series {
                        name: MONTH_END[1],
                        color: "#64748b",
                        values: f.month_end[1].clone(),
                    },
                ],
            ),
        ),
        stack("事業所（種別、月末）", &f.offices_by_kind_monthly),
        stack("利用者（職種、月末）", &f.staff_by_profession_monthly),
        chart("電子証明書（月別）", &[(6, "#166534"), (7, "#b45309")]),
        chart("添付された写真・資料（月別）", &[(9, "#0f766e")]),
        chart(
            "事業所の登録と事故報告（月別）",
            &[(0, "#0369a1"), (8, "#be123c")],
        ),
        (
            "事業所（種別、現在）".to_owned(),
            bars("事業所（種別）", &f.offices_by_kind, "#0369a1"),
        ),
        (
            "利用者（職種、現在）".to_owned(),
            bars("利用者（職種）", &f.staff_by_profession, "#0f766e"),
        ),
    ];
    let named = |names: &[&str], values: &[Vec<u64>]| -> Vec<(String, Vec<u64>)> {
        names
            .iter()
            .zip(values)
            .map(|(name, v)| ((*name).to_owned(), v.clone()))
            .collect()
    };
    let prefixed = |prefix: &str, rows: &[(String, Vec<u64>)]| {
        rows.iter()
            .map(|(label, v)| (format!("{prefix}：{label}"), v.clone()))
            .collect::<Vec<_>>()
    };
    let table = ReportTable {
        months: f.months.clone(),
        rows: named(&MONTHLY, &f.monthly),
    };
    let mut month_end_rows = named(&MONTH_END, &f.month_end);
    month_end_rows.extend(prefixed("事業所", &f.offices_by_kind_monthly));
    month_end_rows.extend(prefixed("利用者", &f.staff_by_profession_monthly));
    let month_end = ReportTable {
        months: f.months.clone(),
        rows: month_end_rows,
    };
    Ok(pieces::render(&ReportPage {
        from: f.months.first().map_or("", String::as_str),
        to: f.months.last().map_or("", String::as_str),
        recipients_active: f.recipients_active,
        recipients_closed: f.recipients_closed,
        charts,
        table,
        month_end,
    }))
}

/// The same figures as CSV, UTF-8 with a BOM so Excel opens it as such.
pub async fn csv(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Query(p): Query<Period>,
) -> Result<Response, PageError> {
    let f = gather(&state, &user, &p).await.map_err(period_failure)?;
    let mut out = String::from(csv::BOM);
    out.push_str(&csv::line(
        ["区分", "項目"]
            .into_iter()
            .chain(f.months.iter().map(String::as_str)),
    ));
    for (name, v) in MONTHLY.iter().zip(&f.monthly) {
        out.push_str(&csv::line_with_counts(&["月別", name], v));
    }
    for (name, v) in MONTH_END.iter().zip(&f.month_end) {
        out.push_str(&csv::line_with_counts(&["月末", name], v));
    }
    for (kind, v) in &f.offices_by_kind_monthly {
        out.push_str(&csv::line_with_counts(&["月末の事業所（種別）", kind], v));
    }
    for (profession, v) in &f.staff_by_profession_monthly {
        out.push_str(&csv::line_with_counts(
            &["月末の利用者（職種）", profession],
            v,
        ));
    }
    out.push_str(&csv::line_with_counts(
        &["現在", "支援対象者（共有中）"],
        &[f.recipients_active],
    ));
    out.push_str(&csv::line_with_counts(
        &["現在", "支援対象者（共有終了）"],
        &[f.recipients_closed],
    ));
    for (kind, n) in &f.offices_by_kind {
        out.push_str(&csv::line_with_counts(
            &["現在の事業所（種別）", kind],
            &[*n],
        ));
    }
    for (profession, n) in &f.staff_by_profession {
        out.push_str(&csv::line_with_counts(
            &["現在の利用者（職種）", profession],
            &[*n],
        ));
    }
    let name = format!(
        "attachment; filename=\"report-{}-{}.csv\"",
        f.months.first().map_or("", String::as_str),
        f.months.last().map_or("", String::as_str)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, name),
        ],
        out,
    )
        .into_response())
}
