//! Outgoing mail: SMTP (STARTTLS when the server offers it, or implicit TLS for `smtps://`) over
//! a pool of kept-open connections, or `.eml` files in a folder for local development. Each send
//! says what became of it, in the terms of `domain::delivery`.

use crate::domain::Email;
use crate::domain::delivery::{Failure, Outcome, classify_reply};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

/// The longest one email's hand-over may take, all SMTP steps together: a hung server must not
/// hold the email past its lease (`deliver::LEASE`).
pub const SEND_DEADLINE: Duration = Duration::from_secs(20);

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL is invalid: {0}")]
    Url(String),
}

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    /// `connections`: how many connections to the server are kept open between mails.
    pub fn smtp(url: &str, connections: u32) -> Result<Self, MailError> {
        let bad = |why: &str| MailError::Url(why.to_owned());
        let url = url::Url::parse(url).map_err(|e| MailError::Url(e.to_string()))?;
        let host = url.host_str().ok_or_else(|| bad("no host"))?.to_owned();
        let tls_params =
            || TlsParameters::new(host.clone()).map_err(|e| MailError::Url(e.to_string()));
        let (tls, default_port) = match url.scheme() {
            "smtp" => (Tls::Opportunistic(tls_params()?), 25),
            "smtps" => (Tls::Wrapper(tls_params()?), 465),
            other => return Err(MailError::Url(format!("unsupported scheme {other}"))),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host.clone())
            .port(url.port().unwrap_or(default_port))
            .tls(tls)
            .timeout(Some(Duration::from_secs(10)))
            .pool_config(PoolConfig::new().max_size(connections.max(1)));
        if !url.username().is_empty() {
            builder = builder.credentials(Credentials::new(
                url.username().to_owned(),
                url.password().unwrap_or_default().to_owned(),
            ));
        }
        Ok(Mailer::Smtp(builder.build()))
    }

    pub fn files(dir: PathBuf) -> Result<Self, MailError> {
        std::fs::create_dir_all(&dir)
            .map_err(|e| MailError::Url(format!("{}: {e}", dir.display())))?;
        Ok(Mailer::Files(AsyncFileTransport::new(dir)))
    }

    /// Hands `email` to the server, and says what came of it.
    pub async fn send(&self, from: &Mailbox, email: &Email, message_id: &str) -> Outcome {
        let Ok(to) = email.to.parse::<Mailbox>() else {
            return Outcome::Permanent(Failure::InvalidAddress);
        };
        let message = match Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&email.subject)
            .message_id(Some(message_id.to_owned()))
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
        {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %without_addresses(&e.to_string()), "email not built");
                return Outcome::Transient(Failure::Temporary);
            }
        };
        match self {
            Mailer::Smtp(t) => {
                match tokio::time::timeout(SEND_DEADLINE, Box::pin(t.send(message))).await {
                    Err(_) => {
                        tracing::warn!("the mail server did not answer in time");
                        Outcome::Transient(Failure::Temporary)
                    }
                    Ok(Ok(_)) => Outcome::Sent,
                    Ok(Err(e)) => {
                        let text = without_addresses(&e.to_string());
                        tracing::warn!(error = %text, "the mail server did not take an email");
                        match e.status() {
                            Some(code) => classify_reply(code.into(), &text),
                            // Unreachable, timed out, TLS or a garbled answer: the server may well
                            // take it later.
                            None => Outcome::Transient(Failure::Temporary),
                        }
                    }
                }
            }
            Mailer::Files(t) => match t.send(message).await {
                Ok(_) => Outcome::Sent,
                Err(e) => {
                    tracing::warn!(error = %without_addresses(&e.to_string()), "email not written");
                    Outcome::Transient(Failure::Temporary)
                }
            },
        }
    }
}

/// A relay's refusal often quotes the address it refused ("550 5.1.1 <x@y>: unknown"); the
/// error ends up in logs, which must hold no personal data.
fn without_addresses(message: &str) -> String {
    message
        .split(' ')
        .map(|word| {
            if word.contains('@') {
                "<address>"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::without_addresses;

    #[test]
    fn a_refusal_is_logged_without_the_address() {
        assert_eq!(
            without_addresses(
                "permanent error (550): 5.1.1 <tanaka@example.jp>: Recipient address rejected"
            ),
            "permanent error (550): 5.1.1 <address> Recipient address rejected"
        );
        assert_eq!(
            without_addresses("connection refused"),
            "connection refused"
        );
    }
}
