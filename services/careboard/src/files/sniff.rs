//! The kind of a file, decided by its first bytes only: a name ending in `.jpg` or a declared MIME
//! type is what the sender says, the magic bytes are what the decoder will meet.

use super::FileRefusal;

/// The kinds the board accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl Kind {
    /// The type the file is served with once rebuilt.
    #[must_use]
    pub fn mime(self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
        }
    }

    #[must_use]
    pub fn is_image(self) -> bool {
        !matches!(self, Kind::Pdf)
    }
}

/// How many leading bytes `sniff` needs to decide.
pub const SNIFF_LEN: usize = 16;

/// Decides the kind from the head of the file; HEIC is named apart so the uploader gets a way out.
pub fn sniff(head: &[u8]) -> Result<Kind, FileRefusal> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Kind::Jpeg);
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Kind::Png);
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Ok(Kind::Webp);
    }
    if head.starts_with(b"%PDF-") {
        return Ok(Kind::Pdf);
    }
    // ISO base media file: `....ftyp<brand>`; the HEIF family brands are refused by name.
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        let brand = &head[8..12];
        if [
            b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1",
        ]
        .iter()
        .any(|b| brand == *b)
        {
            return Err(FileRefusal::Heic);
        }
    }
    Err(FileRefusal::Unsupported)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_the_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Ok(Kind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Ok(Kind::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(Kind::Webp));
        assert_eq!(sniff(b"%PDF-1.7\n"), Ok(Kind::Pdf));
    }

    #[test]
    fn heic_is_named_and_other_bytes_refused() {
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Err(FileRefusal::Heic));
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0"), Err(FileRefusal::Heic));
        // A text file behind a `.jpg` name: the name is never consulted.
        assert_eq!(sniff(b"hello, this is text"), Err(FileRefusal::Unsupported));
        assert_eq!(sniff(b""), Err(FileRefusal::Unsupported));
    }
}
