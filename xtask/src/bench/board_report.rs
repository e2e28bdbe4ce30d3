//! The board bench's figures as printed and as the README keeps them.

use super::board;
use anyhow::{Result, bail};
use std::path::Path;
use std::time::Duration;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Milliseconds, or "over 60000" for an email that never came.
fn shown_ms(d: Duration) -> String {
    if d == Duration::MAX {
        "over 60000 (emails missing)".into()
    } else {
        format!("{:.0}", ms(d))
    }
}

/// The figures as the README keeps them; its last two lines are the ones the issue names.
pub fn report(f: &board::Figures) -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "| posts | load s | timeline pages/s | p50 ms | p99 ms | p99 ms with 既読 batches | batch p99 ms | search p50 ms | search p99 ms |\n\
         |---|---|---|---|---|---|---|---|---|\n",
    );
    for t in &f.timelines {
        let _ = writeln!(
            out,
            "| {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} |",
            t.posts,
            t.load.as_secs_f64(),
            t.pages.per_second,
            ms(t.pages.p50),
            ms(t.pages.p99),
            ms(t.pages_with_reads.p99),
            ms(t.batches.p99),
            ms(t.search.p50),
            ms(t.search.p99),
        );
    }
    let ratio = |p99: fn(&board::Timeline) -> Duration| match f.timelines.as_slice() {
        [small, large] => ms(p99(large)) / ms(p99(small)),
        _ => f64::NAN,
    };
    let s = &f.statements;
    let _ = writeln!(
        out,
        "\nSQL statements per timeline page view, all databases (pg_stat_statements, background work taken out): {:.1}",
        s.per_view
    );
    for (db, per_view, query) in &s.each {
        let _ = writeln!(out, "- {db}: {per_view:.2} × `{}`", query.replace('`', "'"));
    }
    let _ = writeln!(out, "\nposts created per second: {:.1}", f.posts_per_second);
    let _ = writeln!(
        out,
        "urgent email p50 ms: {:.0} (20 urgent posts per second, from each post's answer)",
        ms(f.urgent_p50)
    );
    let b = &f.burst;
    let _ = writeln!(
        out,
        "urgent burst: {} of {} emails arrived within 60 s of the last post ({} urgent posts per second for {} s), p50 ms: {}",
        b.arrived,
        b.posts,
        b.rate,
        b.posts / b.rate,
        shown_ms(b.p50)
    );
    let _ = writeln!(
        out,
        "urgent burst emails per second per notify replica: {:.1} ({} replica{})",
        b.emails_per_second_per_replica,
        b.replicas,
        if b.replicas == 1 { "" } else { "s" }
    );
    let _ = writeln!(
        out,
        "targets (reported, not enforced): timeline and search ratios at most 1.30, at most 4 statements per page view, urgent email p99 under 1000 ms, also in the burst\n"
    );
    let _ = writeln!(
        out,
        "timeline p99 with 既読 batches 10M/1M ratio: {:.2}",
        ratio(|t| t.pages_with_reads.p99)
    );
    let _ = writeln!(
        out,
        "search p99 10M/1M ratio: {:.2}",
        ratio(|t| t.search.p99)
    );
    let _ = writeln!(
        out,
        "timeline p99 10M/1M ratio: {:.2}",
        ratio(|t| t.pages.p99)
    );
    let _ = writeln!(out, "urgent email p99 ms: {:.0}", ms(f.urgent_p99));
    let _ = writeln!(out, "urgent burst email p99 ms: {}", shown_ms(b.p99));
    out
}

/// Replaces everything after the board benchmark's marker with the new figures, so the README
/// ends with the two lines.
pub fn record_in_readme(root: &Path, report: &str) -> Result<()> {
    const MARKER: &str = "<!-- figures of cargo xtask bench board -->";
    let path = root.join("README.md");
    let readme = std::fs::read_to_string(&path)?;
    let Some(at) = readme.find(MARKER) else {
        bail!("README.md has no line {MARKER}");
    };
    let scale = board::scale();
    let data = if (scale - 1.0).abs() < f64::EPSILON {
        String::new()
    } else {
        format!(" with `BENCH_BOARD_SCALE={scale}` (a reduced run, not the issue's sizes)")
    };
    let measured =
        format!("{MARKER}\nMeasured on the 2-core development machine{data}:\n\n{report}");
    std::fs::write(&path, format!("{}{measured}", &readme[..at]))?;
    eprintln!("xtask: figures recorded in {}", path.display());
    Ok(())
}
