//! PDFs are kept as sent (rebuilding one would change what the city's forms say), so the only
//! guard is that the whole file parses as a PDF with pages: a truncated download or a file that
//! merely starts with `%PDF-` is refused here rather than handed to a team member's viewer.
//! They are always served as attachments, never rendered inline.

use super::FileRefusal;
use super::sniff::{Kind, sniff};

/// Checks an uploaded PDF. Parsing walks every object, so callers run it under `spawn_blocking`
/// behind the decode semaphore, as for images.
pub fn check_pdf(bytes: &[u8], max_bytes: u64) -> Result<(), FileRefusal> {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max_bytes {
        return Err(FileRefusal::TooLarge);
    }
    if sniff(bytes)? != Kind::Pdf {
        return Err(FileRefusal::Unsupported);
    }
    let document = lopdf::Document::load_mem(bytes).map_err(|_| FileRefusal::PdfCorrupt)?;
    // A parse that recovers no page is as useless to the reader as one that fails.
    if document.get_pages().is_empty() {
        return Err(FileRefusal::PdfCorrupt);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Document, Object, Stream, dictionary};

    const MAX: u64 = 10 * 1024 * 1024;

    /// A one-page PDF written by lopdf itself: the smallest file a real writer produces.
    fn one_page_pdf() -> Vec<u8> {
        let mut doc = Document::with_version("1.7");
        let pages_id = doc.new_object_id();
        let content = doc.add_object(Stream::new(dictionary! {}, b"0 0 m 10 10 l S".to_vec()));
        let the_page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Contents" => content,
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => vec![the_page.into()],
                "Count" => 1,
            }),
        );
        let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog_id);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes)
            .expect("an in-memory PDF is written");
        bytes
    }

    #[test]
    fn a_pdf_that_parses_is_accepted() {
        assert_eq!(check_pdf(&one_page_pdf(), MAX), Ok(()));
    }

    #[test]
    fn a_truncated_pdf_is_refused() {
        let bytes = one_page_pdf();
        let half = &bytes[..bytes.len() / 2];
        assert_eq!(check_pdf(half, MAX), Err(FileRefusal::PdfCorrupt));
    }

    #[test]
    fn a_header_alone_is_refused() {
        assert_eq!(
            check_pdf(b"%PDF-1.7\nnot a document", MAX),
            Err(FileRefusal::PdfCorrupt)
        );
    }

    #[test]
    fn size_and_kind_are_checked_before_parsing() {
        let bytes = one_page_pdf();
        let small = u64::try_from(bytes.len() - 1).unwrap();
        assert_eq!(check_pdf(&bytes, small), Err(FileRefusal::TooLarge));
        assert_eq!(
            check_pdf(&[0xFF, 0xD8, 0xFF, 0xE0], MAX),
            Err(FileRefusal::Unsupported)
        );
    }
}
