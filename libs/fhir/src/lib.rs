//! One recipient's care record as a FHIR R4 `Bundle` following the JP Core profiles.
//!
//! The Bundle is of type `collection`, not `document`: a `document` requires a `Composition`
//! attested by an author as one clinical statement, while this export is the record as kept on
//! the board (many authors, no attestation). JP Core profiles exist for `Patient`, `Practitioner`,
//! `PractitionerRole` and `Organization`; `CareTeam` and `Communication` follow base R4.
//!
//! Pure code: the caller gathers the record, this module only maps it, so the mapping is tested
//! without a network and no personal data passes through logs here.

mod resources;

pub use resources::{
    CARE_INSURED_SYSTEM, CATEGORY_SYSTEM, JP_ORGANIZATION, JP_PATIENT, JP_PRACTITIONER,
    JP_PRACTITIONER_ROLE, NAME_REPRESENTATION, PROFESSION_SYSTEM, SUBSETTED_SYSTEM,
};
use serde_json::{Value, json};

/// The recipient as registered on the board.
#[derive(Debug, Clone, Default)]
pub struct Recipient {
    pub id: String,
    pub name: String,
    pub kana: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// One of the board's sexes: 男性, 女性, その他.
    pub sex: String,
    pub address: String,
    /// 介護保険被保険者番号, empty when not known.
    pub insured_number: String,
}

/// A team member with the office they act for.
#[derive(Debug, Clone, Default)]
pub struct Member {
    pub user_id: String,
    pub name: String,
    pub kana: String,
    /// One of identity's professions.
    pub profession: String,
    pub office_id: String,
    pub office_name: String,
    pub is_representative: bool,
}

/// A post or a reply (a reply names its post in `parent_id`).
#[derive(Debug, Clone, Default)]
pub struct Post {
    pub id: String,
    pub author_user_id: String,
    /// As the post shows it: names the author who has left the team since.
    pub author_name: String,
    /// RFC 3339.
    pub created_at: String,
    /// One of the board's categories, or empty.
    pub category: String,
    pub urgent: bool,
    pub body: String,
    pub parent_id: String,
    /// A withdrawn post leaves the Bundle as `entered-in-error` without its text.
    pub withdrawn: bool,
    /// Photos and documents attached to it, in the order they were attached.
    pub files: Vec<File>,
}

/// A file attached to a post: the Bundle points at it, its bytes stay on the board.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub id: String,
    pub name: String,
    pub mime: String,
    pub bytes: u64,
    /// Where a member with a device certificate fetches it, e.g. `/api/v1/boards/<id>/files/<file>`.
    pub url: String,
}

/// Everything the export needs, gathered by the caller.
#[derive(Debug, Clone, Default)]
pub struct Record {
    pub recipient: Recipient,
    pub members: Vec<Member>,
    /// Posts and replies, in any order.
    pub posts: Vec<Post>,
    /// RFC 3339: when the export was made.
    pub exported_at: String,
    /// Not every post could be gathered: the Bundle is tagged `SUBSETTED`, which FHIR defines
    /// for a resource that is incomplete, so a receiving system does not take it as the whole.
    pub incomplete: bool,
}

/// The record as a FHIR R4 `Bundle` (JSON, `application/fhir+json`).
#[must_use]
pub fn bundle(record: &Record) -> Value {
    let mut entries = vec![resources::patient(&record.recipient)];
    let mut offices: Vec<(&str, &str)> = Vec::new();
    for m in &record.members {
        if !offices.iter().any(|(id, _)| *id == m.office_id) {
            offices.push((&m.office_id, &m.office_name));
        }
    }
    entries.extend(
        offices
            .iter()
            .map(|(id, name)| resources::organization(id, name)),
    );
    for m in &record.members {
        entries.push(resources::practitioner(m));
        entries.push(resources::practitioner_role(m));
    }
    // An author who has left the team keeps their posts: they are a Practitioner of the Bundle
    // too (without a role, which was the team's), so every `sender` resolves.
    let mut former: Vec<&str> = Vec::new();
    for p in &record.posts {
        let known = record.members.iter().any(|m| m.user_id == p.author_user_id)
            || former.contains(&p.author_user_id.as_str());
        if !known {
            former.push(&p.author_user_id);
            entries.push(resources::practitioner(&Member {
                user_id: p.author_user_id.clone(),
                name: p.author_name.clone(),
                ..Member::default()
            }));
        }
    }
    entries.push(resources::care_team(&record.recipient, &record.members));
    entries.extend(
        record
            .posts
            .iter()
            .map(|p| resources::communication(&record.recipient.id, p)),
    );
    for p in &record.posts {
        entries.extend(
            p.files
                .iter()
                .map(|f| resources::document_reference(&record.recipient.id, p, f)),
        );
    }
    let mut bundle = json!({
        "resourceType": "Bundle",
        "id": format!("export-{}", record.recipient.id),
        "type": "collection",
        "timestamp": record.exported_at,
        // References are relative (`Patient/<id>`): ids are the board's own, unique per type.
        "entry": entries
            .into_iter()
            .map(|resource| json!({ "resource": resource }))
            .collect::<Vec<_>>(),
    });
    if record.incomplete {
        bundle["meta"] = json!({ "tag": [{
            "system": SUBSETTED_SYSTEM,
            "code": "SUBSETTED",
            "display": "subsetted",
        }] });
    }
    bundle
}

#[cfg(test)]
mod tests;
