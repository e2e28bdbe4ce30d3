//! The JSON API operations each authorization matrix calls, as (method, path template) the way
//! the gateway's `OpenAPI` document names them. The careboard matrix runs over its list, the
//! identity and offices matrices check their cells against theirs, and one test holds the three
//! (and the operations open to all) against the running gateway's document: an operation added
//! to the API without a row in a matrix fails that test by name.

use serde_json::Value;

/// An operation: its method (upper case) and its path template.
pub type Operation = (&'static str, &'static str);

/// careboard's side: recipients, teams, boards, consents, incidents and the city's report.
pub const CAREBOARD: [Operation; 30] = [
    ("POST", "/api/v1/recipients"),
    ("GET", "/api/v1/recipients/{id}"),
    ("PUT", "/api/v1/recipients/{id}"),
    ("GET", "/api/v1/recipients/{id}/history"),
    ("GET", "/api/v1/recipients/{id}/fhir"),
    ("GET", "/api/v1/staff"),
    ("POST", "/api/v1/recipients/{id}/team"),
    ("DELETE", "/api/v1/recipients/{id}/team/{user}"),
    ("POST", "/api/v1/recipients/{id}/team/{user}/representative"),
    ("GET", "/api/v1/boards/{id}/posts"),
    ("POST", "/api/v1/boards/{id}/posts"),
    ("POST", "/api/v1/boards/{id}/posts/{post}/acknowledge"),
    ("POST", "/api/v1/boards/{id}/posts/{post}/replies"),
    ("PATCH", "/api/v1/boards/{id}/posts/{post}"),
    ("POST", "/api/v1/boards/{id}/posts/{post}/withdrawal"),
    ("GET", "/api/v1/boards/{id}/posts/{post}/history"),
    ("GET", "/api/v1/boards/{id}/search"),
    ("POST", "/api/v1/boards/{id}/reads"),
    ("POST", "/api/v1/boards/{id}/files"),
    ("GET", "/api/v1/boards/{id}/files/{file}"),
    ("GET", "/api/v1/boards/{id}/events"),
    ("GET", "/api/v1/boards/{id}/export.csv"),
    ("POST", "/api/v1/recipients/{id}/close"),
    ("GET", "/api/v1/incidents"),
    ("POST", "/api/v1/incidents"),
    ("GET", "/api/v1/incidents/{id}"),
    ("POST", "/api/v1/incidents/{id}/status"),
    ("GET", "/api/v1/operator/consents"),
    ("POST", "/api/v1/operator/consents/{id}/fax"),
    ("GET", "/api/v1/operator/report"),
];

/// identity's side (and notify's lists of undelivered mail): accounts, certificates, devices'
/// offices and the audit trail.
pub const IDENTITY: [Operation; 19] = [
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/users"),
    ("POST", "/api/v1/users"),
    ("GET", "/api/v1/users/{id}"),
    ("PATCH", "/api/v1/users/{id}"),
    ("POST", "/api/v1/users/{id}/active"),
    ("POST", "/api/v1/users/{id}/password-reset"),
    ("POST", "/api/v1/operator/users/{id}/suspension"),
    ("GET", "/api/v1/certificates"),
    ("POST", "/api/v1/certificates/{serial}/revoke"),
    ("GET", "/api/v1/certificate-requests"),
    ("POST", "/api/v1/certificate-requests"),
    ("POST", "/api/v1/operator/offices/{id}/enrollment-codes"),
    ("GET", "/api/v1/operator/offices/{id}/partners"),
    ("PUT", "/api/v1/operator/offices/{id}/partners"),
    ("GET", "/api/v1/operator/audit"),
    ("GET", "/api/v1/operator/audit/verify"),
    ("GET", "/api/v1/operator/undelivered"),
    ("GET", "/api/v1/bouncing-addresses"),
];

/// The offices' side: the register, applications, profiles, withdrawal and announcements.
pub const OFFICES: [Operation; 14] = [
    ("GET", "/api/v1/public/offices"),
    ("POST", "/api/v1/public/applications"),
    ("GET", "/api/v1/operator/offices"),
    ("POST", "/api/v1/operator/offices"),
    ("GET", "/api/v1/operator/applications"),
    ("POST", "/api/v1/operator/applications/{id}/approve"),
    ("POST", "/api/v1/operator/applications/{id}/reject"),
    ("POST", "/api/v1/operator/invitations"),
    ("PATCH", "/api/v1/offices/{id}"),
    ("POST", "/api/v1/offices/{id}/withdraw"),
    ("GET", "/api/v1/operator/announcements"),
    ("POST", "/api/v1/operator/announcements"),
    ("PUT", "/api/v1/operator/announcements/{id}"),
    ("POST", "/api/v1/operator/announcements/{id}/publish"),
];

/// Open to everyone by design, so in no matrix: signing in and out, changing one's own password,
/// the public pages' token and announcements, and enrolling a device with a mailed code.
pub const OPEN_TO_ALL: [Operation; 6] = [
    ("GET", "/api/v1/public/csrf-token"),
    ("POST", "/api/v1/session"),
    ("DELETE", "/api/v1/session"),
    ("POST", "/api/v1/password"),
    ("GET", "/api/v1/public/announcements"),
    ("POST", "/api/v1/public/enroll"),
];

/// Every list above.
pub const ALL: [&[Operation]; 4] = [&CAREBOARD, &IDENTITY, &OFFICES, &OPEN_TO_ALL];

/// The `/api/v1` operations of an `OpenAPI` document, as "METHOD /path", sorted.
#[must_use]
pub fn documented(doc: &Value) -> Vec<String> {
    let mut out: Vec<String> = doc["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(path, _)| path.starts_with("/api/v1/"))
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(|(method, _)| method.as_str())
                .filter(|m| matches!(*m, "get" | "post" | "put" | "patch" | "delete"))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    out.sort();
    out
}

/// The operations of `documented` that none of `lists` holds.
#[must_use]
pub fn uncovered(documented: &[String], lists: &[&[Operation]]) -> Vec<String> {
    let listed = named(lists);
    documented
        .iter()
        .filter(|op| !listed.contains(op))
        .cloned()
        .collect()
}

/// The rows of `lists` that name no operation of `documented` (a route since removed, a typo).
#[must_use]
pub fn stale(documented: &[String], lists: &[&[Operation]]) -> Vec<String> {
    named(lists)
        .into_iter()
        .filter(|op| !documented.contains(op))
        .collect()
}

fn named(lists: &[&[Operation]]) -> Vec<String> {
    lists
        .iter()
        .flat_map(|l| l.iter())
        .map(|(method, path)| format!("{method} {path}"))
        .collect()
}

/// A matrix cell's concrete path as its template: the query dropped, each id of `ids` replaced
/// by its placeholder.
#[must_use]
pub fn template(path: &str, ids: &[(&str, &str)]) -> String {
    let bare = path.split('?').next().unwrap_or_default();
    ids.iter()
        .filter(|(id, _)| !id.is_empty())
        .fold(bare.to_owned(), |p, (id, placeholder)| {
            p.replace(id, placeholder)
        })
}

/// The operations a matrix's cells call, as "METHOD /template", sorted and once each, to compare
/// with its list.
#[must_use]
pub fn of_list(list: &[Operation]) -> Vec<String> {
    let mut out = named(&[list]);
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_operation_in_no_list_is_named() {
        let doc = json!({"paths": {
            "/api/v1/recipients": {"post": {}, "parameters": []},
            "/api/v1/session": {"post": {}, "delete": {}},
            "/api/v1/secret": {"get": {}},
        }});
        let documented = documented(&doc);
        assert_eq!(
            documented,
            [
                "DELETE /api/v1/session",
                "GET /api/v1/secret",
                "POST /api/v1/recipients",
                "POST /api/v1/session"
            ]
        );
        assert_eq!(
            uncovered(&documented, &ALL),
            ["GET /api/v1/secret"],
            "only the operation of no list"
        );
        // A row taken out of a list leaves its operation uncovered.
        let fewer: Vec<Operation> = CAREBOARD
            .iter()
            .copied()
            .filter(|op| *op != ("POST", "/api/v1/recipients"))
            .collect();
        let lists: [&[Operation]; 2] = [&fewer, &OPEN_TO_ALL];
        assert!(uncovered(&documented, &lists).contains(&"POST /api/v1/recipients".to_owned()));
        assert!(stale(&documented, &ALL).contains(&"GET /api/v1/staff".to_owned()));
    }

    #[test]
    fn the_lists_name_each_operation_once() {
        let all = named(&ALL);
        let mut once = all.clone();
        once.sort();
        once.dedup();
        assert_eq!(all.len(), once.len(), "{all:?}");
    }

    #[test]
    fn a_cell_path_becomes_its_template() {
        assert_eq!(
            template(
                "/api/v1/certificates/0a1b/revoke?x=1",
                &[("0a1b", "{serial}"), ("", "{id}")]
            ),
            "/api/v1/certificates/{serial}/revoke"
        );
    }
}
