//! Each binary's environment: its certificate, its ports, its database, whom it calls, and what
//! the test asked for on top.

use super::{SERVICES, StackOptions};
use crate::free_port;
use crate::nats::Nats;
use crate::otlp::OtlpReceiver;
use crate::pki::DevPki;
use crate::postgres::Postgres;
use crate::secrets::read_or_create_secret;
use base64::Engine;
use rand::Rng;
use std::collections::BTreeMap;
use std::path::Path;

/// What the environments are written from: the servers already started.
pub(super) struct Parts<'a> {
    pub dir: &'a Path,
    pub opts: &'a StackOptions,
    pub pki: &'a DevPki,
    pub postgres: &'a Postgres,
    pub nats: &'a Nats,
    pub otlp: Option<&'a OtlpReceiver>,
    pub mail_dir: &'a Path,
    /// Where notify sends mail; `None` has it write files into `mail_dir`.
    pub smtp_url: Option<String>,
}

pub(super) struct Environments {
    pub gateway_url: String,
    pub envs: BTreeMap<String, Vec<(String, String)>>,
    pub admin_ports: BTreeMap<String, u16>,
}

/// Who calls whom over gRPC: the gateway everyone; careboard asks identity and offices who people
/// are; notify asks identity where to mail them; identity asks offices for office names and
/// addresses and an approved office's first admin.
const CALLERS: [(&str, &[&str]); 4] = [
    ("gateway", &["identity", "offices", "careboard", "notify"]),
    ("careboard", &["identity", "offices"]),
    ("notify", &["identity"]),
    ("identity", &["offices"]),
];

pub(super) fn environments(parts: &Parts<'_>) -> anyhow::Result<Environments> {
    let Parts {
        dir,
        opts,
        pki,
        postgres,
        nats,
        otlp,
        mail_dir,
        smtp_url,
    } = parts;
    let kek = read_or_create_secret(&dir.join("ca-kek"), || {
        let mut key = [0u8; 32];
        rand::rng().fill(&mut key[..]);
        base64::engine::general_purpose::STANDARD.encode(key)
    })?;

    let gateway_port = match opts.gateway_port {
        Some(p) => p,
        None => free_port()?,
    };
    let grpc_ports: BTreeMap<&str, u16> = [
        ("identity", free_port()?),
        ("offices", free_port()?),
        ("careboard", free_port()?),
        ("notify", free_port()?),
    ]
    .into();
    let mut admin_ports = BTreeMap::new();
    for name in SERVICES.iter().chain(["gateway"].iter()) {
        admin_ports.insert((*name).to_owned(), free_port()?);
    }

    let mut common_env: Vec<(String, String)> = vec![
        ("RUST_LOG".into(), "info".into()),
        ("TLS_CA_FILE".into(), pki.ca.display().to_string()),
        ("OTEL_BSP_SCHEDULE_DELAY".into(), "100".into()),
    ];
    if let Some(o) = otlp {
        common_env.push(("OTEL_EXPORTER_OTLP_ENDPOINT".into(), o.endpoint()));
        common_env.push(("OTEL_METRIC_EXPORT_INTERVAL".into(), "500".into()));
    }
    common_env.extend(opts.env.iter().cloned());
    let gateway_url = format!("https://localhost:{gateway_port}");
    let mut envs: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for name in SERVICES.iter().chain(["gateway"].iter()) {
        let files = pki.files(name);
        let mut env = common_env.clone();
        env.extend(nats.env(name));
        env.push(("TLS_CERT_FILE".into(), files.cert.display().to_string()));
        env.push(("TLS_KEY_FILE".into(), files.key.display().to_string()));
        env.push((
            "ADMIN_ADDR".into(),
            format!("127.0.0.1:{}", admin_ports[*name]),
        ));
        if let Some(port) = grpc_ports.get(name) {
            env.push(("GRPC_ADDR".into(), format!("127.0.0.1:{port}")));
        }
        if *name != "gateway" {
            env.push(("DATABASE_URL".into(), postgres.url(name)));
        }
        envs.insert((*name).to_owned(), env);
    }
    let mut push = |name: &str, k: &str, v: String| {
        if let Some(e) = envs.get_mut(name) {
            e.push((k.to_owned(), v));
        }
    };
    push("identity", "IDENTITY_CA_KEK", kek);
    match smtp_url {
        Some(url) => push("notify", "SMTP_URL", url.clone()),
        None => push("notify", "MAIL_DIR", mail_dir.display().to_string()),
    }
    push("notify", "PUBLIC_BASE_URL", gateway_url.clone());
    // Board files in the stack's own directory, unless the test names another store.
    if !opts.env.iter().any(|(k, _)| k == "OBJECT_STORE_URL") {
        let objects = std::path::absolute(opts.dir.join("objects"))?;
        push(
            "careboard",
            "OBJECT_STORE_URL",
            format!("file://{}", objects.display()),
        );
    }
    let server = pki.files("gateway-server");
    push(
        "gateway",
        "GATEWAY_ADDR",
        format!("127.0.0.1:{gateway_port}"),
    );
    push(
        "gateway",
        "GATEWAY_TLS_CERT_FILE",
        server.cert.display().to_string(),
    );
    push(
        "gateway",
        "GATEWAY_TLS_KEY_FILE",
        server.key.display().to_string(),
    );
    for (caller, services) in CALLERS {
        for svc in services {
            push(
                caller,
                &format!("{}_URL", svc.to_uppercase()),
                format!("https://localhost:{}", grpc_ports[svc]),
            );
        }
    }
    Ok(Environments {
        gateway_url,
        envs,
        admin_ports,
    })
}
