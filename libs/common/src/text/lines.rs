//! Line breaks as browsers send them: a textarea's breaks arrive as CRLF (HTML's form encoding),
//! while the page's own counter and everything stored count one `\n`.

/// `\r\n` and lone `\r` become `\n`.
#[must_use]
pub fn normalize_newlines(raw: &str) -> String {
    raw.replace("\r\n", "\n").replace('\r', "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_lone_cr_become_lf() {
        assert_eq!(normalize_newlines("一\r\n二\r三\n四"), "一\n二\n三\n四");
        assert_eq!(normalize_newlines("そのまま"), "そのまま");
    }
}
