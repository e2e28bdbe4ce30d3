//! Photos and documents on the board, through the gateway: a phone's photo is served upright
//! and without its EXIF (GPS would reveal the patient's home), a PDF only as a download, both
//! only to current members and never cached; every refused upload stores nothing; an upload no
//! post takes is swept with its objects. The same scenario runs with the files in a directory and
//! in a real S3-compatible store.

use crate::world::{Store, World, count, member, register, wait_until, world_on};
use image::GenericImageView;
use proto::common::Role;
use serde_json::json;
use std::time::Duration;
use system_tests::api::Session;
use system_tests::samples::{bomb, sideways_photo, summary_pdf};

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
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
    let (rows, stored) = (count(&db, "board_files").await, w.objects());
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
    assert_eq!(w.objects(), stored, "no object for a refused file");

    // An upload no post takes is swept with its objects.
    let (status, orphan) = upload(&manager, &board, "unused.jpg", sideways_photo()).await;
    assert_eq!(status, 201, "{orphan}");
    let orphan = orphan["id"].as_str().unwrap().to_owned();
    assert!(w.objects() > stored);
    wait_until(Duration::from_secs(20), async || {
        let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM board_files WHERE id = $1::uuid")
            .bind(&orphan)
            .fetch_one(&db)
            .await
            .unwrap();
        rows == 0 && w.objects() == stored
    })
    .await;
    // The attached files stay.
    let kept = manager
        .get_raw(&format!("/boards/{board}/files/{}/thumb", ids[0]))
        .await
        .unwrap();
    assert_eq!(kept.status(), 200);

    // The city's report counts the month's attached files (the swept one was never on a board).
    let csv = w.op.get("/operator/report.csv").await.unwrap();
    let text = csv.body.as_str().unwrap_or_default();
    let files_this_month = text
        .lines()
        .find(|l| l.starts_with("月別,添付された写真・資料（件）,"))
        .and_then(|l| l.rsplit(',').next())
        .map(str::trim);
    assert_eq!(files_this_month, Some("2"), "{text}");

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
