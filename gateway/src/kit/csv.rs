//! Every CSV the gateway writes goes through here. The files are opened in spreadsheets, where a
//! cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
//! spreadsheets skip before reading one of those) is a formula: a staff name
//! `=HYPERLINK(...)` would become a live link in the city's audit file. Such a cell is prefixed
//! with a single quote (OWASP's advice), which spreadsheets show as text.

use std::fmt::Write;

/// The byte-order mark that makes Excel read the file as UTF-8.
pub const BOM: &str = "\u{feff}";

/// One cell: neutralised when a spreadsheet would read it as a formula, quoted when it must be.
#[must_use]
pub fn cell(raw: &str) -> String {
    let neutral = if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if neutral.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

/// One line of cells, ended with CRLF as RFC 4180 asks.
#[must_use]
pub fn line<I, S>(cells: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (i, c) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&cell(c.as_ref()));
    }
    out.push_str("\r\n");
    out
}

/// A line of text cells followed by counts (counts are ours, never a formula).
#[must_use]
pub fn line_with_counts(labels: &[&str], counts: &[u64]) -> String {
    let mut out = line(labels);
    out.truncate(out.len() - 2);
    for n in counts {
        let _ = write!(out, ",{n}");
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(
            cell("=HYPERLINK(\"https://evil.example\",\"x\")"),
            "\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\""
        );
        assert_eq!(cell("=1+2"), "'=1+2");
        assert_eq!(cell("+81 293"), "'+81 293");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("\r=1"), "\"'\r=1\"");
    }

    #[test]
    fn plain_text_is_left_alone_and_quoted_only_when_needed() {
        assert_eq!(cell("訪問 太郎"), "訪問 太郎");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell(""), "");
        assert_eq!(cell("一, 二"), "\"一, 二\"");
        assert_eq!(cell("\"引用\""), "\"\"\"引用\"\"\"");
        assert_eq!(cell("一行目\n二行目"), "\"一行目\n二行目\"");
    }

    #[test]
    fn lines_join_neutralised_cells() {
        assert_eq!(line(["1", "=cmd", "a,b"]), "1,'=cmd,\"a,b\"\r\n");
        assert_eq!(
            line_with_counts(&["月末", "@職種"], &[3, 0]),
            "月末,'@職種,3,0\r\n"
        );
    }
}
