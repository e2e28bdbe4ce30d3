//! 支援対象者: registration with consent, reading, updating with history, closing.

use super::Careboard;
use super::write::{Once, Started};
use crate::domain::consent::{self, ConsentInput};
use crate::domain::post::CLOSE_REASONS;
use crate::domain::recipient::{self, Recipient, RecipientInput, changes, match_key};
use crate::domain::{
    Actor, DomainError, Membership, may_manage, may_read, may_register, may_write,
};
use crate::error::Result;
use crate::store::{
    ChangeRow, ConsentRow, DuplicateRow, Lock, MemberRow, NewRecipient, RecipientRow, Store,
};
use common::ids::RecipientId;
use serde_json::json;

pub enum Registered {
    Saved(RecipientId),
    /// Nothing saved: these look like the same person.
    Duplicates(Vec<DuplicateRow>),
}

/// Everything a member sees of a recipient, apart from the board.
pub struct RecipientView {
    pub recipient: RecipientRow,
    pub consent: Option<ConsentRow>,
    pub members: Vec<MemberRow>,
    pub membership: Membership,
}

/// The stored row as the rules know it, to compare an update with.
fn as_recipient(r: &RecipientRow) -> Recipient {
    let pick =
        |list: &[&'static str], v: &str| list.iter().find(|c| **c == v).copied().unwrap_or("");
    Recipient {
        name: r.display_name.clone(),
        kana: r.kana.clone(),
        birth_date: r.birth_date.unwrap_or_default(),
        sex: pick(&recipient::SEXES, &r.sex),
        address: r.address.clone(),
        phone: r.phone.clone(),
        insured_number: r.insured_number.clone(),
        medical_insurance: r.medical_insurance.clone(),
        care_level: pick(&recipient::CARE_LEVELS, &r.care_level),
        primary_doctor: r.primary_doctor.clone(),
        key_notes: r.key_notes.clone(),
    }
}

impl Careboard {
    pub async fn register(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        consent_input: &ConsentInput,
        input: &RecipientInput,
        allow_duplicate: bool,
    ) -> Result<Registered> {
        may_register(actor)?;
        self.ensure_active_staff(actor).await?;
        let today = self.today();
        let consent = consent::validate(consent_input, today);
        let fields = recipient::validate(input, today);
        let (consent, fields) = match (consent, fields) {
            (Ok(c), Ok(f)) => (c, f),
            (c, f) => {
                let mut wrong = c.err().unwrap_or_default();
                wrong.extend(f.err().unwrap_or_default());
                return Err(DomainError::Invalid(wrong).into());
            }
        };
        // Claimed before the duplicate check: a repeat must find the first's answer, not the
        // recipient it registered.
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(id) => return Ok(Registered::Saved(id.into())),
        };
        if !allow_duplicate {
            let found = self
                .store
                .possible_duplicates(actor.user_id, &match_key(&fields.kana), fields.birth_date)
                .await?;
            if !found.is_empty() {
                // Pointing out a duplicate shows who the recipient is: a read like any other.
                let shown = found
                    .iter()
                    .map(|d| {
                        self.audit(
                            actor,
                            "recipient.duplicate_shown",
                            "success",
                            d.id,
                            serde_json::Value::Null,
                        )
                    })
                    .collect::<Result<Vec<_>>>()?;
                self.store.record(&shown).await?;
                self.wake_relay();
                return Ok(Registered::Duplicates(found));
            }
        }
        let me = self.person(actor, actor.user_id).await?;
        if !me.candidate.status.is_active() {
            return Err(DomainError::Forbidden.into());
        }
        let registrar = self.member_row(me, true);
        let id = RecipientId::new_v7();
        let events = [self.audit(
            actor,
            "recipient.register",
            "success",
            id,
            json!({ "consent_obtained_on": consent.obtained_on, "allow_duplicate": allow_duplicate }),
        )?];
        Store::register(
            &mut w.tx,
            &NewRecipient {
                id,
                recipient: &fields,
                consent: &consent,
                registrar: &registrar,
                at: self.clock.now(),
            },
            &events,
        )
        .await?;
        self.commit(w, id).await?;
        Ok(Registered::Saved(id))
    }

    pub async fn recipient(&self, actor: &Actor, id: RecipientId) -> Result<RecipientView> {
        let access = self
            .access(actor, id, "recipient.read", |a, x| {
                may_read(a, x.membership)
            })
            .await?;
        let recipient = self
            .store
            .recipient(id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let consent = self.store.consent(id).await?;
        let members = self.store.members(id).await?;
        self.audit_read(actor, "recipient.read", id, serde_json::Value::Null)
            .await?;
        Ok(RecipientView {
            recipient,
            consent,
            members,
            membership: access.membership,
        })
    }

    pub async fn update(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        id: RecipientId,
        input: &RecipientInput,
    ) -> Result<RecipientView> {
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(_) => return self.recipient(actor, id).await,
        };
        // The row stays locked from the read the history's "before" comes from to the write, so
        // concurrent updates chain: each one's before is the previous one's after.
        self.access_in(
            &mut w,
            actor,
            id,
            "recipient.update",
            Lock::Update,
            |a, x| may_write(a, x.membership, x.closed),
        )
        .await?;
        let after = recipient::validate(input, self.today()).map_err(DomainError::Invalid)?;
        let current = Store::recipient_in(&mut w.tx, id)
            .await?
            .ok_or(DomainError::NotFound)?;
        let diff = changes(&as_recipient(&current), &after);
        if !diff.is_empty() {
            let me = Store::members_in(&mut w.tx, id)
                .await?
                .into_iter()
                .find(|m| m.user_id == actor.user_id);
            let (name, office) = me.map(|m| (m.name, m.office_name)).unwrap_or_default();
            let fields: Vec<&str> = diff.iter().map(|c| c.field.as_str()).collect();
            let events = [self.audit(
                actor,
                "recipient.update",
                "success",
                id,
                json!({ "fields": fields }),
            )?];
            let change = ChangeRow {
                changed_at: self.clock.now(),
                changed_by_name: name,
                changed_by_office: office,
                changes: sqlx::types::Json(diff),
            };
            Store::update_recipient(&mut w.tx, id, &after, &change, actor.user_id, &events).await?;
        }
        self.commit(w, id).await?;
        self.recipient(actor, id).await
    }

    pub async fn history(&self, actor: &Actor, id: RecipientId) -> Result<Vec<ChangeRow>> {
        self.access(actor, id, "recipient.history.read", |a, x| {
            may_read(a, x.membership)
        })
        .await?;
        let rows = self.store.history(id).await?;
        self.audit_read(actor, "recipient.history.read", id, serde_json::Value::Null)
            .await?;
        Ok(rows)
    }

    /// 共有の終了: the board stays, read-only, off the home lists.
    pub async fn close(
        &self,
        once: Option<&Once>,
        actor: &Actor,
        id: RecipientId,
        reason: &str,
        note: &str,
    ) -> Result<RecipientView> {
        let mut w = match self.begin(once, actor).await? {
            Started::Fresh(w) => w,
            Started::Repeat(_) => return self.recipient(actor, id).await,
        };
        // Posts being made hold the row shared: the close waits for them, and those after it
        // find the board closed.
        self.access_in(&mut w, actor, id, "board.close", Lock::Update, |a, x| {
            may_manage(a, x.membership, x.closed)
        })
        .await?;
        let reason = CLOSE_REASONS
            .iter()
            .find(|r| **r == reason.trim())
            .ok_or_else(|| DomainError::invalid("reason"))?;
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(DomainError::invalid("note").into());
        }
        let events = [self.audit(
            actor,
            "board.close",
            "success",
            id,
            json!({ "reason": reason }),
        )?];
        Store::close(
            &mut w.tx,
            id,
            actor.user_id,
            reason,
            note,
            self.clock.now(),
            &events,
        )
        .await?;
        self.commit(w, id).await?;
        self.recipient(actor, id).await
    }
}
