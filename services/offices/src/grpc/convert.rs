//! Offices' rows and states as the contract's messages, and the contract's states back (its
//! errors become refusals in `crate::error`).

use crate::domain::{ApplicationMode, ApplicationStatus, OfficeStatus};
use crate::store::{AnnouncementRow, ApplicationRow, OfficeRow};
use proto::offices as pb;

/// The contract's UNSPECIFIED, which no state of offices is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unspecified;

impl From<OfficeStatus> for pb::OfficeStatus {
    fn from(s: OfficeStatus) -> Self {
        match s {
            OfficeStatus::Active => Self::Active,
            OfficeStatus::Withdrawn => Self::Withdrawn,
        }
    }
}

impl TryFrom<pb::OfficeStatus> for OfficeStatus {
    type Error = Unspecified;

    fn try_from(s: pb::OfficeStatus) -> Result<Self, Unspecified> {
        match s {
            pb::OfficeStatus::Active => Ok(Self::Active),
            pb::OfficeStatus::Withdrawn => Ok(Self::Withdrawn),
            pb::OfficeStatus::Unspecified => Err(Unspecified),
        }
    }
}

impl From<ApplicationStatus> for pb::ApplicationStatus {
    fn from(s: ApplicationStatus) -> Self {
        match s {
            ApplicationStatus::Pending => Self::Pending,
            ApplicationStatus::Approved => Self::Approved,
            ApplicationStatus::Rejected => Self::Rejected,
        }
    }
}

impl TryFrom<pb::ApplicationStatus> for ApplicationStatus {
    type Error = Unspecified;

    fn try_from(s: pb::ApplicationStatus) -> Result<Self, Unspecified> {
        match s {
            pb::ApplicationStatus::Pending => Ok(Self::Pending),
            pb::ApplicationStatus::Approved => Ok(Self::Approved),
            pb::ApplicationStatus::Rejected => Ok(Self::Rejected),
            pb::ApplicationStatus::Unspecified => Err(Unspecified),
        }
    }
}

impl From<ApplicationMode> for pb::ApplicationMode {
    fn from(m: ApplicationMode) -> Self {
        match m {
            ApplicationMode::Open => Self::Open,
            ApplicationMode::Invitation => Self::Invitation,
            ApplicationMode::Closed => Self::Closed,
        }
    }
}

impl TryFrom<pb::ApplicationMode> for ApplicationMode {
    type Error = Unspecified;

    fn try_from(m: pb::ApplicationMode) -> Result<Self, Unspecified> {
        match m {
            pb::ApplicationMode::Open => Ok(Self::Open),
            pb::ApplicationMode::Invitation => Ok(Self::Invitation),
            pb::ApplicationMode::Closed => Ok(Self::Closed),
            pb::ApplicationMode::Unspecified => Err(Unspecified),
        }
    }
}

pub(super) fn office(row: OfficeRow) -> pb::Office {
    pb::Office {
        id: row.id.to_string(),
        name: row.name,
        kind: row.kind,
        admin_email: row.admin_email,
        status: pb::OfficeStatus::from(row.status).into(),
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
        status: pb::ApplicationStatus::from(a.status).into(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Debug;
    use std::str::FromStr;

    /// Each value as the contract's, back, and as its stored word, back.
    fn round_trips<D, P>(all: &[D])
    where
        D: Copy + PartialEq + Debug + FromStr + TryFrom<P, Error = Unspecified>,
        <D as FromStr>::Err: Debug,
        P: From<D> + Into<i32> + TryFrom<i32>,
        D: std::fmt::Display,
    {
        for &value in all {
            let number: i32 = P::from(value).into();
            assert_ne!(number, 0, "{value:?} is sent as UNSPECIFIED");
            let Ok(sent) = P::try_from(number) else {
                panic!("{value:?} is not a number of the contract");
            };
            assert_eq!(D::try_from(sent), Ok(value));
            assert_eq!(value.to_string().parse::<D>().ok(), Some(value));
        }
    }

    #[test]
    fn every_state_round_trips_through_the_contract_and_its_stored_word() {
        round_trips::<OfficeStatus, pb::OfficeStatus>(OfficeStatus::ALL);
        round_trips::<ApplicationStatus, pb::ApplicationStatus>(ApplicationStatus::ALL);
        round_trips::<ApplicationMode, pb::ApplicationMode>(ApplicationMode::ALL);
    }

    #[test]
    fn unspecified_is_no_state_of_offices() {
        assert_eq!(
            OfficeStatus::try_from(pb::OfficeStatus::Unspecified),
            Err(Unspecified)
        );
        assert_eq!(
            ApplicationStatus::try_from(pb::ApplicationStatus::Unspecified),
            Err(Unspecified)
        );
        assert_eq!(
            ApplicationMode::try_from(pb::ApplicationMode::Unspecified),
            Err(Unspecified)
        );
    }
}
