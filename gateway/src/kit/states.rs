//! A person's status as the JSON API words it, whichever area answers it (an account, a staff
//! card, a team member): a small enum, so the `OpenAPI` document lists its values. How pages label
//! it is a status word of `pieces`.

use proto::common::UserStatus;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UserStatusOut {
    Active,
    Suspended,
    Deactivated,
    /// A status this gateway does not know (a newer identity's); pages show it as 不明.
    Unknown,
}

impl From<UserStatus> for UserStatusOut {
    fn from(status: UserStatus) -> Self {
        match status {
            UserStatus::Active => Self::Active,
            UserStatus::Suspended => Self::Suspended,
            UserStatus::Deactivated => Self::Deactivated,
            UserStatus::Unspecified => Self::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_words_a_status_as_identity_stores_it() {
        for status in common::states::UserStatus::ALL {
            let out = UserStatusOut::from(UserStatus::from(status));
            assert_eq!(
                serde_json::to_value(out).unwrap(),
                serde_json::json!(status.as_str())
            );
        }
        assert_eq!(
            serde_json::to_value(UserStatusOut::from(UserStatus::Unspecified)).unwrap(),
            serde_json::json!("unknown")
        );
    }
}
