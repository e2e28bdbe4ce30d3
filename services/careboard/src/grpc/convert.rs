//! Careboard's rows as the contract's messages (its errors become refusals in `crate::error`).

use crate::domain::Membership;
use crate::domain::recipient::RecipientInput;
use crate::service::{IncidentView, PostView, RecipientView};
use crate::store::{ConsentRow, FileCard, MemberRow, Stamp};
use chrono::{DateTime, Utc};
use proto::careboard as pb;

pub(super) fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

pub(super) fn fields_in(f: Option<pb::RecipientFields>) -> RecipientInput {
    let f = f.unwrap_or_default();
    RecipientInput {
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

pub(super) fn member(m: MemberRow) -> pb::Member {
    pb::Member {
        user_id: m.user_id.to_string(),
        name: m.name,
        kana: m.kana,
        profession: m.profession,
        office_id: m.office_id.to_string(),
        office_name: m.office_name,
        is_representative: m.is_representative,
        added_at: time(m.added_at),
        status: proto::common::UserStatus::from(m.status).into(),
    }
}

pub(super) fn team(members: Vec<MemberRow>) -> pb::Team {
    pb::Team {
        members: members.into_iter().map(member).collect(),
    }
}

pub(super) fn consent(c: &ConsentRow) -> pb::Consent {
    pb::Consent {
        obtained_on: c.obtained_on.to_string(),
        obtained_by: c.obtained_by.clone(),
        office_name: c.office_name.clone(),
        recorded_at: time(c.recorded_at),
        fax_received_at: c.fax_received_at.map(time).unwrap_or_default(),
        office_keeps_copy: c.office_keeps_copy,
        recipient_keeps_original: c.recipient_keeps_original,
    }
}

pub(super) fn recipient(v: RecipientView) -> pb::Recipient {
    let r = v.recipient;
    pb::Recipient {
        id: r.id.to_string(),
        fields: Some(pb::RecipientFields {
            name: r.display_name,
            kana: r.kana,
            birth_date: r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            sex: r.sex,
            address: r.address,
            phone: r.phone.unwrap_or_default(),
            insured_number: r.insured_number.unwrap_or_default(),
            medical_insurance: r.medical_insurance,
            care_level: r.care_level,
            primary_doctor: r.primary_doctor,
            key_notes: r.key_notes,
        }),
        status: pb::RecipientStatus::from(r.status).into(),
        close_reason: r.close_reason.unwrap_or_default(),
        close_note: r.close_note.unwrap_or_default(),
        closed_at: r.closed_at.map(time).unwrap_or_default(),
        consent: v.consent.as_ref().map(consent),
        team: Some(team(v.members)),
        created_at: time(r.created_at),
        updated_at: r.updated_at.map(time).unwrap_or_default(),
        actor_is_representative: v.membership == Membership::Representative,
    }
}

pub(super) fn people(stamps: Vec<Stamp>) -> Vec<pb::Person> {
    stamps
        .into_iter()
        .map(|s| pb::Person {
            user_id: s.user_id.to_string(),
            name: s.name,
            at: time(s.at),
            office_name: s.office_name,
        })
        .collect()
}

pub(super) fn post(v: PostView) -> pb::Post {
    let p = v.post;
    let withdrawn = p.withdrawn_at.is_some();
    pb::Post {
        id: p.id.to_string(),
        recipient_id: p.recipient_id.to_string(),
        author_user_id: p.author_user_id.to_string(),
        author_name: p.author_name,
        author_profession: p.author_profession,
        author_office: p.author_office,
        author_status: proto::common::UserStatus::from(p.author_status).into(),
        created_at: time(p.created_at),
        category: p.category.unwrap_or_default(),
        urgent: p.urgent,
        // A withdrawn text is only in the history.
        body: if withdrawn { String::new() } else { p.body },
        read_by: people(v.read_by),
        readers_total: v.readers_total,
        acknowledged_by: people(v.acknowledged_by),
        read_by_actor: v.read_by_actor,
        acknowledged_by_actor: v.acknowledged_by_actor,
        board_closed: v.board_closed,
        replies: v.replies.into_iter().map(post).collect(),
        // A withdrawn post's files go with its text.
        files: if withdrawn {
            Vec::new()
        } else {
            p.files.0.into_iter().map(board_file).collect()
        },
        parent_id: p.parent_id.map(|id| id.to_string()).unwrap_or_default(),
        edited_at: p.edited_at.map(time).unwrap_or_default(),
        withdrawn,
        correctable: v.correctable,
        not_acknowledged_by: v
            .not_acknowledged_by
            .into_iter()
            .map(|m| pb::Person {
                user_id: m.user_id.to_string(),
                name: m.name,
                at: String::new(),
                office_name: m.office_name,
            })
            .collect(),
    }
}

pub(super) fn board_file(c: FileCard) -> pb::BoardFile {
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    pb::BoardFile {
        id: c.id.to_string(),
        kind: if c.kind == "pdf" {
            pb::FileKind::Pdf
        } else {
            pb::FileKind::Image
        }
        .into(),
        mime: c.mime,
        name: c.name,
        bytes: u64::try_from(c.bytes).unwrap_or(0),
        width: count(c.width),
        height: count(c.height),
    }
}

pub(super) fn consent_entry(c: ConsentRow) -> pb::ConsentEntry {
    pb::ConsentEntry {
        consent: Some(consent(&c)),
        recipient_id: c.recipient_id.to_string(),
        recipient_name: c.recipient_name,
        recipient_kana: c.recipient_kana,
        office_id: c.office_id.to_string(),
        registered_by_name: c.recorded_by_name,
        status: pb::RecipientStatus::from(c.status).into(),
    }
}

pub(super) fn incident(v: IncidentView) -> pb::Incident {
    let i = v.incident;
    pb::Incident {
        id: i.id.to_string(),
        office_id: i.office_id.to_string(),
        office_name: i.office_name,
        reporter_name: i.reporter_name,
        occurred_at: time(i.occurred_at),
        device: i.device,
        what_happened: i.what_happened,
        action_taken: i.action_taken,
        status: pb::IncidentStatus::from(i.status).into(),
        filed_at: time(i.filed_at),
        updated_at: time(i.updated_at),
        notes: v
            .notes
            .into_iter()
            .map(|n| pb::IncidentNote {
                at: time(n.at),
                by_name: n.by_name,
                status: pb::IncidentStatus::from(n.status).into(),
                note: n.note,
            })
            .collect(),
    }
}
