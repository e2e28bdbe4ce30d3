//! Staff accounts: creating one and resetting its password (answers holding a password shown
//! once), editing, deactivating and suspending it; each run once per idempotency key
//! (`super::once`).

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

pub(super) async fn update_user(
    identity: &Identity,
    request: Request<pb::UpdateUserRequest>,
) -> Reply<pb::User> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    let input = user_input(
        &req.name,
        &req.kana,
        &req.profession,
        &req.email,
        req.office_admin,
    )?;
    let u = identity
        .update_user(&actor, id(&req.user_id, "user_id")?, &input)
        .await?;
    Ok(Response::new(user(u)))
}

pub(super) async fn set_user_active(
    identity: &Identity,
    request: Request<pb::SetUserActiveRequest>,
) -> Reply<pb::User> {
    let req = request.into_inner();
    let u = identity
        .set_active(
            &actor(req.actor.as_ref())?,
            id(&req.user_id, "user_id")?,
            req.active,
        )
        .await?;
    Ok(Response::new(user(u)))
}

pub(super) async fn set_user_suspended(
    identity: &Identity,
    request: Request<pb::SetUserSuspendedRequest>,
) -> Reply<pb::User> {
    let req = request.into_inner();
    bounded(&[(&req.reason, 1000, "reason")])?;
    let u = identity
        .set_suspended(
            &actor(req.actor.as_ref())?,
            id(&req.user_id, "user_id")?,
            req.suspended,
            &req.reason,
        )
        .await?;
    Ok(Response::new(user(u)))
}

/// A question, not a write: no idempotency key is needed.
pub(super) async fn check_login_id(
    identity: &Identity,
    request: Request<pb::CheckLoginIdRequest>,
) -> Reply<pb::CheckLoginIdResponse> {
    let req = request.into_inner();
    let actor = actor(req.actor.as_ref())?;
    bounded(&[(&req.login_id, 64, "login_id")])?;
    identity.check_login_id(&actor, &req.login_id).await?;
    Ok(Response::new(pb::CheckLoginIdResponse {}))
}
