use super::*;
use image::{GenericImageView, Rgb, RgbImage, Rgba, RgbaImage};

/// A 40×20 JPEG, red on the left half and blue on the right.
fn two_colour_jpeg() -> Vec<u8> {
    let img = RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            Rgb([230, 20, 20])
        } else {
            Rgb([20, 20, 230])
        }
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 95))
        .unwrap();
    out
}

/// An APP1 EXIF segment as a phone writes it: orientation 6 (turn 90° clockwise) and a GPS
/// block whose coordinates must not survive.
fn exif_segment() -> Vec<u8> {
    let gps_text = b"GPS 36.7170N 140.7147E";
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"MM\0\x2a\0\0\0\x08");
    tiff.extend_from_slice(&2u16.to_be_bytes());
    // Orientation, SHORT, 1, value 6.
    tiff.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    // GPSInfo-like ASCII entry pointing after the IFD.
    let offset = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&[0x88, 0x25, 0, 2]);
    tiff.extend_from_slice(&u32::try_from(gps_text.len()).unwrap().to_be_bytes());
    tiff.extend_from_slice(&u32::try_from(offset).unwrap().to_be_bytes());
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(gps_text);
    let mut seg = vec![0xFF, 0xE1];
    let len = u16::try_from(2 + 6 + tiff.len()).unwrap();
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(b"Exif\0\0");
    seg.extend_from_slice(&tiff);
    seg
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn exif_is_dropped_and_orientation_applied() {
    let plain = two_colour_jpeg();
    let mut tagged = plain[..2].to_vec();
    tagged.extend_from_slice(&exif_segment());
    tagged.extend_from_slice(&plain[2..]);
    assert!(contains(&tagged, b"GPS 36.7170N"));

    let out = rebuild_image(&tagged, &Bounds::default()).unwrap();
    assert_eq!(out.mime, "image/jpeg");
    assert_eq!((out.width, out.height), (20, 40), "turned upright");
    for bytes in [&out.original, &out.screen, &out.thumb] {
        assert!(!contains(bytes, b"Exif"), "no EXIF block left");
        assert!(!contains(bytes, b"GPS"), "no coordinates left");
    }
    // Turned clockwise, the left (red) half is now on top.
    let served = image::load_from_memory(&out.original).unwrap();
    assert_eq!(served.dimensions(), (20, 40));
    let Rgba([r, _, b, _]) = served.get_pixel(10, 5);
    assert!(r > 150 && b < 100, "top is red: {r} {b}");
    let Rgba([r, _, b, _]) = served.get_pixel(10, 35);
    assert!(b > 150 && r < 100, "bottom is blue: {r} {b}");
}

#[test]
fn large_photos_get_a_screen_and_a_thumbnail_version() {
    let img = RgbImage::from_pixel(2000, 1000, Rgb([90, 120, 60]));
    let mut jpeg = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new(&mut jpeg))
        .unwrap();
    let out = rebuild_image(&jpeg, &Bounds::default()).unwrap();
    let screen = image::load_from_memory(&out.screen).unwrap();
    let thumb = image::load_from_memory(&out.thumb).unwrap();
    assert_eq!(screen.dimensions(), (1600, 800));
    assert_eq!(thumb.dimensions(), (320, 160));
}

#[test]
fn png_with_transparency_stays_png() {
    let img = RgbaImage::from_pixel(10, 10, Rgba([0, 0, 0, 0]));
    let mut png = Vec::new();
    DynamicImage::ImageRgba8(img)
        .write_with_encoder(PngEncoder::new(&mut png))
        .unwrap();
    let out = rebuild_image(&png, &Bounds::default()).unwrap();
    assert_eq!(out.mime, "image/png");
    assert!(out.original.starts_with(b"\x89PNG"));
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_decompression_bomb_is_refused_before_decoding() {
    // A tiny PNG whose header claims 20000×20000: the pixels would need 1.2 GB.
    let mut png = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::new(1, 1))
        .write_with_encoder(PngEncoder::new(&mut png))
        .unwrap();
    // IHDR data sits at 16..29, its CRC (over type + data) at 29..33.
    png[16..20].copy_from_slice(&20_000u32.to_be_bytes());
    png[20..24].copy_from_slice(&20_000u32.to_be_bytes());
    let crc = crc32(&png[12..29]);
    png[29..33].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(
        rebuild_image(&png, &Bounds::default()).unwrap_err(),
        FileRefusal::TooManyPixels
    );
}

#[test]
fn wrong_truncated_and_oversized_files_are_refused() {
    let bounds = Bounds::default();
    assert_eq!(
        rebuild_image(b"not a photo at all, only text", &bounds).unwrap_err(),
        FileRefusal::Unsupported
    );
    let jpeg = two_colour_jpeg();
    assert_eq!(
        rebuild_image(&jpeg[..jpeg.len() / 3], &bounds).unwrap_err(),
        FileRefusal::Corrupt
    );
    let small = Bounds {
        file_bytes: u64::try_from(jpeg.len()).unwrap() - 1,
        ..bounds
    };
    assert_eq!(
        rebuild_image(&jpeg, &small).unwrap_err(),
        FileRefusal::TooLarge
    );
}
