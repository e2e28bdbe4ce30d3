//! A small SMTP server that accepts every message and writes it as `<n>.eml` into a folder, so
//! tests see exactly what notify sent over a real SMTP conversation. A test can make it refuse
//! chosen addresses (`550`, `451`, …) as a real receiving server would, and count how often each
//! address was tried.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub struct SmtpSink {
    pub port: u16,
    pub dir: PathBuf,
    rules: Rules,
    task: tokio::task::JoinHandle<()>,
}

/// The answers chosen for some addresses, and how often each address was offered (`RCPT TO`).
#[derive(Clone, Default)]
struct Rules {
    answers: Arc<Mutex<HashMap<String, String>>>,
    tries: Arc<Mutex<HashMap<String, usize>>>,
}

impl Rules {
    /// The reply to `RCPT TO:<address>`, counting the try.
    fn rcpt(&self, address: &str) -> String {
        let address = address.to_ascii_lowercase();
        if let Ok(mut tries) = self.tries.lock() {
            *tries.entry(address.clone()).or_default() += 1;
        }
        self.answers
            .lock()
            .ok()
            .and_then(|a| a.get(&address).cloned())
            .unwrap_or_else(|| "250 OK".into())
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpSink {
    pub async fn start(dir: &Path, port: u16) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)?;
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let counter = Arc::new(AtomicUsize::new(0));
        let out = dir.to_owned();
        let rules = Rules::default();
        let shared = rules.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let out = out.clone();
                let counter = counter.clone();
                let rules = shared.clone();
                tokio::spawn(async move {
                    let _ = session(stream, &out, &counter, &rules).await;
                });
            }
        });
        Ok(Self {
            port,
            dir: dir.to_owned(),
            rules,
            task,
        })
    }

    /// From now on `address` is answered `reply` (e.g. `550 5.1.1 User unknown`) when offered.
    pub fn answer(&self, address: &str, reply: &str) {
        if let Ok(mut a) = self.rules.answers.lock() {
            a.insert(address.to_ascii_lowercase(), reply.to_owned());
        }
    }

    /// From now on `address` is accepted again.
    pub fn accept(&self, address: &str) {
        if let Ok(mut a) = self.rules.answers.lock() {
            a.remove(&address.to_ascii_lowercase());
        }
    }

    /// How many times `address` was offered so far, accepted or not.
    #[must_use]
    pub fn tries(&self, address: &str) -> usize {
        self.rules
            .tries
            .lock()
            .ok()
            .and_then(|t| t.get(&address.to_ascii_lowercase()).copied())
            .unwrap_or(0)
    }

    /// Every message received so far, oldest first.
    #[must_use]
    pub fn messages(&self) -> Vec<String> {
        read_messages(&self.dir)
    }
}

#[must_use]
pub fn read_messages(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|e| {
            e.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|m| readable(&m))
        .collect()
}

async fn session(
    stream: tokio::net::TcpStream,
    out: &Path,
    counter: &AtomicUsize,
    rules: &Rules,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write
        .write_all(b"220 renrakucho-test-smtp ready\r\n")
        .await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                write
                    .write_all(b"250-renrakucho-test-smtp\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    .await?;
            }
            "RCPT" => {
                let address = line
                    .split_once('<')
                    .and_then(|(_, rest)| rest.split_once('>'))
                    .map_or("", |(a, _)| a);
                let reply = rules.rcpt(address);
                write.write_all(format!("{reply}\r\n").as_bytes()).await?;
            }
            "HELO" | "MAIL" | "RSET" | "NOOP" => write.write_all(b"250 OK\r\n").await?,
            "DATA" => {
                write.write_all(b"354 end with .\r\n").await?;
                let mut message = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" || line == ".\n" {
                        break;
                    }
                    message.push_str(
                        line.strip_prefix('.')
                            .filter(|_| line.starts_with(".."))
                            .unwrap_or(&line),
                    );
                }
                let n = counter.fetch_add(1, Ordering::SeqCst);
                let tmp = out.join(format!("{n:06}.tmp"));
                tokio::fs::write(&tmp, &message).await?;
                tokio::fs::rename(&tmp, out.join(format!("{n:06}.eml"))).await?;
                write.write_all(b"250 queued\r\n").await?;
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"502 not implemented\r\n").await?,
        }
    }
}

/// The readable text of a message: headers as sent, body decoded from base64 or
/// quoted-printable, so tests can look for what a person would read.
#[must_use]
pub fn readable(raw: &str) -> String {
    use base64::Engine;
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .unwrap_or((raw, ""));
    let encoding = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-transfer-encoding:")
                .map(|v| v.trim().to_owned())
        })
        .unwrap_or_default();
    let text = match encoding.as_str() {
        "base64" => {
            let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            base64::engine::general_purpose::STANDARD
                .decode(compact)
                .map_or_else(
                    |_| body.to_owned(),
                    |b| String::from_utf8_lossy(&b).into_owned(),
                )
        }
        "quoted-printable" => decode_quoted_printable(body),
        _ => body.to_owned(),
    };
    format!("{head}\n\n{text}")
}

fn decode_quoted_printable(body: &str) -> String {
    let mut bytes = Vec::with_capacity(body.len());
    let mut lines = body.split('\n').peekable();
    while let Some(line) = lines.next() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let (line, soft) = line.strip_suffix('=').map_or((line, false), |l| (l, true));
        let raw = line.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'='
                && i + 2 < raw.len() + 1
                && let Some(b) = raw
                    .get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
            {
                bytes.push(b);
                i += 3;
                continue;
            }
            bytes.push(raw[i]);
            i += 1;
        }
        if !soft && lines.peek().is_some() {
            bytes.push(b'\n');
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}
