//! Photos and documents on the board: a member uploads a file to the board, it is recognised by
//! its bytes, rebuilt (an image) or parsed (a PDF) and stored, then waits for the post or reply
//! that attaches it; a file no post took is swept. Reads are a member's, like the post's, and
//! each is audited.

use super::Careboard;
use super::write::Write;
use crate::domain::{Actor, DomainError, may_read, may_write};
use crate::error::{Error, Result};
use crate::files::objects::{Objects, ObjectsError, Variant};
use crate::files::rebuild::{Bounds, rebuild_image};
use crate::files::sniff::{Kind, SNIFF_LEN, sniff};
use crate::files::{FileRefusal, MAX_FILES_PER_POST, pdf::check_pdf};
use crate::store::{FileCard, NewFile, Store};
use bytes::Bytes;
use common::ids::{FileId, RecipientId};
use futures::stream::BoxStream;
use serde_json::json;
use std::io::Read;
use std::sync::Arc;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

/// The longest name kept for a file, in characters.
const NAME_CHARS: usize = 100;

/// Where files are kept and how much of the machine rebuilding them may take.
pub struct Shelf {
    pub objects: Objects,
    pub bounds: Bounds,
    /// Decoding an image takes up to `bounds.decode_alloc`: only this many at once
    /// (`BOARD_FILE_REBUILDS`, one by default, so twenty uploads at once cost one photo's memory).
    pub decoding: Arc<Semaphore>,
    /// How long an upload waits for its post before it is swept.
    pub grace: chrono::Duration,
}

impl Shelf {
    #[must_use]
    pub fn new(objects: Objects, bounds: Bounds, grace: chrono::Duration, rebuilds: usize) -> Self {
        Self {
            objects,
            bounds,
            decoding: Arc::new(Semaphore::new(rebuilds.max(1))),
            grace,
        }
    }
}

/// A file as rebuilt, with every version to store.
struct Prepared {
    card: FileCard,
    versions: Vec<(Variant, Vec<u8>)>,
}

impl Careboard {
    #[must_use]
    pub fn max_file_bytes(&self) -> u64 {
        self.shelf.bounds.file_bytes
    }

    /// Refuses a non-member (or a closed board) before the upload's bytes are received.
    pub async fn may_upload(&self, actor: &Actor, recipient: RecipientId) -> Result<()> {
        self.ensure_active(actor).await?;
        self.access(actor, recipient, "file.upload", |a, x| {
            may_write(a, x.membership, x.closed)
        })
        .await?;
        Ok(())
    }

    /// The refusal of a file larger than the city's limit.
    #[must_use]
    pub fn too_large(&self) -> Error {
        Error::FileTooLarge {
            max_mb: self.shelf.bounds.file_bytes / (1024 * 1024),
        }
    }

    /// Stores `spool` (the upload's bytes, received to a temporary file) as a file of the
    /// board waiting for its post.
    pub async fn upload_file(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        name: &str,
        spool: std::fs::File,
    ) -> Result<FileCard> {
        // Asked again although the bytes were only received for a member: sending 10 MB from a
        // phone can take minutes, and the file is stored on the standing of now.
        self.may_upload(actor, recipient).await?;
        let prepared = self.prepare(spool, name).await?;
        let card = prepared.card.clone();
        let stored_bytes = prepared
            .versions
            .iter()
            .map(|(_, b)| b.len())
            .sum::<usize>();
        self.store
            .insert_file(&NewFile {
                card: &card,
                recipient,
                uploaded_by: actor.user_id,
                stored_bytes: i64::try_from(stored_bytes).unwrap_or(i64::MAX),
                at: self.clock.now(),
            })
            .await?;
        for (variant, bytes) in prepared.versions {
            if let Err(e) = self.shelf.objects.put(card.id, variant, bytes).await {
                // The row stays as `uploading`: the sweeper removes whatever was written.
                return Err(e.into());
            }
        }
        let audit = self.audit(
            actor,
            "file.upload",
            "success",
            recipient,
            json!({ "file_id": card.id, "kind": card.kind, "bytes": card.bytes }),
        )?;
        self.store.file_written(card.id, &[audit]).await?;
        self.wake_relay();
        Ok(card)
    }

    /// The cards of `ids` for the post being written in `w`: files the actor uploaded to this
    /// board that no post took yet, locked until the post commits; any other id refuses the post.
    pub(super) async fn files_for(
        &self,
        w: &mut Write,
        actor: &Actor,
        recipient: RecipientId,
        ids: &[FileId],
    ) -> Result<Vec<FileCard>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        if ids.len() > MAX_FILES_PER_POST {
            return Err(FileRefusal::TooMany.into());
        }
        let mut distinct = ids.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let cards = Store::pending_files(&mut w.tx, recipient, actor.user_id, ids).await?;
        if distinct.len() != ids.len() || cards.len() != ids.len() {
            return Err(DomainError::invalid("file_ids").into());
        }
        Ok(cards)
    }

    /// Reads, recognises and rebuilds the upload, at most two at a time.
    async fn prepare(&self, mut spool: std::fs::File, name: &str) -> Result<Prepared> {
        let _permit = self
            .shelf
            .decoding
            .acquire()
            .await
            .map_err(|_| Error::Internal("decoding closed".into()))?;
        let bounds = self.shelf.bounds;
        let name = name.to_owned();
        let too_large = self.too_large();
        let prepared = tokio::task::spawn_blocking(move || {
            use std::io::Seek;
            let mut bytes = Vec::new();
            spool
                .rewind()
                .and_then(|()| spool.read_to_end(&mut bytes))
                .map_err(|e| Error::Internal(format!("spool: {e}")))?;
            prepare(&bytes, &name, &bounds).map_err(|r| match r {
                FileRefusal::TooLarge => too_large,
                r => Error::File(r),
            })
        })
        .await
        .map_err(|e| Error::Internal(format!("rebuild: {e}")))??;
        Ok(prepared)
    }

    /// A version of an attached file for a current member, with the view's audit record.
    pub async fn read_file(
        &self,
        actor: &Actor,
        recipient: RecipientId,
        file: FileId,
        variant: Variant,
    ) -> Result<(
        FileCard,
        BoxStream<'static, std::result::Result<Bytes, ObjectsError>>,
    )> {
        self.ensure_active(actor).await?;
        self.access(actor, recipient, "file.view", |a, x| {
            may_read(a, x.membership)
        })
        .await?;
        let stored = self
            .store
            .attached_file(recipient, file)
            .await?
            .ok_or(DomainError::NotFound)?;
        let is_pdf = stored.card.kind == "pdf";
        if is_pdf && variant != Variant::Original {
            return Err(DomainError::NotFound.into());
        }
        let bytes = self.shelf.objects.read(file, variant).await?;
        let action = if is_pdf || variant == Variant::Original {
            "file.download"
        } else {
            "file.view"
        };
        self.audit_read(
            actor,
            action,
            recipient,
            json!({ "file_id": file, "post_id": stored.post_id, "variant": format!("{variant:?}") }),
        )
        .await?;
        Ok((stored.card, bytes))
    }

    /// Removes files no post took within the grace period, objects first: a crash in between
    /// leaves the row, and the next round finishes.
    pub async fn sweep_files(&self) -> Result<usize> {
        let mut swept = 0;
        for id in self.store.stale_files(self.shelf.grace, 100).await? {
            self.shelf.objects.delete(id).await?;
            if self.store.forget_file(id).await? {
                swept += 1;
            }
        }
        Ok(swept)
    }
}

/// Sweeps unattached files every few minutes (a fraction of the grace period) until shutdown.
pub async fn sweep_files_forever(careboard: Arc<Careboard>, shutdown: CancellationToken) {
    let every = (careboard.shelf.grace / 2)
        .to_std()
        .unwrap_or_default()
        .clamp(
            std::time::Duration::from_secs(1),
            std::time::Duration::from_mins(5),
        );
    loop {
        match careboard.sweep_files().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(swept = n, "unattached board files swept"),
            Err(e) => tracing::warn!(error = %e, "board files not swept; will retry"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(every) => {}
        }
    }
}

/// The file as it will be stored: recognised by its bytes, an image rebuilt, a PDF parsed.
fn prepare(
    bytes: &[u8],
    name: &str,
    bounds: &Bounds,
) -> std::result::Result<Prepared, FileRefusal> {
    let kind = sniff(&bytes[..bytes.len().min(SNIFF_LEN)])?;
    let id = FileId::new_v7();
    let size = |b: &[u8]| i64::try_from(b.len()).unwrap_or(i64::MAX);
    if kind == Kind::Pdf {
        check_pdf(bytes, bounds.file_bytes)?;
        return Ok(Prepared {
            card: FileCard {
                id,
                kind: "pdf".into(),
                mime: Kind::Pdf.mime().into(),
                name: file_name(name, "資料.pdf"),
                bytes: size(bytes),
                width: 0,
                height: 0,
            },
            versions: vec![(Variant::Original, bytes.to_vec())],
        });
    }
    let rebuilt = rebuild_image(bytes, bounds)?;
    let dimension = |d: u32| i32::try_from(d).unwrap_or(i32::MAX);
    Ok(Prepared {
        card: FileCard {
            id,
            kind: "image".into(),
            mime: rebuilt.mime.into(),
            name: file_name(name, "写真"),
            bytes: size(&rebuilt.original),
            width: dimension(rebuilt.width),
            height: dimension(rebuilt.height),
        },
        versions: vec![
            (Variant::Original, rebuilt.original),
            (Variant::Screen, rebuilt.screen),
            (Variant::Thumb, rebuilt.thumb),
        ],
    })
}

/// The name shown beside the file: the device's name without any folder, shortened, or
/// `fallback` when it has none.
fn file_name(sent: &str, fallback: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let kept: String = base
        .chars()
        .filter(|c| !c.is_control())
        .take(NAME_CHARS)
        .collect();
    if kept.is_empty() {
        fallback.to_owned()
    } else {
        kept
    }
}

#[cfg(test)]
mod tests {
    use super::file_name;

    #[test]
    fn a_name_keeps_no_folder_and_no_control_character() {
        assert_eq!(file_name("C:\\Users\\看護\\褥瘡.jpg", "写真"), "褥瘡.jpg");
        assert_eq!(
            file_name("/sdcard/DCIM/IMG_0001.JPG", "写真"),
            "IMG_0001.JPG"
        );
        assert_eq!(file_name("  ", "写真"), "写真");
        assert_eq!(file_name("a\u{7}b", "写真"), "ab");
        assert_eq!(file_name(&"長".repeat(300), "写真").chars().count(), 100);
    }
}
