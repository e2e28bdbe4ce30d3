use common::config::{ConfigError, TlsFiles, Vars};
use std::net::SocketAddr;
use std::path::PathBuf;

pub struct Config {
    pub addr: SocketAddr,
    pub admin_addr: SocketAddr,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub internal_tls: TlsFiles,
    pub identity_url: String,
    pub offices_url: String,
    pub careboard_url: String,
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
        })
    }
}
