//! Generated gRPC types and stubs for the internal contracts in `proto/renrakucho/`.

#![allow(clippy::pedantic, unreachable_pub, missing_docs)]

pub mod checked;

include!(concat!(env!("OUT_DIR"), "/renrakucho.rs"));

pub use renrakucho::careboard::v1 as careboard;
pub use renrakucho::common::v1 as common;
pub use renrakucho::identity::v1 as identity;
pub use renrakucho::notify::v1 as notify;
pub use renrakucho::offices::v1 as offices;

impl common::MonthCount {
    /// `(YYYY-MM, count)` rows as the report's months.
    pub fn from_rows(rows: Vec<(String, u64)>) -> Vec<Self> {
        rows.into_iter()
            .map(|(month, value)| Self { month, value })
            .collect()
    }
}

impl common::LabelMonths {
    /// `(label, months)` rows as the report's labelled series.
    pub fn from_rows(rows: Vec<(String, Vec<(String, u64)>)>) -> Vec<Self> {
        rows.into_iter()
            .map(|(label, months)| Self {
                label,
                months: common::MonthCount::from_rows(months),
            })
            .collect()
    }
}

impl identity::OtherOfficeDevice {
    /// The refusal as a status, this message in its details.
    #[must_use]
    pub fn into_status(self) -> tonic::Status {
        use prost::Message;
        tonic::Status::with_details(
            tonic::Code::PermissionDenied,
            "other_office_device",
            self.encode_to_vec().into(),
        )
    }

    /// The message a refusal carries; `None` for any other status.
    #[must_use]
    pub fn from_status(status: &tonic::Status) -> Option<Self> {
        use prost::Message;
        (status.code() == tonic::Code::PermissionDenied
            && status.message() == "other_office_device")
            .then(|| Self::decode(status.details()).ok())
            .flatten()
    }
}
