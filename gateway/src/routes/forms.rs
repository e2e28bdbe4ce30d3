//! Form bodies whose problems are answered with a Japanese page.

use crate::error::{Failure, PageError};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;

pub struct PageForm<T>(pub T);

impl<S, T> FromRequest<S> for PageForm<T>
where
    S: Send + Sync,
    Form<T>: FromRequest<S, Rejection = FormRejection>,
{
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Form::<T>::from_request(req, state).await {
            Ok(Form(v)) => Ok(Self(v)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(PageError(Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "送信された内容が大きすぎます。入力内容を短くしてください。",
            ))),
            Err(_) => Err(PageError(Failure::bad_request(
                "送信された内容の形式が正しくありません。画面を開き直して、もう一度入力してください。",
            ))),
        }
    }
}
