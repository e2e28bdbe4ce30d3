//! Offices' rows as the contract's messages (its errors become refusals in `crate::error`).

use crate::store::{AnnouncementRow, ApplicationRow, OfficeRow};
use proto::offices as pb;

pub(super) fn office(row: OfficeRow) -> pb::Office {
    pb::Office {
        id: row.id.to_string(),
        name: row.name,
        kind: row.kind,
        admin_email: row.admin_email,
        status: row.status,
        created_at: row.created_at.to_rfc3339(),
        kana: row.kana,
        code: row.code.unwrap_or_default(),
        postal_code: row.postal_code,
        address: row.address,
        phone: row.phone,
        fax: row.fax.unwrap_or_default(),
        has_location: row.latitude.is_some() && row.longitude.is_some(),
        latitude: row.latitude.unwrap_or_default(),
        longitude: row.longitude.unwrap_or_default(),
        listed: row.listed,
    }
}

pub(super) fn application(a: ApplicationRow) -> pb::Application {
    let coordinate = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    pb::Application {
        id: a.id.to_string(),
        status: a.status,
        fields: Some(pb::ApplicationFields {
            name: a.name,
            kana: a.kana,
            kind: a.kind,
            code: a.code.unwrap_or_default(),
            postal_code: a.postal_code,
            address: a.address,
            phone: a.phone,
            fax: a.fax.unwrap_or_default(),
            latitude: coordinate(a.latitude),
            longitude: coordinate(a.longitude),
            admin_name: a.admin_name,
            admin_kana: a.admin_kana,
            admin_email: a.admin_email,
            admin_phone: a.admin_phone,
            listed: a.listed,
            consent: true,
        }),
        submitted_at: a.submitted_at.to_rfc3339(),
        decided_at: a.decided_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        reason: a.reason.unwrap_or_default(),
        office_id: a.office_id.map(|o| o.to_string()).unwrap_or_default(),
    }
}

pub(super) fn announcement(a: AnnouncementRow) -> pb::Announcement {
    pb::Announcement {
        id: a.id.to_string(),
        title: a.title,
        body: a.body,
        published_at: a.published_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        updated_at: a.updated_at.to_rfc3339(),
    }
}
