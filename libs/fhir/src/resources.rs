//! One function per FHIR resource the export holds.

use crate::{File, Member, Post, Recipient};
use serde_json::{Value, json};

pub const JP_PATIENT: &str = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Patient";
pub const JP_PRACTITIONER: &str = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Practitioner";
pub const JP_PRACTITIONER_ROLE: &str =
    "http://jpfhir.jp/fhir/core/StructureDefinition/JP_PractitionerRole";
pub const JP_ORGANIZATION: &str = "http://jpfhir.jp/fhir/core/StructureDefinition/JP_Organization";
/// JP Core writes kanji and kana names as two `HumanName`s told apart by this extension.
pub const NAME_REPRESENTATION: &str =
    "http://hl7.org/fhir/StructureDefinition/iso21090-EN-representation";
/// The board's categories are ours: no national code system covers them.
pub const CATEGORY_SYSTEM: &str = "https://renrakucho.jp/fhir/CodeSystem/board-category";
/// The profession list is identity's: no national code system covers care professions.
pub const PROFESSION_SYSTEM: &str = "https://renrakucho.jp/fhir/CodeSystem/profession";
/// The system of the 介護保険被保険者番号 on the Patient.
pub const CARE_INSURED_SYSTEM: &str =
    "http://jpfhir.jp/fhir/core/mhlw/IdSystem/InsuredPersonNumber-LTCI";

/// FHIR's own tag for an incomplete resource (`SUBSETTED`).
pub const SUBSETTED_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue";

fn names(name: &str, kana: &str) -> Value {
    let mut out = vec![json!({
        "extension": [{ "url": NAME_REPRESENTATION, "valueCode": "IDE" }],
        "use": "official",
        "text": name,
    })];
    if !kana.is_empty() {
        out.push(json!({
            "extension": [{ "url": NAME_REPRESENTATION, "valueCode": "SYL" }],
            "use": "official",
            "text": kana,
        }));
    }
    Value::Array(out)
}

fn gender(sex: &str) -> &'static str {
    match sex {
        "男性" => "male",
        "女性" => "female",
        "その他" => "other",
        _ => "unknown",
    }
}

pub fn patient(r: &Recipient) -> Value {
    let mut p = json!({
        "resourceType": "Patient",
        "id": r.id,
        "meta": { "profile": [JP_PATIENT] },
        "name": names(&r.name, &r.kana),
        "gender": gender(&r.sex),
        "address": [{ "text": r.address, "country": "JP" }],
    });
    if !r.birth_date.is_empty() {
        p["birthDate"] = json!(r.birth_date);
    }
    if !r.insured_number.is_empty() {
        p["identifier"] = json!([{ "system": CARE_INSURED_SYSTEM, "value": r.insured_number }]);
    }
    p
}

pub fn organization(id: &str, name: &str) -> Value {
    json!({
        "resourceType": "Organization",
        "id": id,
        "meta": { "profile": [JP_ORGANIZATION] },
        "active": true,
        "name": name,
    })
}

pub fn practitioner(m: &Member) -> Value {
    json!({
        "resourceType": "Practitioner",
        "id": m.user_id,
        "meta": { "profile": [JP_PRACTITIONER] },
        "name": names(&m.name, &m.kana),
    })
}

fn role_id(m: &Member) -> String {
    format!("role-{}", m.user_id)
}

fn profession(m: &Member) -> Value {
    json!({ "coding": [{ "system": PROFESSION_SYSTEM, "code": m.profession }], "text": m.profession })
}

pub fn practitioner_role(m: &Member) -> Value {
    json!({
        "resourceType": "PractitionerRole",
        "id": role_id(m),
        "meta": { "profile": [JP_PRACTITIONER_ROLE] },
        "active": true,
        "practitioner": { "reference": format!("Practitioner/{}", m.user_id) },
        "organization": { "reference": format!("Organization/{}", m.office_id) },
        "code": [profession(m)],
    })
}

pub fn care_team(r: &Recipient, members: &[Member]) -> Value {
    let participants: Vec<Value> = members
        .iter()
        .map(|m| {
            json!({
                "role": [profession(m)],
                "member": { "reference": format!("PractitionerRole/{}", role_id(m)) },
                "onBehalfOf": { "reference": format!("Organization/{}", m.office_id) },
            })
        })
        .collect();
    let mut team = json!({
        "resourceType": "CareTeam",
        "id": format!("team-{}", r.id),
        "status": if members.is_empty() { "inactive" } else { "active" },
        "name": "連絡帳のチーム",
        "subject": { "reference": format!("Patient/{}", r.id) },
        "participant": participants,
    });
    if let Some(rep) = members.iter().find(|m| m.is_representative) {
        team["managingOrganization"] =
            json!([{ "reference": format!("Organization/{}", rep.office_id) }]);
    }
    team
}

pub fn communication(recipient_id: &str, p: &Post) -> Value {
    let mut c = json!({
        "resourceType": "Communication",
        "id": p.id,
        "status": if p.withdrawn { "entered-in-error" } else { "completed" },
        "priority": if p.urgent { "urgent" } else { "routine" },
        "subject": { "reference": format!("Patient/{recipient_id}") },
        "sent": p.created_at,
        "sender": { "reference": format!("Practitioner/{}", p.author_user_id) },
    });
    if !p.withdrawn {
        c["payload"] = json!([{ "contentString": p.body }]);
    }
    if !p.category.is_empty() {
        c["category"] = json!([{ "coding": [{ "system": CATEGORY_SYSTEM, "code": p.category }], "text": p.category }]);
    }
    if !p.parent_id.is_empty() {
        c["inResponseTo"] = json!([{ "reference": format!("Communication/{}", p.parent_id) }]);
    }
    c
}

/// A file attached to a post: its place on the board, never its bytes (they stay behind the
/// device certificate and the team's access check).
pub fn document_reference(recipient_id: &str, p: &Post, f: &File) -> Value {
    let mut attachment = json!({
        "contentType": f.mime,
        "url": f.url,
        "title": f.name,
    });
    // FHIR's `size` is an unsignedInt (32 bits); a larger file leaves it out.
    if let Ok(size) = u32::try_from(f.bytes) {
        attachment["size"] = json!(size);
    }
    json!({
        "resourceType": "DocumentReference",
        "id": f.id,
        "status": if p.withdrawn { "entered-in-error" } else { "current" },
        "subject": { "reference": format!("Patient/{recipient_id}") },
        "date": p.created_at,
        "author": [{ "reference": format!("Practitioner/{}", p.author_user_id) }],
        "description": f.name,
        "content": [{ "attachment": attachment }],
        "context": { "related": [{ "reference": format!("Communication/{}", p.id) }] },
    })
}
