//! The bench's people and their sessions: the team it creates through the API, logging in as a
//! browser does, and the requests a logged-in page sends; the quantiles of what they measure.

use super::data::Members;
use crate::bench::load::{Client, Conn};
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use system_tests::Stack;
use system_tests::people::{self, NewPerson, Office, Person};

/// The bench's people: a care manager of one office who reads and posts, and a nurse of another
/// office whom urgent posts mail. Both are real accounts, so logging in and notify's address
/// lookup work as for anyone.
pub(super) struct Team {
    pub(super) office: Office,
    pub(super) care_manager: Person,
    pub(super) members: Members,
}

impl Team {
    pub(super) async fn create(stack: &Stack, dir: &Path) -> Result<Self> {
        let op = people::operator(stack).await?;
        let certs = dir.join("devices");
        let office = people::office(
            stack,
            &op,
            &certs,
            "ベンチ居宅介護支援事業所",
            "居宅介護支援事業所",
        )
        .await?;
        let nursing = people::office(
            stack,
            &op,
            &certs,
            "ベンチ訪問看護ステーション",
            "訪問看護ステーション",
        )
        .await?;
        let person = |login_id, name, kana, profession| NewPerson {
            login_id,
            name,
            kana,
            profession,
            office_admin: false,
        };
        let care_manager = people::person(
            stack,
            &op,
            &office,
            &person(
                "bench.cm",
                "計測 一郎",
                "ケイソク イチロウ",
                "ケアマネジャー",
            ),
        )
        .await?;
        let nurse = people::person(
            stack,
            &op,
            &nursing,
            &person("bench.ns", "計測 花子", "ケイソク ハナコ", "看護師"),
        )
        .await?;
        let members = Members {
            care_manager: care_manager.id.parse()?,
            office: office.id.parse()?,
            nurse: nurse.id.parse()?,
            nurse_office: nursing.id.parse()?,
        };
        Ok(Self {
            office,
            care_manager,
            members,
        })
    }
}

/// A signed-in session as a browser's requests carry it: the cookie, and the CSRF token forms
/// send back.
pub(super) struct Login {
    pub(super) cookie: String,
    pub(super) csrf: String,
}

pub(super) async fn login(client: &Client, addr: SocketAddr, person: &Person) -> Result<Login> {
    // Before login a write carries the pre-session token and its cookie, as the login page does.
    let pre = Conn::new(client, addr)
        .send(b"GET /api/v1/public/csrf-token HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await?;
    let pre_cookie = pre
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .context("no pre-session cookie")?
        .to_owned();
    let pre_json: serde_json::Value = serde_json::from_slice(&pre.body)?;
    let pre_token = pre_json["csrf_token"]
        .as_str()
        .context("no pre-session token")?
        .to_owned();
    let body =
        serde_json::json!({"login_id": person.login_id, "password": person.password}).to_string();
    let request = format!(
        "POST /api/v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
         Cookie: {pre_cookie}\r\nX-CSRF-Token: {pre_token}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let answer = Conn::new(client, addr).send(request.as_bytes()).await?;
    if answer.status != 200 {
        bail!(
            "login refused: {} {}",
            answer.status,
            String::from_utf8_lossy(&answer.body)
        );
    }
    let cookie = answer
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .context("no session cookie at login")?
        .to_owned();
    let json: serde_json::Value = serde_json::from_slice(&answer.body)?;
    let csrf = json["csrf_token"]
        .as_str()
        .context("no csrf_token at login")?
        .to_owned();
    Ok(Login { cookie, csrf })
}

impl Login {
    pub(super) fn get(&self, path: &str) -> Vec<u8> {
        format!(
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\n\r\n",
            self.cookie
        )
        .into_bytes()
    }

    /// A form as the board page submits it, with the CSRF token.
    pub(super) fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Vec<u8> {
        self.form(path, fields, "")
    }

    /// A form as the board's script sends it (the 既読 batches): it expects no page back.
    pub(super) fn script_form(&self, path: &str, fields: &[(&str, &str)]) -> Vec<u8> {
        self.form(path, fields, "X-Requested-With: fetch\r\n")
    }

    fn form(&self, path: &str, fields: &[(&str, &str)], headers: &str) -> Vec<u8> {
        let body = std::iter::once(("csrf_token", self.csrf.as_str()))
            .chain(fields.iter().copied())
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nCookie: {}\r\n{headers}\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.cookie,
            body.len()
        )
        .into_bytes()
    }
}

/// `application/x-www-form-urlencoded`, as browsers send it.
fn form_encode(raw: &str) -> String {
    use std::fmt::Write;
    raw.bytes().fold(String::new(), |mut out, b| {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                out.push(char::from(b));
            }
            b' ' => out.push('+'),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
        out
    })
}

/// The element quantile `q` of `sorted`.
pub(super) fn quantile(sorted: &[Duration], q: f64) -> Duration {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a list of at most a few hundred thousand"
    )]
    let rank = (sorted.len() as f64 * q).ceil() as usize;
    sorted
        .get(rank.clamp(1, sorted.len().max(1)) - 1)
        .copied()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_elements() {
        let ms: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(quantile(&ms, 0.50), Duration::from_millis(50));
        assert_eq!(quantile(&ms, 0.99), Duration::from_millis(99));
        assert_eq!(quantile(&[], 0.99), Duration::ZERO);
    }

    #[test]
    fn forms_are_encoded_as_browsers_do() {
        assert_eq!(form_encode("a b&c=連"), "a+b%26c%3D%E9%80%A3");
    }
}
