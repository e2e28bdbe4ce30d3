//! Files on the board: every upload is recognised by its bytes, and images are rebuilt on the
//! server so that nothing the camera wrote (EXIF GPS would reveal a recipient's home) survives.
//!
//! The upload RPC, the object store and the sweeper build on these pieces; until the RPC is wired
//! only the tests call them, hence the allowance below.
#![allow(dead_code)]

pub mod pdf;
pub mod rebuild;
pub mod sniff;

/// Why an upload is refused; every variant is the uploader's to fix, so each maps to a 4xx.
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
}

impl FileRefusal {
    /// The reason as the uploader reads it, in the words of the board.
    #[must_use]
    pub fn message_ja(&self) -> &'static str {
        match self {
            FileRefusal::Unsupported => {
                "この種類のファイルは添付できません。写真(JPEG・PNG・WebP)かPDFを選んでください。"
            }
            FileRefusal::Heic => {
                "HEIC形式の写真は添付できません。カメラの設定で「互換性優先」(JPEG)を選んでから撮り直してください。"
            }
            FileRefusal::TooLarge => "ファイルが大きすぎます。1件10MBまでです。",
            FileRefusal::TooManyPixels => {
                "写真の画素数が大きすぎます。小さくしてから添付してください。"
            }
            FileRefusal::Corrupt => {
                "ファイルが壊れているため読み込めません。もう一度保存してから添付してください。"
            }
            FileRefusal::PdfCorrupt => {
                "PDFが壊れているか途中で切れているため開けません。もう一度保存してから添付してください。"
            }
        }
    }
}
