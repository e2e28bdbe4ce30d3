//! Announcement text to HTML, safely: everything is escaped; the only structure is what the text
//! itself says (blank lines between paragraphs, `- ` list items, http(s) URLs as links).

use std::fmt::Write;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One line: escaped, with http(s) URLs turned into links that open no opener.
fn inline(line: &str) -> String {
    let mut out = String::new();
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let is_url = (word.starts_with("https://") || word.starts_with("http://"))
            && word.len() > 8
            && !word.contains(['<', '>', '"', '\'']);
        if is_url {
            let w = escape(word);
            let _ = write!(out, "<a href=\"{w}\" rel=\"noopener noreferrer\">{w}</a>");
        } else {
            out.push_str(&escape(word));
        }
    }
    out
}

/// A query-string value, percent-encoded (everything but unreserved characters).
#[must_use]
pub fn url_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[must_use]
pub fn announcement_html(text: &str) -> String {
    let mut html = String::new();
    for block in text.replace("\r\n", "\n").split("\n\n") {
        let lines: Vec<&str> = block
            .lines()
            .map(str::trim_end)
            .filter(|l| !l.trim().is_empty())
            .collect();
        if lines.is_empty() {
            continue;
        }
        if lines.iter().all(|l| l.trim_start().starts_with("- ")) {
            html.push_str("<ul>");
            for l in lines {
                let _ = write!(
                    html,
                    "<li>{}</li>",
                    inline(l.trim_start().trim_start_matches("- "))
                );
            }
            html.push_str("</ul>");
        } else {
            let body: Vec<String> = lines.iter().map(|l| inline(l)).collect();
            let _ = write!(html, "<p>{}</p>", body.join("<br>"));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_never_passed_through() {
        let html = announcement_html("<script>alert(1)</script>\n<b onclick=\"x\">太字</b>");
        assert!(!html.contains("<script>"));
        assert!(!html.contains("<b "));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn lists_paragraphs_and_links() {
        let html = announcement_html(
            "説明会を開きます。\n日時は下記です。\n\n- 1月10日\n- 1月17日\n\n詳細 https://www.city.takahagi.lg.jp/ を参照",
        );
        assert_eq!(
            html,
            "<p>説明会を開きます。<br>日時は下記です。</p><ul><li>1月10日</li><li>1月17日</li></ul>\
             <p>詳細 <a href=\"https://www.city.takahagi.lg.jp/\" rel=\"noopener noreferrer\">https://www.city.takahagi.lg.jp/</a> を参照</p>"
        );
    }

    #[test]
    fn a_javascript_url_is_just_text() {
        let html = announcement_html("javascript:alert(1) \"https://x.jp/\"onmouseover=1");
        assert!(!html.contains("href"));
    }
}
