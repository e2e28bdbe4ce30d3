//! Accounts made with a password shown once: the use cases behind `create_user` and
//! `reset_password`, run once per idempotency key (`super::once`).

use super::decode::{actor, bounded, id, optional_id, user_input};
use super::{Reply, convert::user};
use crate::service::Identity;
use proto::identity as pb;
use tonic::{Request, Response};

pub(super) async fn create_user(
    identity: &Identity,
    request: Request<pb::CreateUserRequest>,
) -> Reply<pb::IssuedPassword> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    bounded(&[(&req.login_id, 64, "login_id")])?;
    let input = user_input(
        &req.name,
        &req.kana,
        &req.profession,
        &req.email,
        req.office_admin,
    )?;
    let office = optional_id(&req.office_id, "office_id")?;
    let (u, initial) = identity
        .create_user(&actor, office, &req.login_id, &input)
        .await?;
    Ok(Response::new(pb::IssuedPassword {
        user: Some(user(u)),
        initial_password: initial,
    }))
}

pub(super) async fn reset_password(
    identity: &Identity,
    request: Request<pb::UserRef>,
) -> Reply<pb::IssuedPassword> {
    let req = request.into_inner();
    let (u, initial) = identity
        .reset_password(&actor(req.actor.as_ref())?, id(&req.user_id, "user_id")?)
        .await?;
    Ok(Response::new(pb::IssuedPassword {
        user: Some(user(u)),
        initial_password: initial,
    }))
}
