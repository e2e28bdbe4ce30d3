//! What the bench's care manager measures at each size, on [`load::CONCURRENCY`] kept-alive
//! connections, one board after another: the newest timeline page; the same page followed by the
//! 既読 batch its script sends for the posts it showed; and a word search within the board.

use super::data::{READ_BOARDS, recipient_id};
use super::team::{Login, quantile};
use crate::bench::http::Response;
use crate::bench::load::{self, Client, Conn, Window};
use anyhow::{Context, Result, bail};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longer than the TLS bench's: page latencies need more samples than a rate does for a p99.
const WARM_UP: Duration = Duration::from_secs(2);
const MEASURE: Duration = Duration::from_secs(10);
/// The word searched for: two characters, which a trigram index could not find.
pub(super) const WORD: &str = "発熱";

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Reading {
    Timeline,
    /// The page, then the batch of the posts it showed, as the board's script sends it.
    TimelineAndReads,
    Search,
}

#[derive(Clone, Copy, Default)]
pub struct Sample {
    pub per_second: f64,
    pub p50: Duration,
    pub p99: Duration,
}

impl Sample {
    fn of(mut latencies: Vec<Duration>) -> Self {
        latencies.sort();
        #[expect(clippy::cast_precision_loss, reason = "a count of requests")]
        let per_second = latencies.len() as f64 / MEASURE.as_secs_f64();
        Self {
            per_second,
            p50: quantile(&latencies, 0.50),
            p99: quantile(&latencies, 0.99),
        }
    }
}

/// The pages' latencies, and the batches' when the reading sends them.
pub(super) struct Measured {
    pub(super) pages: Sample,
    pub(super) batches: Sample,
}

pub(super) async fn measure(
    client: &Client,
    addr: SocketAddr,
    login: &Arc<Login>,
    reading: Reading,
) -> Result<Measured> {
    eprintln!(
        "xtask:   {} connections, {MEASURE:?} (+{WARM_UP:?} warm-up)",
        load::CONCURRENCY
    );
    let window = Window::after(WARM_UP, MEASURE);
    let tasks: Vec<_> = (0..load::CONCURRENCY)
        .map(|worker| {
            let mut conn = Conn::new(client, addr);
            let login = login.clone();
            tokio::spawn(async move {
                let mut pages = Vec::new();
                let mut batches = Vec::new();
                let mut next = worker as u64;
                while window.open() {
                    let board = recipient_id(next % READ_BOARDS);
                    let path = match reading {
                        Reading::Search => format!("/boards/{board}/search?q={}", encoded(WORD)),
                        _ => format!("/boards/{board}"),
                    };
                    let started = Instant::now();
                    let page = conn.send(&login.get(&path)).await?;
                    let took = started.elapsed();
                    check(reading, &path, &page)?;
                    if window.counts() {
                        pages.push(took);
                    }
                    if reading == Reading::TimelineAndReads {
                        let shown = shown_posts(&page).join(",");
                        let batch = login.script_form(
                            &format!("/boards/{board}/reads"),
                            &[("post_ids", shown.as_str())],
                        );
                        let started = Instant::now();
                        let answer = conn.send(&batch).await?;
                        let took = started.elapsed();
                        if answer.status != 204 {
                            bail!("a 既読 batch answered {}", answer.status);
                        }
                        if window.counts() {
                            batches.push(took);
                        }
                    }
                    next += load::CONCURRENCY as u64;
                }
                Ok((pages, batches))
            })
        })
        .collect();
    let mut pages = Vec::new();
    let mut batches = Vec::new();
    for t in tasks {
        let (p, b) = t.await.context("a reader panicked")??;
        pages.extend(p);
        batches.extend(b);
    }
    Ok(Measured {
        pages: Sample::of(pages),
        batches: Sample::of(batches),
    })
}

/// A timeline page holds 50 posts; a search page finds the word and marks it. Anything else
/// fails the bench rather than measuring an error page.
fn check(reading: Reading, path: &str, page: &Response) -> Result<()> {
    let body = String::from_utf8_lossy(&page.body);
    let ok = page.status == 200
        && match reading {
            Reading::Search => body.contains(&format!("<mark>{WORD}</mark>")),
            _ => body.matches("<article class=\"post").count() == 50,
        };
    if !ok {
        bail!(
            "{path} answered {} without what it should show",
            page.status
        );
    }
    Ok(())
}

/// The posts a timeline page shows, by their `data-post` ids, as its script reports them.
fn shown_posts(page: &Response) -> Vec<String> {
    const ATTR: &str = "data-post=\"";
    let body = String::from_utf8_lossy(&page.body);
    body.match_indices(ATTR)
        .filter_map(|(at, _)| {
            let rest = &body[at + ATTR.len()..];
            rest.find('"').map(|end| rest[..end].to_owned())
        })
        .collect()
}

/// A query parameter's value, percent-encoded.
fn encoded(word: &str) -> String {
    use std::fmt::Write;
    word.bytes().fold(String::new(), |mut out, b| {
        let _ = write!(out, "%{b:02X}");
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shown_posts_are_read_off_the_page() {
        let page = Response {
            status: 200,
            headers: Vec::new(),
            body: br#"<article class="post" data-post="a1"></article><article data-post="b2">"#
                .to_vec(),
            close: false,
        };
        assert_eq!(shown_posts(&page), ["a1", "b2"]);
        assert_eq!(encoded(WORD), "%E7%99%BA%E7%86%B1");
    }
}
