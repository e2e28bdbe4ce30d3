//! The gRPC surface of board files: an upload received chunk by chunk into a temporary file (so
//! twenty 10 MB uploads at once do not sit in memory), a read sent chunk by chunk from the store.

use super::convert::board_file;
use super::decode::{actor, id};
use crate::files::objects::Variant;
use crate::service::Careboard;
use futures::stream::{self, BoxStream, StreamExt};
use proto::careboard as pb;
use std::io::Write;
use std::sync::Arc;
use tonic::{Request, Response, Status, Streaming};

type Reply<T> = Result<Response<T>, Status>;

pub struct BoardFilesGrpc {
    careboard: Arc<Careboard>,
}

impl BoardFilesGrpc {
    #[must_use]
    pub fn new(careboard: Arc<Careboard>) -> Self {
        Self { careboard }
    }
}

fn invalid(field: &'static str) -> Status {
    crate::error::invalid(field)
}

#[tonic::async_trait]
impl pb::board_files_server::BoardFiles for BoardFilesGrpc {
    #[tracing::instrument(skip_all)]
    async fn upload_file(
        &self,
        request: Request<Streaming<pb::UploadFileChunk>>,
    ) -> Reply<pb::BoardFile> {
        let mut chunks = request.into_inner();
        let Some(pb::UploadFileChunk {
            head: Some(head), ..
        }) = chunks.message().await?
        else {
            return Err(invalid("head"));
        };
        let actor = actor(head.actor.as_ref())?;
        let recipient = id(&head.recipient_id, "recipient_id")?;
        // A non-member's bytes are not even received.
        self.careboard.may_upload(&actor, recipient).await?;
        let max = self.careboard.max_file_bytes();
        let mut spool = tempfile::tempfile()
            .map_err(|e| Status::from(crate::error::Error::Internal(format!("spool: {e}"))))?;
        let mut received: u64 = 0;
        while let Some(chunk) = chunks.message().await? {
            if chunk.head.is_some() {
                return Err(invalid("head"));
            }
            let data = chunk.data;
            received += data.len() as u64;
            if received > max {
                return Err(self.careboard.too_large().into());
            }
            // A write to the local temporary directory: short, and bounded by the limit above.
            spool
                .write_all(&data)
                .map_err(|e| Status::from(crate::error::Error::Internal(format!("spool: {e}"))))?;
        }
        let card = self
            .careboard
            .upload_file(&actor, recipient, &head.name, spool)
            .await?;
        Ok(Response::new(board_file(card)))
    }

    type ReadFileStream = BoxStream<'static, Result<pb::FileChunk, Status>>;

    #[tracing::instrument(skip_all)]
    async fn read_file(
        &self,
        request: Request<pb::ReadFileRequest>,
    ) -> Reply<Self::ReadFileStream> {
        let req = request.into_inner();
        let actor = actor(req.actor.as_ref())?;
        let variant = match pb::FileVariant::try_from(req.variant) {
            Ok(pb::FileVariant::Original) => Variant::Original,
            Ok(pb::FileVariant::Screen) => Variant::Screen,
            Ok(pb::FileVariant::Thumb) => Variant::Thumb,
            _ => return Err(invalid("variant")),
        };
        let (card, bytes) = self
            .careboard
            .read_file(
                &actor,
                id(&req.recipient_id, "recipient_id")?,
                id(&req.file_id, "file_id")?,
                variant,
            )
            .await?;
        let head = stream::once(async move {
            Ok(pb::FileChunk {
                head: Some(board_file(card)),
                data: Vec::new(),
            })
        });
        let data = bytes.map(|chunk| match chunk {
            Ok(b) => Ok(pb::FileChunk {
                head: None,
                data: b.to_vec(),
            }),
            Err(e) => Err(Status::from(crate::error::Error::Objects(e))),
        });
        Ok(Response::new(head.chain(data).boxed()))
    }
}
