//! The JSON shapes of recipients, their consent and their team, shared by the recipient and team
//! twins of the pages.

use crate::kit::states::UserStatusOut;
use proto::careboard as pb;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A recipient's details (基本情報). Careboard checks each; a wrong one is named in the 422's
/// `details`.
#[derive(Deserialize, Serialize, ToSchema, Default)]
#[serde(deny_unknown_fields, default)]
#[schema(example = crate::openapi::examples::board::fields)]
pub struct RecipientFieldsBody {
    /// 氏名.
    pub name: String,
    /// ふりがな (カタカナ).
    pub kana: String,
    /// YYYY-MM-DD.
    pub birth_date: String,
    /// One of the city's choices (`sexes`).
    pub sex: String,
    pub address: String,
    pub phone: String,
    /// 被保険者番号.
    pub insured_number: String,
    pub medical_insurance: String,
    /// One of the city's choices (要支援1 … 要介護5).
    pub care_level: String,
    pub primary_doctor: String,
    /// 特記事項.
    pub key_notes: String,
}

impl From<RecipientFieldsBody> for pb::RecipientFields {
    fn from(f: RecipientFieldsBody) -> Self {
        Self {
            name: f.name,
            kana: f.kana,
            birth_date: f.birth_date,
            sex: f.sex,
            address: f.address,
            phone: f.phone,
            insured_number: f.insured_number,
            medical_insurance: f.medical_insurance,
            care_level: f.care_level,
            primary_doctor: f.primary_doctor,
            key_notes: f.key_notes,
        }
    }
}

impl From<pb::RecipientFields> for RecipientFieldsBody {
    fn from(f: pb::RecipientFields) -> Self {
        Self {
            name: f.name,
            kana: f.kana,
            birth_date: f.birth_date,
            sex: f.sex,
            address: f.address,
            phone: f.phone,
            insured_number: f.insured_number,
            medical_insurance: f.medical_insurance,
            care_level: f.care_level,
            primary_doctor: f.primary_doctor,
            key_notes: f.key_notes,
        }
    }
}

/// The consent (別紙1) obtained before registration.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields, default)]
#[schema(example = crate::openapi::examples::board::consent_body)]
pub struct ConsentBody {
    /// YYYY-MM-DD, not in the future.
    pub obtained_on: String,
    /// Who obtained it.
    pub obtained_by: String,
    /// The office keeps a copy (required).
    pub office_keeps_copy: bool,
    /// The recipient keeps the original (required).
    pub recipient_keeps_original: bool,
}

impl From<ConsentBody> for pb::ConsentFields {
    fn from(c: ConsentBody) -> Self {
        Self {
            obtained_on: c.obtained_on,
            obtained_by: c.obtained_by,
            office_keeps_copy: c.office_keeps_copy,
            recipient_keeps_original: c.recipient_keeps_original,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::consent)]
pub struct ConsentOut {
    pub obtained_on: String,
    pub obtained_by: String,
    pub office_name: String,
    pub recorded_at: String,
    /// Empty until the city confirms the FAX copy.
    pub fax_received_at: String,
    pub office_keeps_copy: bool,
    pub recipient_keeps_original: bool,
}

impl From<pb::Consent> for ConsentOut {
    fn from(c: pb::Consent) -> Self {
        Self {
            obtained_on: c.obtained_on,
            obtained_by: c.obtained_by,
            office_name: c.office_name,
            recorded_at: c.recorded_at,
            fax_received_at: c.fax_received_at,
            office_keeps_copy: c.office_keeps_copy,
            recipient_keeps_original: c.recipient_keeps_original,
        }
    }
}

/// A member of the support team (支援チーム).
#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::member)]
pub struct MemberOut {
    pub user_id: String,
    pub name: String,
    pub kana: String,
    pub profession: String,
    pub office_id: String,
    pub office_name: String,
    pub is_representative: bool,
    pub added_at: String,
    /// As identity last told careboard.
    pub status: UserStatusOut,
}

impl From<pb::Member> for MemberOut {
    fn from(m: pb::Member) -> Self {
        Self {
            status: m.status().into(),
            user_id: m.user_id,
            name: m.name,
            kana: m.kana,
            profession: m.profession,
            office_id: m.office_id,
            office_name: m.office_name,
            is_representative: m.is_representative,
            added_at: m.added_at,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::team)]
pub struct TeamOut {
    pub members: Vec<MemberOut>,
}

impl From<pb::Team> for TeamOut {
    fn from(t: pb::Team) -> Self {
        Self {
            members: t.members.into_iter().map(Into::into).collect(),
        }
    }
}

/// Whether a recipient's board is shared: `active`, or `closed` (共有の終了: read-only);
/// `unknown` for a state this gateway does not know yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecipientStatusOut {
    Active,
    Closed,
    Unknown,
}

impl From<pb::RecipientStatus> for RecipientStatusOut {
    fn from(s: pb::RecipientStatus) -> Self {
        match s {
            pb::RecipientStatus::Active => Self::Active,
            pb::RecipientStatus::Closed => Self::Closed,
            pb::RecipientStatus::Unspecified => Self::Unknown,
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(example = crate::openapi::examples::board::recipient)]
pub struct RecipientOut {
    pub id: String,
    pub fields: RecipientFieldsBody,
    pub status: RecipientStatusOut,
    pub close_reason: String,
    pub close_note: String,
    pub closed_at: String,
    pub consent: ConsentOut,
    pub team: Vec<MemberOut>,
    pub created_at: String,
    pub updated_at: String,
    /// Whether the caller is the representative (and may manage the team or close the board).
    pub actor_is_representative: bool,
}

impl From<pb::Recipient> for RecipientOut {
    fn from(r: pb::Recipient) -> Self {
        Self {
            status: r.status().into(),
            id: r.id,
            fields: r.fields.unwrap_or_default().into(),
            close_reason: r.close_reason,
            close_note: r.close_note,
            closed_at: r.closed_at,
            consent: r.consent.unwrap_or_default().into(),
            team: r
                .team
                .unwrap_or_default()
                .members
                .into_iter()
                .map(Into::into)
                .collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            actor_is_representative: r.actor_is_representative,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipients_status_keeps_its_words_in_the_api() {
        let sent = |s| serde_json::to_value(RecipientStatusOut::from(s)).unwrap();
        assert_eq!(sent(pb::RecipientStatus::Active), "active");
        assert_eq!(sent(pb::RecipientStatus::Closed), "closed");
        assert_eq!(sent(pb::RecipientStatus::Unspecified), "unknown");
    }
}
