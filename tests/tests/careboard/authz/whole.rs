//! The API matrices stay whole: every operation of the running gateway's `OpenAPI` document is in
//! the careboard, identity or offices matrix, or listed as open to all; and every `/api/v1` route
//! of the gateway's routers is in the document.

use system_tests::matrices::{self, ALL};
use system_tests::{Stack, people, routes};

#[tokio::test(flavor = "multi_thread")]
async fn every_api_operation_is_in_an_authorization_matrix() {
    let (_dir, stack) = Stack::in_temp_dir("rk-api-whole-", |o| o).await.unwrap();
    let op = people::operator(&stack).await.unwrap();
    let doc = op.get("/api/v1/openapi.json").await.unwrap();
    assert_eq!(doc.status, 200, "{}", doc.body);
    let documented = matrices::documented(&doc.body);
    assert!(
        documented.len() > 60,
        "the document was read: {documented:#?}"
    );
    let uncovered = matrices::uncovered(&documented, &ALL);
    assert!(
        uncovered.is_empty(),
        "in no authorization matrix (tests/src/matrices.rs), nor open to all: {uncovered:#?}"
    );
    let stale = matrices::stale(&documented, &ALL);
    assert!(stale.is_empty(), "not in the API any more: {stale:#?}");
    // A route the routers serve but the document leaves out would escape the check above.
    let paths: Vec<&str> = documented
        .iter()
        .filter_map(|op| op.split_once(' ').map(|(_, path)| path))
        .collect();
    let undocumented: Vec<String> = routes::protected_paths()
        .into_iter()
        .chain(routes::public_paths())
        .filter(|p| p.starts_with("/api/v1/") && p != "/api/v1/openapi.json")
        .filter(|p| !paths.contains(&p.as_str()))
        .collect();
    assert!(
        undocumented.is_empty(),
        "served but not in the document: {undocumented:#?}"
    );
}
