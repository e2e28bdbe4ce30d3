//! A service's gRPC endpoint reached as the gateway reaches it, with the gateway's service
//! certificate: what tests, benches and a compromised or buggy gateway could send.

use crate::Stack;
use anyhow::Context;
use tonic::transport::Channel;

/// The channel to `service` (`careboard`, `identity`…), by the URL the gateway is given.
pub fn as_gateway(stack: &Stack, service: &str) -> anyhow::Result<Channel> {
    let var = format!("{}_URL", service.to_ascii_uppercase());
    let url = stack
        .service_env("gateway")
        .into_iter()
        .find(|(k, _)| *k == var)
        .map(|(_, v)| v)
        .with_context(|| format!("the gateway is given no {var}"))?;
    let files = stack.pki.files("gateway");
    let tls = common::config::TlsFiles {
        ca: stack.pki.ca.clone(),
        cert: files.cert,
        key: files.key,
    };
    Ok(common::grpc::channel(
        &url,
        &tls,
        &common::grpc::GrpcOptions::default(),
    )?)
}
