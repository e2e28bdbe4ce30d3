//! The city's report of use in the JSON API: the same figures as the page and the CSV
//! (`handlers::gather`), counts only.

use crate::areas::report::handlers::{MONTH_END, MONTHLY, Period, gather, period_failure};
use crate::edge::auth::ApiUser;
use crate::edge::error::{ApiError, ErrorBody};
use crate::edge::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `YYYY-MM`, the first month; empty for the twelve months up to now.
    #[serde(default)]
    #[param(example = "2026-04")]
    from: String,
    /// `YYYY-MM`, the last month (included).
    #[serde(default)]
    #[param(example = "2026-11")]
    to: String,
}

/// A count.
#[derive(Serialize, ToSchema)]
pub struct CountOut {
    label: String,
    value: u64,
}

/// A row of counts, one per month of `months`.
#[derive(Serialize, ToSchema)]
pub struct RowOut {
    label: String,
    values: Vec<u64>,
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::report)]
pub struct ReportOut {
    /// The period's months, `YYYY-MM`, oldest first.
    months: Vec<String>,
    /// Recipients whose board is shared now, and those closed.
    recipients_active: u64,
    recipients_closed: u64,
    /// Per month: 事業所の登録, 支援対象者の登録, 共有の終了, 連絡帳の書き込み, …
    monthly: Vec<RowOut>,
    /// At each month's end (for the current month: now).
    month_end: Vec<RowOut>,
    /// Offices now, by kind.
    offices_by_kind: Vec<CountOut>,
    /// Staff now, by profession.
    staff_by_profession: Vec<CountOut>,
    /// Offices at each month's end, by kind.
    offices_by_kind_monthly: Vec<RowOut>,
    /// Staff at each month's end, by profession.
    staff_by_profession_monthly: Vec<RowOut>,
}

fn rows(labels: &[&str], values: Vec<Vec<u64>>) -> Vec<RowOut> {
    labels
        .iter()
        .zip(values)
        .map(|(label, values)| RowOut {
            label: (*label).to_owned(),
            values,
        })
        .collect()
}

fn labelled_rows(rows: Vec<(String, Vec<u64>)>) -> Vec<RowOut> {
    rows.into_iter()
        .map(|(label, values)| RowOut { label, values })
        .collect()
}

fn counts(rows: Vec<(String, u64)>) -> Vec<CountOut> {
    rows.into_iter()
        .map(|(label, value)| CountOut { label, value })
        .collect()
}

/// 運営状況の報告: the city's counts over a period of months (the operator only).
#[utoipa::path(get, path = "/api/v1/operator/report", params(ReportQuery),
    responses((status = 200, body = ReportOut), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody)))]
pub async fn operator_report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<ReportQuery>,
) -> Result<Json<ReportOut>, ApiError> {
    let period = Period {
        from: q.from,
        to: q.to,
    };
    let f = gather(&state, &user, &period)
        .await
        .map_err(period_failure)?;
    Ok(Json(ReportOut {
        months: f.months,
        recipients_active: f.recipients_active,
        recipients_closed: f.recipients_closed,
        monthly: rows(&MONTHLY, f.monthly),
        month_end: rows(&MONTH_END, f.month_end),
        offices_by_kind: counts(f.offices_by_kind),
        staff_by_profession: counts(f.staff_by_profession),
        offices_by_kind_monthly: labelled_rows(f.offices_by_kind_monthly),
        staff_by_profession_monthly: labelled_rows(f.staff_by_profession_monthly),
    }))
}
