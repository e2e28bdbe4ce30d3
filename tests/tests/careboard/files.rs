//! Photos and documents on the board, through the gateway: a phone's photo is served upright
//! and without its EXIF (GPS would reveal the patient's home), a PDF only as a download, both
//! only to current members and never cached; every refused upload stores nothing; an upload no
//! post takes is swept with its objects. The same scenario runs with the files in a directory and
//! in a real S3-compatible store.

use crate::world::{Store, World, count, member, register, wait_until, world_on};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GenericImageView, Rgb, RgbImage};
use lopdf::{Document, Object, dictionary};
use proto::common::Role;
use serde_json::json;
use std::path::Path;
use std::time::Duration;
use system_tests::api::Session;

/// A 60×30 photo, green on the left and magenta on the right, as a camera holding the phone
/// sideways stores it: the pixels unturned, orientation 6 and GPS in a little-endian EXIF block.
fn sideways_photo() -> Vec<u8> {
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
        .unwrap();
    let gps = b"36 deg 43' 1.2\" N, 140 deg 42' 53\" E\0";
    let mut tiff = b"II\x2a\0\x08\0\0\0".to_vec();
    tiff.extend_from_slice(&2u16.to_le_bytes());
    tiff.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0]);
    tiff.extend_from_slice(&[0x25, 0x88, 2, 0]);
    tiff.extend_from_slice(&u32::try_from(gps.len()).unwrap().to_le_bytes());
    tiff.extend_from_slice(&38u32.to_le_bytes());
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(gps);
    let mut photo = plain[..2].to_vec();
    photo.extend_from_slice(&[0xFF, 0xE1]);
    photo.extend_from_slice(&u16::try_from(8 + tiff.len()).unwrap().to_be_bytes());
    photo.extend_from_slice(b"Exif\0\0");
    photo.extend_from_slice(&tiff);
    photo.extend_from_slice(&plain[2..]);
    photo
}

/// A discharge summary as a hospital's system writes it: one A4 page.
fn summary_pdf() -> Vec<u8> {
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
    doc.save_to(&mut out).unwrap();
    out
}

/// A PNG header claiming 20000×20000 pixels: a decompression bomb's first bytes.
fn bomb() -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    png.extend_from_slice(&20_000u32.to_be_bytes());
    png.extend_from_slice(&20_000u32.to_be_bytes());
    png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png.extend_from_slice(&[0; 64]);
    png
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// How many objects the store holds: files under its directory (the S3 server keeps each object
/// as a file in its bucket's folder, and its own bookkeeping beside that folder).
fn objects(dir: &Path) -> usize {
    fn walk(p: &Path) -> usize {
        std::fs::read_dir(p).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
    }
    walk(dir)
}

async fn upload(
    who: &Session,
    board: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (u16, serde_json::Value) {
    let a = who
        .upload(&format!("/api/v1/boards/{board}/files"), name, bytes)
        .await
        .unwrap();
    (a.status, a.body)
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_and_a_pdf_reach_the_team_rebuilt_and_no_one_else() {
    photos_and_a_pdf(Store::Directory).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn photos_and_a_pdf_reach_the_team_rebuilt_and_no_one_else_from_s3() {
    photos_and_a_pdf(Store::S3).await;
}

async fn photos_and_a_pdf(store: Store) {
    let w = world_on(
        "rk-board-files-",
        &[("BOARD_FILE_PENDING_SECONDS", "3")],
        store,
    )
    .await;
    let store_dir = w.objects_dir();
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 写子", "タカハギ シャコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let db = w.stack.database("careboard").await.unwrap();

    let (status, photo) = upload(&nurse, &board, "IMG_0412.JPG", sideways_photo()).await;
    assert_eq!(status, 201, "{photo}");
    assert_eq!(
        (photo["width"].as_u64(), photo["height"].as_u64()),
        (Some(30), Some(60))
    );
    let (status, pdf) = upload(&nurse, &board, "退院時サマリー.pdf", summary_pdf()).await;
    assert_eq!(status, 201, "{pdf}");
    assert_eq!(pdf["kind"], "pdf");
    let ids = [photo["id"].as_str().unwrap(), pdf["id"].as_str().unwrap()];
    let posted = nurse
        .post(
            &format!("/api/v1/boards/{board}/posts"),
            &json!({ "body": "仙骨部の発赤、写真を添付します。", "files": ids }),
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 200, "{}", posted.body);
    assert_eq!(posted.body["files"].as_array().map(Vec::len), Some(2));
    // A file goes with one post only.
    let again = nurse
        .post(
            &format!("/api/v1/boards/{board}/posts"),
            &json!({ "body": "同じ写真をもう一度", "files": [ids[0]] }),
        )
        .await
        .unwrap();
    assert_eq!(again.status, 422, "{}", again.body);

    // A member of another office on the team sees the photo upright, with nothing of the camera.
    let manager = w.session(&w.care, &w.care_manager).await;
    let page = manager.get(&format!("/boards/{board}")).await.unwrap();
    let thumb = format!("/boards/{board}/files/{}/thumb", ids[0]);
    assert!(
        page.body.as_str().unwrap().contains(&thumb),
        "the post shows its thumbnail"
    );
    let served = manager
        .get_raw(&format!("/boards/{board}/files/{}/original", ids[0]))
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    let header = |r: &reqwest::Response, name: &str| {
        r.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    assert_eq!(header(&served, "content-type"), "image/jpeg");
    assert_eq!(header(&served, "cache-control"), "private, no-store");
    assert_eq!(header(&served, "x-content-type-options"), "nosniff");
    assert!(header(&served, "content-security-policy").contains("sandbox"));
    let bytes = served.bytes().await.unwrap();
    assert!(
        !contains(&bytes, b"Exif") && !contains(&bytes, b"140 deg"),
        "no EXIF, no GPS"
    );
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!(img.dimensions(), (30, 60), "turned upright");
    let top = img.get_pixel(15, 5);
    assert!(
        top[1] > 150 && top[0] < 100,
        "the left (green) half is on top: {top:?}"
    );
    let doc = manager
        .get_raw(&format!("/boards/{board}/files/{}/original", ids[1]))
        .await
        .unwrap();
    assert_eq!(header(&doc, "content-type"), "application/pdf");
    assert!(header(&doc, "content-disposition").starts_with("attachment;"));
    let doc_bytes = doc.bytes().await.unwrap();
    assert!(doc_bytes.starts_with(b"%PDF-"));

    // Someone off the team, a member removed and the city's operator are refused.
    let outsider = w.session(&w.nursing, &w.outsider).await;
    let original = format!("/api/v1/boards/{board}/files/{}", ids[0]);
    assert_eq!(outsider.get(&original).await.unwrap().status, 403);
    assert_eq!(w.op.get(&original).await.unwrap().status, 403);
    grpc.remove_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    assert_eq!(nurse.get(&original).await.unwrap().status, 403);
    let (status, _) = upload(&nurse, &board, "a.jpg", sideways_photo()).await;
    assert_eq!(status, 403, "a removed member cannot upload");

    // Each refusal is the uploader's to fix, says why, and leaves nothing behind.
    let (rows, stored) = (count(&db, "board_files").await, objects(&store_dir));
    let truncated = {
        let p = sideways_photo();
        p[..p.len() / 2].to_vec()
    };
    let broken_pdf = {
        let p = summary_pdf();
        p[..p.len() / 2].to_vec()
    };
    let large = vec![0xFFu8; 10 * 1024 * 1024 + 1];
    for (name, bytes, expected) in [
        ("notes.jpg", b"not a photo at all, only words".to_vec(), 415),
        ("bomb.png", bomb(), 422),
        ("cut.jpg", truncated, 422),
        ("cut.pdf", broken_pdf, 422),
        ("large.jpg", large, 413),
    ] {
        let (status, body) = upload(&manager, &board, name, bytes).await;
        assert_eq!(status, expected, "{name}: {body}");
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            !message.is_empty() && !message.is_ascii(),
            "{name}: said in Japanese: {body}"
        );
    }
    assert_eq!(
        count(&db, "board_files").await,
        rows,
        "no row for a refused file"
    );
    assert_eq!(objects(&store_dir), stored, "no object for a refused file");

    // An upload no post takes is swept with its objects.
    let (status, orphan) = upload(&manager, &board, "unused.jpg", sideways_photo()).await;
    assert_eq!(status, 201, "{orphan}");
    let orphan = orphan["id"].as_str().unwrap().to_owned();
    assert!(objects(&store_dir) > stored);
    wait_until(Duration::from_secs(20), async || {
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM board_files WHERE id = $1::uuid")
            .bind(&orphan)
            .fetch_one(&db)
            .await
            .unwrap();
        rows == 0 && objects(&store_dir) == stored
    })
    .await;
    // The attached files stay.
    let kept = manager
        .get_raw(&format!("/boards/{board}/files/{}/thumb", ids[0]))
        .await
        .unwrap();
    assert_eq!(kept.status(), 200);

    // Every view and download is in the audit trail.
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(20), async || {
        let viewed: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM audit_log \
             WHERE action IN ('file.view', 'file.download') AND outcome = 'success'",
        )
        .fetch_one(&identity)
        .await
        .unwrap();
        viewed >= 3
    })
    .await;
}
