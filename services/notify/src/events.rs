//! What notify consumes: one durable consumer over the events that cause email. Each event is
//! claimed in the same transaction that records its delivery, so a redelivered event sends no
//! second email.

use crate::domain::{Email, templates};
use crate::mailer::Mailer;
use crate::store::{Delivery, Store};
use common::clock::SharedClock;
use common::events::{CloudEvent, Handled};
use lettre::message::Mailbox;
use serde::Deserialize;

pub const CONSUMER: &str = "notify";
pub const SUBJECTS: [&str; 4] = [
    "offices.office.registered",
    "identity.enrollment_code.issued",
    "offices.application.submitted",
    "offices.application.rejected",
];

/// The part of `identity.enrollment_code.issued` notify reads.
#[derive(Debug, Deserialize)]
struct CodeIssued {
    office_name: String,
    email: String,
    number: String,
    secret: String,
    expires_at: chrono::DateTime<chrono::Utc>,
}

/// A date as people in Japan read it, in Japan's time zone.
fn japanese_date(t: chrono::DateTime<chrono::Utc>) -> String {
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
}

impl Notifier {
    fn render(&self, event: &CloudEvent) -> Result<Option<(&'static str, Vec<Email>)>, String> {
        match event.kind.as_str() {
            "offices.office.registered" => {
                let data: OfficeRegistered = event.data_as().map_err(|e| e.to_string())?;
                let mail =
                    templates::office_welcome(&data.admin_email, &data.name, &self.portal_url);
                Ok(Some(("office_welcome", vec![mail])))
            }
            "identity.enrollment_code.issued" => {
                let d: CodeIssued = event.data_as().map_err(|e| e.to_string())?;
                let mail = templates::enrollment_code(
                    &d.email,
                    &d.office_name,
                    &d.number,
                    &d.secret,
                    &japanese_date(d.expires_at),
                    &self.portal_url,
                );
                Ok(Some(("enrollment_code", vec![mail])))
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
        let (template, mails) = match self.render(&event) {
            Ok(Some(r)) => r,
            Ok(None) => return Handled::Done,
            Err(why) => return Handled::Reject(why),
        };
        let mut tx = match self.store.begin().await {
            Ok(tx) => tx,
            Err(e) => return Handled::Retry(e.to_string()),
        };
        match Store::claim(&mut tx, CONSUMER, event.id).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::info!("already delivered; skipping");
                return Handled::Done;
            }
            Err(e) => return Handled::Retry(e.to_string()),
        }
        for (n, mail) in mails.iter().enumerate() {
            let message_id = format!("<{}.{n}@renrakucho>", event.id);
            if let Err(e) = self.mailer.send(&self.from, mail, &message_id).await {
                // Rolling back un-claims the event, so the redelivery tries again.
                return Handled::Retry(e.to_string());
            }
            let delivery = Delivery {
                event_id: event.id,
                template,
                recipient: &mail.to,
                message_id: &message_id,
                sent_at: self.clock.now(),
            };
            if let Err(e) = Store::record(&mut tx, &delivery).await {
                return Handled::Retry(e.to_string());
            }
            tracing::info!(template, "email sent");
        }
        match Store::commit(tx).await {
            Ok(()) => Handled::Done,
            Err(e) => Handled::Retry(e.to_string()),
        }
    }
}
