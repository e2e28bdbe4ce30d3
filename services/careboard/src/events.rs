//! What careboard publishes and consumes. Board events carry ids only, never a recipient's
//! name or a post's text: the gateway turns them into live updates for members, who then ask
//! careboard (and are checked) for the content; notify turns urgent posts into email.

use crate::store::Store;
use common::events::{CloudEvent, Handled};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SOURCE: &str = "renrakucho/careboard";
pub const POST_CREATED: &str = "careboard.post.created";
/// notify emails every other current member.
pub const POST_URGENT: &str = "careboard.post.urgent";
pub const POSTS_READ: &str = "careboard.post.read";
pub const POST_ACKNOWLEDGED: &str = "careboard.post.acknowledged";
/// A post was replied to, corrected or withdrawn: open pages fetch it again (`PostsMarked`,
/// the thread's post first; `user_id` is who changed it).
pub const POST_CHANGED: &str = "careboard.post.changed";

#[derive(Debug, Serialize, Deserialize)]
pub struct PostCreated {
    pub post_id: Uuid,
    pub recipient_id: Uuid,
    pub author_user_id: Uuid,
    pub urgent: bool,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct PostUrgent {
    pub post_id: Uuid,
    pub recipient_id: Uuid,
    pub author_user_id: Uuid,
    pub notify_user_ids: Vec<Uuid>,
}

/// A member left a team: the gateways end that person's live updates of the board at once.
pub const MEMBER_REMOVED: &str = "careboard.team.member_removed";

#[derive(Debug, Serialize, Deserialize)]
pub struct MemberRemoved {
    pub recipient_id: Uuid,
    pub user_id: Uuid,
}

/// notify mails the office's admins and the city; the report's text stays here.
pub const INCIDENT_FILED: &str = "careboard.incident.filed";

#[derive(Debug, Serialize, Deserialize)]
pub struct IncidentFiled {
    pub incident_id: Uuid,
    pub office_id: Uuid,
    /// Said in the email to the city; an office name is not personal data.
    pub office_name: String,
}

/// Posts one member read for the first time (or acknowledged).
#[derive(Debug, Serialize, Deserialize)]
pub struct PostsMarked {
    pub recipient_id: Uuid,
    pub user_id: Uuid,
    pub post_ids: Vec<Uuid>,
}

/// Suspended and deactivated people are refused here too, not only at the gateway.
pub const IDENTITY_CONSUMER: &str = "careboard-identity";
pub const IDENTITY_SUBJECTS: [&str; 1] = ["identity.user.status_changed"];

#[derive(Debug, Deserialize)]
struct UserStatusChanged {
    user_id: Uuid,
    status: String,
}

pub async fn user_status_changed(store: &Store, event: CloudEvent) -> Handled {
    let data = match event.data_as::<UserStatusChanged>() {
        Ok(d) => d,
        Err(e) => return Handled::Reject(e.to_string()),
    };
    match store
        .set_user_status(data.user_id, &data.status, event.time)
        .await
    {
        Ok(()) => Handled::Done,
        Err(e) => Handled::Retry(e.to_string()),
    }
}
