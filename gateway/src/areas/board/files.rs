//! Photos and documents on the board. An upload is streamed through to careboard as it arrives
//! (the gateway holds one chunk at a time), and a file is streamed back only after careboard has
//! found the reader on the team, on this very request: no link outlives that check.

use crate::edge::auth::{ApiUser, ApiWriter, PageUser, Principal};
use crate::edge::error::{ApiError, ErrorBody, Failure, PageError};
use crate::edge::state::AppState;
use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::{StreamExt, stream};
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use proto::careboard as pb;
use serde::Serialize;
use utoipa::ToSchema;

/// The header a script names the file in, percent-encoded UTF-8 (a header is ASCII).
pub const NAME_HEADER: &str = "x-file-name";

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::file)]
pub struct FileOut {
    id: String,
    /// `image` or `pdf`.
    kind: &'static str,
    mime: String,
    name: String,
    bytes: u64,
    width: u32,
    height: u32,
}

impl From<pb::BoardFile> for FileOut {
    fn from(f: pb::BoardFile) -> Self {
        Self {
            kind: kind_name(f.kind),
            id: f.id,
            mime: f.mime,
            name: f.name,
            bytes: f.bytes,
            width: f.width,
            height: f.height,
        }
    }
}

#[must_use]
pub fn kind_name(kind: i32) -> &'static str {
    if kind == pb::FileKind::Pdf as i32 {
        "pdf"
    } else {
        "image"
    }
}

fn cut_short() -> Failure {
    Failure::bad_request("送信が途中で切れました。電波の良い所で、もう一度添付してください。")
}

/// Upload a photo (JPEG, PNG, WebP) or a PDF to a board, as the request's body. It waits for the
/// post or reply that names it in `files`, and is removed if none does within the hour.
#[utoipa::path(post, path = "/api/v1/boards/{id}/files",
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "The file's bytes (here the start of a JPEG)",
        example = json!([255, 216, 255, 224, 0, 16, 74, 70, 73, 70, 0, 1])),
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("X-File-Name" = Option<String>, Header, description = "The file's name, percent-encoded UTF-8", example = "%E4%BD%93%E6%B8%A9%E8%A8%88.jpg")),
    responses((status = 201, body = FileOut), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(state): State<AppState>,
    ApiWriter(user): ApiWriter,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<FileOut>), ApiError> {
    let name = match headers.get(NAME_HEADER) {
        None => String::new(),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| percent_decode_str(s).decode_utf8().ok())
            .filter(|s| !s.chars().any(char::is_control))
            .map(std::borrow::Cow::into_owned)
            .ok_or_else(|| {
                Failure::bad_request(
                    "ファイル名が正しくありません。名前を変えてから添付してください。",
                )
            })?,
    };
    let head = pb::UploadFileChunk {
        head: Some(pb::UploadFileHead {
            actor: Some(user.actor()),
            recipient_id: id,
            name,
        }),
        data: Vec::new(),
    };
    // A body cut short must not reach careboard as a whole (shorter) file: the call is dropped
    // instead, and careboard sees it cancelled.
    let (broken, mut was_broken) = tokio::sync::oneshot::channel::<()>();
    let mut broken = Some(broken);
    let data = body.into_data_stream().filter_map(move |chunk| {
        let part = if let Ok(bytes) = chunk {
            Some(pb::UploadFileChunk {
                head: None,
                data: bytes.to_vec(),
            })
        } else {
            if let Some(b) = broken.take() {
                let _ = b.send(());
            }
            None
        };
        std::future::ready(part)
    });
    let mut files = state.clients.board_files.clone();
    let call = files.upload_file(stream::once(std::future::ready(head)).chain(data));
    let answer = tokio::select! {
        biased;
        Ok(()) = &mut was_broken => return Err(cut_short().into()),
        answer = call => answer?,
    };
    Ok((StatusCode::CREATED, Json(answer.into_inner().into())))
}

fn variant(name: &str) -> Option<pb::FileVariant> {
    match name {
        "original" => Some(pb::FileVariant::Original),
        "screen" => Some(pb::FileVariant::Screen),
        "thumb" => Some(pb::FileVariant::Thumb),
        _ => None,
    }
}

fn not_found() -> Failure {
    Failure::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "お探しのファイルは見つかりませんでした。",
    )
}

/// The file's bytes as careboard streams them, with headers that keep them out of every cache
/// and let nothing inside them run.
async fn serve(
    state: &AppState,
    user: &Principal,
    board: String,
    file: String,
    variant: pb::FileVariant,
) -> Result<Response, Failure> {
    let mut files = state.clients.board_files.clone();
    let mut chunks = files
        .read_file(pb::ReadFileRequest {
            actor: Some(user.actor()),
            recipient_id: board,
            file_id: file,
            variant: variant.into(),
        })
        .await?
        .into_inner();
    let Some(pb::FileChunk {
        head: Some(head), ..
    }) = chunks.message().await?
    else {
        return Err(Failure::from(tonic::Status::internal("no head")));
    };
    let pdf = kind_name(head.kind) == "pdf";
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if pdf { "attachment" } else { "inline" },
        if pdf { "document.pdf" } else { "photo" },
        utf8_percent_encode(&head.name, NON_ALPHANUMERIC)
    );
    let bytes = chunks.filter_map(|chunk| {
        std::future::ready(match chunk {
            Ok(pb::FileChunk { data, .. }) if !data.is_empty() => Some(Ok(Bytes::from(data))),
            Ok(_) => None,
            // Ends the response unfinished: the browser sees a broken download, not a short one.
            Err(e) => Some(Err(std::io::Error::other(e.message().to_owned()))),
        })
    });
    let mut response = Body::from_stream(bytes).into_response();
    let h = response.headers_mut();
    let value = |v: &str| HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static(""));
    h.insert(header::CONTENT_TYPE, value(&head.mime));
    h.insert(header::CONTENT_DISPOSITION, value(&disposition));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; sandbox"),
    );
    Ok(response)
}

/// A photo's thumbnail, its screen version or the original, or a PDF (`original` only).
pub async fn page(
    State(state): State<AppState>,
    PageUser(user): PageUser,
    Path((board, file, name)): Path<(String, String, String)>,
) -> Result<Response, PageError> {
    let variant = variant(&name).ok_or_else(not_found)?;
    Ok(serve(&state, &user, board, file, variant).await?)
}

/// Download a file attached to a post of the board, as uploaded (a photo as rebuilt).
#[utoipa::path(get, path = "/api/v1/boards/{id}/files/{file}",
    params(("id" = String, Path, description = "The recipient whose board it is", example = "019e1b2c-3d4e-7a5f-8b6c-7d8e9f0a1b21"),
        ("file" = String, Path, description = "The file, as a post lists it", example = "01a22a04-f100-7c53-9e64-7f8509102b41")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>,
            description = "The file's bytes (here the start of a PDF)",
            example = json!([37, 80, 68, 70, 45, 49, 46, 55, 10])),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn api_download(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path((board, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(serve(&state, &user, board, file, pb::FileVariant::Original).await?)
}
