//! What every service's process is configured with, from the environment (see `common::config`
//! for how variables and their `_FILE` forms are read).

use common::config::{ConfigError, TlsFiles, Vars};
use std::net::SocketAddr;

/// What every service needs to run: its database, NATS, its listening addresses, TLS files and
/// how its gRPC connections behave.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub database_url: String,
    pub nats: common::bus::BusConfig,
    pub grpc_addr: SocketAddr,
    pub admin_addr: SocketAddr,
    pub tls: TlsFiles,
    pub grpc: common::grpc::GrpcOptions,
}

impl ServiceConfig {
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        Ok(Self {
            database_url: vars.required("DATABASE_URL")?,
            nats: common::bus::BusConfig::from_vars(vars)?,
            grpc_addr: vars.parse_or("GRPC_ADDR", SocketAddr::from(([0, 0, 0, 0], 50051)))?,
            admin_addr: vars.parse_or("ADMIN_ADDR", SocketAddr::from(([0, 0, 0, 0], 9090)))?,
            tls: TlsFiles::from_vars(vars)?,
            grpc: common::grpc::GrpcOptions::from_vars(vars)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_config_defaults_addresses() {
        let vars = Vars::from_pairs([
            ("DATABASE_URL", "postgres://x"),
            ("TLS_CA_FILE", "ca"),
            ("TLS_CERT_FILE", "cert"),
            ("TLS_KEY_FILE", "key"),
        ]);
        let cfg = ServiceConfig::from_vars(&vars).expect("a complete configuration");
        assert_eq!(cfg.grpc_addr.port(), 50051);
        assert_eq!(cfg.admin_addr.port(), 9090);
        assert_eq!(cfg.nats.url, "nats://127.0.0.1:4222");
    }
}
