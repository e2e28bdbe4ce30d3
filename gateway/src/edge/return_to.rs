//! Where a user goes back to after signing in (and after a forced password change): the page
//! they were sent away from, e.g. the post an urgent email links to. Only a path of this site is
//! ever followed, so a crafted link cannot send a signed-in user elsewhere (no open redirect).

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// The query parameter (and hidden form field) that carries the path.
pub const FIELD: &str = "next";

/// Longer paths are not links anyone was given.
const MAX_LEN: usize = 1024;

/// Pages that make no sense to come back to after signing in.
const NOT_AFTER_LOGIN: [&str; 4] = ["/login", "/logout", "/password", "/api/"];

/// Everything but what a path may hold plainly is encoded in the `next` parameter.
const PARAM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `raw` when it is a path of this site to come back to, else `None`.
///
/// A path starts with one `/` and holds only printable ASCII (a browser sends anything else
/// percent-encoded). Refused: absolute URLs (`https:`, `javascript:`), protocol-relative `//`
/// and `/\` (browsers read a backslash as a slash), any backslash, control characters (CR/LF
/// would split the `Location` header), and the same tricks hidden behind percent-encoding
/// (`/%2F%2Fevil`, `%0d%0a`), checked on the decoded text too, twice over.
#[must_use]
pub fn safe(raw: &str) -> Option<&str> {
    if raw.is_empty() || raw.len() > MAX_LEN || !plain_path(raw) {
        return None;
    }
    // A path decoded once or twice must still be a plain path of this site.
    let once = percent_decode_str(raw).decode_utf8().ok()?;
    if !decoded_path(&once) {
        return None;
    }
    let twice = percent_decode_str(&once).decode_utf8().ok()?;
    if !decoded_path(&twice) {
        return None;
    }
    let path = raw.split(['?', '#']).next().unwrap_or(raw);
    if NOT_AFTER_LOGIN
        .iter()
        .any(|p| path == p.trim_end_matches('/') || (p.ends_with('/') && path.starts_with(p)))
    {
        return None;
    }
    Some(raw)
}

/// One `/`, then printable ASCII without a backslash, and not `//` or `/\` at the start.
fn plain_path(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.first() == Some(&b'/')
        && !matches!(bytes.get(1), Some(b'/' | b'\\'))
        && bytes
            .iter()
            .all(|&b| (0x21..0x7f).contains(&b) && b != b'\\')
}

/// Decoded, a path may hold any text (a search word in Japanese) but no control character, no
/// backslash, and no second slash to start another site's address.
fn decoded_path(s: &str) -> bool {
    s.starts_with('/')
        && !s[1..].starts_with(['/', '\\'])
        && !s.chars().any(|c| c.is_control() || c == '\\')
}

/// The login page that comes back to `path` (when it is safe) once signed in.
#[must_use]
pub fn login_url(path: &str) -> String {
    with_next("/login", path)
}

/// `page?next=path` when `path` is safe, else `page` alone.
#[must_use]
pub fn with_next(page: &str, path: &str) -> String {
    match safe(path) {
        Some(p) if p != "/home" => format!("{page}?{FIELD}={}", utf8_percent_encode(p, PARAM)),
        _ => page.to_owned(),
    }
}

/// Where to go once signed in: the safe `next`, else the menu.
#[must_use]
pub fn after_login(next: &str) -> &str {
    safe(next).unwrap_or("/home")
}

#[cfg(test)]
mod tests {
    use super::{after_login, login_url, safe, with_next};

    #[test]
    fn paths_of_this_site_are_kept_with_their_query_and_anchor() {
        for p in [
            "/home",
            "/boards/0190abcd-0000-7000-8000-123456789abc",
            "/boards/0190abcd-0000-7000-8000-123456789abc/posts/0190abcd-0001-7000-8000-123456789abc",
            "/boards/0190abcd-0000-7000-8000-123456789abc#post-0190abcd-0001-7000-8000-123456789abc",
            "/boards/b?cursor=0190abcd-0000-7000-8000-123456789abc",
            "/operator/audit?q=%E9%AB%98%E8%90%A9",
        ] {
            assert_eq!(safe(p), Some(p), "{p}");
        }
    }

    #[test]
    fn other_sites_and_header_tricks_are_refused() {
        for p in [
            "",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "//evil.example/boards",
            "/\\evil.example",
            "\\\\evil.example",
            "/boards\\..\\x",
            "boards/1",
            " /home",
            "/home\r\nSet-Cookie: a=b",
            "/home\nx",
            "/home\tx",
            "/%2F%2Fevil.example",
            "/%2f/evil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/home%0d%0aSet-Cookie:%20a=b",
            "/home%0Ax",
            "/%252F%252Fevil.example",
            "/home%250d%250a",
            "/%00",
            "/%FF",
            "/高萩",
            "/home\u{7f}",
        ] {
            assert_eq!(safe(p), None, "{p:?}");
        }
        assert_eq!(safe(&format!("/{}", "a".repeat(2000))), None);
    }

    #[test]
    fn sign_in_pages_are_not_come_back_to() {
        for p in [
            "/login",
            "/login?next=/home",
            "/logout",
            "/password",
            "/api/v1/me",
        ] {
            assert_eq!(safe(p), None, "{p}");
        }
        assert_eq!(safe("/loginx"), Some("/loginx"));
        assert_eq!(safe("/passwords"), Some("/passwords"));
    }

    #[test]
    fn the_login_link_carries_the_path_encoded_and_only_when_safe() {
        assert_eq!(
            login_url("/boards/b1/posts/p1"),
            "/login?next=/boards/b1/posts/p1"
        );
        assert_eq!(
            login_url("/boards/b?cursor=c&x=1"),
            "/login?next=/boards/b%3Fcursor%3Dc%26x%3D1"
        );
        assert_eq!(login_url("//evil.example"), "/login");
        assert_eq!(login_url("/home"), "/login");
        assert_eq!(
            with_next("/password", "/boards/b1"),
            "/password?next=/boards/b1"
        );
    }

    #[test]
    fn after_login_falls_back_to_the_menu() {
        assert_eq!(after_login("/boards/b1"), "/boards/b1");
        assert_eq!(after_login("https://evil.example"), "/home");
        assert_eq!(after_login(""), "/home");
    }
}
