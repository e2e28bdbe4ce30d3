//! A care record leaves in FHIR and as 支援経過 CSV, through the gateway: a recipient with a team
//! of three offices, ten posts (one urgent, one with a photo, one by a member who has left since)
//! and a reply. The Bundle validates against the FHIR R4 JSON schema and holds every post's text,
//! author and time; only current members get it, and the trail records an export. The CSV has its
//! BOM, neutral cells and the posts of its period only.
//!
//! The JP Core `StructureDefinition`s are not checked: no package registry the project reaches
//! carries them, so the Bundle is validated against FHIR R4 (`tests/fhir/validate_bundle.py`).

use crate::world::{World, member, register, wait_until, world, world_with};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, RgbImage};
use proto::careboard as pb;
use proto::common::Role;
use serde_json::{Value, json};
use std::process::Command;
use std::time::Duration;
use system_tests::people::{self, NewPerson};

/// A post as written, to be found again in the export.
struct Written {
    id: String,
    body: String,
    author_id: String,
    author_name: String,
    created_at: String,
}

impl From<pb::Post> for Written {
    fn from(p: pb::Post) -> Self {
        Self {
            id: p.id,
            body: p.body,
            author_id: p.author_user_id,
            author_name: p.author_name,
            created_at: p.created_at,
        }
    }
}

fn photo() -> Vec<u8> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(RgbImage::from_pixel(16, 16, image::Rgb([200, 80, 80])))
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        .unwrap();
    out
}

fn of_type<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

/// The venv's jsonschema against HL7's R4 schema, both installed by `cargo xtask test`
/// (or `cargo xtask tools`).
fn validate(bundle: &Value, dir: &std::path::Path) {
    let root = system_tests::workspace_root();
    let schema = root.join("target/tools/fhir/fhir.schema.json");
    assert!(
        schema.is_file(),
        "{} is missing: run `cargo xtask tools`",
        schema.display()
    );
    let file = dir.join("bundle.json");
    std::fs::write(&file, serde_json::to_vec(bundle).unwrap()).unwrap();
    let out = Command::new(root.join("target/tools/venv/bin/python"))
        .arg(root.join("tests/fhir/validate_bundle.py"))
        .arg(&schema)
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the Bundle is not valid FHIR R4:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_record_of_three_offices_leaves_as_valid_fhir_and_as_csv() {
    let w = world("rk-board-fhir-").await;
    let mut grpc = w.careboard();
    let helpers = people::office(
        &w.stack,
        &w.op,
        &w.dir.path().join("devices"),
        "高萩ヘルパーステーション",
        "訪問介護",
    )
    .await
    .unwrap();
    let helper = people::person(
        &w.stack,
        &w.op,
        &helpers,
        &NewPerson {
            login_id: "hp.kimura",
            name: "木村 ヘルパー",
            kana: "キムラ ヘルパー",
            profession: "ヘルパー",
            office_admin: false,
        },
    )
    .await
    .unwrap();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let nurse = World::actor(&w.nurse, &w.nursing, Role::Staff);
    let home_help = World::actor(&helper, &helpers, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 記録子", "タカハギ キロクコ").await;
    for p in [&w.nurse.id, &helper.id, &w.leaver.id] {
        grpc.add_member(member(&rep, &board, p)).await.unwrap();
    }

    // The ninth post's author leaves the team before the export.
    let leaver = World::actor(&w.leaver, &w.care, Role::Staff);
    let authors = [&rep, &nurse, &home_help];
    let mut written: Vec<Written> = Vec::new();
    for n in 0..9 {
        let body = match n {
            4 => "=cmd|' /C calc'!A0".to_owned(),
            _ => format!("{}回目の訪問、変わりなし。", n + 1),
        };
        let p = grpc
            .create_post(pb::CreatePostRequest {
                actor: Some(if n == 8 { &leaver } else { authors[n % 3] }.clone()),
                recipient_id: board.clone(),
                body,
                category: if n % 2 == 0 { "バイタル" } else { "" }.into(),
                urgent: n == 3,
                file_ids: Vec::new(),
            })
            .await
            .unwrap()
            .into_inner();
        written.push(p.into());
    }
    grpc.remove_member(member(&rep, &board, &w.leaver.id))
        .await
        .unwrap();
    // The tenth with a photo, through the API as the nurse's tablet sends it.
    let nurse_session = w.session(&w.nursing, &w.nurse).await;
    let up = nurse_session
        .upload(
            &format!("/api/v1/boards/{board}/files"),
            "褥瘡.jpg",
            photo(),
        )
        .await
        .unwrap();
    assert_eq!(up.status, 201, "{}", up.body);
    let file_id = up.body["id"].as_str().unwrap().to_owned();
    let tenth = nurse_session
        .post(
            &format!("/api/v1/boards/{board}/posts"),
            &json!({ "body": "仙骨部に発赤あり。写真を添付します。", "files": [file_id] }),
        )
        .await
        .unwrap();
    assert_eq!(tenth.status, 200, "{}", tenth.body);
    written.push(Written {
        id: tenth.body["id"].as_str().unwrap().to_owned(),
        body: tenth.body["body"].as_str().unwrap().to_owned(),
        author_id: w.nurse.id.clone(),
        author_name: tenth.body["author_name"].as_str().unwrap().to_owned(),
        created_at: tenth.body["created_at"].as_str().unwrap().to_owned(),
    });
    let reply: Written = grpc
        .create_reply(pb::CreateReplyRequest {
            actor: Some(home_help.clone()),
            recipient_id: board.clone(),
            post_id: written[3].id.clone(),
            body: "了解しました。午後に伺います。".into(),
            file_ids: Vec::new(),
        })
        .await
        .unwrap()
        .into_inner()
        .into();

    // The export, as a member of the third office asks for it.
    let home_help_session = w.session(&helpers, &helper).await;
    let answer = home_help_session
        .get_raw(&format!("/api/v1/recipients/{board}/fhir"))
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["content-type"].to_str().unwrap(),
        "application/fhir+json"
    );
    let bundle: Value = answer.json().await.unwrap();
    validate(&bundle, w.dir.path());
    assert_eq!(bundle["type"], "collection");
    assert!(
        bundle.get("meta").is_none(),
        "the whole record, not a subset"
    );
    assert_eq!(of_type(&bundle, "Patient")[0]["id"], board.as_str());
    assert_eq!(of_type(&bundle, "Organization").len(), 3);
    assert_eq!(of_type(&bundle, "PractitionerRole").len(), 3);
    let team = of_type(&bundle, "CareTeam");
    assert_eq!(team[0]["participant"].as_array().map(Vec::len), Some(3));

    // Round trip: every post's text, author and time are in the Bundle.
    let comms = of_type(&bundle, "Communication");
    assert_eq!(comms.len(), 11);
    let practitioners = of_type(&bundle, "Practitioner");
    assert_eq!(practitioners.len(), 4, "the team and the one who left");
    for p in written.iter().chain([&reply]) {
        let c = comms
            .iter()
            .find(|c| c["id"] == p.id.as_str())
            .unwrap_or_else(|| panic!("post {} exported", p.id));
        assert_eq!(c["payload"][0]["contentString"], p.body.as_str());
        assert_eq!(c["sent"], p.created_at.as_str());
        let sender = format!("Practitioner/{}", p.author_id);
        assert_eq!(c["sender"]["reference"], sender.as_str());
        let author = practitioners
            .iter()
            .find(|r| format!("Practitioner/{}", r["id"].as_str().unwrap()) == sender)
            .expect("the author is in the Bundle");
        assert_eq!(author["name"][0]["text"], p.author_name.as_str());
    }
    let urgent = comms.iter().find(|c| c["id"] == written[3].id.as_str());
    assert_eq!(urgent.unwrap()["priority"], "urgent");
    let answered = comms.iter().find(|c| c["id"] == reply.id.as_str()).unwrap();
    assert_eq!(
        answered["inResponseTo"][0]["reference"],
        format!("Communication/{}", written[3].id)
    );
    let docs = of_type(&bundle, "DocumentReference");
    assert_eq!(docs.len(), 1);
    let attachment = &docs[0]["content"][0]["attachment"];
    assert_eq!(attachment["title"], "褥瘡.jpg");
    assert_eq!(attachment["contentType"], "image/jpeg");
    assert_eq!(
        attachment["url"],
        format!("/api/v1/boards/{board}/files/{file_id}")
    );
    assert!(attachment.get("data").is_none(), "no bytes inline");

    // Off the team, and the city's operator, are refused.
    let outsider = w.session(&w.nursing, &w.outsider).await;
    let fhir = format!("/api/v1/recipients/{board}/fhir");
    assert_eq!(outsider.get(&fhir).await.unwrap().status, 403);
    assert_eq!(w.op.get(&fhir).await.unwrap().status, 403);

    // The trail tells the export from a print, the refusals too.
    let identity = w.stack.database("identity").await.unwrap();
    wait_until(Duration::from_secs(10), async || {
        let outcomes: Vec<String> = sqlx::query_scalar(
            "SELECT outcome FROM audit_log WHERE action = 'recipient.export' AND target_id = $1",
        )
        .bind(&board)
        .fetch_all(&identity)
        .await
        .unwrap();
        outcomes.iter().filter(|o| *o == "success").count() == 1
            && outcomes.iter().filter(|o| *o == "denied").count() == 2
    })
    .await;

    csv_of_the_period(&w, &board, &written, &reply).await;
}

/// The 支援経過 CSV of today holds every post and the reply, formula-safe; of another period,
/// none; a wrong date is a 422, never a file.
async fn csv_of_the_period(w: &World, board: &str, written: &[Written], reply: &Written) {
    let manager = w.session(&w.care, &w.care_manager).await;
    let today =
        common::japan::today(common::clock::Clock::now(&common::clock::SystemClock)).to_string();
    let got = manager
        .get_raw(&format!(
            "/boards/{board}/export.csv?from={today}&to={today}"
        ))
        .await
        .unwrap();
    assert_eq!(got.status(), 200);
    assert_eq!(
        got.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let text = got.text().await.unwrap();
    assert!(text.starts_with("\u{feff}日時,記入者,職種,事業所,分類,緊急,内容,返信先\r\n"));
    assert_eq!(text.lines().count(), 1 + written.len() + 1, "{text}");
    assert!(
        text.contains(",'=cmd|' /C calc'!A0,"),
        "neutralised: {text}"
    );
    assert!(!text.contains(",=cmd"));
    for p in written.iter().chain([reply]) {
        if !p.body.starts_with('=') {
            assert!(text.contains(&p.body), "{} in the CSV", p.body);
        }
    }
    assert!(text.contains(",緊急,"), "the urgent post is marked");
    assert!(text.contains("の書き込み\r\n"), "the reply names its post");

    let api = manager
        .get_raw(&format!(
            "/api/v1/boards/{board}/export.csv?from={today}&to={today}"
        ))
        .await
        .unwrap();
    assert_eq!(api.text().await.unwrap(), text);
    let before = manager
        .get_raw(&format!(
            "/api/v1/boards/{board}/export.csv?from=2026-01-01&to=2026-01-31"
        ))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(before.lines().count(), 1, "another period holds none");
    let wrong = manager
        .get(&format!(
            "/api/v1/boards/{board}/export.csv?from=2026-13-01&to=2026-01-31"
        ))
        .await
        .unwrap();
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    let outsider = w.session(&w.nursing, &w.outsider).await;
    let refused = outsider
        .get(&format!("/boards/{board}/export.csv"))
        .await
        .unwrap();
    assert_eq!(refused.status, 403);
    let print = manager
        .get(&format!("/boards/{board}/print"))
        .await
        .unwrap();
    assert!(
        print
            .body
            .as_str()
            .unwrap()
            .contains(&format!("/boards/{board}/export.csv?from=")),
        "the print view links to the CSV"
    );
}

/// A city that lets only the representative export: a member is refused, the representative is
/// answered, and the CSV of the print stays the team's.
#[tokio::test(flavor = "multi_thread")]
async fn a_city_may_keep_the_export_to_the_representative() {
    let w = world_with(
        "rk-board-fhir-rep-",
        &[("BOARD_EXPORT_BY", "representative")],
    )
    .await;
    let mut grpc = w.careboard();
    let rep = World::actor(&w.care_manager, &w.care, Role::Staff);
    let board = register(&mut grpc, &rep, "高萩 代表子", "タカハギ ダイヒョウコ").await;
    grpc.add_member(member(&rep, &board, &w.nurse.id))
        .await
        .unwrap();
    let fhir = format!("/api/v1/recipients/{board}/fhir");
    let nurse = w.session(&w.nursing, &w.nurse).await;
    let refused = nurse.get(&fhir).await.unwrap();
    assert_eq!(refused.status, 403, "{}", refused.body);
    let manager = w.session(&w.care, &w.care_manager).await;
    let got = manager.get_raw(&fhir).await.unwrap();
    assert_eq!(got.status(), 200);
    let bundle: Value = got.json().await.unwrap();
    validate(&bundle, w.dir.path());
    let csv = nurse
        .get_raw(&format!("/api/v1/boards/{board}/export.csv"))
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
}
