//! `cargo xtask bench photos`: photos on the board. First, with the stack idle, 20 uploads of a
//! photo just under 10 MB at once, with the gateway's and careboard's resident memory before and
//! at its peak (`VmRSS`, `VmHWM` from `/proc`, as `login` reads them); then the upload throughput of one phone sending
//! photos one after another; then the p99 of a board page whose 50 posts each carry a photo,
//! against the same page of text-only posts.

use super::board::login::memory;
use anyhow::{Context, Result, bail};
use proto::careboard as pb;
use std::sync::Arc;
use std::time::{Duration, Instant};
use system_tests::api::Session;
use system_tests::people::{self, TwoOffices};
use system_tests::samples::camera_photo;
use system_tests::{Stack, StackOptions};

const AT_ONCE: usize = 20;
const ONE_AFTER_ANOTHER: usize = 20;
const POSTS: usize = 50;
const PAGE_READS: usize = 200;

pub struct Figures {
    pub big_photo_bytes: usize,
    pub gateway_kib: (u64, u64),
    pub careboard_kib: (u64, u64),
    pub upload_mb_per_second: f64,
    pub photo_bytes: usize,
    pub page_p99_text: Duration,
    pub page_p99_photos: Duration,
}

/// The largest camera photo under the city's 10 MB limit this generator makes.
fn photo_near_the_limit() -> Vec<u8> {
    let mut side = 1200;
    loop {
        let photo = camera_photo(side * 4 / 3, side);
        if photo.len() > 10 * 1024 * 1024 || side > 4000 {
            return camera_photo((side - 200) * 4 / 3, side - 200);
        }
        side += 200;
    }
}

async fn upload(who: &Session, board: &str, photo: Vec<u8>) -> Result<String> {
    let a = who
        .upload(&format!("/api/v1/boards/{board}/files"), "IMG.JPG", photo)
        .await?;
    if a.status != 201 {
        bail!("an upload answered {}: {}", a.status, a.body);
    }
    Ok(a.body["id"].as_str().unwrap_or_default().to_owned())
}

async fn register(stack: &Stack, team: &TwoOffices, name: &str) -> Result<String> {
    let mut grpc = pb::careboard_client::CareboardClient::new(system_tests::grpc::as_gateway(
        stack,
        "careboard",
    )?);
    let r = grpc
        .register_recipient(pb::RegisterRecipientRequest {
            actor: Some(proto::common::Actor {
                user_id: team.care_manager.id.clone(),
                office_id: team.care.id.clone(),
                role: proto::common::Role::Staff.into(),
                cert_serial: String::new(),
            }),
            consent: Some(pb::ConsentFields {
                obtained_on: "2026-11-01".into(),
                obtained_by: "ケアマネジャー".into(),
                office_keeps_copy: true,
                recipient_keeps_original: true,
            }),
            fields: Some(pb::RecipientFields {
                name: name.into(),
                kana: "タカハギ".into(),
                birth_date: "1936-05-05".into(),
                sex: "女性".into(),
                address: "茨城県高萩市本町1-1".into(),
                care_level: "要介護2".into(),
                ..Default::default()
            }),
            allow_duplicate: true,
        })
        .await?;
    Ok(r.into_inner().recipient_id)
}

async fn page_p99(who: &Session, board: &str) -> Result<Duration> {
    let mut took = Vec::with_capacity(PAGE_READS);
    for _ in 0..PAGE_READS {
        let started = Instant::now();
        let a = who.get(&format!("/boards/{board}")).await?;
        if a.status != 200 {
            bail!("the board page answered {}", a.status);
        }
        took.push(started.elapsed());
    }
    took.sort();
    Ok(took[took.len() * 99 / 100 - 1])
}

pub async fn run(dir: &std::path::Path) -> Result<Figures> {
    eprintln!("xtask: starting the stack");
    let opts = StackOptions {
        otlp: false,
        env: vec![
            ("RUST_LOG".into(), "warn".into()),
            // As deploy/k8s runs careboard and identity.
            ("MALLOC_MMAP_THRESHOLD_".into(), "1048576".into()),
        ],
        ..StackOptions::for_test(dir)
    };
    let stack = Stack::start(opts)
        .await
        .context("the stack did not start")?;
    let op = people::operator(&stack).await?;
    let team = people::two_offices(&stack, &op, &dir.join("devices")).await?;
    let with_photos = register(&stack, &team, "高萩 写真").await?;
    let text_only = register(&stack, &team, "高萩 文字").await?;
    let who = Arc::new(people::session(&stack, &team.care, &team.care_manager).await?);
    let pids = (
        stack.pid("gateway").context("the gateway is not running")?,
        stack.pid("careboard").context("careboard is not running")?,
    );

    let big = photo_near_the_limit();
    eprintln!("xtask: {AT_ONCE} uploads of {} bytes at once", big.len());
    let idle = (memory(pids.0)?.1, memory(pids.1)?.1);
    let uploads: Vec<_> = (0..AT_ONCE)
        .map(|_| {
            let (who, board, photo) = (who.clone(), with_photos.clone(), big.clone());
            tokio::spawn(async move { upload(&who, &board, photo).await })
        })
        .collect();
    for u in uploads {
        u.await.context("an upload panicked")??;
    }
    let peak = (memory(pids.0)?.0, memory(pids.1)?.0);

    let photo = camera_photo(2000, 1500);
    eprintln!(
        "xtask: {ONE_AFTER_ANOTHER} uploads of {} bytes one after another",
        photo.len()
    );
    let started = Instant::now();
    let mut ids = Vec::new();
    for _ in 0..ONE_AFTER_ANOTHER {
        ids.push(upload(&who, &with_photos, photo.clone()).await?);
    }
    #[expect(clippy::cast_precision_loss, reason = "megabytes sent")]
    let upload_mb_per_second =
        (photo.len() * ONE_AFTER_ANOTHER) as f64 / 1_048_576.0 / started.elapsed().as_secs_f64();

    eprintln!("xtask: {POSTS} posts with a photo, {POSTS} without");
    for i in 0..POSTS {
        let file = match ids.pop() {
            Some(id) => id,
            None => upload(&who, &with_photos, photo.clone()).await?,
        };
        for (board, files) in [(&with_photos, vec![file]), (&text_only, Vec::new())] {
            let body = serde_json::json!({ "body": format!("訪問記録 {i}"), "files": files });
            let a = who
                .post(&format!("/api/v1/boards/{board}/posts"), &body)
                .await?;
            if a.status != 200 {
                bail!("a post answered {}: {}", a.status, a.body);
            }
        }
    }
    eprintln!("xtask: reading each board page {PAGE_READS} times");
    let page_p99_text = page_p99(&who, &text_only).await?;
    let page_p99_photos = page_p99(&who, &with_photos).await?;
    Ok(Figures {
        big_photo_bytes: big.len(),
        gateway_kib: (idle.0, peak.0),
        careboard_kib: (idle.1, peak.1),
        upload_mb_per_second,
        photo_bytes: photo.len(),
        page_p99_text,
        page_p99_photos,
    })
}

#[must_use]
pub fn report(f: &Figures) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    #[expect(clippy::cast_precision_loss, reason = "memory sizes in KiB")]
    let mib = |kib: u64| kib as f64 / 1024.0;
    #[expect(clippy::cast_precision_loss, reason = "file sizes")]
    let mb = |b: usize| b as f64 / 1_048_576.0;
    let above = |(idle, peak): (u64, u64)| mib(peak.saturating_sub(idle));
    format!(
        "{AT_ONCE} uploads of {:.1} MB at once: gateway resident MiB idle {:.1}, peak {:.1} ({:.1} above idle)\n\
         {AT_ONCE} uploads of {:.1} MB at once: careboard resident MiB idle {:.1}, peak {:.1} ({:.1} above idle)\n\
         upload throughput, one phone, photos of {:.1} MB one after another: {:.1} MB/s\n\
         board page p99 ms, {POSTS} posts: text only {:.1}, each with a photo {:.1}\n",
        mb(f.big_photo_bytes),
        mib(f.gateway_kib.0),
        mib(f.gateway_kib.1),
        above(f.gateway_kib),
        mb(f.big_photo_bytes),
        mib(f.careboard_kib.0),
        mib(f.careboard_kib.1),
        above(f.careboard_kib),
        mb(f.photo_bytes),
        f.upload_mb_per_second,
        ms(f.page_p99_text),
        ms(f.page_p99_photos),
    )
}
