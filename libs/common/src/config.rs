//! Configuration from environment variables. Every variable may instead be given as
//! `NAME_FILE`, the path of a file holding the value (how Kubernetes mounts secrets).
//! Parsing works on a `Vars` map so it is tested without touching the process environment.

use std::collections::HashMap;
use std::path::PathBuf;
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {0} is required")]
    Missing(String),
    #[error("environment variable {name} is invalid: {reason}")]
    Invalid { name: String, reason: String },
    #[error("cannot read {name}_FILE at {path}: {source}")]
    File {
        name: String,
        path: String,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Default)]
pub struct Vars(HashMap<String, String>);

impl Vars {
    #[must_use]
    pub fn from_process() -> Self {
        Self(std::env::vars().collect())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        Self(
            pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }

    /// The value of `name`, or the trimmed contents of the file named by `name_FILE`.
    pub fn get(&self, name: &str) -> Result<Option<String>, ConfigError> {
        if let Some(value) = self.0.get(name).filter(|v| !v.is_empty()) {
            return Ok(Some(value.clone()));
        }
        let file_var = format!("{name}_FILE");
        match self.0.get(&file_var).filter(|v| !v.is_empty()) {
            None => Ok(None),
            Some(path) => std::fs::read_to_string(path)
                .map(|s| Some(s.trim_end_matches(['\n', '\r']).to_owned()))
                .map_err(|source| ConfigError::File {
                    name: name.to_owned(),
                    path: path.clone(),
                    source,
                }),
        }
    }

    pub fn required(&self, name: &str) -> Result<String, ConfigError> {
        self.get(name)?
            .ok_or_else(|| ConfigError::Missing(name.to_owned()))
    }

    pub fn parse_or<T>(&self, name: &str, default: T) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        match self.get(name)? {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|e: T::Err| ConfigError::Invalid {
                name: name.to_owned(),
                reason: e.to_string(),
            }),
        }
    }

    pub fn parse_required<T>(&self, name: &str) -> Result<T, ConfigError>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let raw = self.required(name)?;
        raw.parse().map_err(|e: T::Err| ConfigError::Invalid {
            name: name.to_owned(),
            reason: e.to_string(),
        })
    }
}

/// Certificate files for internal mutual TLS.
#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TlsFiles {
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        Ok(Self {
            ca: vars.required("TLS_CA_FILE")?.into(),
            cert: vars.required("TLS_CERT_FILE")?.into(),
            key: vars.required("TLS_KEY_FILE")?.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_variant_is_read_and_trimmed() {
        let dir = std::env::temp_dir().join(format!("rk-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secret");
        std::fs::write(&path, "s3cret\n").unwrap();
        let vars = Vars::from_pairs([("DATABASE_URL_FILE", path.to_str().unwrap())]);
        assert_eq!(vars.required("DATABASE_URL").unwrap(), "s3cret");
    }

    #[test]
    fn direct_value_wins_over_file() {
        let vars = Vars::from_pairs([("A", "direct"), ("A_FILE", "/nonexistent")]);
        assert_eq!(vars.get("A").unwrap().as_deref(), Some("direct"));
    }

    #[test]
    fn missing_and_invalid_are_reported_by_name() {
        let vars = Vars::from_pairs([("GRPC_ADDR", "not an address")]);
        assert!(
            matches!(vars.required("DATABASE_URL"), Err(ConfigError::Missing(n)) if n == "DATABASE_URL")
        );
        let err = vars
            .parse_or("GRPC_ADDR", std::net::SocketAddr::from(([0, 0, 0, 0], 1)))
            .unwrap_err();
        assert!(err.to_string().contains("GRPC_ADDR"));
    }
}
