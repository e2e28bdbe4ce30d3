//! The document's own shape, as a client reads it.

use super::ApiDoc;
use serde_json::Value;
use utoipa::OpenApi;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

pub(super) fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}

#[test]
fn a_parameter_is_in_the_path_exactly_when_the_path_names_it() {
    let doc = document();
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        let named: Vec<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        for method in METHODS {
            let params = item[method]["parameters"].as_array();
            let in_path: Vec<&str> = params
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "path")
                .filter_map(|p| p["name"].as_str())
                .collect();
            if item[method].is_object() && in_path != named {
                wrong.push(format!("{method} {path}: {in_path:?}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
