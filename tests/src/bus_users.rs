//! Who may say what on NATS: one user per binary, each allowed to publish only its own subjects
//! (only identity publishes `identity.>`, each service its own `audit.<service>.>`), to run only
//! its own durable consumers, and to read replies only on its own inbox prefix; the gateway
//! publishes nothing and hears only what its pages need. The stream can be deleted or purged by
//! `admin` alone, the operators' user for the `nats` command line.
//!
//! The harness's server is configured from this table, and the cluster's
//! `deploy/k8s/base/nats-users.conf` is its rendering with passwords from the environment (a
//! test compares the two), so what the tests show is what the cluster enforces.

/// Every NATS user.
pub const USERS: [&str; 6] = [
    "identity",
    "offices",
    "careboard",
    "notify",
    "gateway",
    "admin",
];

const STREAM: &str = "RENRAKUCHO";

/// The durable consumers each service runs (the names in its `events.rs`).
fn consumers(user: &str) -> &'static [&'static str] {
    match user {
        "identity" => &["identity-audit", "identity-offices"],
        "careboard" => &["careboard-identity"],
        "notify" => &["notify"],
        _ => &[],
    }
}

/// What the gateway listens to: revocations, and what changes an open page (`live.rs`).
const GATEWAY_HEARS: [&str; 5] = [
    "identity.certificate.revoked",
    "identity.user.status_changed",
    "identity.session.ended",
    "careboard.post.>",
    "careboard.team.member_removed",
];

/// (publish, subscribe) allowed to `user`; `None` for no limit.
fn grants(user: &str) -> Option<(Vec<String>, Vec<String>)> {
    match user {
        "admin" => None,
        "gateway" => Some((Vec::new(), GATEWAY_HEARS.map(str::to_owned).to_vec())),
        service => {
            let mut publish = vec![
                format!("{service}.>"),
                format!("audit.{service}.>"),
                "$JS.API.INFO".to_owned(),
                format!("$JS.API.STREAM.INFO.{STREAM}"),
                format!("$JS.API.STREAM.CREATE.{STREAM}"),
                format!("$JS.API.STREAM.UPDATE.{STREAM}"),
            ];
            for c in consumers(service) {
                publish.extend([
                    format!("$JS.API.CONSUMER.INFO.{STREAM}.{c}"),
                    format!("$JS.API.CONSUMER.CREATE.{STREAM}.{c}"),
                    format!("$JS.API.CONSUMER.CREATE.{STREAM}.{c}.>"),
                    format!("$JS.API.CONSUMER.DURABLE.CREATE.{STREAM}.{c}"),
                    format!("$JS.API.CONSUMER.MSG.NEXT.{STREAM}.{c}"),
                    format!("$JS.ACK.{STREAM}.{c}.>"),
                ]);
            }
            Some((
                publish,
                vec![format!("{}.>", common::bus::inbox_prefix(service))],
            ))
        }
    }
}

fn list(subjects: &[String]) -> String {
    subjects
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `authorization` block of a NATS configuration; `password(user)` is what follows
/// `password:` (a quoted secret, or `$VARIABLE` from the server's environment).
#[must_use]
pub fn authorization(password: &dyn Fn(&str) -> String) -> String {
    let mut users = Vec::new();
    for user in USERS {
        let permissions = grants(user).map_or_else(String::new, |(publish, subscribe)| {
            let publish = if publish.is_empty() {
                "{ deny: [\">\"] }".to_owned()
            } else {
                format!("{{ allow: [{}] }}", list(&publish))
            };
            format!(
                "      permissions: {{\n        publish: {publish}\n        subscribe: {{ allow: [{}] }}\n      }}\n",
                list(&subscribe)
            )
        });
        users.push(format!(
            "    {{\n      user: \"{user}\"\n      password: {}\n{permissions}    }}\n",
            password(user)
        ));
    }
    format!("authorization {{\n  users: [\n{}  ]\n}}\n", users.concat())
}

/// The environment variable that holds `user`'s password on a cluster node.
#[must_use]
pub fn password_variable(user: &str) -> String {
    format!("NATS_PASSWORD_{}", user.to_uppercase())
}

/// The cluster's grants, as `deploy/k8s/base/nats-users.conf` should hold them.
#[must_use]
pub fn cluster_authorization() -> String {
    format!(
        "# Rendered from tests/src/bus_users.rs (a test checks that they agree): one user per\n\
         # binary, each limited to its own subjects. Passwords come from the Secret nats-users.\n{}",
        authorization(&|user| format!("${}", password_variable(user)))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_grants_what_the_harness_grants() {
        let path = crate::workspace_root().join("deploy/k8s/base/nats-users.conf");
        let file = std::fs::read_to_string(&path).unwrap_or_default();
        if std::env::var_os("RENDER_NATS_USERS").is_some() {
            std::fs::write(&path, cluster_authorization()).unwrap();
            return;
        }
        assert_eq!(
            file,
            cluster_authorization(),
            "{} differs from tests/src/bus_users.rs; RENDER_NATS_USERS=1 rewrites it",
            path.display()
        );
    }

    #[test]
    fn only_identity_may_publish_identity_events() {
        for user in USERS {
            let may =
                grants(user).is_none_or(|(publish, _)| publish.iter().any(|s| s == "identity.>"));
            assert_eq!(may, matches!(user, "identity" | "admin"), "{user}");
        }
    }
}
