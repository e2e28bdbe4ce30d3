//! A sample city, for `cargo xtask run --demo` and its test: three offices of different kinds,
//! their admins and staff of several professions, a device certificate per office, five people
//! cared for at home with teams across the offices, and their boards' posts (urgent ones, read
//! and unread, acknowledged and not). Everything goes through the gateway's HTTP API with the
//! operator's and the office admins' certificates, as people would do it; never SQL. Each step
//! first asks the system whether its result is already there, so a second run adds nothing.

use crate::Stack;
use crate::api::{Device, Session};
use anyhow::{Context, bail};
use base64::Engine;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod city;
use city::{OFFICES, PEOPLE, POSTS, RECIPIENTS, RecipientSeed};

/// Every demo person's password (a local demo's, printed for whoever opens it).
pub const PASSWORD: &str = "yuugata no houmon wa rokuji made";
/// The import password of every demo device certificate.
pub const P12_PASSWORD: &str = "demo device file";

/// What one run made: all zero when the city was already there.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    pub offices: usize,
    pub devices: usize,
    pub people: usize,
    pub recipients: usize,
    pub posts: usize,
}

pub struct DemoOffice {
    pub name: &'static str,
    pub kind: &'static str,
    pub p12: PathBuf,
}

pub struct DemoPerson {
    pub office: &'static str,
    pub login_id: &'static str,
    pub name: &'static str,
    pub profession: &'static str,
    pub admin: bool,
}

pub struct City {
    pub offices: Vec<DemoOffice>,
    pub people: Vec<DemoPerson>,
    pub recipients: Vec<&'static str>,
    pub added: Added,
}

/// Seeds the city into a running stack; the device certificates are kept in `dir`.
///
/// # Errors
/// A step the system refused, with its answer.
pub async fn seed(stack: &Stack, dir: &Path) -> anyhow::Result<City> {
    let mut added = Added::default();
    let op = crate::people::operator(stack).await?;
    let listed = op.get("/api/v1/operator/offices").await?;
    let mut offices = Vec::new();
    let mut devices = Vec::new();
    for o in &OFFICES {
        let id = if let Some(id) = find(&listed.body, "name", o.name, "id") {
            id
        } else {
            added.offices += 1;
            let made = op
                .post(
                    "/api/v1/operator/offices",
                    &json!({"name": o.name, "kind": o.kind, "admin_email": format!("{}@demo.example.jp", o.key)}),
                )
                .await?;
            if made.status != 201 {
                bail!("office {} not registered: {}", o.name, made.body);
            }
            made.body["id"].as_str().context("office id")?.to_owned()
        };
        let p12 = dir.join(format!("{}.p12", o.key));
        if !p12.exists() {
            added.devices += 1;
            enroll(stack, &op, &id, o.key, &p12).await?;
        }
        let bytes = std::fs::read(&p12)?;
        devices.push(Device::from_p12(&bytes, P12_PASSWORD, dir, o.key)?);
        offices.push(id);
    }
    let mut sessions = Vec::new();
    let mut ids = Vec::new();
    for &(office, login_id, name, kana, profession, admin) in &PEOPLE {
        let known = op
            .get(&format!("/api/v1/users?office_id={}", offices[office]))
            .await?;
        let id = if let Some(id) = find(&known.body, "login_id", login_id, "id") {
            id
        } else {
            added.people += 1;
            // The city makes each office's admin; the admin makes the office's staff.
            let maker: &Session = if admin {
                &op
            } else {
                let first = PEOPLE.iter().position(|p| p.0 == office && p.5);
                &sessions[first.context("every office's admin comes first")?]
            };
            let made = maker
                .post(
                    "/api/v1/users",
                    &json!({"office_id": offices[office], "login_id": login_id, "name": name, "kana": kana,
                            "profession": profession, "email": format!("{login_id}@demo.example.jp"), "office_admin": admin}),
                )
                .await?;
            if made.status != 201 {
                bail!("{login_id} not created: {}", made.body);
            }
            let initial = made.body["initial_password"]
                .as_str()
                .context("initial password")?;
            let first = login(stack, &devices[office], login_id, initial).await?;
            let changed = first
                .post(
                    "/api/v1/password",
                    &json!({"current_password": initial, "new_password": PASSWORD}),
                )
                .await?;
            if changed.status != 204 {
                bail!("{login_id}'s password not changed: {}", changed.body);
            }
            made.body["user"]["id"]
                .as_str()
                .context("user id")?
                .to_owned()
        };
        ids.push(id);
        sessions.push(login(stack, &devices[office], login_id, PASSWORD).await?);
    }
    for (n, r) in RECIPIENTS.iter().enumerate() {
        if register(&sessions[r.6], r).await? {
            added.recipients += 1;
            added.posts += posts(&sessions, &ids, n, r).await?;
        }
    }
    Ok(City {
        offices: OFFICES
            .iter()
            .map(|o| DemoOffice {
                name: o.name,
                kind: o.kind,
                p12: dir.join(format!("{}.p12", o.key)),
            })
            .collect(),
        people: PEOPLE
            .iter()
            .map(|p| DemoPerson {
                office: OFFICES[p.0].name,
                login_id: p.1,
                name: p.2,
                profession: p.4,
                admin: p.5,
            })
            .collect(),
        recipients: RECIPIENTS.iter().map(|r| r.0).collect(),
        added,
    })
}

/// The `want` of the first element of a JSON array whose `key` is `value`.
fn find(list: &Value, key: &str, value: &str, want: &str) -> Option<String> {
    list.as_array()?
        .iter()
        .find(|o| o[key] == value)
        .and_then(|o| o[want].as_str())
        .map(str::to_owned)
}

async fn login(
    stack: &Stack,
    device: &Device,
    id: &str,
    password: &str,
) -> anyhow::Result<Session> {
    let b = &stack.bootstrap;
    Session::login(&b.gateway_url, &b.ca_cert, device, id, password).await
}

/// One device of the office, enrolled from a code the operator issues, as 初回の証明書設定 does.
async fn enroll(
    stack: &Stack,
    op: &Session,
    office: &str,
    key: &str,
    p12: &Path,
) -> anyhow::Result<()> {
    let code = op
        .post(
            &format!("/api/v1/operator/offices/{office}/enrollment-codes"),
            &json!({}),
        )
        .await?;
    let number = code.body["number"].as_str().context("code number")?;
    let secret = code.body["secret"].as_str().context("code secret")?;
    // The code is usable once it has been mailed.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !stack.mails().iter().any(|m| m.contains(number)) {
        if Instant::now() > deadline {
            bail!("the enrollment code for {key} was not mailed");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let public = Session::anonymous(&stack.bootstrap.gateway_url, &stack.bootstrap.ca_cert, None)?;
    let enrolled = public
        .post(
            "/api/v1/public/enroll",
            &json!({"number": number, "secret": secret, "device_label": format!("デモ端末（{key}）"), "p12_password": P12_PASSWORD}),
        )
        .await?;
    if enrolled.status != 201 {
        bail!("enrollment refused: {}", enrolled.body);
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(enrolled.body["p12_base64"].as_str().context("p12")?)?;
    if let Some(parent) = p12.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(p12, bytes)?;
    Ok(())
}

/// The board's id when the representative's menu lists the person.
async fn board_id(s: &Session, name: &str) -> anyhow::Result<Option<String>> {
    let home = s.get("/home").await?;
    let html = home.body.as_str().unwrap_or_default();
    let needle = format!("\">{name}</a>");
    Ok(html.find(&needle).and_then(|end| {
        let start = html[..end].rfind("/boards/")? + "/boards/".len();
        Some(html[start..end].to_owned())
    }))
}

/// Registers the person with their consent unless the representative already has them; true
/// when registered now.
async fn register(s: &Session, r: &RecipientSeed) -> anyhow::Result<bool> {
    if board_id(s, r.0).await?.is_some() {
        return Ok(false);
    }
    let saved = s
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-02"),
                ("obtained_by", "ケアマネジャー（デモ）"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", r.0),
                ("kana", r.1),
                ("birth_date", r.2),
                ("sex", r.3),
                ("address", r.4),
                ("care_level", r.5),
            ],
        )
        .await?;
    if saved.status != 303 {
        bail!("{} not registered ({})", r.0, saved.status);
    }
    Ok(true)
}

/// The team joins, writes the board's posts, and some of them read and acknowledge: the last
/// two posts stay unread for everyone, the urgent one acknowledged by one member only.
async fn posts(
    sessions: &[Session],
    ids: &[String],
    n: usize,
    r: &RecipientSeed,
) -> anyhow::Result<usize> {
    let rep = &sessions[r.6];
    let id = board_id(rep, r.0).await?.context("the board just made")?;
    let mut members = vec![r.6];
    for &m in r.7 {
        let added = rep
            .post_form(&format!("/recipients/{id}/team"), &[("user_id", &ids[m])])
            .await?;
        if added.status != 303 {
            bail!("member not added to {}: {}", r.0, added.status);
        }
        members.push(m);
    }
    let mut written = Vec::new();
    for (k, &(author, text, category, urgent)) in POSTS.iter().enumerate() {
        // The care manager's lines are the board's own care manager's.
        let author = if PEOPLE[author].4 == "ケアマネジャー" {
            r.6
        } else {
            author
        };
        // Each board gets most of the posts, in an order of its own.
        if !members.contains(&author) || (k + n) % 5 == 4 {
            continue;
        }
        let made = sessions[author]
            .post(
                &format!("/api/v1/boards/{id}/posts"),
                &json!({"body": text, "category": category, "urgent": urgent}),
            )
            .await?;
        if made.status != 200 {
            bail!("post refused on {}: {}", r.0, made.body);
        }
        let post = made.body["id"].as_str().context("post id")?.to_owned();
        written.push((post, author, urgent));
    }
    let read_until = written.len().saturating_sub(2);
    for (k, (post, author, urgent)) in written.iter().enumerate() {
        for &m in members.iter().filter(|&&m| m != *author) {
            if *urgent && m == members[1] {
                let ack = sessions[m]
                    .post_form(&format!("/boards/{id}/posts/{post}/acknowledge"), &[])
                    .await?;
                if ack.status >= 400 {
                    bail!("acknowledgement refused: {}", ack.status);
                }
            }
            if k < read_until {
                let read = sessions[m]
                    .post_form(&format!("/boards/{id}/posts/{post}/read"), &[])
                    .await?;
                if read.status >= 400 {
                    bail!("read mark refused: {}", read.status);
                }
            }
        }
    }
    Ok(written.len())
}
