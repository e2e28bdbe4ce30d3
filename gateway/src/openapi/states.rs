//! The JSON API writes each state as the lowercase word it always has (the one the services
//! store), and the document lists exactly those words.

use super::coverage::document;
use crate::areas::applications::review::ApplicationStatusOut;
use crate::areas::mail::handlers::UndeliveredStateOut;
use crate::areas::offices::operator::OfficeStatusOut;
use proto::{notify, offices};
use serde_json::{Value, json};

/// Every number of a contract's enum (they run from 0 without a gap), as its name in the
/// contract and the word the API writes for it.
fn written(each: impl Fn(i32) -> Option<(&'static str, Value)>) -> Vec<(&'static str, Value)> {
    (0..).map_while(each).collect()
}

fn word(out: impl serde::Serialize) -> Value {
    serde_json::to_value(out).unwrap_or_default()
}

#[test]
fn each_state_is_written_as_the_contract_names_it() {
    let states = [
        (
            "OFFICE_STATUS_",
            written(|n| {
                let s = offices::OfficeStatus::try_from(n).ok()?;
                Some((s.as_str_name(), word(OfficeStatusOut::from(s))))
            }),
        ),
        (
            "APPLICATION_STATUS_",
            written(|n| {
                let s = offices::ApplicationStatus::try_from(n).ok()?;
                Some((s.as_str_name(), word(ApplicationStatusOut::from(s))))
            }),
        ),
        (
            "UNDELIVERED_STATE_",
            written(|n| {
                let s = notify::UndeliveredState::try_from(n).ok()?;
                Some((s.as_str_name(), word(UndeliveredStateOut::from(s))))
            }),
        ),
    ];
    for (prefix, all) in states {
        assert!(all.len() > 2, "{prefix}: {all:?}");
        for (name, written) in all {
            let expected = match name.strip_prefix(prefix) {
                Some("UNSPECIFIED") => "unknown".to_owned(),
                Some(rest) => rest.to_lowercase(),
                None => panic!("{name} lacks its prefix {prefix}"),
            };
            assert_eq!(written, json!(expected), "{name}");
        }
    }
}

#[test]
fn the_document_lists_the_words_of_each_state() {
    let doc = document();
    for (schema, words) in [
        ("OfficeStatusOut", json!(["active", "withdrawn", "unknown"])),
        (
            "ApplicationStatusOut",
            json!(["pending", "approved", "rejected", "unknown"]),
        ),
        (
            "UndeliveredStateOut",
            json!(["failed_permanent", "dead", "unknown"]),
        ),
    ] {
        let listed = &doc["components"]["schemas"][schema];
        assert_eq!(listed["type"], "string", "{schema}: {listed}");
        assert_eq!(listed["enum"], words, "{schema}: {listed}");
    }
}
