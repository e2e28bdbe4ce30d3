//! The document shows every operation by example, and all its failures in one shape: a client
//! (or a test generator) can start from what a real call sends and gets back.

use super::ApiDoc;
use serde_json::Value;
use utoipa::OpenApi;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
const ERROR_BODY: &str = "#/components/schemas/ErrorBody";

pub(super) fn document() -> Value {
    serde_json::to_value(ApiDoc::openapi()).unwrap_or_default()
}

/// Every operation of the document: its name (method, path and id) and itself.
pub(super) fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for method in METHODS {
            let op = &item[method];
            if op.is_object() {
                let id = op["operationId"].as_str().unwrap_or("?");
                ops.push((format!("{} {path} ({id})", method.to_uppercase()), op));
            }
        }
    }
    ops
}

/// The component a `$ref` names, or the schema itself.
pub(super) fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => r.strip_prefix("#/").map_or(&Value::Null, |p| {
            doc.pointer(&format!("/{p}")).unwrap_or(&Value::Null)
        }),
        None => schema,
    }
}

fn has_example(v: &Value) -> bool {
    !v["example"].is_null()
        || v["examples"].as_object().is_some_and(|e| !e.is_empty())
        || v["examples"].as_array().is_some_and(|e| !e.is_empty())
}

/// A schema shows an example of itself, or (a list) of each of its items.
fn schema_has_example(doc: &Value, schema: &Value) -> bool {
    let schema = resolve(doc, schema);
    has_example(schema) || (schema["type"] == "array" && schema_has_example(doc, &schema["items"]))
}

fn content_has_example(doc: &Value, media: &Value) -> bool {
    has_example(media) || schema_has_example(doc, &media["schema"])
}

fn missing_examples(doc: &Value, name: &str, op: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    for (media, content) in op["requestBody"]["content"]
        .as_object()
        .into_iter()
        .flatten()
    {
        if !content_has_example(doc, content) {
            missing.push(format!("{name}: request body {media}"));
        }
    }
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        if !status.starts_with('2') {
            continue;
        }
        for (media, content) in response["content"].as_object().into_iter().flatten() {
            if !content_has_example(doc, content) {
                missing.push(format!("{name}: response {status} {media}"));
            }
        }
    }
    for param in op["parameters"].as_array().into_iter().flatten() {
        let param = resolve(doc, param);
        // A header's value is the client's own (an Idempotency-Key, say): one shown for every
        // call would make every call after the first a repeat.
        if param["in"] == "header" {
            continue;
        }
        if !has_example(param) && !schema_has_example(doc, &param["schema"]) {
            missing.push(format!(
                "{name}: {} parameter {}",
                param["in"].as_str().unwrap_or("?"),
                param["name"].as_str().unwrap_or("?")
            ));
        }
    }
    missing
}

fn stray_error_shapes(name: &str, op: &Value) -> Vec<String> {
    let mut stray = Vec::new();
    for (status, response) in op["responses"].as_object().into_iter().flatten() {
        if !(status.starts_with('4') || status.starts_with('5')) {
            continue;
        }
        let content = response["content"].as_object();
        let Some(content) = content.filter(|c| !c.is_empty()) else {
            stray.push(format!("{name}: {status} has no body"));
            continue;
        };
        for (media, body) in content {
            if media != "application/json" || body["schema"]["$ref"] != ERROR_BODY {
                stray.push(format!("{name}: {status} {media} is not ErrorBody"));
            }
            // A refusal of fields is the schema's own example; any other refusal shows its own.
            if status != "422" && !has_example(body) {
                stray.push(format!("{name}: {status} shows no refusal"));
            }
        }
    }
    stray
}

#[test]
fn every_operation_shows_an_example_of_what_it_takes_and_gives() {
    let doc = document();
    let ops = operations(&doc);
    assert!(ops.len() > 60, "{} operations", ops.len());
    let missing: Vec<String> = ops
        .iter()
        .flat_map(|(name, op)| missing_examples(&doc, name, op))
        .collect();
    assert!(
        missing.is_empty(),
        "{} without an example:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn every_failure_of_every_operation_is_the_one_error_body() {
    let doc = document();
    let stray: Vec<String> = operations(&doc)
        .iter()
        .flat_map(|(name, op)| stray_error_shapes(name, op))
        .collect();
    assert!(stray.is_empty(), "{}", stray.join("\n"));
    let error = &doc["components"]["schemas"]["ErrorBody"];
    assert!(has_example(error), "{error}");
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
