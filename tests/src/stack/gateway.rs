//! What tests use to reach the running system: the gateway's URL, clients with and without the
//! operator's certificate, the operator's session, the mail that arrived, a service's database.

use super::Stack;
use crate::api::{Device, Session};
use std::time::{Duration, Instant};

impl Stack {
    #[must_use]
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.bootstrap.gateway_url)
    }

    /// A browser-like client holding the operator's device certificate.
    pub fn operator_client(&self) -> anyhow::Result<reqwest::Client> {
        let op = &self.bootstrap.operator;
        crate::client::https(&self.bootstrap.ca_cert, Some((&op.cert_pem, &op.key_pem)))
    }

    /// A client with no certificate at all.
    pub fn anonymous_client(&self) -> anyhow::Result<reqwest::Client> {
        crate::client::https(&self.bootstrap.ca_cert, None)
    }

    /// The operator's device certificate, as the bootstrap wrote it.
    #[must_use]
    pub fn operator_device(&self) -> Device {
        let op = &self.bootstrap.operator;
        Device {
            cert: op.cert_pem.clone(),
            key: op.key_pem.clone(),
        }
    }

    /// The operator signed in on their device at the gateway `base` (this stack's, or another
    /// instance started beside it).
    pub async fn operator_at(&self, base: &str) -> anyhow::Result<Session> {
        let op = &self.bootstrap.operator;
        Session::login(
            base,
            &self.bootstrap.ca_cert,
            &self.operator_device(),
            &op.login_id,
            &op.password,
        )
        .await
    }

    /// A session on the gateway that has not signed in and holds no certificate (the public
    /// forms).
    pub fn public_session(&self) -> anyhow::Result<Session> {
        Session::anonymous(&self.bootstrap.gateway_url, &self.bootstrap.ca_cert, None)
    }

    /// The messages the SMTP sink has received (tests only).
    #[must_use]
    pub fn mails(&self) -> Vec<String> {
        crate::smtp::read_messages(&self.bootstrap.mail_dir)
    }

    /// Waits until at least `n` messages have arrived (or `within` passes) and returns them all.
    pub async fn wait_for_mails(&self, n: usize, within: Duration) -> Vec<String> {
        let deadline = Instant::now() + within;
        loop {
            let mails = self.mails();
            if mails.len() >= n || Instant::now() > deadline {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The first message that contains every one of `needles`, waiting for it up to `within`.
    pub async fn mail_with_all(&self, needles: &[&str], within: Duration) -> Option<String> {
        let deadline = Instant::now() + within;
        loop {
            if let Some(m) = self
                .mails()
                .into_iter()
                .find(|m| needles.iter().all(|n| m.contains(n)))
            {
                return Some(m);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// A direct connection to one service's database, for checking what was (not) stored.
    pub async fn database(&self, service: &str) -> anyhow::Result<sqlx::PgPool> {
        Ok(sqlx::PgPool::connect(&self.postgres.url(service)).await?)
    }
}
