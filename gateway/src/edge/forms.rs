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

/// Each field of an `application/x-www-form-urlencoded` body as its raw name and value (a field
/// without `=` has an empty value; empty fields between `&`s are skipped).
fn raw_fields(body: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    body.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        })
}

/// The bytes a name or value stands for: `+` is a space, then percent-decoded.
fn unescape(raw: &[u8]) -> Vec<u8> {
    let plus: Vec<u8> = raw
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&plus).collect()
}

fn decode(raw: &[u8]) -> Result<String, ()> {
    String::from_utf8(unescape(raw)).map_err(|_| ())
}

/// Checks every name and value of an `application/x-www-form-urlencoded` body.
///
/// # Errors
/// The first field that is not UTF-8 or holds NUL.
pub fn check_urlencoded(body: &[u8]) -> Result<(), Refusal> {
    for (name, value) in raw_fields(body) {
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

/// The body of a browser form, read whole and checked, for both extractors: what is refused
/// whatever the form (not a form, too large, unreadable) is the rejection, and what only some
/// forms can still show (NUL, not UTF-8) comes back beside the bytes.
async fn read_form<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<(Bytes, Option<Refusal>), PageError> {
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
    let body = match Bytes::from_request(req, state).await {
        Ok(b) => b,
        Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return Err(PageError(Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "送信された内容が大きすぎます。入力内容を短くしてください。",
            )));
        }
        Err(_) => return Err(PageError(malformed())),
    };
    let refusal = check_urlencoded(&body).err();
    Ok((body, refusal))
}

impl<S, T> FromRequest<S> for PageForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (body, refusal) = read_form(req, state).await?;
        if let Some(r) = refusal {
            return Err(PageError(r.failure()));
        }
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
    let text = |raw: &[u8]| String::from_utf8_lossy(&unescape(raw)).replace('\0', "");
    raw_fields(body)
        .map(|(name, value)| (text(name), text(value)))
        .collect()
}

impl<S, T> FromRequest<S> for CheckedForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (body, refusal) = read_form(req, state).await?;
        let refusal = refusal.map(Refusal::failure);
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
    use super::{CheckedForm, PageForm, Refusal, check_urlencoded, lossy_pairs};
    use axum::body::Body;
    use axum::extract::{FromRequest, Request};
    use axum::http::StatusCode;
    use std::collections::HashMap;

    type Fields = HashMap<String, String>;

    fn request(content_type: &str, body: Vec<u8>) -> Request {
        Request::builder()
            .method("POST")
            .header("content-type", content_type)
            .body(Body::from(body))
            .expect("a request of constant parts")
    }

    /// What each extractor makes of one body: the status and code it refuses with, if any.
    async fn outcomes(
        content_type: &str,
        body: &[u8],
    ) -> (
        Option<(StatusCode, &'static str)>,
        Option<(StatusCode, &'static str)>,
    ) {
        let plain = PageForm::<Fields>::from_request(request(content_type, body.to_vec()), &())
            .await
            .err()
            .map(|e| (e.0.status, e.0.code));
        let checked =
            match CheckedForm::<Fields>::from_request(request(content_type, body.to_vec()), &())
                .await
            {
                Ok(CheckedForm(_, refusal)) => refusal.map(|f| (f.status, f.code)),
                Err(e) => Some((e.0.status, e.0.code)),
            };
        (plain, checked)
    }

    #[tokio::test]
    async fn both_readers_refuse_the_same_bodies_with_the_same_status() {
        let form = "application/x-www-form-urlencoded; charset=UTF-8";
        let too_large = vec![b'a'; 3 * 1024 * 1024];
        let cases: [(&str, &[u8], Option<StatusCode>); 8] = [
            (form, b"name=%E9%AB%98&body=a%0D%0Ab+c&flag", None),
            (form, b"", None),
            (form, b"name=a%00b", Some(StatusCode::BAD_REQUEST)),
            (form, b"name=%FF%FE", Some(StatusCode::BAD_REQUEST)),
            (form, b"reason=\xff", Some(StatusCode::BAD_REQUEST)),
            ("application/json", b"{}", Some(StatusCode::BAD_REQUEST)),
            ("text/plain", b"name=a", Some(StatusCode::BAD_REQUEST)),
            (form, &too_large, Some(StatusCode::PAYLOAD_TOO_LARGE)),
        ];
        for (content_type, body, status) in cases {
            let (plain, checked) = outcomes(content_type, body).await;
            assert_eq!(plain.map(|(s, _)| s), status, "{content_type} {body:?}");
            assert_eq!(plain, checked, "{content_type} {body:?}");
        }
    }

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
