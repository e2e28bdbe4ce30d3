//! The operation report: the figures as charts and tables.

use askama::Template;

/// The report's figures as a table: one row per count, one column per month.
pub struct ReportTable {
    pub months: Vec<String>,
    pub rows: Vec<(String, Vec<u64>)>,
}

#[derive(Template)]
#[template(path = "report.html")]
pub struct ReportPage<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub recipients_active: u64,
    pub recipients_closed: u64,
    /// Each chart's title and its SVG, built by `charts`, which escapes every text.
    pub charts: Vec<(String, String)>,
    /// Counts per month.
    pub table: ReportTable,
    /// What there was at each month's end.
    pub month_end: ReportTable,
}
