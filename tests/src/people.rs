//! The people a workflow test needs, made the way the city makes them: offices registered by the
//! operator, a device certificate enrolled from the mailed code, staff accounts whose initial
//! password has been changed at first login.

use crate::Stack;
use crate::api::{Device, Session};
use anyhow::{Context, bail};
use base64::Engine;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An office with one enrolled device (its .p12 too, for a browser).
pub struct Office {
    pub id: String,
    pub device: Device,
    pub p12: PathBuf,
    pub p12_password: String,
}

/// A staff member whose password is already their own.
#[derive(Clone)]
pub struct Person {
    pub id: String,
    pub login_id: String,
    pub password: String,
    pub email: String,
}

pub async fn operator(stack: &Stack) -> anyhow::Result<Session> {
    let op = &stack.bootstrap.operator;
    let device = Device {
        cert: op.cert_pem.clone(),
        key: op.key_pem.clone(),
    };
    Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &device,
        &op.login_id,
        &op.password,
    )
    .await
}

/// The newest mail mentioning `needle`, waiting for it up to 15 s.
pub async fn mail_with(stack: &Stack, needle: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(m) = stack.mails().into_iter().find(|m| m.contains(needle)) {
            return Ok(m);
        }
        if Instant::now() > deadline {
            bail!("no mail mentioning {needle}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Registers an office and enrolls one device for it from a code the operator issues.
pub async fn office(
    stack: &Stack,
    op: &Session,
    dir: &Path,
    name: &str,
    kind: &str,
) -> anyhow::Result<Office> {
    let slug = format!("office-{}", uuid::Uuid::now_v7().simple());
    let created = op
        .post(
            "/api/v1/operator/offices",
            &json!({"name": name, "kind": kind, "admin_email": format!("{slug}@example.jp")}),
        )
        .await?;
    if created.status != 201 {
        bail!("office not registered: {}", created.body);
    }
    let id = created.body["id"].as_str().context("office id")?.to_owned();
    let code = op
        .post(
            &format!("/api/v1/operator/offices/{id}/enrollment-codes"),
            &json!({}),
        )
        .await?;
    let number = code.body["number"].as_str().context("code number")?;
    let secret = code.body["secret"].as_str().context("code secret")?;
    mail_with(stack, number).await?;
    let public = Session::anonymous(&stack.bootstrap.gateway_url, &stack.bootstrap.ca_cert, None)?;
    let p12_password = "device file password".to_owned();
    let enrolled = public
        .post(
            "/api/v1/public/enroll",
            &json!({"number": number, "secret": secret, "device_label": format!("{slug}-pc"), "p12_password": p12_password}),
        )
        .await?;
    if enrolled.status != 201 {
        bail!("enrollment refused: {}", enrolled.body);
    }
    let p12_bytes = base64::engine::general_purpose::STANDARD
        .decode(enrolled.body["p12_base64"].as_str().context("p12")?)?;
    std::fs::create_dir_all(dir)?;
    let p12 = dir.join(format!("{slug}.p12"));
    std::fs::write(&p12, &p12_bytes)?;
    let device = Device::from_p12(&p12_bytes, &p12_password, dir, &slug)?;
    Ok(Office {
        id,
        device,
        p12,
        p12_password,
    })
}

pub struct NewPerson<'a> {
    pub login_id: &'a str,
    pub name: &'a str,
    pub kana: &'a str,
    pub profession: &'a str,
    pub office_admin: bool,
}

/// Creates the account (as the operator) and changes its initial password at first login.
pub async fn person(
    stack: &Stack,
    op: &Session,
    office: &Office,
    new: &NewPerson<'_>,
) -> anyhow::Result<Person> {
    let email = format!("{}@example.jp", new.login_id);
    let made = op
        .post(
            "/api/v1/users",
            &json!({"office_id": office.id, "login_id": new.login_id, "name": new.name, "kana": new.kana,
                    "profession": new.profession, "email": email, "office_admin": new.office_admin}),
        )
        .await?;
    if made.status != 201 {
        bail!("user not created: {}", made.body);
    }
    let id = made.body["user"]["id"]
        .as_str()
        .context("user id")?
        .to_owned();
    let initial = made.body["initial_password"]
        .as_str()
        .context("initial password")?;
    let first = Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &office.device,
        new.login_id,
        initial,
    )
    .await?;
    let password = "hiru no kawa wa nagai desu".to_owned();
    let changed = first
        .post(
            "/api/v1/password",
            &json!({"current_password": initial, "new_password": password}),
        )
        .await?;
    if changed.status != 204 {
        bail!("password not changed: {}", changed.body);
    }
    Ok(Person {
        id,
        login_id: new.login_id.to_owned(),
        password,
        email,
    })
}

/// A signed-in session of `person` on the office's device.
pub async fn session(stack: &Stack, office: &Office, person: &Person) -> anyhow::Result<Session> {
    Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &office.device,
        &person.login_id,
        &person.password,
    )
    .await
}

/// The scenario most workflow tests start from: a care manager's office and a visiting-nurse
/// station, one staff member each.
pub struct TwoOffices {
    pub care: Office,
    pub nursing: Office,
    pub care_manager: Person,
    pub nurse: Person,
}

pub const CARE_MANAGER_NAME: &str = "鈴木 一郎";
pub const NURSE_NAME: &str = "佐藤 花子";
pub const NURSING_OFFICE: &str = "高萩訪問看護ステーション";

pub async fn two_offices(stack: &Stack, op: &Session, dir: &Path) -> anyhow::Result<TwoOffices> {
    let care = office(
        stack,
        op,
        dir,
        "高萩ケアプランセンター",
        "居宅介護支援事業所",
    )
    .await?;
    let nursing = office(stack, op, dir, NURSING_OFFICE, "訪問看護ステーション").await?;
    let care_manager = person(
        stack,
        op,
        &care,
        &NewPerson {
            login_id: "cm.suzuki",
            name: CARE_MANAGER_NAME,
            kana: "スズキ イチロウ",
            profession: "ケアマネジャー",
            office_admin: false,
        },
    )
    .await?;
    let nurse = person(
        stack,
        op,
        &nursing,
        &NewPerson {
            login_id: "ns.sato",
            name: NURSE_NAME,
            kana: "サトウ ハナコ",
            profession: "看護師",
            office_admin: false,
        },
    )
    .await?;
    Ok(TwoOffices {
        care,
        nursing,
        care_manager,
        nurse,
    })
}
