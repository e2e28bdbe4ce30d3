//! JSON plumbing shared by the API handlers, and the `OpenAPI` document generated from them.

use crate::error::{ApiError, Failure};
use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::OpenApi;

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
                super::BODY_LIMIT / 1024
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

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Renrakucho API",
        description = "高萩市 電子@連絡帳 JSON API. Every route but /api/v1/public/ needs a device certificate. Every state-changing call needs an X-CSRF-Token: the one returned at login, or before login the one of GET /api/v1/public/csrf-token (with the cookie it sets). A browser's call must also come from the gateway's own origin. Every state-changing call accepts an Idempotency-Key header: a repeat with the same key, by the same user, to the same method and path within 24 hours changes nothing and gets the first answer; a repeat while the first is still running waits for it or gets 409 in_progress; a key used by another user or for another call gets 422 idempotency_key_reused."
    ),
    modifiers(&IdempotencyKey),
    paths(
        super::session::api_csrf_token,
        super::session::api_login,
        super::session::api_logout,
        super::session::api_me,
        super::operator::api_register,
        super::operator::api_list,
        super::operator::api_issue_code,
        super::operator::api_withdraw,
        super::partners::api_get,
        super::partners::api_set,
        super::applications::api_list,
        super::applications::api_approve,
        super::applications::api_reject,
        super::applications::api_invite,
        super::apply::api,
        super::office_profile::api,
        super::announcements::api_published,
        super::announcements::api_all,
        super::announcements::api_create,
        super::announcements::api_update,
        super::announcements::api_publish,
        super::map::api,
        super::operator::api_suspension,
        super::operator::api_verify_audit,
        super::audit::api_list,
        super::password::api,
        super::enroll::api,
        super::accounts::api_list,
        super::accounts::api_create,
        super::accounts::api_get,
        super::accounts::api_update,
        super::accounts::api_reset,
        super::accounts::api_active,
        super::certificates::api_list,
        super::certificates::api_revoke,
        super::certificates::api_requests,
        super::certificates::api_request,
        super::mail::api_undelivered,
        super::mail::api_bouncing,
        super::board_api::create_post,
        super::board_writing_api::create_reply,
        super::board_writing_api::correct_post,
        super::board_writing_api::withdraw_post,
        super::board_writing_api::post_history,
        super::board_search::api_search,
        super::board_reads::api_shown,
    ),
    components(schemas(crate::error::ErrorBody, crate::error::ErrorDetail))
)]
pub struct ApiDoc;

/// Documents the `Idempotency-Key` header, and the answers it can bring, on every call that
/// changes state.
struct IdempotencyKey;

impl utoipa::Modify for IdempotencyKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, Ref, Required, ResponseBuilder};
        let error = || {
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                let header = ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some(
                        "A key the client chooses per intended change (a UUID, say); a repeat with it gets the first answer.",
                    ))
                    .schema(Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .min_length(Some(1))
                            .max_length(Some(common::idempotency::MAX_KEY_LEN))
                            .pattern(Some("^[A-Za-z0-9._:-]+$")),
                    ))
                    .build();
                op.parameters
                    .get_or_insert_with(Vec::new)
                    .push(header.into());
                let responses = &mut op.responses.responses;
                responses.entry("409".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("A request with this Idempotency-Key is still in progress (in_progress), or the state does not allow the change.")
                        .content("application/json", error())
                        .build()
                        .into()
                });
                responses.entry("422".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("Invalid input, or an Idempotency-Key used by another user or for another call (idempotency_key_reused).")
                        .content("application/json", error())
                        .build()
                        .into()
                });
                responses.entry("400".into()).or_insert_with(|| {
                    ResponseBuilder::new()
                        .description("A malformed request, e.g. an Idempotency-Key that is not 1-128 of A-Z a-z 0-9 - _ . :")
                        .content("application/json", error())
                        .build()
                        .into()
                });
            }
        }
    }
}

pub async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
