//! The board's writing and finding calls: replies, corrections, history, search and print.

use super::convert::{post, time};
use super::decode::{actor, id, ids, once};
use crate::service::{Asked, Careboard, Found, Period};
use proto::careboard as pb;
use tonic::{Request, Response, Status};

type Reply<T> = Result<Response<T>, Status>;

fn found(f: Found) -> pb::FoundPosts {
    pb::FoundPosts {
        posts: f.posts.into_iter().map(post).collect(),
        next_cursor: f.next_cursor.map(|c| c.to_string()).unwrap_or_default(),
        closed: f.closed,
        recipient_name: f.recipient_name,
        care_level: f.care_level,
        words: f.words,
        truncated: f.truncated,
    }
}

pub(super) async fn create_reply(
    careboard: &Careboard,
    request: Request<pb::CreateReplyRequest>,
) -> Reply<pb::Post> {
    let once = once(&request, "CreateReply")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let view = careboard
        .create_reply(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            id(&req.post_id, "post_id")?,
            &req.body,
            &ids(&req.file_ids, "file_ids")?,
        )
        .await?;
    Ok(Response::new(post(view)))
}

pub(super) async fn edit_post(
    careboard: &Careboard,
    request: Request<pb::EditPostRequest>,
) -> Reply<pb::Post> {
    let once = once(&request, "EditPost")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let view = careboard
        .correct_post(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            id(&req.post_id, "post_id")?,
            &req.body,
            &req.category,
        )
        .await?;
    Ok(Response::new(post(view)))
}

pub(super) async fn withdraw_post(
    careboard: &Careboard,
    request: Request<pb::PostRef>,
) -> Reply<pb::Post> {
    let once = once(&request, "WithdrawPost")?;
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let view = careboard
        .withdraw_post(
            once.as_ref(),
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            id(&req.post_id, "post_id")?,
        )
        .await?;
    Ok(Response::new(post(view)))
}

pub(super) async fn list_post_history(
    careboard: &Careboard,
    request: Request<pb::PostRef>,
) -> Reply<pb::PostHistory> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let h = careboard
        .post_history(
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            id(&req.post_id, "post_id")?,
        )
        .await?;
    Ok(Response::new(pb::PostHistory {
        post: Some(post(h.post)),
        revisions: h
            .revisions
            .into_iter()
            .map(|r| pb::PostRevision {
                kind: pb::RevisionKind::from(r.kind).into(),
                body: r.body,
                category: r.category.unwrap_or_default(),
                changed_at: time(r.changed_at),
            })
            .collect(),
    }))
}

pub(super) async fn search_posts(
    careboard: &Careboard,
    request: Request<pb::SearchPostsRequest>,
) -> Reply<pb::FoundPosts> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let cursor = match req.cursor.as_str() {
        "" => None,
        c => Some(id(c, "cursor")?),
    };
    let f = careboard
        .search(
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            &Asked {
                words: &req.words,
                category: &req.category,
                urgent_only: req.urgent_only,
                cursor,
                limit: req.limit,
            },
        )
        .await?;
    Ok(Response::new(found(f)))
}

pub(super) async fn print_board(
    careboard: &Careboard,
    request: Request<pb::PrintBoardRequest>,
) -> Reply<pb::FoundPosts> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let f = careboard
        .print(
            &actor,
            id(&req.recipient_id, "recipient_id")?,
            &Period {
                from: &req.from,
                to: &req.to,
                export: req.export,
            },
        )
        .await?;
    Ok(Response::new(found(f)))
}
