//! Generated gRPC types and stubs for the internal contracts in `proto/renrakucho/`.

#![allow(clippy::pedantic, unreachable_pub, missing_docs)]

pub mod checked;
pub mod errors;
pub mod events;

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
