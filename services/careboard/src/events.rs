//! What careboard publishes and consumes. Board events carry ids only, never a recipient's
//! name or a post's text: the gateway turns them into live updates for members, who then ask
//! careboard (and are checked) for the content; notify turns urgent posts into email.

use crate::store::Store;
use common::events::{CloudEvent, Handled};
use common::ids::UserId;
use common::states::UserStatus;

pub use proto::events::{
    INCIDENT_FILED, IncidentFiled, MEMBER_REMOVED, MemberRemoved, POST_ACKNOWLEDGED, POST_CHANGED,
    POST_CREATED, POST_URGENT, POSTS_READ, PostCreated, PostUrgent, PostsMarked,
};

pub const SOURCE: &str = "renrakucho/careboard";

/// Suspended and deactivated people are refused here too, not only at the gateway.
pub const IDENTITY_CONSUMER: &str = "careboard-identity";
pub const IDENTITY_SUBJECTS: [&str; 1] = proto::events::heard::CAREBOARD_IDENTITY;

pub async fn user_status_changed(store: &Store, event: CloudEvent) -> Handled {
    let (user, status) = match status_change(&event) {
        Ok(change) => change,
        Err(why) => return Handled::Reject(why),
    };
    match store.set_user_status(user, status, event.time).await {
        Ok(()) => Handled::Done,
        Err(e) => Handled::Retry(e.to_string()),
    }
}

/// Whose status identity changed, and to what; why not, for an event that does not say.
fn status_change(event: &CloudEvent) -> Result<(UserId, UserStatus), String> {
    let data = event
        .data_of(proto::events::USER_STATUS_CHANGED)
        .map_err(|e| e.to_string())?;
    let user = data
        .user_id
        .parse::<UserId>()
        .map_err(|_| format!("user_id {:?} is no id", data.user_id))?;
    // An unknown word reads as UNSPECIFIED: no status to keep.
    let status = UserStatus::try_from(data.status).map_err(|e| e.to_string())?;
    Ok((user, status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use common::clock::SystemClock;

    fn event(data: &serde_json::Value) -> CloudEvent {
        CloudEvent::new(
            &SystemClock,
            "renrakucho/identity",
            proto::events::USER_STATUS_CHANGED.name(),
            None,
            data,
        )
        .unwrap()
    }

    #[test]
    fn a_status_change_is_read_from_its_word_and_an_unknown_word_refused() {
        let user = UserId::new_v7();
        for status in UserStatus::ALL {
            let changed = event(&serde_json::json!({ "user_id": user, "status": status.as_str() }));
            assert_eq!(status_change(&changed), Ok((user, status)));
        }
        for wrong in ["", "asleep", "Suspended"] {
            let changed = event(&serde_json::json!({ "user_id": user, "status": wrong }));
            assert!(status_change(&changed).is_err(), "{wrong:?}");
        }
        assert!(status_change(&event(&serde_json::json!({ "user_id": user }))).is_err());
    }
}
