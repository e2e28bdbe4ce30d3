//! A shared board set up through the gateway's pages as a care manager sets one up: a recipient
//! registered with the consent recorded, members added to the team, posts written; and the board
//! as a member reads it, for the backup drills that compare it before and after.

use crate::api::Session;
use anyhow::{Context, bail};
use std::time::{Duration, Instant};

/// The recipient a scenario registers (the consent is the same in every scenario).
pub struct Recipient<'a> {
    pub name: &'a str,
    pub kana: &'a str,
    pub birth_date: &'a str,
    pub address: &'a str,
    pub care_level: &'a str,
}

/// The recipient of the drills and the fault tests.
pub const TAKEKO: Recipient<'static> = Recipient {
    name: "高萩 竹子",
    kana: "タカハギ タケコ",
    birth_date: "1936-02-02",
    address: "茨城県高萩市安良川1",
    care_level: "要介護1",
};

/// Registers `recipient` on the page (the one registering becomes the representative) and
/// returns the board's id, read from where the page redirects.
pub async fn register(cm: &Session, recipient: &Recipient<'_>) -> anyhow::Result<String> {
    let saved = cm
        .post_form(
            "/recipients",
            &[
                ("obtained_on", "2026-11-01"),
                ("obtained_by", "ケアマネジャー 鈴木"),
                ("office_keeps_copy", "1"),
                ("recipient_keeps_original", "1"),
                ("name", recipient.name),
                ("kana", recipient.kana),
                ("birth_date", recipient.birth_date),
                ("sex", "女性"),
                ("address", recipient.address),
                ("care_level", recipient.care_level),
            ],
        )
        .await?;
    if saved.status != 303 {
        bail!("recipient not registered: {} {}", saved.status, saved.body);
    }
    saved
        .location
        .as_deref()
        .and_then(|l| l.strip_prefix("/recipients/"))
        .and_then(|l| l.split('/').next())
        .map(str::to_owned)
        .context("the new recipient's id in the redirect")
}

/// Adds the user `member` to the board's team, on the team page.
pub async fn add_member(cm: &Session, board: &str, member: &str) -> anyhow::Result<()> {
    let added = cm
        .post_form(&format!("/recipients/{board}/team"), &[("user_id", member)])
        .await?;
    if added.status != 303 {
        bail!("member not added: {} {}", added.status, added.body);
    }
    Ok(())
}

/// Registers `recipient` and adds `members` (user ids) to the team; the board's id.
pub async fn shared(
    cm: &Session,
    recipient: &Recipient<'_>,
    members: &[&str],
) -> anyhow::Result<String> {
    let board = register(cm, recipient).await?;
    for member in members {
        add_member(cm, &board, member).await?;
    }
    Ok(board)
}

/// Writes a post on the board's page; `urgent` as the page's checkbox sends it.
pub async fn post(who: &Session, board: &str, body: &str, urgent: bool) -> anyhow::Result<()> {
    let urgent = if urgent { "1" } else { "" };
    let a = who
        .post_form(
            &format!("/boards/{board}/posts"),
            &[("body", body), ("urgent", urgent)],
        )
        .await?;
    if a.status != 303 {
        bail!("post refused: {} {}", a.status, a.body);
    }
    Ok(())
}

/// What a member sees of the board, for comparing before and after a drill.
pub async fn as_seen(s: &Session, board: &str) -> anyhow::Result<String> {
    let page = s.get(&format!("/boards/{board}")).await?;
    if page.status != 200 {
        bail!("board not shown: {}", page.status);
    }
    let html = page.body.as_str().context("the board's page")?.to_owned();
    // The CSRF token differs per session and is not the board's.
    Ok(html
        .split("<article")
        .skip(1)
        .map(|a| {
            a.split("name=\"csrf_token\"")
                .next()
                .unwrap_or(a)
                .to_owned()
        })
        .collect())
}

/// Acknowledges the first urgent post of the board as `who` sees it (`seen`, from [`as_seen`]).
pub async fn acknowledge_urgent(who: &Session, board: &str, seen: &str) -> anyhow::Result<()> {
    let urgent = seen
        .split("post urgent")
        .nth(1)
        .and_then(|a| a.split("data-post=\"").nth(1))
        .and_then(|a| a.split('"').next())
        .context("an urgent post on the board")?;
    let acked = who
        .post_form(&format!("/boards/{board}/posts/{urgent}/acknowledge"), &[])
        .await?;
    if acked.status != 303 {
        bail!("acknowledgement refused: {}", acked.status);
    }
    Ok(())
}

/// The board as `who` sees it once careboard serves it again (after a restart), waiting up to
/// 20 s.
pub async fn as_seen_once_back(who: &Session, board: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let page = who.get(&format!("/boards/{board}")).await?;
        if page.status == 200 {
            return as_seen(who, board).await;
        }
        if Instant::now() > deadline {
            bail!("careboard did not come back");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
