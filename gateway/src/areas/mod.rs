//! The areas of the UI and the API, one folder each: its router, page and API handlers.
//! They build on `crate::edge` and never the other way round.

pub mod accounts;
pub mod announcements;
pub mod applications;
pub mod audit;
pub mod board;
pub mod certificates;
pub mod fhir;
pub mod incidents;
pub mod mail;
pub mod offices;
pub mod portal;
pub mod recipients;
pub mod report;
pub mod session;
pub mod team;
