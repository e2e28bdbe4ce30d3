//! An audit record's outcome: how the filter's form and the JSON API word it (the texts identity
//! stores), and how the viewer labels it.

use crate::edge::error::Failure;
use proto::identity as pb;
use serde::Serialize;
use utoipa::ToSchema;

/// The outcomes as the filter's form and the JSON API word them: the texts identity stores.
pub(super) const OUTCOMES: [(&str, pb::AuditOutcome); 3] = [
    ("success", pb::AuditOutcome::Success),
    ("denied", pb::AuditOutcome::Denied),
    ("failure", pb::AuditOutcome::Failure),
];

pub(super) fn outcome_label(outcome: pb::AuditOutcome) -> &'static str {
    match outcome {
        pb::AuditOutcome::Success => "成功",
        pb::AuditOutcome::Denied => "拒否",
        pb::AuditOutcome::Failure => "失敗",
        pb::AuditOutcome::Unspecified => "不明",
    }
}

/// The outcome filter's choices: refusals are what a rising `PermissionDenied` alert asks about.
pub(super) fn outcome_choices() -> Vec<(&'static str, &'static str)> {
    std::iter::once(("", "すべて"))
        .chain(OUTCOMES.map(|(word, o)| (word, outcome_label(o))))
        .collect()
}

/// The filter's word as identity's enum: empty for every outcome, an unknown word a wrong field.
pub(super) fn outcome_filter(word: &str) -> Result<pb::AuditOutcome, Failure> {
    if word.is_empty() {
        return Ok(pb::AuditOutcome::Unspecified);
    }
    OUTCOMES
        .iter()
        .find(|(w, _)| *w == word)
        .map(|(_, o)| *o)
        .ok_or_else(|| Failure::invalid_field("outcome"))
}

/// A record's outcome in the JSON API; `unknown` for one this gateway does not know (a newer
/// identity's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditOutcomeOut {
    Success,
    Denied,
    Failure,
    Unknown,
}

impl From<pb::AuditOutcome> for AuditOutcomeOut {
    fn from(outcome: pb::AuditOutcome) -> Self {
        match outcome {
            pb::AuditOutcome::Success => Self::Success,
            pb::AuditOutcome::Denied => Self::Denied,
            pb::AuditOutcome::Failure => Self::Failure,
            pb::AuditOutcome::Unspecified => Self::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_and_the_api_word_each_outcome_alike() {
        for (word, outcome) in OUTCOMES {
            assert_eq!(outcome_filter(word).unwrap(), outcome);
            assert_eq!(
                serde_json::to_value(AuditOutcomeOut::from(outcome)).unwrap(),
                serde_json::json!(word)
            );
        }
        assert_eq!(outcome_filter("").unwrap(), pb::AuditOutcome::Unspecified);
        let wrong = outcome_filter("maybe").unwrap_err();
        assert_eq!((wrong.status.as_u16(), wrong.code), (422, "invalid_field"));
        assert_eq!(wrong.fields[0].0, "outcome");
        assert_eq!(outcome_choices().len(), 4);
    }
}
