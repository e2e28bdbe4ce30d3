//! Mechanisms shared by every Renrakucho binary. No domain rules live here: if two services need
//! the same rule, one owns it and the other asks over gRPC or learns it from an event.

pub mod admin;
pub mod audit;
pub mod bus;
pub mod clock;
pub mod config;
pub mod events;
pub mod grpc;
pub mod idempotency;
pub mod ids;
pub mod japan;
pub mod metrics;
pub mod otlp_metrics;
pub mod shutdown;
pub mod states;
pub mod stats;
pub mod telemetry;
pub mod text;
pub mod tls;
