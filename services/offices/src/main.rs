//! The `offices` binary: reads its configuration from the environment, starts telemetry and
//! runs the library's entry.

use common::config::Vars;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = Vars::from_process();
    let telemetry = common::telemetry::init("offices", &vars)?;
    let result = match std::env::args().nth(1).as_deref() {
        None | Some("serve") => offices::serve(&vars).await,
        Some("bootstrap-operator-office") => offices::bootstrap(&vars).await,
        Some(other) => Err(anyhow::anyhow!(
            "unknown command {other}; use serve or bootstrap-operator-office"
        )),
    };
    if let Err(e) = &result {
        tracing::error!(error = format!("{e:#}"), "offices stopped");
    }
    telemetry.shutdown();
    result
}
