//! Certificates renewed under a running system, as cert-manager renews them: every binary
//! presents the new certificate from its next connection on, without a restart, and the system
//! goes on working, reconnecting with the renewed files too.

use crate::{shared_board, stack};
use std::sync::Arc;
use std::time::{Duration, Instant};
use system_tests::Stack;
use system_tests::people;

/// The certificate `addr` presents, from a TLS handshake trusting the internal
/// CA (and showing the gateway's client certificate, which the services require).
fn presented(stack: &Stack, addr: &str, host: &str) -> Vec<u8> {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
    let pem = |p: &std::path::Path| std::fs::read(p).unwrap();
    let mut roots = rustls::RootCertStore::empty();
    for c in rustls_pemfile::certs(&mut pem(&stack.pki.ca).as_slice()) {
        roots.add(c.unwrap()).unwrap();
    }
    let files = stack.pki.files("gateway");
    let chain: Vec<CertificateDer<'static>> =
        rustls_pemfile::certs(&mut pem(&files.cert).as_slice())
            .map(Result::unwrap)
            .collect();
    let key: PrivateKeyDer<'static> = rustls_pemfile::private_key(&mut pem(&files.key).as_slice())
        .unwrap()
        .unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .unwrap();
    let name = ServerName::try_from(host.to_owned()).unwrap();
    let mut conn = rustls::ClientConnection::new(Arc::new(config), name).unwrap();
    let mut sock = std::net::TcpStream::connect(addr).unwrap();
    sock.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    while conn.is_handshaking() {
        conn.complete_io(&mut sock).unwrap();
    }
    conn.peer_certificates().unwrap()[0].to_vec()
}

/// Each binary's TLS endpoint: (certificate name, address, name it is reached by).
fn endpoints(stack: &Stack) -> Vec<(&'static str, String, String)> {
    let gateway = stack.url("/");
    let authority = gateway
        .trim_start_matches("https://")
        .trim_end_matches('/')
        .to_owned();
    let mut all = vec![("gateway-server", authority, "localhost".to_owned())];
    for service in ["identity", "offices", "careboard", "notify"] {
        let var = format!("{}_URL", service.to_ascii_uppercase());
        let url = stack
            .service_env("gateway")
            .into_iter()
            .find(|(k, _)| *k == var)
            .map(|(_, v)| v)
            .unwrap();
        let authority = url.trim_start_matches("https://").to_owned();
        let host = authority.split(':').next().unwrap().to_owned();
        all.push((service, authority, host));
    }
    all
}

#[tokio::test(flavor = "multi_thread")]
async fn renewed_certificates_are_served_without_a_restart_and_the_system_goes_on() {
    let (_dir, mut stack, w) = stack("rk-ops-renewal-").await;
    let before: Vec<Vec<u8>> = endpoints(&stack)
        .iter()
        .map(|(_, addr, host)| presented(&stack, addr, host))
        .collect();
    let pids: Vec<Option<u32>> = ["gateway", "identity", "offices", "careboard", "notify"]
        .iter()
        .map(|b| stack.pid(b))
        .collect();

    for name in [
        "gateway-server",
        "gateway",
        "identity",
        "offices",
        "careboard",
        "notify",
    ] {
        stack.pki.renew(name).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(15);
    for ((name, addr, host), old) in endpoints(&stack).iter().zip(&before) {
        loop {
            let now = presented(&stack, addr, host);
            if now != *old {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{name} still presents its old certificate"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }
    let after: Vec<Option<u32>> = ["gateway", "identity", "offices", "careboard", "notify"]
        .iter()
        .map(|b| stack.pid(b))
        .collect();
    assert_eq!(pids, after, "no binary was restarted");

    // The system goes on: a login and a board through the gateway, and careboard started again
    // so that the gateway's next connection to it is made with the gateway's renewed files.
    stack.stop_binary("careboard");
    stack.start_binary("careboard").unwrap();
    stack.wait_ready(Duration::from_secs(30)).await.unwrap();
    let cm = people::session(&stack, &w.care, &w.care_manager)
        .await
        .unwrap();
    let board = shared_board(&cm, &w.nurse.id).await;
    let posted = cm
        .post_form(
            &format!("/boards/{board}/posts"),
            &[
                ("body", "証明書の更新後も書き込めます"),
                ("category", "連絡"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(posted.status, 303, "{}", posted.body);
}
