//! What notify consumes: one durable consumer over the events that cause email, and what it
//! publishes: a dead letter for each email given up and each event no mail can be made of.
//! An event is first planned into emails (one per recipient, stored); each email is then written
//! again from the event for each of its tries, so its content is never kept.

use crate::directory::Directory;
use crate::domain::delivery::Template;
use crate::domain::{Email, templates};
use common::events::CloudEvent;
use serde::{Deserialize, Serialize};
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

/// Where an email given up after its tries (or an event no email can be made of) is told, for
/// whoever watches: ids and the reason only, never the address or the mail.
pub const DEAD_LETTER: &str = "notify.delivery.dead";

/// The dead letter's data.
#[derive(Debug, Serialize)]
pub struct DeadLetter<'a> {
    pub event_id: Uuid,
    pub event_type: &'a str,
    /// Empty for an event that could not be planned.
    pub template: &'a str,
    pub user_id: Option<Uuid>,
    pub office_id: Option<Uuid>,
    /// A failure class (`temporary`, …) or `malformed`.
    pub reason: &'a str,
    pub attempts: i32,
}

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
    /// The post the link leads to (events written before it was carried lead to the board).
    #[serde(default)]
    post_id: Option<Uuid>,
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
    #[serde(default)]
    office_id: Option<Uuid>,
    name: String,
    admin_email: String,
}

/// Why an event could not be planned.
pub enum Unplanned {
    /// Malformed: it never will be.
    Reject(String),
    /// identity is away: later.
    Retry(String),
}

/// One email an event causes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub template: Template,
    pub address: String,
    pub user_id: Option<Uuid>,
    pub office_id: Option<Uuid>,
}

impl Planned {
    fn to(template: Template, address: &str, office_id: Option<Uuid>) -> Self {
        Self {
            template,
            address: address.to_owned(),
            user_id: None,
            office_id,
        }
    }

    fn user(template: Template, a: crate::directory::Address) -> Self {
        Self {
            template,
            address: a.email,
            user_id: Some(a.user_id),
            office_id: a.office_id,
        }
    }
}

fn malformed(e: &serde_json::Error) -> Unplanned {
    Unplanned::Reject(e.to_string())
}

fn away(e: &tonic::Status) -> Unplanned {
    // Whatever identity answers (away, or refusing a misconfigured certificate), the event
    // waits: the mail goes out once identity answers again.
    Unplanned::Retry(format!("identity: {}", proto::errors::describe(e)))
}

/// Whom the event mails, and with which mail. Unknown kinds mail nobody.
pub async fn plan(
    event: &CloudEvent,
    directory: &Directory,
    operator_email: Option<&str>,
) -> Result<Vec<Planned>, Unplanned> {
    let plan = match event.kind.as_str() {
        "careboard.post.urgent" => {
            let d: UrgentPost = event.data_as().map_err(|e| malformed(&e))?;
            let readers = d.readers();
            if readers.is_empty() {
                return Ok(Vec::new());
            }
            let found = directory.addresses(&readers).await.map_err(|e| away(&e))?;
            found
                .into_iter()
                .map(|a| Planned::user(Template::UrgentPost, a))
                .collect()
        }
        "identity.certificate.expiring" => {
            let d: CertificateExpiring = event.data_as().map_err(|e| malformed(&e))?;
            let admins = directory
                .admins_of(d.office_id)
                .await
                .map_err(|e| away(&e))?;
            admins
                .into_iter()
                .map(|a| Planned::user(Template::CertificateExpiring, a))
                .collect()
        }
        "careboard.incident.filed" => {
            let d: IncidentFiled = event.data_as().map_err(|e| malformed(&e))?;
            let admins = directory
                .admins_of(d.office_id)
                .await
                .map_err(|e| away(&e))?;
            let mut plan: Vec<Planned> = admins
                .into_iter()
                .map(|a| Planned::user(Template::IncidentFiled, a))
                .collect();
            plan.extend(operator_email.map(|c| Planned::to(Template::IncidentFiled, c, None)));
            plan
        }
        "offices.office.registered" => {
            let d: OfficeRegistered = event.data_as().map_err(|e| malformed(&e))?;
            vec![Planned::to(
                Template::OfficeWelcome,
                &d.admin_email,
                d.office_id,
            )]
        }
        crate::enrollment::CODE_ISSUED => match directory.enrollment_mail(event).await {
            Ok(Some(waiting)) => vec![Planned::to(Template::EnrollmentCode, &waiting.email, None)],
            Ok(None) => Vec::new(),
            Err(crate::enrollment::Unready::Reject(why)) => return Err(Unplanned::Reject(why)),
            Err(crate::enrollment::Unready::Retry(why)) => return Err(Unplanned::Retry(why)),
        },
        "offices.application.submitted" => {
            let d: ApplicationEvent = event.data_as().map_err(|e| malformed(&e))?;
            let mut plan = vec![Planned::to(
                Template::ApplicationReceipt,
                &d.admin_email,
                None,
            )];
            plan.extend(operator_email.map(|c| Planned::to(Template::ApplicationNotice, c, None)));
            plan
        }
        "offices.application.rejected" => {
            let d: ApplicationEvent = event.data_as().map_err(|e| malformed(&e))?;
            vec![Planned::to(
                Template::ApplicationRejected,
                &d.admin_email,
                None,
            )]
        }
        _ => Vec::new(),
    };
    // One email per address, whatever the lookups said.
    let mut seen = std::collections::HashSet::new();
    Ok(plan
        .into_iter()
        .filter(|p| seen.insert(p.address.clone()))
        .collect())
}

/// The email `template` of `event` to `to`, written anew for each try.
pub fn compose(
    event: &CloudEvent,
    template: Template,
    to: &str,
    portal_url: &str,
) -> Result<Email, serde_json::Error> {
    Ok(match template {
        Template::UrgentPost => {
            let d: UrgentPost = event.data_as()?;
            templates::urgent_post(to, portal_url, d.recipient_id, d.post_id)
        }
        Template::CertificateExpiring => {
            let d: CertificateExpiring = event.data_as()?;
            let when = templates::japanese_date(d.not_after);
            templates::certificate_expiring(to, &d.office_name, &d.label, &when, portal_url)
        }
        Template::IncidentFiled => {
            let d: IncidentFiled = event.data_as()?;
            let link = format!("{portal_url}/incidents/{}", d.incident_id);
            templates::incident_filed(to, &d.office_name, &link)
        }
        Template::OfficeWelcome => {
            let d: OfficeRegistered = event.data_as()?;
            templates::office_welcome(to, &d.name, portal_url)
        }
        // Written from identity's answer at the moment of sending (`crate::enrollment`): the
        // event does not hold the secret.
        Template::EnrollmentCode => {
            return Err(<serde_json::Error as serde::de::Error>::custom(
                "the enrollment mail is written from identity's answer",
            ));
        }
        Template::ApplicationReceipt => {
            let d: ApplicationEvent = event.data_as()?;
            templates::application_receipt(to, &d.office_name)
        }
        Template::ApplicationNotice => {
            let d: ApplicationEvent = event.data_as()?;
            templates::application_notice(to, &d.office_name, portal_url)
        }
        Template::ApplicationRejected => {
            let d: ApplicationEvent = event.data_as()?;
            templates::application_rejected(to, &d.office_name, &d.reason)
        }
    })
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
