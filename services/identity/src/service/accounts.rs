//! 利用者管理: accounts created by office admins (or the operator), edited, reset, deactivated;
//! and suspension by the operator.

use super::{Identity, random};
use crate::domain::access::{self, Actor};
use crate::domain::enrollment::SECRET_ALPHABET;
use crate::domain::{
    DomainError, LoginId, Role, UserStatus, directory, password, person_name, profession,
};
use crate::error::Result;
use crate::events::{USER_STATUS_CHANGED, UserStatusChanged};
use crate::store::{NewUser, StoreError, UserPatch, UserRow};
use common::ids::{OfficeId, UserId};
use common::text::{Email, Kana};

pub struct UserInput<'a> {
    pub name: &'a str,
    pub kana: &'a str,
    pub profession: &'a str,
    pub email: &'a str,
    pub office_admin: bool,
}

struct ValidUser {
    name: String,
    kana: String,
    profession: &'static str,
    email: String,
}

fn validate(input: &UserInput<'_>) -> Result<ValidUser> {
    Ok(ValidUser {
        name: person_name(input.name)?,
        kana: Kana::parse(input.kana)
            .map_err(|_| DomainError::Invalid("kana"))?
            .as_str()
            .to_owned(),
        profession: profession::parse(input.profession)?,
        email: Email::parse(input.email)
            .map_err(|_| DomainError::Invalid("email"))?
            .as_str()
            .to_owned(),
    })
}

fn initial_password() -> String {
    passphrase_for("")
}

/// A readable password like `k7mp-3xqa-9tbe-w2rc` (80 bits), which the policy accepts for
/// `login_id`.
#[must_use]
pub fn passphrase_for(login_id: &str) -> String {
    loop {
        let chars: String = random::<16>()
            .iter()
            .map(|b| (SECRET_ALPHABET[usize::from(b & 31)] as char).to_ascii_lowercase())
            .collect();
        let candidate = format!(
            "{}-{}-{}-{}",
            &chars[0..4],
            &chars[4..8],
            &chars[8..12],
            &chars[12..16]
        );
        if password::check_policy(&candidate, login_id).is_ok() {
            return candidate;
        }
    }
}

impl Identity {
    async fn target(&self, id: UserId) -> Result<UserRow> {
        self.store
            .user_by_id(id)
            .await?
            .ok_or_else(|| DomainError::NotFound.into())
    }

    pub async fn create_user(
        &self,
        actor: &Actor,
        office: Option<OfficeId>,
        login_id: &str,
        input: &UserInput<'_>,
    ) -> Result<(UserRow, String)> {
        let office = office.unwrap_or(actor.office_id);
        access::may_manage_users_of(actor, office)?;
        let login = LoginId::parse(login_id)?;
        let valid = validate(input)?;
        let role = access::role_for_new_user(actor, office, input.office_admin);
        let initial = initial_password();
        let hash = self.password_hash(&initial).await?;
        let id = UserId::new_v7();
        let record = Self::audit_by(actor, "user.create", "success")
            .on("user", &id)
            .with(serde_json::json!({"role": role.as_str()}));
        let new = NewUser {
            id,
            login_id: login.as_str(),
            name: &valid.name,
            kana: &valid.kana,
            profession: valid.profession,
            email: &valid.email,
            office_id: office,
            role: role.as_str(),
            password_hash: &hash,
            must_change_password: true,
        };
        match self
            .store
            .insert_user(&new, self.clock.now(), &[self.audit(&record)?])
            .await
        {
            Err(StoreError::Conflict(_)) => return Err(DomainError::LoginIdTaken.into()),
            other => other?,
        }
        Ok((self.target(id).await?, initial))
    }

    pub async fn update_user(
        &self,
        actor: &Actor,
        id: UserId,
        input: &UserInput<'_>,
    ) -> Result<UserRow> {
        let user = self.target(id).await?;
        access::may_manage_users_of(actor, user.office_id)?;
        let valid = validate(input)?;
        let current = Role::parse(&user.role).unwrap_or(Role::Staff);
        // Operators stay operators; otherwise the admin flag decides, but nobody demotes themselves.
        let role = match current {
            Role::Operator => Role::Operator,
            _ if actor.user_id == id => current,
            _ if input.office_admin => Role::OfficeAdmin,
            _ => Role::Staff,
        };
        let patch = UserPatch {
            name: &valid.name,
            kana: &valid.kana,
            profession: valid.profession,
            email: &valid.email,
            role: role.as_str(),
        };
        let record = Self::audit_by(actor, "user.update", "success").on("user", &id);
        self.store
            .update_user(id, &patch, self.clock.now(), &[self.audit(&record)?])
            .await?;
        self.target(id).await
    }

    /// Whether a new account could take `login_id` now: its rules, and that nobody holds it.
    /// For those who open accounts, so nobody else can probe who is registered.
    pub async fn check_login_id(&self, actor: &Actor, login_id: &str) -> Result<()> {
        access::may_manage_users_of(actor, actor.office_id)?;
        let login = LoginId::parse(login_id)?;
        if self.store.user_by_login(login.as_str()).await?.is_some() {
            return Err(DomainError::LoginIdTaken.into());
        }
        Ok(())
    }

    pub async fn reset_password(&self, actor: &Actor, id: UserId) -> Result<(UserRow, String)> {
        let user = self.target(id).await?;
        access::may_change_status_of(actor, user.office_id, id)?;
        let initial = initial_password();
        let hash = self.password_hash(&initial).await?;
        let record = Self::audit_by(actor, "user.password_reset", "success").on("user", &id);
        self.store
            .set_password(id, &hash, true, self.clock.now(), &[self.audit(&record)?])
            .await?;
        Ok((self.target(id).await?, initial))
    }

    /// 人事異動・廃止: deactivate (or reactivate). Suspension is not lifted this way.
    pub async fn set_active(&self, actor: &Actor, id: UserId, active: bool) -> Result<UserRow> {
        let user = self.target(id).await?;
        access::may_change_status_of(actor, user.office_id, id)?;
        if user.status == UserStatus::Suspended {
            return Err(DomainError::Forbidden.into());
        }
        let status = if active {
            UserStatus::Active
        } else {
            UserStatus::Deactivated
        };
        let record = Self::audit_by(
            actor,
            if active {
                "user.reactivate"
            } else {
                "user.deactivate"
            },
            "success",
        )
        .on("user", &id);
        let changed = self.event(
            USER_STATUS_CHANGED,
            id.to_string(),
            &UserStatusChanged {
                user_id: id.to_string(),
                status: proto::common::UserStatus::from(status).into(),
            },
        )?;
        self.store
            .set_status(
                id,
                status,
                "",
                self.clock.now(),
                &[self.audit(&record)?, changed],
            )
            .await?;
        self.target(id).await
    }

    /// 了解なく一時停止: the operator suspends or restores a user; a suspended user's sessions are
    /// gone in the same transaction, so the next request of any gateway is refused.
    pub async fn set_suspended(
        &self,
        actor: &Actor,
        id: UserId,
        suspended: bool,
        reason: &str,
    ) -> Result<UserRow> {
        access::may_suspend(actor, id)?;
        let user = self.target(id).await?;
        let reason = reason.trim();
        if suspended && (reason.is_empty() || reason.chars().count() > 200) {
            return Err(DomainError::Invalid("reason").into());
        }
        if !suspended && user.status != UserStatus::Suspended {
            return Ok(user);
        }
        let status = if suspended {
            UserStatus::Suspended
        } else {
            UserStatus::Active
        };
        let record = Self::audit_by(
            actor,
            if suspended {
                "user.suspend"
            } else {
                "user.restore"
            },
            "success",
        )
        .on("user", &id)
        .with(serde_json::json!({ "reason": reason }));
        let changed = self.event(
            USER_STATUS_CHANGED,
            id.to_string(),
            &UserStatusChanged {
                user_id: id.to_string(),
                status: proto::common::UserStatus::from(status).into(),
            },
        )?;
        self.store
            .set_status(
                id,
                status,
                reason,
                self.clock.now(),
                &[self.audit(&record)?, changed],
            )
            .await?;
        self.target(id).await
    }

    pub async fn get_user(&self, actor: &Actor, id: UserId) -> Result<UserRow> {
        let user = self.target(id).await?;
        access::may_view_user(actor, user.office_id, id)?;
        Ok(user)
    }

    pub async fn list_users(
        &self,
        actor: &Actor,
        office: Option<OfficeId>,
        query: &str,
    ) -> Result<Vec<UserRow>> {
        let office = match (actor.is_operator(), office) {
            (true, office) => office,
            (false, _) => Some(actor.office_id),
        };
        if let Some(o) = office {
            access::may_manage_users_of(actor, o)?;
        }
        if query.chars().count() > 50 {
            return Err(DomainError::Invalid("query").into());
        }
        Ok(self.store.list_users(office, query.trim()).await?)
    }

    /// The team directory: by name or kana, office, or profession — never everyone at once.
    pub async fn search_staff(
        &self,
        actor: &Actor,
        query: &str,
        office: Option<OfficeId>,
        profession: &str,
    ) -> Result<Vec<UserRow>> {
        access::may_search_staff(actor)?;
        let s = directory::staff_search(query, office, profession)?;
        Ok(self
            .store
            .search_staff(s.text.as_deref(), s.kana.as_deref(), s.office, s.profession)
            .await?)
    }

    /// One person of the directory, whatever their status (a team shows departed members).
    pub async fn staff_card(&self, actor: &Actor, id: UserId) -> Result<UserRow> {
        access::may_search_staff(actor)?;
        let user = self.target(id).await?;
        if Role::parse(&user.role) == Some(Role::Operator) {
            return Err(DomainError::NotFound.into());
        }
        Ok(user)
    }

    /// Where the active ones among `ids` are mailed: for notify's certificate alone.
    pub async fn mail_addresses(
        &self,
        peer_common_name: Option<&str>,
        ids: &[UserId],
        admins_of: Option<OfficeId>,
    ) -> Result<Vec<(UserId, String, OfficeId)>> {
        access::may_read_mail_addresses(peer_common_name)?;
        if ids.len() > 500 {
            return Err(DomainError::Invalid("user_ids").into());
        }
        if ids.is_empty() && admins_of.is_none() {
            return Ok(Vec::new());
        }
        Ok(self.store.mail_addresses(ids, admins_of).await?)
    }
}
