//! Files on the board: every upload is recognised by its bytes, and images are rebuilt on the
//! server so that nothing the camera wrote (EXIF GPS would reveal a recipient's home) survives.
//! The bytes are kept in object storage (`objects`); the use cases are in `crate::service`.

/// The most files one post or reply carries.
pub const MAX_FILES_PER_POST: usize = 4;

pub mod objects;
pub mod pdf;
pub mod rebuild;
pub mod sniff;

/// Why an upload is refused; every variant is the uploader's to fix, so each maps to a 4xx
/// (the words the uploader reads are the gateway's, `edge::error_table`).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FileRefusal {
    /// The bytes are none of the kinds the board takes, whatever the name or declared type say.
    #[error("unsupported file type")]
    Unsupported,
    /// HEIC/HEIF (iPhone default): no well-kept decoder, so the uploader is asked for JPEG.
    #[error("heic not supported")]
    Heic,
    /// Larger than the configured maximum.
    #[error("file too large")]
    TooLarge,
    /// Dimensions or decoded size beyond the limits: a decompression bomb or an absurd image.
    #[error("image too large")]
    TooManyPixels,
    /// The bytes claim a kind but do not decode as one (truncated, corrupt).
    #[error("corrupt file")]
    Corrupt,
    /// Starts like a PDF but does not parse as one with pages (truncated, damaged, a disguise).
    #[error("corrupt pdf")]
    PdfCorrupt,
    /// More files on one post than a post takes.
    #[error("too many files")]
    TooMany,
}
