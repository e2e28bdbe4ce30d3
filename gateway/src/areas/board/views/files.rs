//! Files on the board as pages show them: a photo's thumbnail in its post, a document's name
//! and size.

use proto::careboard as pb;

/// A file of a post as the page shows it: a photo's thumbnail, or a document's name and size.
pub struct FileView {
    pub id: String,
    pub image: bool,
    pub name: String,
    pub size: String,
    pub width: u32,
    pub height: u32,
}

impl FileView {
    pub(super) fn new(f: pb::BoardFile) -> Self {
        // The thumbnail's box, so the page does not jump as thumbnails arrive.
        let long = f.width.max(f.height).max(1);
        let scale = |d: u32| (u64::from(d) * 160 / u64::from(long)).max(1);
        Self {
            image: crate::areas::board::files::kind_name(f.kind) == "image",
            size: human_size(f.bytes),
            width: u32::try_from(scale(f.width)).unwrap_or(160),
            height: u32::try_from(scale(f.height)).unwrap_or(160),
            id: f.id,
            name: f.name,
        }
    }
}

/// 1.2 MB, 350 KB: as a file manager would say it.
#[must_use]
pub fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        let tenths = bytes * 10 / (1024 * 1024);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}
