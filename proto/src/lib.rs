//! Generated gRPC types and stubs for the internal contracts in `proto/renrakucho/`.

#![allow(clippy::pedantic, unreachable_pub, missing_docs)]

include!(concat!(env!("OUT_DIR"), "/renrakucho.rs"));

pub use renrakucho::careboard::v1 as careboard;
pub use renrakucho::common::v1 as common;
pub use renrakucho::identity::v1 as identity;
pub use renrakucho::offices::v1 as offices;
