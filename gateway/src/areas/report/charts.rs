//! The operation report's charts, drawn here as SVG: no script, nothing fetched, readable when
//! printed for the council. Every text in them is escaped.

use std::fmt::Write;

/// One line of figures in a chart: its name in the legend, its colour, a value per column.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: Vec<u64>,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[expect(clippy::cast_precision_loss, reason = "counts drawn as pixel heights")]
fn scaled(value: u64, max: u64, height: f64) -> f64 {
    if max == 0 {
        0.0
    } else {
        value as f64 / max as f64 * height
    }
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 28.0;

/// Grouped vertical bars, one group per column (month), one bar per series.
#[must_use]
#[expect(
    clippy::cast_precision_loss,
    reason = "a handful of columns and series"
)]
pub fn columns(title: &str, labels: &[String], series: &[Series<'_>]) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let plot_h = HEIGHT - TOP - BOTTOM;
    let group = (WIDTH - LEFT - 8.0) / labels.len().max(1) as f64;
    let bar = (group * 0.8 / series.len().max(1) as f64).max(1.0);
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title>{}</title>",
        escape(title),
        escape(title)
    );
    let base = HEIGHT - BOTTOM;
    let _ = write!(
        svg,
        "<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\" stroke=\"#64748b\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{max}</text>\
         <text x=\"{}\" y=\"{base}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        LEFT - 4.0,
        TOP + 4.0,
        LEFT - 4.0
    );
    for (i, label) in labels.iter().enumerate() {
        let x0 = LEFT + group * i as f64 + group * 0.1;
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let h = scaled(v, max, plot_h);
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{} {}: {v}</title></rect>",
                x0 + bar * k as f64,
                base - h,
                bar,
                escape(s.color),
                escape(label),
                escape(s.name)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x0 + group * 0.4,
            base + 14.0,
            escape(label)
        );
    }
    for (k, s) in series.iter().enumerate() {
        let x = LEFT + 140.0 * k as f64;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"16\" font-size=\"12\">{}</text>",
            escape(s.color),
            x + 16.0,
            escape(s.name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Colours for charts with as many series as there are kinds or professions; repeated past ten.
const PALETTE: [&str; 10] = [
    "#1d4ed8", "#b91c1c", "#0f766e", "#7c3aed", "#b45309", "#0369a1", "#be123c", "#166534",
    "#64748b", "#a21caf",
];

/// Legend entries per line.
const LEGEND_COLUMNS: usize = 5;

/// One column per month, split into a segment per label (offices by kind, staff by profession),
/// so the column's height is the month's total.
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "a few dozen columns and labels")]
pub fn stacked(title: &str, labels: &[String], rows: &[(String, Vec<u64>)]) -> String {
    let total = |i: usize| -> u64 {
        rows.iter()
            .map(|(_, v)| v.get(i).copied().unwrap_or(0))
            .sum()
    };
    let max = (0..labels.len()).map(total).max().unwrap_or(0);
    let legend_h = 16.0 * rows.len().div_ceil(LEGEND_COLUMNS).max(1) as f64;
    let top = legend_h + 12.0;
    let height = top + HEIGHT - TOP;
    let base = height - BOTTOM;
    let plot_h = base - top;
    let group = (WIDTH - LEFT - 8.0) / labels.len().max(1) as f64;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title>{}</title>\
         <line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\" stroke=\"#64748b\"/>\
         <text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{max}</text>\
         <text x=\"{}\" y=\"{base}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        escape(title),
        escape(title),
        LEFT - 4.0,
        top + 4.0,
        LEFT - 4.0
    );
    for (i, label) in labels.iter().enumerate() {
        let x = LEFT + group * i as f64 + group * 0.1;
        let mut y = base;
        for (k, (name, v)) in rows.iter().enumerate() {
            let v = v.get(i).copied().unwrap_or(0);
            let h = scaled(v, max, plot_h);
            y -= h;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{} {}: {v}</title></rect>",
                group * 0.8,
                PALETTE[k % PALETTE.len()],
                escape(label),
                escape(name)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x + group * 0.4,
            base + 14.0,
            escape(label)
        );
    }
    for (k, (name, _)) in rows.iter().enumerate() {
        let x = LEFT + 130.0 * (k % LEGEND_COLUMNS) as f64;
        let y = 6.0 + 16.0 * (k / LEGEND_COLUMNS) as f64;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            PALETTE[k % PALETTE.len()],
            x + 16.0,
            y + 10.0,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal bars, one per label (offices by kind, staff by profession).
#[must_use]
#[expect(clippy::cast_precision_loss, reason = "a few dozen rows")]
pub fn bars(title: &str, rows: &[(String, u64)], color: &str) -> String {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0);
    let row_h = 22.0;
    let height = row_h * rows.len().max(1) as f64 + 8.0;
    let label_w = 200.0;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title>{}</title>",
        escape(title),
        escape(title)
    );
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 4.0 + row_h * i as f64;
        let w = scaled(*v, max, WIDTH - label_w - 60.0);
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{v}</text>",
            label_w - 6.0,
            y + 15.0,
            escape(label),
            row_h - 6.0,
            escape(color),
            label_w + w + 6.0,
            y + 15.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_their_texts_and_scale_to_the_largest_value() {
        let svg = columns(
            "書き込み<数>",
            &["2026-10".into(), "2026-11".into()],
            &[Series {
                name: "緊急",
                color: "#b91c1c",
                values: vec![5, 10],
            }],
        );
        assert!(svg.contains("書き込み&lt;数&gt;"));
        assert!(!svg.contains("<数>"));
        assert!(svg.contains(&format!("height=\"{:.1}\"", HEIGHT - TOP - BOTTOM)));
        let h = bars("種別", &[("病院".into(), 0), ("薬局".into(), 3)], "#1d4ed8");
        assert!(h.contains("薬局") && h.contains(">3<"));
    }

    #[test]
    fn a_stacked_column_is_as_high_as_the_months_total() {
        let rows = vec![
            ("病院".to_owned(), vec![1, 2]),
            ("薬局<本店>".to_owned(), vec![1, 2]),
        ];
        let svg = stacked("事業所", &["10".into(), "11".into()], &rows);
        assert!(svg.contains("薬局&lt;本店&gt;") && !svg.contains("<本店>"));
        // The tallest month (4) fills the plot: its two segments are half of it each.
        let plot_h = HEIGHT - TOP - BOTTOM;
        let half = format!("height=\"{:.1}\"", plot_h / 2.0);
        assert_eq!(svg.matches(&half).count(), 2, "{svg}");
        assert!(svg.contains(">4<"), "the scale names the largest total");
    }
}
