//! Outgoing mail: SMTP (STARTTLS when the server offers it, or implicit TLS for `smtps://`), or
//! `.eml` files in a folder for local development.

use crate::domain::Email;
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("SMTP_URL is invalid: {0}")]
    Url(String),
    #[error("message cannot be built: {0}")]
    Build(String),
    #[error("delivery failed: {0}")]
    Send(String),
}

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn smtp(url: &str) -> Result<Self, MailError> {
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
            .timeout(Some(std::time::Duration::from_secs(10)));
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

    pub async fn send(
        &self,
        from: &Mailbox,
        email: &Email,
        message_id: &str,
    ) -> Result<(), MailError> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(&email.subject)
            .message_id(Some(message_id.to_owned()))
            .header(ContentType::TEXT_PLAIN)
            .body(email.body.clone())
            .map_err(|e| MailError::Build(e.to_string()))?;
        match self {
            Mailer::Smtp(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(without_addresses(&e.to_string()))),
            Mailer::Files(t) => t
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| MailError::Send(without_addresses(&e.to_string()))),
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
