//! Form bodies whose problems are answered with a Japanese page. The body is read strictly: a
//! value that is not UTF-8 once percent-decoded, or that holds NUL, refuses the whole form (a
//! lossy read would store U+FFFD in its place). Unknown fields are ignored by serde as before, so
//! a form may carry fields its handler does not read.

use crate::edge::error::{Failure, PageError};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

pub struct PageForm<T>(pub T);

/// What a form's body holds that it may not.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Percent-decoded, a name or value is not UTF-8; the field's name, if it is readable.
    NotUtf8(Option<String>),
    /// A value (or name) holds NUL.
    Nul(String),
}

fn decode(raw: &[u8]) -> Result<String, ()> {
    let plus: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
    String::from_utf8(bytes).map_err(|_| ())
}

/// Checks every name and value of an `application/x-www-form-urlencoded` body.
///
/// # Errors
/// The first field that is not UTF-8 or holds NUL.
pub fn check_urlencoded(body: &[u8]) -> Result<(), Refusal> {
    for pair in body.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let name = decode(name).map_err(|()| Refusal::NotUtf8(None))?;
        let value = decode(value).map_err(|()| Refusal::NotUtf8(Some(name.clone())))?;
        if name.contains('\0') || value.contains('\0') {
            return Err(Refusal::Nul(name));
        }
    }
    Ok(())
}

impl Refusal {
    /// The refusal as people see it: which field, if known, and what to do.
    #[must_use]
    pub fn failure(self) -> Failure {
        let field = match self {
            Self::NotUtf8(field) => field,
            Self::Nul(field) => Some(field),
        };
        let mut f = Failure::new(
            StatusCode::BAD_REQUEST,
            "invalid_characters",
            "入力内容に使えない文字（制御文字や文字化けした文字）が含まれていたため、何も保存していません。前の画面に戻り、その項目を入力し直してください。",
        );
        f.fields = field
            .into_iter()
            .map(|name| (name, "使えない文字が含まれています。入力し直してください。"))
            .collect();
        f
    }
}

/// Refuses a request whose path or query, percent-decoded, is not UTF-8 or holds NUL, before any
/// handler reads it (axum's `Query` reads lossily, and a path segment is passed on as text).
pub async fn strict_uri(req: Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let uri = req.uri();
    let path_ok = decode(uri.path().as_bytes()).is_ok_and(|p| !p.contains('\0'));
    let query = uri
        .query()
        .map_or(Ok(()), |q| check_urlencoded(q.as_bytes()));
    let refusal = match (path_ok, query) {
        (true, Ok(())) => return next.run(req).await,
        (false, _) => Refusal::NotUtf8(None),
        (true, Err(r)) => r,
    };
    let failure = refusal.failure();
    if uri.path().starts_with("/api/") {
        crate::edge::error::ApiError(failure).into_response()
    } else {
        PageError(failure).into_response()
    }
}

fn malformed() -> Failure {
    Failure::bad_request(
        "送信された内容の形式が正しくありません。画面を開き直して、もう一度入力してください。",
    )
}

/// The body of a browser form, read whole.
async fn form_body<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, PageError> {
    let urlencoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !urlencoded {
        return Err(PageError(malformed()));
    }
    match Bytes::from_request(req, state).await {
        Ok(b) => Ok(b),
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(PageError(Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "送信された内容が大きすぎます。入力内容を短くしてください。",
        ))),
        Err(_) => Err(PageError(malformed())),
    }
}

impl<S, T> FromRequest<S> for PageForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = form_body(req, state).await?;
        check_urlencoded(&body).map_err(|r| PageError(r.failure()))?;
        serde_urlencoded::from_bytes(&body)
            .map(Self)
            .map_err(|_| PageError(malformed()))
    }
}

/// A form whose bytes may be refused (NUL, not UTF-8) and that is read all the same, for a page
/// that shows what was typed again beside the refusal: NUL is dropped and what is not UTF-8
/// becomes U+FFFD, so the text shown can be corrected. The refusal comes with it; a handler
/// that has one stores nothing.
pub struct CheckedForm<T>(pub T, pub Option<Failure>);

/// Every name and value of a body as text, NUL dropped, whatever its bytes.
fn lossy_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = |raw: &[u8]| {
        let plus: Vec<u8> = raw
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        let bytes: Vec<u8> = percent_encoding::percent_decode(&plus).collect();
        String::from_utf8_lossy(&bytes).replace('\0', "")
    };
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(i) => (text(&pair[..i]), text(&pair[i + 1..])),
            None => (text(pair), String::new()),
        })
        .collect()
}

impl<S, T> FromRequest<S> for CheckedForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = form_body(req, state).await?;
        let refusal = check_urlencoded(&body).err().map(Refusal::failure);
        let form = match refusal {
            None => serde_urlencoded::from_bytes(&body),
            Some(_) => serde_urlencoded::to_string(lossy_pairs(&body))
                .map_err(|_| serde::de::Error::custom("unreadable"))
                .and_then(|clean| serde_urlencoded::from_str(&clean)),
        };
        form.map(|f| Self(f, refusal))
            .map_err(|_| PageError(malformed()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Refusal, check_urlencoded, lossy_pairs};

    #[test]
    fn a_refused_body_is_read_for_showing_again_without_its_nul() {
        assert_eq!(
            lossy_pairs(b"body=a%00b+c&name=%FF%E3%81%82&flag"),
            vec![
                ("body".to_owned(), "ab c".to_owned()),
                ("name".to_owned(), "\u{fffd}あ".to_owned()),
                ("flag".to_owned(), String::new()),
            ]
        );
    }

    #[test]
    fn good_forms_pass_with_their_line_breaks() {
        assert_eq!(
            check_urlencoded(b"name=%E9%AB%98%E8%90%A9&body=a%0D%0Ab+c&x=&flag"),
            Ok(())
        );
    }

    #[test]
    fn invalid_utf8_and_nul_are_refused_with_their_field() {
        assert_eq!(
            check_urlencoded(b"csrf_token=t&name=%FF%FE"),
            Err(Refusal::NotUtf8(Some("name".into())))
        );
        assert_eq!(check_urlencoded(b"%C3=1"), Err(Refusal::NotUtf8(None)));
        assert_eq!(
            check_urlencoded(b"title=a%00b"),
            Err(Refusal::Nul("title".into()))
        );
        // A raw byte that is not UTF-8, unencoded, is refused as well.
        assert_eq!(
            check_urlencoded(b"reason=\xff"),
            Err(Refusal::NotUtf8(Some("reason".into())))
        );
    }
}
