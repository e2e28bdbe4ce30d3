//! JSON plumbing shared by the API handlers: the body extractor and the list query.

use crate::edge::error::{ApiError, Failure};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The query of the API's list endpoints: an office to narrow to (the operator's choice) and a
/// search text.
#[derive(serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub office_id: String,
    #[serde(default)]
    pub q: String,
}

/// A JSON body whose problems are answered in Japanese with a stable code. The body must be one
/// JSON object (an array or a bare value is refused), and no string in it, nor any key, may
/// hold NUL: nothing downstream can store it. (`serde_json` already refuses bytes that are not
/// UTF-8 and lone surrogate escapes.)
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match Json::<Value>::from_request(req, state).await {
            Ok(Json(v)) => v,
            Err(rejection) => return Err(ApiError(json_failure(&rejection))),
        };
        let Value::Object(fields) = &value else {
            return Err(ApiError(Failure::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "送信する内容は、項目名と値の組（JSON オブジェクト）にしてください。",
            )));
        };
        if let Some(field) = fields
            .iter()
            .find(|(k, v)| k.contains('\0') || holds_nul(v))
            .map(|(k, _)| k.replace('\0', ""))
        {
            let mut f = Failure::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_field",
                "入力内容に使えない文字（制御文字）が含まれていたため、何も保存していません。",
            );
            f.fields = vec![(
                field,
                "使えない文字が含まれています。入力し直してください。",
            )];
            return Err(ApiError(f));
        }
        T::deserialize(value).map(Self).map_err(|_| {
            ApiError(Failure::new(
                StatusCode::BAD_REQUEST,
                "invalid_json",
                "送信された内容の項目や値の種類が正しくありません。API の説明（openapi.json）の形で送信してください。",
            ))
        })
    }
}

fn holds_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(holds_nul),
        Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || holds_nul(v)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

fn json_failure(rejection: &JsonRejection) -> Failure {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "送信された内容が大きすぎます（上限 {} KB）。",
                super::state::BODY_LIMIT / 1024
            ),
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Failure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Content-Type: application/json で送信してください。",
        ),
        _ => Failure::new(
            StatusCode::BAD_REQUEST,
            "invalid_json",
            "送信された内容が JSON として読めません。文字化けや書式の誤りがないか確かめてください。",
        ),
    }
}
