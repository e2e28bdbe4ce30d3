use common::config::{ConfigError, TlsFiles, Vars};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

pub struct Config {
    pub addr: SocketAddr,
    pub admin_addr: SocketAddr,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub internal_tls: TlsFiles,
    pub identity_url: String,
    pub offices_url: String,
    pub careboard_url: String,
    pub notify_url: String,
    pub nats: common::bus::BusConfig,
    pub grpc: common::grpc::GrpcOptions,
    pub map_tiles: String,
    pub contact: Vec<String>,
    /// How often the full revocation list is re-read.
    pub revocation_refresh: Duration,
    /// How old the list may get (reloads failing) before protected routes fail closed.
    pub revocation_max_age: Duration,
}

impl Config {
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        Ok(Self {
            addr: vars.parse_or("GATEWAY_ADDR", SocketAddr::from(([0, 0, 0, 0], 8443)))?,
            admin_addr: vars.parse_or("ADMIN_ADDR", SocketAddr::from(([0, 0, 0, 0], 9090)))?,
            server_cert: vars.required("GATEWAY_TLS_CERT_FILE")?.into(),
            server_key: vars.required("GATEWAY_TLS_KEY_FILE")?.into(),
            internal_tls: TlsFiles::from_vars(vars)?,
            identity_url: vars
                .get("IDENTITY_URL")?
                .unwrap_or_else(|| "https://identity:50051".into()),
            offices_url: vars
                .get("OFFICES_URL")?
                .unwrap_or_else(|| "https://offices:50051".into()),
            careboard_url: vars
                .get("CAREBOARD_URL")?
                .unwrap_or_else(|| "https://careboard:50051".into()),
            notify_url: vars
                .get("NOTIFY_URL")?
                .unwrap_or_else(|| "https://notify:50051".into()),
            contact: vars
                .get("PORTAL_CONTACT")?
                .unwrap_or_else(|| {
                    "高萩市高齢福祉課 地域包括支援グループ\nTEL: 0293-22-0080（内線626・617）\nFAX: 0293-22-0700".into()
                })
                .split(['\n', '|'])
                .map(|l| l.trim().to_owned())
                .filter(|l| !l.is_empty())
                .collect(),
            map_tiles: vars
                .get("MAP_TILE_URL")?
                .unwrap_or_else(|| "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into()),
            nats: common::bus::BusConfig::from_vars(vars)?,
            grpc: common::grpc::GrpcOptions::from_vars(vars)?,
            revocation_refresh: Duration::from_secs(vars.parse_or("REVOCATION_REFRESH_SECS", 30)?),
            revocation_max_age: Duration::from_secs(vars.parse_or("REVOCATION_MAX_AGE_SECS", 300)?),
        })
    }
}
