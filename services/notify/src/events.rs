//! What notify consumes: one durable consumer over the events that cause email, and what it
//! publishes: a dead letter for each email given up and each event no mail can be made of.
//! An event is first planned into emails (one per recipient, stored); each email is then written
//! again from the event for each of its tries, so its content is never kept.

use crate::directory::Directory;
use crate::domain::delivery::Template;
use crate::domain::{Email, templates};
use common::events::CloudEvent;
use common::ids::{IncidentId, OfficeId, PostId, RecipientId, UserId};
use proto::events::{self as bus, ApplicationRejected, ApplicationSubmitted, PostUrgent};
use std::str::FromStr;

pub use proto::events::{DEAD_LETTER, DeadLetter};

pub const CONSUMER: &str = "notify";
pub const SUBJECTS: [&str; 7] = bus::heard::NOTIFY;

fn bad(what: String) -> serde_json::Error {
    <serde_json::Error as serde::de::Error>::custom(what)
}

/// An id of an event's data, decoded once here.
fn id<T: FromStr>(field: &str, text: &str) -> Result<T, serde_json::Error> {
    text.parse()
        .map_err(|_| bad(format!("{field} {text:?} is no id")))
}

/// An id the event may leave empty (events written before it was carried).
fn optional_id<T: FromStr>(field: &str, text: &str) -> Result<Option<T>, serde_json::Error> {
    if text.is_empty() {
        return Ok(None);
    }
    id(field, text).map(Some)
}

/// Whom an urgent post mails: each member once, never the author (careboard leaves the author
/// out of `notify_user_ids`; notify makes sure of it).
fn readers(post: &PostUrgent) -> Result<Vec<UserId>, serde_json::Error> {
    let author: Option<UserId> = optional_id("author_user_id", &post.author_user_id)?;
    let mut seen = std::collections::HashSet::new();
    let mut readers = Vec::new();
    for text in &post.notify_user_ids {
        let user = id("notify_user_ids", text)?;
        if Some(user) != author && seen.insert(user) {
            readers.push(user);
        }
    }
    Ok(readers)
}

/// What the receipt and the notice of an application say.
struct Applicant {
    office_name: String,
    admin_email: String,
    reason: String,
}

impl From<ApplicationSubmitted> for Applicant {
    fn from(a: ApplicationSubmitted) -> Self {
        Self {
            office_name: a.office_name,
            admin_email: a.admin_email,
            reason: String::new(),
        }
    }
}

impl From<ApplicationRejected> for Applicant {
    fn from(a: ApplicationRejected) -> Self {
        Self {
            office_name: a.office_name,
            admin_email: a.admin_email,
            reason: a.reason,
        }
    }
}

/// The applicant of either application event, read as the event's own kind.
fn applicant(event: &CloudEvent) -> Result<Applicant, serde_json::Error> {
    if bus::APPLICATION_REJECTED == *event.kind.as_str() {
        return event
            .data_of(bus::APPLICATION_REJECTED)
            .map(Applicant::from);
    }
    event
        .data_of(bus::APPLICATION_SUBMITTED)
        .map(Applicant::from)
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
    pub user_id: Option<UserId>,
    pub office_id: Option<OfficeId>,
}

impl Planned {
    fn to(template: Template, address: &str, office_id: Option<OfficeId>) -> Self {
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
    let kind = event.kind.as_str();
    let plan = if bus::POST_URGENT == *kind {
        let d = event.data_of(bus::POST_URGENT).map_err(|e| malformed(&e))?;
        let readers = readers(&d).map_err(|e| malformed(&e))?;
        if readers.is_empty() {
            return Ok(Vec::new());
        }
        let found = directory.addresses(&readers).await.map_err(|e| away(&e))?;
        found
            .into_iter()
            .map(|a| Planned::user(Template::UrgentPost, a))
            .collect()
    } else if bus::CERTIFICATE_EXPIRING == *kind {
        let d = event
            .data_of(bus::CERTIFICATE_EXPIRING)
            .map_err(|e| malformed(&e))?;
        let office: OfficeId = id("office_id", &d.office_id).map_err(|e| malformed(&e))?;
        let admins = directory.admins_of(office).await.map_err(|e| away(&e))?;
        admins
            .into_iter()
            .map(|a| Planned::user(Template::CertificateExpiring, a))
            .collect()
    } else if bus::INCIDENT_FILED == *kind {
        let d = event
            .data_of(bus::INCIDENT_FILED)
            .map_err(|e| malformed(&e))?;
        let office: OfficeId = id("office_id", &d.office_id).map_err(|e| malformed(&e))?;
        let admins = directory.admins_of(office).await.map_err(|e| away(&e))?;
        let mut plan: Vec<Planned> = admins
            .into_iter()
            .map(|a| Planned::user(Template::IncidentFiled, a))
            .collect();
        plan.extend(operator_email.map(|c| Planned::to(Template::IncidentFiled, c, None)));
        plan
    } else if bus::OFFICE_REGISTERED == *kind {
        let d = event
            .data_of(bus::OFFICE_REGISTERED)
            .map_err(|e| malformed(&e))?;
        let office = optional_id("office_id", &d.office_id).map_err(|e| malformed(&e))?;
        vec![Planned::to(Template::OfficeWelcome, &d.admin_email, office)]
    } else if bus::CODE_ISSUED == *kind {
        match directory.enrollment_mail(event).await {
            Ok(Some(waiting)) => vec![Planned::to(Template::EnrollmentCode, &waiting.email, None)],
            Ok(None) => Vec::new(),
            Err(crate::enrollment::Unready::Reject(why)) => return Err(Unplanned::Reject(why)),
            Err(crate::enrollment::Unready::Retry(why)) => return Err(Unplanned::Retry(why)),
        }
    } else if bus::APPLICATION_SUBMITTED == *kind {
        let d = applicant(event).map_err(|e| malformed(&e))?;
        let mut plan = vec![Planned::to(
            Template::ApplicationReceipt,
            &d.admin_email,
            None,
        )];
        plan.extend(operator_email.map(|c| Planned::to(Template::ApplicationNotice, c, None)));
        plan
    } else if bus::APPLICATION_REJECTED == *kind {
        let d = applicant(event).map_err(|e| malformed(&e))?;
        vec![Planned::to(
            Template::ApplicationRejected,
            &d.admin_email,
            None,
        )]
    } else {
        Vec::new()
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
            let d = event.data_of(bus::POST_URGENT)?;
            let recipient: RecipientId = id("recipient_id", &d.recipient_id)?;
            let post: Option<PostId> = optional_id("post_id", &d.post_id)?;
            templates::urgent_post(to, portal_url, recipient, post)
        }
        Template::CertificateExpiring => {
            let d = event.data_of(bus::CERTIFICATE_EXPIRING)?;
            let not_after = chrono::DateTime::parse_from_rfc3339(&d.not_after)
                .map_err(|e| bad(format!("not_after: {e}")))?
                .to_utc();
            let when = templates::japanese_date(not_after);
            templates::certificate_expiring(to, &d.office_name, &d.label, &when, portal_url)
        }
        Template::IncidentFiled => {
            let d = event.data_of(bus::INCIDENT_FILED)?;
            let incident: IncidentId = id("incident_id", &d.incident_id)?;
            let link = format!("{portal_url}/incidents/{incident}");
            templates::incident_filed(to, &d.office_name, &link)
        }
        Template::OfficeWelcome => {
            let d = event.data_of(bus::OFFICE_REGISTERED)?;
            templates::office_welcome(to, &d.name, portal_url)
        }
        // Written from identity's answer at the moment of sending (`crate::enrollment`): the
        // event does not hold the secret.
        Template::EnrollmentCode => {
            return Err(bad(
                "the enrollment mail is written from identity's answer".into()
            ));
        }
        Template::ApplicationReceipt => {
            let d = applicant(event)?;
            templates::application_receipt(to, &d.office_name)
        }
        Template::ApplicationNotice => {
            let d = applicant(event)?;
            templates::application_notice(to, &d.office_name, portal_url)
        }
        Template::ApplicationRejected => {
            let d = applicant(event)?;
            templates::application_rejected(to, &d.office_name, &d.reason)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_urgent_post_mails_each_member_once_and_never_its_author() {
        let user = |n| UserId::from(uuid::Uuid::from_u128(n));
        let (a, b, author) = (user(1), user(2), user(3));
        let post: PostUrgent = serde_json::from_value(serde_json::json!({
            "post_id": uuid::Uuid::from_u128(9),
            "recipient_id": uuid::Uuid::from_u128(8),
            "author_user_id": author,
            "notify_user_ids": [a, author, b, a],
        }))
        .unwrap();
        assert_eq!(readers(&post).unwrap(), vec![a, b]);
    }
}
