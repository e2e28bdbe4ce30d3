//! The `identity` binary: reads its configuration from the environment, starts telemetry and
//! runs the library's entry.

use common::config::Vars;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = Vars::from_process();
    let telemetry = common::telemetry::init("identity", &vars)?;
    let result = match std::env::args().nth(1).as_deref() {
        None | Some("serve") => identity::serve(&vars).await,
        Some("bootstrap-operator") => identity::bootstrap(&vars).await,
        Some("export-crl") => identity::export_crl(&vars).await,
        Some("rotate-kek") => identity::rotate_kek(&vars).await,
        Some(other) => Err(anyhow::anyhow!(
            "unknown command {other}; use serve, bootstrap-operator, export-crl or rotate-kek"
        )),
    };
    if let Err(e) = &result {
        tracing::error!(error = format!("{e:#}"), "identity stopped");
    }
    telemetry.shutdown();
    result
}
