//! The connection to NATS, the same in every binary: its URL, the binary's own NATS user (each
//! may publish and subscribe only to its own subjects, as the server's configuration says), and
//! TLS verified against the internal CA. The connection is made in the background and kept up
//! by the client, so a binary starts and serves while NATS is away.

use crate::config::{ConfigError, Vars};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
#[error("nats: {0}")]
pub struct BusError(String);

/// `NATS_URL`, `NATS_USER` with `NATS_PASSWORD` (or `NATS_PASSWORD_FILE`), `NATS_TLS_CA_FILE`.
#[derive(Clone)]
pub struct BusConfig {
    pub url: String,
    pub user: Option<(String, String)>,
    /// The CA the server's certificate is verified against; set, the connection requires TLS.
    pub tls_ca: Option<PathBuf>,
}

impl std::fmt::Debug for BusConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BusConfig")
            .field("url", &self.url)
            .field("user", &self.user.as_ref().map(|(name, _)| name))
            .field("tls_ca", &self.tls_ca)
            .finish()
    }
}

impl BusConfig {
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let user = match (vars.get("NATS_USER")?, vars.get("NATS_PASSWORD")?) {
            (Some(user), Some(password)) => Some((user, password)),
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::Missing("NATS_PASSWORD".into())),
            (None, Some(_)) => return Err(ConfigError::Missing("NATS_USER".into())),
        };
        Ok(Self {
            url: vars
                .get("NATS_URL")?
                .unwrap_or_else(|| "nats://127.0.0.1:4222".into()),
            user,
            tls_ca: vars.get("NATS_TLS_CA_FILE")?.map(PathBuf::from),
        })
    }

    /// The client for `name` (shown in the server's connection list). It connects in the
    /// background and reconnects by itself for as long as the process runs.
    pub async fn connect(&self, name: &str) -> Result<async_nats::Client, BusError> {
        let user = self.user.as_ref().map_or(name, |(user, _)| user.as_str());
        let mut options = async_nats::ConnectOptions::new()
            .name(name)
            .custom_inbox_prefix(inbox_prefix(user))
            .retry_on_initial_connect();
        if let Some((user, password)) = &self.user {
            options = options.user_and_password(user.clone(), password.clone());
        }
        if let Some(ca) = &self.tls_ca {
            if !ca.exists() {
                return Err(BusError(format!(
                    "NATS_TLS_CA_FILE {} not found",
                    ca.display()
                )));
            }
            options = options.add_root_certificates(ca.clone()).require_tls(true);
        }
        options
            .connect(&self.url)
            .await
            .map_err(|e| BusError(e.to_string()))
    }
}

/// Where the replies to `user`'s requests (JetStream's answers, a pull consumer's events) are
/// sent: a prefix of its own, so that no other user may subscribe to them.
#[must_use]
pub fn inbox_prefix(user: &str) -> String {
    format!("_INBOX_{user}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_needs_its_password() {
        let vars = Vars::from_pairs([("NATS_USER", "gateway")]);
        assert!(matches!(
            BusConfig::from_vars(&vars),
            Err(ConfigError::Missing(name)) if name == "NATS_PASSWORD"
        ));
    }

    #[test]
    fn defaults_to_a_local_server_without_user_or_tls() {
        let cfg = BusConfig::from_vars(&Vars::default()).unwrap();
        assert_eq!(cfg.url, "nats://127.0.0.1:4222");
        assert!(cfg.user.is_none() && cfg.tls_ca.is_none());
    }

    #[test]
    fn the_password_is_never_printed() {
        let vars = Vars::from_pairs([("NATS_USER", "notify"), ("NATS_PASSWORD", "s3cret-pw")]);
        let cfg = BusConfig::from_vars(&vars).unwrap();
        assert!(!format!("{cfg:?}").contains("s3cret-pw"));
    }
}
