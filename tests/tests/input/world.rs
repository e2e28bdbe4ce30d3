//! What every input scenario starts from: the stack, the operator, and an office the city
//! registered directly, with its admin and a staff member on the office's own device.

use system_tests::Stack;
use system_tests::api::Session;
use system_tests::people::{self, NewPerson, Office, Person};

pub struct World {
    pub stack: Stack,
    pub op: Session,
    pub office: Office,
    pub admin: Person,
    pub staff: Person,
    pub dir: tempfile::TempDir,
}

pub async fn world(prefix: &str) -> World {
    let (dir, stack) = Stack::in_temp_dir(prefix, |o| o).await.unwrap();
    let op = people::operator(&stack).await.unwrap();
    // Registered by the city itself: the kind has a code, and the city registered it without one.
    let office = people::office(
        &stack,
        &op,
        &dir.path().join("devices"),
        "高萩さくら訪問看護ステーション",
        "訪問看護ステーション",
    )
    .await
    .unwrap();
    let admin = people::person(
        &stack,
        &op,
        &office,
        &NewPerson {
            login_id: "admin.sakura",
            name: "桜 花子",
            kana: "サクラ ハナコ",
            profession: "看護師",
            office_admin: true,
        },
    )
    .await
    .unwrap();
    let staff = people::person(
        &stack,
        &op,
        &office,
        &NewPerson {
            login_id: "ns.kato",
            name: "加藤 恵",
            kana: "カトウ メグミ",
            profession: "看護師",
            office_admin: false,
        },
    )
    .await
    .unwrap();
    World {
        stack,
        op,
        office,
        admin,
        staff,
        dir,
    }
}

/// A raw urlencoded body, sent as a browser form with the CSRF token first (the session's, or
/// before login the client's pre-session one): the values are written as they go on the wire, so
/// a test can send bytes no browser would.
pub async fn post_raw_form(s: &Session, path: &str, raw: &str) -> (u16, String) {
    let body = format!("csrf_token={}&{raw}", s.token().await.unwrap());
    let r = s
        .http
        .post(format!("{}{path}", s.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap_or_default())
}
