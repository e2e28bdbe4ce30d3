//! What careboard publishes and consumes. Board events carry ids only, never a recipient's
//! name or a post's text: the gateway turns them into live updates for members, who then ask
//! careboard (and are checked) for the content; notify turns urgent posts into email.

use crate::store::Store;
use common::events::{CloudEvent, Handled};
use common::ids::UserId;

pub use proto::events::{
    INCIDENT_FILED, IncidentFiled, MEMBER_REMOVED, MemberRemoved, POST_ACKNOWLEDGED, POST_CHANGED,
    POST_CREATED, POST_URGENT, POSTS_READ, PostCreated, PostUrgent, PostsMarked,
};

pub const SOURCE: &str = "renrakucho/careboard";

/// Suspended and deactivated people are refused here too, not only at the gateway.
pub const IDENTITY_CONSUMER: &str = "careboard-identity";
pub const IDENTITY_SUBJECTS: [&str; 1] = proto::events::heard::CAREBOARD_IDENTITY;

pub async fn user_status_changed(store: &Store, event: CloudEvent) -> Handled {
    let data = match event.data_of(proto::events::USER_STATUS_CHANGED) {
        Ok(d) => d,
        Err(e) => return Handled::Reject(e.to_string()),
    };
    let Ok(user) = data.user_id.parse::<UserId>() else {
        return Handled::Reject(format!("user_id {:?} is no id", data.user_id));
    };
    match store.set_user_status(user, &data.status, event.time).await {
        Ok(()) => Handled::Done,
        Err(e) => Handled::Retry(e.to_string()),
    }
}
