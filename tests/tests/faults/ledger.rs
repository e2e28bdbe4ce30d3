//! What the system holds afterwards, set against what its users were told: each write found
//! again (the office in the city's list; the post on its board with exactly one event in the
//! stream), its one record in the audit trail, and the emails it owes counted per recipient in
//! the SMTP sink.

use crate::load::{Kind, Write, office_email, post_body};
use futures::StreamExt;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, SystemTime};
use system_tests::Stack;
use system_tests::api::Session;
use system_tests::smtp::readable;
use uuid::Uuid;

/// The figures of one stretch of the run.
#[derive(Debug, Default)]
pub struct Tally {
    pub acknowledged: usize,
    pub failed: usize,
    /// Failed in the user's eyes yet committed: the answer died with a process.
    pub committed_unanswered: usize,
    /// Emails owed for every committed write, answered or not.
    pub expected: usize,
    pub arrived: usize,
    /// Second copies of an email already received. An SMTP client that dies between the
    /// server's 250 and writing it down cannot know the message was taken, and sends it again
    /// with the same Message-ID (which mail programs show once). Only a fault that takes that
    /// note from notify (its process killed, its database gone) may cause these, and it may
    /// come to light while a later stretch's emails are sent.
    pub resent: usize,
    /// A second, different message for the same email: never.
    pub duplicated: usize,
    /// The longest an owed email took to arrive after its write was answered.
    pub longest_wait: Duration,
    /// Acknowledged writes that are not there, and owed emails that did not come.
    pub lost: Vec<String>,
    /// Writes stored twice, a post with more than one event.
    pub doubled: Vec<String>,
}

impl Tally {
    /// Nothing lost, nothing doubled; at most `resends` second copies of one message.
    pub fn is_whole(&self, resends: usize) -> bool {
        self.lost.is_empty()
            && self.doubled.is_empty()
            && self.duplicated == 0
            && self.resent <= resends
    }
}

/// Whom an email is for and the event it is about (none for an office's welcome).
type MailKey = (String, Option<Uuid>);

/// Everything the system shows of the run at one moment.
pub struct Evidence {
    /// Office ids by admin address.
    offices: HashMap<String, Vec<String>>,
    /// Post ids by text.
    posts: HashMap<String, Vec<Uuid>>,
    /// Records in identity's audit trail per office or post id, of its registration or posting.
    audit: HashMap<String, usize>,
    events: HashMap<Uuid, Vec<Uuid>>,
    /// The Message-ID and arrival of every copy received per (recipient, event); an office's
    /// welcome is keyed by its address alone.
    mails: HashMap<MailKey, Vec<(String, SystemTime)>>,
}

/// The first UUID in a header value.
fn uuid_in(value: &str) -> Option<Uuid> {
    value
        .split(|c: char| !(c.is_ascii_hexdigit() || c == '-'))
        .find_map(|word| {
            (word.len() == 36)
                .then(|| Uuid::parse_str(word).ok())
                .flatten()
        })
}

fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    let head = mail.split("\n\n").next().unwrap_or(mail);
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

impl Evidence {
    pub async fn gather(
        stack: &Stack,
        operator: &Session,
        tag: &str,
        board: &str,
    ) -> anyhow::Result<Self> {
        let listed = operator.get("/api/v1/operator/offices").await?;
        anyhow::ensure!(listed.status == 200, "office list: {}", listed.body);
        let mut offices: HashMap<String, Vec<String>> = HashMap::new();
        for o in listed.body.as_array().into_iter().flatten() {
            let email = o["admin_email"].as_str().unwrap_or_default().to_owned();
            let id = o["id"].as_str().unwrap_or_default().to_owned();
            offices.entry(email).or_default().push(id);
        }
        let db = stack.database("careboard").await?;
        let rows: Vec<(Uuid, String)> =
            sqlx::query_as("SELECT id, body FROM posts WHERE recipient_id = $1 AND body LIKE $2")
                .bind(Uuid::parse_str(board)?)
                .bind(format!("障害試験 {tag}-%"))
                .fetch_all(&db)
                .await?;
        db.close().await;
        let mut posts: HashMap<String, Vec<Uuid>> = HashMap::new();
        for (id, body) in rows {
            posts.entry(body).or_default().push(id);
        }
        // notify notes each email's Message-ID with the event it is for; an id it could not
        // note (it died first) names the event itself.
        let db = stack.database("notify").await?;
        let noted: Vec<(String, Uuid)> =
            sqlx::query_as("SELECT message_id, event_id FROM deliveries")
                .fetch_all(&db)
                .await?;
        db.close().await;
        let noted: HashMap<String, Uuid> = noted.into_iter().collect();
        let mut mails: HashMap<_, Vec<_>> = HashMap::new();
        for (mail, arrived) in received(&stack.bootstrap.mail_dir) {
            let to = header(&mail, "To").unwrap_or_default();
            let to = to.trim_matches(['<', '>']).to_lowercase();
            let message_id = header(&mail, "Message-ID").unwrap_or_default().to_owned();
            let key = if to.starts_with("fault-") {
                (to, None)
            } else {
                let event = noted
                    .get(&message_id)
                    .copied()
                    .or_else(|| uuid_in(&message_id));
                (to, event)
            };
            mails.entry(key).or_default().push((message_id, arrived));
        }
        let db = stack.database("identity").await?;
        let audited: Vec<(String,)> = sqlx::query_as(
            "SELECT coalesce(details->>'post_id', target_id) FROM audit_log \
             WHERE action IN ('office.register', 'post.create') AND outcome = 'success'",
        )
        .fetch_all(&db)
        .await?;
        db.close().await;
        let mut audit = HashMap::new();
        for (id,) in audited {
            *audit.entry(id).or_insert(0) += 1;
        }
        Ok(Self {
            offices,
            posts,
            audit,
            events: urgent_events(&stack.nats).await?,
            mails,
        })
    }

    /// Adds up `writes` (one stretch of the run) against this evidence; `readers` are the
    /// addresses every urgent post must reach.
    pub fn tally(&self, tag: &str, writes: &[&Write], readers: &[String]) -> Tally {
        let mut t = Tally::default();
        for w in writes {
            if w.ok {
                t.acknowledged += 1;
            } else {
                t.failed += 1;
            }
            let what = format!("{:?} {tag}-{}", w.kind, w.n);
            // Each owed email: the address and the event it is for.
            let mut owed: Vec<(String, Option<Uuid>)> = Vec::new();
            let ids: Vec<String> = match w.kind {
                Kind::Office => {
                    let email = office_email(tag, w.n);
                    let ids = self.offices.get(&email).cloned().unwrap_or_default();
                    if !ids.is_empty() {
                        owed.push((email, None));
                    }
                    ids
                }
                Kind::Post => {
                    let ids = self
                        .posts
                        .get(&post_body(tag, w.n))
                        .cloned()
                        .unwrap_or_default();
                    for id in &ids {
                        let events = self.events.get(id).cloned().unwrap_or_default();
                        match events.as_slice() {
                            [event] => {
                                owed.extend(readers.iter().map(|r| (r.clone(), Some(*event))));
                            }
                            [] => t.lost.push(format!("{what}: stored, no event")),
                            _ => t.doubled.push(format!("{what}: {} events", events.len())),
                        }
                    }
                    ids.iter().map(ToString::to_string).collect()
                }
            };
            for id in &ids {
                match self.audit.get(id).copied().unwrap_or(0) {
                    1 => {}
                    0 => t.lost.push(format!("{what}: no audit record")),
                    n => t.doubled.push(format!("{what}: {n} audit records")),
                }
            }
            let stored = ids.len();
            match (stored, w.ok) {
                (0, true) => t.lost.push(format!("{what}: acknowledged, not stored")),
                (1, false) => t.committed_unanswered += 1,
                (0 | 1, _) => {}
                (n, _) => t.doubled.push(format!("{what}: stored {n} times")),
            }
            for key in owed {
                t.expected += 1;
                let copies = self.mails.get(&key).cloned().unwrap_or_default();
                let Some(first) = copies.iter().map(|(_, at)| *at).min() else {
                    t.lost.push(format!("{what}: no email to {}", key.0));
                    continue;
                };
                t.arrived += 1;
                t.longest_wait = t
                    .longest_wait
                    .max(first.duration_since(w.answered_at).unwrap_or_default());
                let ids: HashSet<&str> = copies.iter().map(|(id, _)| id.as_str()).collect();
                t.duplicated += ids.len() - 1;
                t.resent += copies.len() - ids.len();
            }
        }
        t
    }
}

/// Every message in the sink's folder, decoded, with when it was written.
fn received(dir: &Path) -> Vec<(String, SystemTime)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .filter_map(|p| {
            let at = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            Some((readable(&std::fs::read_to_string(&p).ok()?), at))
        })
        .collect()
}

/// Every `careboard.post.urgent` event in the stream: post id → the event ids naming it.
async fn urgent_events(
    nats: &system_tests::nats::Nats,
) -> anyhow::Result<HashMap<Uuid, Vec<Uuid>>> {
    use async_nats::jetstream::consumer::{DeliverPolicy, pull};
    let js = async_nats::jetstream::new(nats.client("admin").await?);
    let stream = js.get_stream(common::events::STREAM).await?;
    let mut consumer: async_nats::jetstream::consumer::PullConsumer = stream
        .create_consumer(pull::Config {
            filter_subject: "careboard.post.urgent".into(),
            deliver_policy: DeliverPolicy::All,
            ack_policy: async_nats::jetstream::consumer::AckPolicy::None,
            inactive_threshold: std::time::Duration::from_secs(30),
            ..Default::default()
        })
        .await?;
    let count = consumer.info().await?.num_pending;
    let mut messages = consumer.messages().await?.take(usize::try_from(count)?);
    let mut out: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    while let Some(message) =
        tokio::time::timeout(std::time::Duration::from_secs(10), messages.next()).await?
    {
        let message = message.map_err(|e| anyhow::anyhow!("{e}"))?;
        let event: serde_json::Value = serde_json::from_slice(&message.payload)?;
        let id = event["id"].as_str().and_then(|s| Uuid::parse_str(s).ok());
        let post = event["data"]["post_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok());
        if let (Some(id), Some(post)) = (id, post) {
            out.entry(post).or_default().push(id);
        }
    }
    Ok(out)
}
