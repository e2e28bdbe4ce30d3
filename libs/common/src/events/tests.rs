//! The envelope on the wire and the typed events in it.

use super::*;
use crate::clock::ManualClock;

#[test]
fn envelope_is_cloudevents_json() {
    let clock = ManualClock::at(
        DateTime::parse_from_rfc3339("2026-01-02T03:04:05Z")
            .unwrap()
            .into(),
    );
    let event = CloudEvent::new(
        &clock,
        "offices",
        "offices.office.registered",
        Some("o1".into()),
        &serde_json::json!({"k": 1}),
    )
    .unwrap();
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["specversion"], "1.0");
    assert_eq!(json["type"], "offices.office.registered");
    assert_eq!(json["time"], "2026-01-02T03:04:05Z");
    assert_eq!(json["data"]["k"], 1);
    let back: CloudEvent = serde_json::from_value(json).unwrap();
    assert_eq!(back, event);
}

#[test]
fn a_typed_event_reads_back_as_its_message_and_not_as_another() {
    let withdrawn = proto::events::OfficeWithdrawn {
        office_id: Uuid::from_u128(7).to_string(),
    };
    let event = CloudEvent::of(
        &crate::clock::SystemClock,
        "renrakucho/offices",
        proto::events::OFFICE_WITHDRAWN,
        None,
        &withdrawn,
    )
    .unwrap();
    assert_eq!(event.kind, "offices.office.withdrawn");
    assert_eq!(event.data["office_id"], Uuid::from_u128(7).to_string());
    let wire: CloudEvent = serde_json::from_slice(&serde_json::to_vec(&event).unwrap()).unwrap();
    assert_eq!(
        wire.data_of(proto::events::OFFICE_WITHDRAWN).unwrap(),
        withdrawn
    );
    assert!(wire.data_of(proto::events::OFFICE_REGISTERED).is_err());
}
