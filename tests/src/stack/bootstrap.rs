//! The operator of a new stack, made by the binaries' own bootstrap commands as the install Job
//! runs them, once per data directory.

use super::Operator;
use crate::bin_dir;
use crate::process::run;
use crate::secrets::random_secret;
use anyhow::Context;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Creates the city's office and the operator with a device certificate, once per data
/// directory; later starts reuse them.
pub(super) fn operator(
    dir: &Path,
    envs: &BTreeMap<String, Vec<(String, String)>>,
) -> anyhow::Result<Operator> {
    let saved = dir.join("operator").join("operator.json");
    if let Ok(text) = std::fs::read_to_string(&saved) {
        let op: Operator = serde_json::from_str(&text)?;
        if op.p12.exists() {
            return Ok(op);
        }
    }
    let out = dir.join("operator");
    std::fs::create_dir_all(&out)?;
    let mut office = Command::new(bin_dir().join("offices"));
    office
        .arg("bootstrap-operator-office")
        .envs(envs["offices"].iter().cloned())
        .env("BOOTSTRAP_ADMIN_EMAIL", "operator@city.takahagi.invalid");
    let created: serde_json::Value =
        serde_json::from_str(last_line(&run(office)?)).context("offices bootstrap output")?;
    let office_id = created["office_id"]
        .as_str()
        .context("office_id")?
        .to_owned();
    let office_name = created["name"].as_str().unwrap_or("高萩市").to_owned();

    let password = format!("op-{}", random_secret(12));
    let p12_password = random_secret(9);
    let mut identity = Command::new(bin_dir().join("identity"));
    identity
        .arg("bootstrap-operator")
        .envs(envs["identity"].iter().cloned())
        .env("BOOTSTRAP_OFFICE_ID", &office_id)
        .env("BOOTSTRAP_OFFICE_NAME", &office_name)
        .env("BOOTSTRAP_LOGIN_ID", "operator")
        .env("BOOTSTRAP_NAME", "市 運営担当")
        .env("BOOTSTRAP_PASSWORD", &password)
        .env("BOOTSTRAP_P12_PASSWORD", &p12_password)
        .env("BOOTSTRAP_OUT_DIR", &out);
    let issued: serde_json::Value =
        serde_json::from_str(last_line(&run(identity)?)).context("identity bootstrap output")?;
    let path = |k: &str| -> anyhow::Result<PathBuf> {
        Ok(PathBuf::from(
            issued[k].as_str().with_context(|| k.to_owned())?,
        ))
    };
    let op = Operator {
        login_id: "operator".into(),
        password,
        p12: path("p12")?,
        p12_password,
        cert_pem: path("cert_pem")?,
        key_pem: path("key_pem")?,
    };
    std::fs::write(&saved, serde_json::to_string_pretty(&op)?)?;
    Ok(op)
}

/// The bootstrap commands log as they work and print their result as the last line.
fn last_line(stdout: &str) -> &str {
    stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
}
