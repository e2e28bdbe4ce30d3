//! A logged-in JSON API session, as the browser's scripts would hold it: a client with a device
//! certificate, the session cookie, and the CSRF token for writes.

use crate::client;
use anyhow::Context;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A device certificate as PEM files (what reqwest presents).
#[derive(Debug, Clone)]
pub struct Device {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Device {
    /// Unpacks a PKCS#12 file (as downloaded at enrollment) into PEM files in `dir`.
    pub fn from_p12(p12: &[u8], password: &str, dir: &Path, name: &str) -> anyhow::Result<Self> {
        use base64::Engine;
        let store = p12_keystore::KeyStore::from_pkcs12(
            p12,
            password,
            p12_keystore::Pkcs12ImportPolicy::Relaxed,
        )
        .map_err(|e| anyhow::anyhow!("PKCS#12: {e:?}"))?;
        let (_, chain) = store
            .private_key_chain()
            .context("no key in the PKCS#12 file")?;
        let pem = |label: &str, der: &[u8]| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(der);
            let lines: Vec<&str> = b64
                .as_bytes()
                .chunks(64)
                .map(|c| std::str::from_utf8(c).unwrap_or(""))
                .collect();
            format!(
                "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
                lines.join("\n")
            )
        };
        std::fs::create_dir_all(dir)?;
        let cert = dir.join(format!("{name}-cert.pem"));
        let key = dir.join(format!("{name}-key.pem"));
        let first = chain
            .certs()
            .first()
            .context("no certificate in the PKCS#12 file")?;
        std::fs::write(&cert, pem("CERTIFICATE", first.as_der()))?;
        std::fs::write(&key, pem("PRIVATE KEY", chain.key().as_der()))?;
        Ok(Self { cert, key })
    }
}

pub struct Session {
    pub http: reqwest::Client,
    pub base: String,
    pub csrf: String,
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
    /// Where a redirect points.
    pub location: Option<String>,
}

impl Answer {
    #[must_use]
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

impl Session {
    /// A client for `device` that has not logged in yet.
    pub fn anonymous(base: &str, ca: &Path, device: Option<&Device>) -> anyhow::Result<Self> {
        let http = client::https(ca, device.map(|d| (d.cert.as_path(), d.key.as_path())))?;
        Ok(Self {
            http,
            base: base.to_owned(),
            csrf: String::new(),
        })
    }

    /// Logs in; fails with the answer's code when refused.
    pub async fn login(
        base: &str,
        ca: &Path,
        device: &Device,
        login_id: &str,
        password: &str,
    ) -> anyhow::Result<Self> {
        let mut s = Self::anonymous(base, ca, Some(device))?;
        let a = s
            .post(
                "/api/v1/session",
                &json!({"login_id": login_id, "password": password}),
            )
            .await?;
        if a.status != 200 {
            anyhow::bail!("login refused: {} {}", a.status, a.body);
        }
        a.body["csrf_token"]
            .as_str()
            .unwrap_or_default()
            .clone_into(&mut s.csrf);
        Ok(s)
    }

    async fn answer(resp: reqwest::Response) -> anyhow::Result<Answer> {
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let text = resp.text().await?;
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Ok(Answer {
            status,
            body,
            location,
        })
    }

    /// The token a write carries: the session's, or before login this client's pre-session
    /// token (its cookie lands in the client's cookie store).
    pub async fn token(&self) -> anyhow::Result<String> {
        if !self.csrf.is_empty() {
            return Ok(self.csrf.clone());
        }
        let a = self.get("/api/v1/public/csrf-token").await?;
        a.body["csrf_token"]
            .as_str()
            .map(str::to_owned)
            .with_context(|| format!("no pre-session token: {} {}", a.status, a.body))
    }

    /// A response whose body is still arriving (server-sent events), read with `chunk()`.
    pub async fn stream(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(self
            .http
            .get(format!("{}{path}", self.base))
            .header("accept", "text/event-stream")
            .send()
            .await?)
    }

    pub async fn get(&self, path: &str) -> anyhow::Result<Answer> {
        Self::answer(self.http.get(format!("{}{path}", self.base)).send().await?).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> anyhow::Result<Answer> {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> anyhow::Result<Answer> {
        self.send_json(reqwest::Method::PUT, path, body).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> anyhow::Result<Answer> {
        self.send_json(reqwest::Method::PATCH, path, body).await
    }

    /// A JSON POST with extra headers (an `Idempotency-Key`, say).
    pub async fn post_with(
        &self,
        path: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<Answer> {
        let token = self.token().await?;
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("x-csrf-token", token)
            .json(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Self::answer(request.send().await?).await
    }

    /// An API call with a JSON body and the session's CSRF header.
    async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> anyhow::Result<Answer> {
        let token = self.token().await?;
        Self::answer(
            self.http
                .request(method, format!("{}{path}", self.base))
                .header("x-csrf-token", token)
                .json(body)
                .send()
                .await?,
        )
        .await
    }

    /// A file sent as the request's body, named as the board's script names it.
    pub async fn upload(&self, path: &str, name: &str, bytes: Vec<u8>) -> anyhow::Result<Answer> {
        let token = self.token().await?;
        Self::answer(
            self.http
                .post(format!("{}{path}", self.base))
                .header("x-csrf-token", token)
                .header("x-file-name", form_encode(name).replace('+', "%20"))
                .header("content-type", "application/octet-stream")
                .body(bytes)
                .send()
                .await?,
        )
        .await
    }

    /// The raw answer to a GET: status, headers and bytes (a file, not JSON).
    pub async fn get_raw(&self, path: &str) -> anyhow::Result<reqwest::Response> {
        Ok(self.http.get(format!("{}{path}", self.base)).send().await?)
    }

    /// Submits a browser form (with the CSRF token, as the pages carry it).
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> anyhow::Result<Answer> {
        self.post_form_with(path, fields, &[]).await
    }

    /// A form submitted with extra headers (a `traceparent`, say).
    pub async fn post_form_with(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> anyhow::Result<Answer> {
        let token = self.token().await?;
        let body = std::iter::once(("csrf_token", token.as_str()))
            .chain(fields.iter().copied())
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        Self::answer(request.send().await?).await
    }

    pub async fn delete(&self, path: &str) -> anyhow::Result<Answer> {
        let token = self.token().await?;
        Self::answer(
            self.http
                .delete(format!("{}{path}", self.base))
                .header("x-csrf-token", token)
                .send()
                .await?,
        )
        .await
    }
}

/// `application/x-www-form-urlencoded`, as browsers send it.
fn form_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                char::from(b).to_string()
            }
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
