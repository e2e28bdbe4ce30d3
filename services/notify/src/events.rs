//! What notify consumes: one durable consumer over the events that cause email. Each email is
//! recorded as soon as it is sent and each event marked done once all are, so a redelivered
//! event sends only what is missing and never a second copy.

use crate::domain::{Email, templates};
use crate::mailer::Mailer;
use crate::store::{Delivery, Store};
use common::clock::SharedClock;
use common::events::{CloudEvent, Handled};
use lettre::message::Mailbox;
use serde::Deserialize;
use uuid::Uuid;

pub const CONSUMER: &str = "notify";
pub const SUBJECTS: [&str; 7] = [
    "offices.office.registered",
    "identity.enrollment_code.issued",
    "offices.application.submitted",
    "offices.application.rejected",
    "careboard.post.urgent",
    "careboard.incident.filed",
    "identity.certificate.expiring",
];

/// The part of `identity.certificate.expiring` notify reads.
#[derive(Debug, Deserialize)]
struct CertificateExpiring {
    office_id: Uuid,
    office_name: String,
    label: String,
    not_after: chrono::DateTime<chrono::Utc>,
}

/// The part of `careboard.incident.filed` notify reads: what happened stays in careboard.
#[derive(Debug, Deserialize)]
struct IncidentFiled {
    incident_id: Uuid,
    office_id: Uuid,
    office_name: String,
}

/// The part of `careboard.post.urgent` notify reads: ids only, never text.
#[derive(Debug, Deserialize)]
struct UrgentPost {
    recipient_id: Uuid,
    /// careboard leaves the author out of `notify_user_ids`; notify makes sure of it.
    #[serde(default)]
    author_user_id: Option<Uuid>,
    notify_user_ids: Vec<Uuid>,
}

impl UrgentPost {
    /// Whom to mail: each member once, never the author.
    fn readers(&self) -> Vec<Uuid> {
        let mut seen = std::collections::HashSet::new();
        self.notify_user_ids
            .iter()
            .copied()
            .filter(|u| Some(*u) != self.author_user_id && seen.insert(*u))
            .collect()
    }
}

/// identity answers at most this many ids per `ListMailAddresses`.
const ADDRESSES_PER_CALL: usize = 500;

/// Why an event could not be turned into emails.
enum Unrendered {
    /// Malformed: it never will be.
    Reject(String),
    /// identity is away: later.
    Retry(String),
}

/// A date as people in Japan read it, in Japan's time zone.
pub(crate) fn japanese_date(t: chrono::DateTime<chrono::Utc>) -> String {
    let jst = chrono::FixedOffset::east_opt(9 * 3600)
        .map_or_else(|| t.fixed_offset(), |tz| t.with_timezone(&tz));
    jst.format("%Y年%m月%d日 %H:%M").to_string()
}

/// The part of the `offices.application.*` events notify reads.
#[derive(Debug, Deserialize)]
struct ApplicationEvent {
    office_name: String,
    admin_email: String,
    #[serde(default)]
    reason: String,
}

/// The part of `offices.office.registered` notify reads.
#[derive(Debug, Deserialize)]
struct OfficeRegistered {
    name: String,
    admin_email: String,
}

pub struct Notifier {
    pub store: Store,
    pub mailer: Mailer,
    pub from: Mailbox,
    pub portal_url: String,
    /// Where the city hears of new applications.
    pub operator_email: Option<String>,
    pub clock: SharedClock,
    pub identity: Directory,
    /// `renrakucho_emails{result="sent"|"failed"}`.
    pub emails: common::metrics::ResultCounter,
}

type Traced = tonic::service::interceptor::InterceptedService<
    tonic::transport::Channel,
    common::grpc::TracePropagation,
>;

/// Where people are mailed: identity owns the addresses and tells only notify.
#[derive(Clone)]
pub struct Directory(pub proto::identity::identity_client::IdentityClient<Traced>);

impl Directory {
    pub fn connect(
        url: &str,
        tls: &common::config::TlsFiles,
    ) -> Result<Self, common::grpc::ChannelError> {
        Ok(Self(
            proto::identity::identity_client::IdentityClient::with_interceptor(
                common::grpc::channel(url, tls)?,
                common::grpc::TracePropagation,
            ),
        ))
    }

    /// The addresses of the active ones among `users`; the others get no mail.
    async fn addresses(&self, users: &[Uuid]) -> Result<Vec<String>, tonic::Status> {
        let mut out = Vec::with_capacity(users.len());
        for chunk in users.chunks(ADDRESSES_PER_CALL) {
            let request = proto::identity::ListMailAddressesRequest {
                user_ids: chunk.iter().map(ToString::to_string).collect(),
                office_admins_of: String::new(),
            };
            let reply = self.0.clone().list_mail_addresses(request).await?;
            out.extend(reply.into_inner().addresses.into_iter().map(|a| a.email));
        }
        Ok(out)
    }

    /// The addresses of an office's active admins.
    async fn admins_of(&self, office: Uuid) -> Result<Vec<String>, tonic::Status> {
        let reply = self
            .0
            .clone()
            .list_mail_addresses(proto::identity::ListMailAddressesRequest {
                user_ids: Vec::new(),
                office_admins_of: office.to_string(),
            })
            .await?;
        Ok(reply
            .into_inner()
            .addresses
            .into_iter()
            .map(|a| a.email)
            .collect())
    }
}

impl Notifier {
    async fn render(
        &self,
        event: &CloudEvent,
    ) -> Result<Option<(&'static str, Vec<Email>)>, Unrendered> {
        if event.kind == "careboard.post.urgent" {
            let d: UrgentPost = event
                .data_as()
                .map_err(|e| Unrendered::Reject(e.to_string()))?;
            let readers = d.readers();
            if readers.is_empty() {
                return Ok(None);
            }
            // Whatever identity answers (away, or refusing a misconfigured certificate), the
            // event waits: the mail goes out once identity answers again.
            let to = self.identity.addresses(&readers).await.map_err(|e| {
                Unrendered::Retry(format!("identity: {:?} {}", e.code(), e.message()))
            })?;
            let mails = to
                .iter()
                .map(|a| templates::urgent_post(a, &self.portal_url, d.recipient_id))
                .collect();
            return Ok(Some(("urgent_post", mails)));
        }
        if event.kind == "identity.certificate.expiring" {
            let d: CertificateExpiring = event
                .data_as()
                .map_err(|e| Unrendered::Reject(e.to_string()))?;
            let to = self.identity.admins_of(d.office_id).await.map_err(|e| {
                Unrendered::Retry(format!("identity: {:?} {}", e.code(), e.message()))
            })?;
            let when = japanese_date(d.not_after);
            let mails = to
                .iter()
                .map(|a| {
                    templates::certificate_expiring(
                        a,
                        &d.office_name,
                        &d.label,
                        &when,
                        &self.portal_url,
                    )
                })
                .collect();
            return Ok(Some(("certificate_expiring", mails)));
        }
        if event.kind == crate::enrollment::CODE_ISSUED {
            return match self.identity.enrollment_mail(event, &self.portal_url).await {
                Ok(Some(mail)) => Ok(Some(("enrollment_code", vec![mail]))),
                Ok(None) => Ok(None),
                Err(crate::enrollment::Unready::Reject(why)) => Err(Unrendered::Reject(why)),
                Err(crate::enrollment::Unready::Retry(why)) => Err(Unrendered::Retry(why)),
            };
        }
        if event.kind == "careboard.incident.filed" {
            let d: IncidentFiled = event
                .data_as()
                .map_err(|e| Unrendered::Reject(e.to_string()))?;
            let mut to = self.identity.admins_of(d.office_id).await.map_err(|e| {
                Unrendered::Retry(format!("identity: {:?} {}", e.code(), e.message()))
            })?;
            to.extend(self.operator_email.clone());
            let link = format!("{}/incidents/{}", self.portal_url, d.incident_id);
            let mails = to
                .iter()
                .map(|a| templates::incident_filed(a, &d.office_name, &link))
                .collect();
            return Ok(Some(("incident_filed", mails)));
        }
        self.render_plain(event).map_err(Unrendered::Reject)
    }

    fn render_plain(
        &self,
        event: &CloudEvent,
    ) -> Result<Option<(&'static str, Vec<Email>)>, String> {
        match event.kind.as_str() {
            "offices.office.registered" => {
                let data: OfficeRegistered = event.data_as().map_err(|e| e.to_string())?;
                let mail =
                    templates::office_welcome(&data.admin_email, &data.name, &self.portal_url);
                Ok(Some(("office_welcome", vec![mail])))
            }
            "offices.application.submitted" => {
                let d: ApplicationEvent = event.data_as().map_err(|e| e.to_string())?;
                let mut mails = vec![templates::application_receipt(
                    &d.admin_email,
                    &d.office_name,
                )];
                if let Some(city) = &self.operator_email {
                    mails.push(templates::application_notice(
                        city,
                        &d.office_name,
                        &self.portal_url,
                    ));
                }
                Ok(Some(("application_submitted", mails)))
            }
            "offices.application.rejected" => {
                let d: ApplicationEvent = event.data_as().map_err(|e| e.to_string())?;
                Ok(Some((
                    "application_rejected",
                    vec![templates::application_rejected(
                        &d.admin_email,
                        &d.office_name,
                        &d.reason,
                    )],
                )))
            }
            _ => Ok(None),
        }
    }

    #[tracing::instrument(skip_all, fields(event_id = %event.id, kind = %event.kind))]
    pub async fn handle(&self, event: CloudEvent) -> Handled {
        match self.store.processed(CONSUMER, event.id).await {
            Ok(true) => {
                tracing::info!("already delivered; skipping");
                return Handled::Done;
            }
            Ok(false) => {}
            Err(e) => return Handled::Retry(e.to_string()),
        }
        let (template, mails) = match self.render(&event).await {
            Ok(Some(r)) => r,
            Ok(None) => return Handled::Done,
            Err(Unrendered::Reject(why)) => return Handled::Reject(why),
            Err(Unrendered::Retry(why)) => return Handled::Retry(why),
        };
        for (n, mail) in mails.iter().enumerate() {
            match self.store.delivered(event.id, &mail.to).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => return Handled::Retry(e.to_string()),
            }
            let message_id = format!("<{}.{n}@renrakucho>", event.id);
            let sent = self.mailer.send(&self.from, mail, &message_id).await;
            self.emails
                .get_or_create(&common::metrics::ResultLabel {
                    result: if sent.is_ok() { "sent" } else { "failed" },
                })
                .inc();
            if let Err(e) = sent {
                return Handled::Retry(e.to_string());
            }
            let delivery = Delivery {
                event_id: event.id,
                template,
                recipient: &mail.to,
                message_id: &message_id,
                sent_at: self.clock.now(),
            };
            if let Err(e) = self.store.record(&delivery).await {
                return Handled::Retry(e.to_string());
            }
            tracing::info!(template, "email sent");
        }
        // The secret's sealed copy goes once the mail is out; a redelivery confirms again.
        if event.kind == crate::enrollment::CODE_ISSUED
            && let Err(why) = self.identity.enrollment_mailed(&event).await
        {
            return Handled::Retry(why);
        }
        match self.store.claim(CONSUMER, event.id).await {
            Ok(()) => Handled::Done,
            Err(e) => Handled::Retry(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_urgent_post_mails_each_member_once_and_never_its_author() {
        let (a, b, author) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let post: UrgentPost = serde_json::from_value(serde_json::json!({
            "post_id": Uuid::from_u128(9),
            "recipient_id": Uuid::from_u128(8),
            "author_user_id": author,
            "notify_user_ids": [a, author, b, a],
        }))
        .unwrap();
        assert_eq!(post.readers(), vec![a, b]);
    }
}
