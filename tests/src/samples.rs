//! Files as care staff would attach them: a phone's photo taken sideways with its GPS in EXIF, a
//! hospital's one-page PDF, and a decompression bomb's first bytes.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, Rgb, RgbImage};
use lopdf::{Document, Object, dictionary};

/// A 60×30 photo, green on the left and magenta on the right, as a camera holding the phone
/// sideways stores it: the pixels unturned, orientation 6 and GPS in a little-endian EXIF block.
#[must_use]
pub fn sideways_photo() -> Vec<u8> {
    let img = RgbImage::from_fn(60, 30, |x, _| {
        if x < 30 {
            Rgb([20, 200, 20])
        } else {
            Rgb([200, 20, 200])
        }
    });
    let mut plain = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 92))
        .expect("an in-memory JPEG is written");
    let gps = b"36 deg 43' 1.2\" N, 140 deg 42' 53\" E\0";
    let mut tiff = b"II\x2a\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 2, 0]);
    tiff.extend_from_slice(&u32::try_from(gps.len()).unwrap_or(u32::MAX).to_le_bytes());
    tiff.extend_from_slice(&38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(gps);
    let mut photo = plain[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(
        &u16::try_from(8 + tiff.len())
            .unwrap_or(u16::MAX)
            .to_be_bytes(),
    );
    photo.extend_from_slice(b"Exif\0\0");
    photo.extend_from_slice(&tiff);
    photo.extend_from_slice(&plain[2..]);
    photo
}

/// A discharge summary as a hospital's system writes it: one A4 page.
#[must_use]
pub fn summary_pdf() -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    });
    let kids: Vec<Object> = vec![page.into()];
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => 1 }),
    );
    let root = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", root);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("an in-memory PDF is written");
    out
}

/// A PNG header claiming 20000×20000 pixels: a decompression bomb's first bytes.
#[must_use]
pub fn bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&20_000u32.to_be_bytes());
    png.extend_from_slice(&20_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png.extend_from_slice(&[0; 64]);
    png
}

/// A photo of `width`×`height` as a phone's camera stores one: fine detail everywhere (so it
/// compresses as real photos do, to a few megabytes), high quality.
#[must_use]
pub fn camera_photo(width: u32, height: u32) -> Vec<u8> {
    let mut state: u32 = 0x9E37_79B9;
    let img = RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [a, b, c, _] = state.to_le_bytes();
        let shade = u8::try_from((x + y) % 256).unwrap_or(0);
        Rgb([a / 2 + shade / 2, b / 2 + shade / 3, c / 2])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 95))
        .expect("an in-memory JPEG is written");
    out
}
