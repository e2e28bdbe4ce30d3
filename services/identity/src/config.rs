use crate::domain::ca::Kek;
use crate::domain::session::SessionPolicy;
use base64::Engine;
use common::config::{ConfigError, Vars};
use service_runtime::config::ServiceConfig;

pub struct Config {
    pub service: ServiceConfig,
    pub kek: Kek,
    pub session: SessionPolicy,
    pub device_cert_validity: chrono::Duration,
    pub enrollment_code_days: i64,
    /// How long before expiry office admins are warned.
    pub expiry_warning_days: i64,
    /// How often expiring certificates are looked for.
    pub expiry_check: std::time::Duration,
    /// How many argon2id hashes and certificate issuances run at once (19 MiB per hash).
    pub cpu_workers: usize,
}

/// A key-encryption key: 32 bytes, base64.
pub fn kek(vars: &Vars, name: &str) -> Result<Option<Kek>, ConfigError> {
    let Some(raw) = vars.get(name)? else {
        return Ok(None);
    };
    let invalid = |reason: &str| ConfigError::Invalid {
        name: name.into(),
        reason: reason.into(),
    };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(raw.trim())
        .map_err(|_| invalid("not base64"))?;
    Kek::from_bytes(&bytes)
        .map(Some)
        .map_err(|_| invalid("must decode to 32 bytes"))
}

/// The key the device CA's private key is sealed under now; never defaulted.
pub fn current_kek(vars: &Vars) -> Result<Kek, ConfigError> {
    kek(vars, "IDENTITY_CA_KEK")?.ok_or_else(|| ConfigError::Invalid {
        name: "IDENTITY_CA_KEK".into(),
        reason: "not set: identity refuses to start without the key that protects the device CA \
                 (a new CA would invalidate every device certificate)"
            .into(),
    })
}

/// A duration in seconds that, when set, replaces the coarser variable beside it: for drills and
/// tests that cannot wait minutes or days.
fn finer(vars: &Vars, name: &str) -> Result<Option<chrono::Duration>, ConfigError> {
    let seconds: Option<i64> = match vars.get(name)? {
        Some(raw) => Some(raw.trim().parse().map_err(|_| ConfigError::Invalid {
            name: name.into(),
            reason: "a number of seconds".into(),
        })?),
        None => None,
    };
    Ok(seconds.map(chrono::Duration::seconds))
}

impl Config {
    pub fn from_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let kek = current_kek(vars)?;
        Ok(Self {
            service: ServiceConfig::from_vars(vars)?,
            kek,
            session: SessionPolicy {
                idle: finer(vars, "SESSION_IDLE_SECONDS")?.unwrap_or(chrono::Duration::minutes(
                    vars.parse_or("SESSION_IDLE_MINUTES", 30)?,
                )),
                absolute: finer(vars, "SESSION_MAX_SECONDS")?.unwrap_or(chrono::Duration::hours(
                    vars.parse_or("SESSION_MAX_HOURS", 12)?,
                )),
            },
            device_cert_validity: finer(vars, "DEVICE_CERT_SECONDS")?.unwrap_or(
                chrono::Duration::days(vars.parse_or("DEVICE_CERT_DAYS", 825)?),
            ),
            enrollment_code_days: vars.parse_or("ENROLLMENT_CODE_DAYS", 14)?,
            expiry_warning_days: vars.parse_or("CERT_EXPIRY_WARNING_DAYS", 30)?,
            expiry_check: std::time::Duration::from_secs(
                vars.parse_or("CERT_EXPIRY_CHECK_SECONDS", 3600)?,
            ),
            cpu_workers: match vars.parse_or("IDENTITY_CPU_WORKERS", 2_usize)? {
                n @ 1..=64 => n,
                n => {
                    return Err(ConfigError::Invalid {
                        name: "IDENTITY_CPU_WORKERS".into(),
                        reason: format!("must be 1 to 64, not {n}"),
                    });
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Vec<(&'static str, &'static str)> {
        vec![
            ("DATABASE_URL", "postgres://x"),
            ("TLS_CA_FILE", "ca"),
            ("TLS_CERT_FILE", "c"),
            ("TLS_KEY_FILE", "k"),
        ]
    }

    #[test]
    fn refuses_to_start_without_the_kek() {
        let err = Config::from_vars(&Vars::from_pairs(base())).err().unwrap();
        assert!(err.to_string().contains("IDENTITY_CA_KEK"));
    }

    #[test]
    fn kek_must_be_32_bytes_of_base64() {
        let mut vars = base();
        vars.push(("IDENTITY_CA_KEK", "c2hvcnQ="));
        assert!(Config::from_vars(&Vars::from_pairs(vars.clone())).is_err());
        vars.pop();
        vars.push((
            "IDENTITY_CA_KEK",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ));
        let cfg = Config::from_vars(&Vars::from_pairs(vars)).unwrap();
        assert_eq!(cfg.session.idle, chrono::Duration::minutes(30));
        assert_eq!(cfg.device_cert_validity, chrono::Duration::days(825));
        assert_eq!(cfg.cpu_workers, 2);
    }

    #[test]
    fn the_cpu_pool_has_at_least_one_place() {
        let mut vars = base();
        vars.push((
            "IDENTITY_CA_KEK",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ));
        vars.push(("IDENTITY_CPU_WORKERS", "0"));
        let err = Config::from_vars(&Vars::from_pairs(vars.clone()))
            .err()
            .unwrap();
        assert!(err.to_string().contains("IDENTITY_CPU_WORKERS"));
        vars.pop();
        vars.push(("IDENTITY_CPU_WORKERS", "4"));
        assert_eq!(
            Config::from_vars(&Vars::from_pairs(vars))
                .unwrap()
                .cpu_workers,
            4
        );
    }

    #[test]
    fn seconds_replace_the_coarser_settings() {
        let mut vars = base();
        vars.extend([
            (
                "IDENTITY_CA_KEK",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            ),
            ("SESSION_IDLE_SECONDS", "3"),
            ("SESSION_MAX_SECONDS", "6"),
            ("DEVICE_CERT_SECONDS", "20"),
            ("DEVICE_CERT_DAYS", "1"),
        ]);
        let cfg = Config::from_vars(&Vars::from_pairs(vars.clone())).unwrap();
        assert_eq!(cfg.session.idle, chrono::Duration::seconds(3));
        assert_eq!(cfg.session.absolute, chrono::Duration::seconds(6));
        assert_eq!(cfg.device_cert_validity, chrono::Duration::seconds(20));
        vars.push(("SESSION_IDLE_SECONDS", "soon"));
        vars.retain(|(k, v)| *k != "SESSION_IDLE_SECONDS" || *v == "soon");
        assert!(Config::from_vars(&Vars::from_pairs(vars)).is_err());
    }
}
