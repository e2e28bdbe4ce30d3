//! A page of the timeline in one statement: the reader's standing, the board's heading, the
//! unread count, the pinned urgent posts, the page, their replies and every mark on them. A board
//! is opened many times a day by each member, so each round trip is paid at scale; the parts come
//! back as JSON arrays of the rows the separate reads returned.

use super::posts::POST;
use super::{Access, MemberRow, PostRow, Result, Stamp, Store};
use crate::domain::states::RecipientStatus;
use common::ids::{PostId, RecipientId, UserId};
use sqlx::types::Json;
use std::sync::LazyLock;
use uuid::Uuid;

/// The most urgent posts pinned above a timeline: more would push the timeline off the screen,
/// and the home list counts them all anyway.
pub const PINNED_MAX: i64 = 20;

/// What the reader is shown, read together; `access` decides whether any of it may be.
pub struct BoardPage {
    pub access: Access,
    pub recipient_name: String,
    pub care_level: String,
    pub unread: i64,
    /// Others' urgent posts the reader has not acknowledged, newest first (first page only).
    pub pinned: Vec<PostRow>,
    /// Newest first, one more than asked when there is more.
    pub page: Vec<PostRow>,
    /// The replies to the pinned posts and the page's, oldest first.
    pub replies: Vec<PostRow>,
    pub members: Vec<MemberRow>,
    pub reads: Vec<Stamp>,
    pub acks: Vec<Stamp>,
}

/// Which page: older than `before`, in `category`, `limit` posts.
pub struct PageQuery<'a> {
    pub before: Option<PostId>,
    pub category: Option<&'a str>,
    pub limit: i64,
    /// Only the first page of an open board pins the unacknowledged urgent posts.
    pub pin: bool,
    pub pinned_max: i64,
}

#[derive(sqlx::FromRow)]
struct PageRow {
    #[sqlx(try_from = "String")]
    status: RecipientStatus,
    display_name: String,
    care_level: String,
    is_representative: Option<bool>,
    unread: i64,
    pinned: Json<Vec<PostRow>>,
    page: Json<Vec<PostRow>>,
    replies: Json<Vec<PostRow>>,
    members: Json<Vec<MemberRow>>,
    reads: Json<Vec<Stamp>>,
    acks: Json<Vec<Stamp>>,
}

/// Put together once: every page view runs it.
static STATEMENT: LazyLock<String> = LazyLock::new(statement);

fn statement() -> String {
    let from = "FROM posts p LEFT JOIN inactive_users i ON i.user_id = p.author_user_id";
    // The same reads as `access`, `timeline`, `unacknowledged`, `replies`, `members`, `reads`,
    // `acks` and `unread_count`, each a CTE or a subquery of one row.
    format!(
        "WITH board AS (SELECT r.status, r.display_name, r.care_level, m.is_representative FROM recipients r \
           LEFT JOIN team_members m ON m.recipient_id = r.id AND m.user_id = $2 AND m.removed_at IS NULL \
             AND NOT EXISTS (SELECT 1 FROM inactive_users i WHERE i.user_id = $2) \
           WHERE r.id = $1), \
         page AS (SELECT {POST} {from} WHERE p.recipient_id = $1 AND p.parent_id IS NULL \
           AND ($3::uuid IS NULL OR p.id < $3) AND ($4::text IS NULL OR p.category = $4) \
           ORDER BY p.id DESC LIMIT $5), \
         pinned AS (SELECT {POST} {from} WHERE $6 AND EXISTS (SELECT 1 FROM board WHERE status <> $8) \
           AND p.recipient_id = $1 AND p.urgent AND p.author_user_id <> $2 \
           AND NOT EXISTS (SELECT 1 FROM post_acks a WHERE a.post_id = p.id AND a.user_id = $2) \
           ORDER BY p.id DESC LIMIT $7), \
         replies AS (SELECT {POST} {from} WHERE p.recipient_id = $1 \
           AND p.parent_id IN (SELECT id FROM page UNION SELECT id FROM pinned)), \
         shown AS (SELECT id FROM page UNION SELECT id FROM pinned UNION SELECT id FROM replies) \
         SELECT b.status, b.display_name, b.care_level, b.is_representative, \
           (SELECT count(*) FROM posts p WHERE p.recipient_id = $1 AND p.author_user_id <> $2 \
             AND NOT EXISTS (SELECT 1 FROM post_reads pr WHERE pr.post_id = p.id AND pr.user_id = $2)) AS unread, \
           (SELECT coalesce(json_agg(x ORDER BY x.id DESC), '[]') FROM pinned x) AS pinned, \
           (SELECT coalesce(json_agg(x ORDER BY x.id DESC), '[]') FROM page x) AS page, \
           (SELECT coalesce(json_agg(x ORDER BY x.id), '[]') FROM replies x) AS replies, \
           (SELECT coalesce(json_agg(x ORDER BY x.is_representative DESC, x.added_at), '[]') FROM ({members}) x) AS members, \
           (SELECT coalesce(json_agg(x ORDER BY x.at), '[]') FROM (SELECT r.post_id, r.user_id, m.name, m.office_name, \
             r.read_at AS at FROM post_reads r JOIN team_members m ON m.recipient_id = $1 AND m.user_id = r.user_id \
             AND m.removed_at IS NULL WHERE r.post_id IN (SELECT id FROM shown)) x) AS reads, \
           (SELECT coalesce(json_agg(x ORDER BY x.at), '[]') FROM (SELECT a.post_id, a.user_id, m.name, m.office_name, \
             a.acked_at AS at FROM post_acks a JOIN team_members m ON m.recipient_id = $1 AND m.user_id = a.user_id \
             WHERE a.post_id IN (SELECT id FROM shown)) x) AS acks \
         FROM board b",
        members = super::team::MEMBERS,
    )
}

impl Store {
    /// `None` when the recipient does not exist.
    pub async fn board_page(
        &self,
        recipient: RecipientId,
        reader: UserId,
        q: &PageQuery<'_>,
    ) -> Result<Option<BoardPage>> {
        let row: Option<PageRow> = sqlx::query_as(sqlx::AssertSqlSafe(STATEMENT.as_str()))
            .bind(recipient.as_uuid())
            .bind(reader.as_uuid())
            .bind(q.before.map(Uuid::from))
            .bind(q.category)
            .bind(q.limit)
            .bind(q.pin)
            .bind(q.pinned_max)
            .bind(RecipientStatus::Closed.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| BoardPage {
            access: Access::of(r.status, r.is_representative),
            recipient_name: r.display_name,
            care_level: r.care_level,
            unread: r.unread,
            pinned: r.pinned.0,
            page: r.page.0,
            replies: r.replies.0,
            members: r.members.0,
            reads: r.reads.0,
            acks: r.acks.0,
        }))
    }
}
