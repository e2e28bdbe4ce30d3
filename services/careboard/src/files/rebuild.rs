//! Images are decoded and written again, never passed through: the encoders write pixels and
//! nothing else, so EXIF (GPS, camera serials), XMP and comments are gone, and the orientation the
//! camera only noted in EXIF is applied to the pixels instead.

use super::FileRefusal;
use super::sniff::{Kind, sniff};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader};
use std::io::Cursor;

/// What an upload may be; checked before and during decoding so a bomb never gets its memory.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Upload size ceiling (`BOARD_FILE_MAX_BYTES`).
    pub file_bytes: u64,
    /// Longest side accepted, in pixels.
    pub side: u32,
    /// Pixel count accepted (width × height).
    pub pixels: u64,
    /// The decoder's allocation ceiling; a little above `pixels` × 4 bytes.
    pub decode_alloc: u64,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds {
            file_bytes: 10 * 1024 * 1024,
            side: 8192,
            pixels: 50_000_000,
            decode_alloc: 256 * 1024 * 1024,
        }
    }
}

/// Long side of the thumbnail shown in the post.
pub const THUMB_SIDE: u32 = 320;
/// Long side of the version shown full screen.
pub const SCREEN_SIDE: u32 = 1600;

/// One rebuilt image: the re-encoded original and the two smaller versions, all of one type.
#[derive(Debug)]
pub struct Rebuilt {
    pub mime: &'static str,
    pub width: u32,
    pub height: u32,
    pub original: Vec<u8>,
    pub screen: Vec<u8>,
    pub thumb: Vec<u8>,
}

/// Rebuilds an uploaded image. CPU- and memory-heavy: callers run it under `spawn_blocking`
/// behind the decode semaphore.
pub fn rebuild_image(bytes: &[u8], bounds: &Bounds) -> Result<Rebuilt, FileRefusal> {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > bounds.file_bytes {
        return Err(FileRefusal::TooLarge);
    }
    let kind = sniff(bytes)?;
    let format = match kind {
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Png => ImageFormat::Png,
        Kind::Webp => ImageFormat::WebP,
        Kind::Pdf => return Err(FileRefusal::Unsupported),
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(bounds.side);
    limits.max_image_height = Some(bounds.side);
    limits.max_alloc = Some(bounds.decode_alloc);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| refusal(&e))?;
    let (w, h) = decoder.dimensions();
    if w > bounds.side || h > bounds.side || u64::from(w) * u64::from(h) > bounds.pixels {
        return Err(FileRefusal::TooManyPixels);
    }
    let orientation = decoder.orientation().map_err(|e| refusal(&e))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| refusal(&e))?;
    img.apply_orientation(orientation);

    // PNG keeps transparency (a scanned stamp, a diagram); everything else becomes JPEG.
    let keep_alpha = kind == Kind::Png && img.color().has_alpha();
    let encode = |img: &DynamicImage| {
        if keep_alpha {
            encode_png(img)
        } else {
            encode_jpeg(img)
        }
    };
    let screen = if img.width().max(img.height()) > SCREEN_SIDE {
        encode(&img.resize(SCREEN_SIDE, SCREEN_SIDE, FilterType::Triangle))?
    } else {
        encode(&img)?
    };
    let thumb = encode(&img.thumbnail(THUMB_SIDE, THUMB_SIDE))?;
    Ok(Rebuilt {
        mime: if keep_alpha {
            "image/png"
        } else {
            "image/jpeg"
        },
        width: img.width(),
        height: img.height(),
        original: encode(&img)?,
        screen,
        thumb,
    })
}

fn refusal(e: &ImageError) -> FileRefusal {
    match e {
        ImageError::Limits(_) => FileRefusal::TooManyPixels,
        _ => FileRefusal::Corrupt,
    }
}

// A photo is already 8-bit RGB (RGBA with transparency): it is encoded as it is, since a copy of
// a 20-megapixel image is another 60 MB while twenty uploads wait their turn.
fn encode_jpeg(img: &DynamicImage) -> Result<Vec<u8>, FileRefusal> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, 85);
    let written = if let DynamicImage::ImageRgb8(_) = img {
        img.write_with_encoder(encoder)
    } else {
        DynamicImage::ImageRgb8(img.to_rgb8()).write_with_encoder(encoder)
    };
    written.map_err(|_| FileRefusal::Corrupt)?;
    Ok(out)
}

fn encode_png(img: &DynamicImage) -> Result<Vec<u8>, FileRefusal> {
    let mut out = Vec::new();
    let encoder = PngEncoder::new(&mut out);
    let written = if let DynamicImage::ImageRgba8(_) = img {
        img.write_with_encoder(encoder)
    } else {
        DynamicImage::ImageRgba8(img.to_rgba8()).write_with_encoder(encoder)
    };
    written.map_err(|_| FileRefusal::Corrupt)?;
    Ok(out)
}

#[cfg(test)]
#[path = "rebuild_tests.rs"]
mod tests;
