//! The `notify` binary: reads its configuration from the environment, starts telemetry and
//! runs the library's entry.

use common::config::Vars;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let vars = Vars::from_process();
    let telemetry = common::telemetry::init("notify", &vars)?;
    let result = Box::pin(notify::serve(&vars)).await;
    if let Err(e) = &result {
        tracing::error!(error = format!("{e:#}"), "notify stopped");
    }
    telemetry.shutdown();
    result
}
