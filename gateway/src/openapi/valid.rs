//! Every example of the document is valid for its own schema, and names no field the schema
//! lacks: a client or a test generator that sends one gets past the shape checks.
//!
//! The schemas utoipa writes use a small part of JSON Schema 2020-12; this checks that part and
//! refuses any other keyword, so a schema it cannot judge fails the test instead of passing it.

use super::coverage::{document, operations, resolve};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// Keywords that describe and do not constrain.
const ANNOTATIONS: [&str; 5] = ["description", "example", "examples", "default", "title"];

struct Checker<'a> {
    doc: &'a Value,
    wrong: Vec<String>,
}

impl Checker<'_> {
    fn fail(&mut self, at: &str, what: impl std::fmt::Display) {
        self.wrong.push(format!("{at}: {what}"));
    }

    /// The fields a schema names, through `$ref` and `allOf`; `None` when it takes any.
    fn known_fields(&self, schema: &Value) -> Option<BTreeSet<String>> {
        let schema = resolve(self.doc, schema);
        let free = schema["properties"].is_null() && schema["allOf"].is_null();
        if free
            || schema["additionalProperties"].is_object()
            || schema["additionalProperties"] == true
        {
            return None;
        }
        let mut known: BTreeSet<String> = schema["properties"]
            .as_object()
            .into_iter()
            .flat_map(Map::keys)
            .cloned()
            .collect();
        for part in schema["allOf"].as_array().into_iter().flatten() {
            known.extend(self.known_fields(part)?);
        }
        Some(known)
    }

    fn check(&mut self, at: &str, schema: &Value, value: &Value) {
        self.check_part(at, schema, value, true);
    }

    /// `whole`: this schema is all there is of the value (not one part of an `allOf`), so a
    /// field it does not name is a mistake.
    fn check_part(&mut self, at: &str, schema: &Value, value: &Value, whole: bool) {
        let doc = self.doc;
        let schema = resolve(doc, schema);
        let Some(rules) = schema.as_object() else {
            self.fail(at, format!("no schema: {schema}"));
            return;
        };
        for (keyword, rule) in rules {
            match keyword.as_str() {
                "type" => self.check_type(at, rule, value),
                "format" => check_format(self, at, rule, value),
                "minimum" => {
                    if let (Some(min), Some(n)) = (rule.as_f64(), value.as_f64())
                        && n < min
                    {
                        self.fail(at, format!("{n} is below {min}"));
                    }
                }
                "required" => {
                    for field in rule.as_array().into_iter().flatten() {
                        if let Some(o) = value.as_object()
                            && !o.contains_key(field.as_str().unwrap_or_default())
                        {
                            self.fail(at, format!("lacks {field}"));
                        }
                    }
                }
                "properties" => {
                    let Some(o) = value.as_object() else { continue };
                    for (name, property) in rule.as_object().into_iter().flatten() {
                        if let Some(v) = o.get(name) {
                            self.check(&format!("{at}.{name}"), property, v);
                        }
                    }
                }
                "additionalProperties" | "propertyNames" => {
                    let Some(o) = value.as_object() else { continue };
                    if rule.is_object() {
                        for (name, v) in o {
                            let target = if keyword == "propertyNames" {
                                &Value::String(name.clone())
                            } else {
                                v
                            };
                            self.check(&format!("{at}.{name}"), rule, target);
                        }
                    }
                }
                "items" => {
                    for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                        self.check(&format!("{at}[{i}]"), rule, item);
                    }
                }
                "allOf" => {
                    for part in rule.as_array().into_iter().flatten() {
                        self.check_part(at, part, value, false);
                    }
                }
                "enum" => {
                    if !rule.as_array().is_some_and(|e| e.contains(value)) {
                        self.fail(at, format!("{value} is not one of {rule}"));
                    }
                }
                k if ANNOTATIONS.contains(&k) => {}
                other => self.fail(at, format!("keyword {other} is not checked here")),
            }
        }
        if whole
            && let Some(o) = value.as_object()
            && let Some(known) = self.known_fields(schema)
        {
            for name in o.keys().filter(|k| !known.contains(*k)) {
                self.fail(at, format!("field {name} is not in the schema"));
            }
        }
    }

    fn check_type(&mut self, at: &str, rule: &Value, value: &Value) {
        let types: Vec<&str> = match rule {
            Value::String(t) => vec![t.as_str()],
            Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let fits = |t: &str| match t {
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            "null" => value.is_null(),
            _ => false,
        };
        if !types.iter().any(|t| fits(t)) {
            self.fail(at, format!("{value} is not {rule}"));
        }
    }
}

fn check_format(c: &mut Checker, at: &str, rule: &Value, value: &Value) {
    let fits = match rule.as_str().unwrap_or_default() {
        "int32" => value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()),
        "int64" => value.is_i64(),
        "double" | "float" => value.is_number(),
        other => {
            c.fail(at, format!("format {other} is not checked here"));
            return;
        }
    };
    if !fits && !value.is_null() {
        c.fail(at, format!("{value} is not {rule}"));
    }
}

fn examples_of(v: &Value) -> Vec<&Value> {
    let mut all: Vec<&Value> = v.get("example").into_iter().collect();
    match &v["examples"] {
        Value::Array(list) => all.extend(list),
        Value::Object(named) => all.extend(named.values().map(|e| &e["value"])),
        _ => {}
    }
    all
}

/// Every schema with an example inside `schema`, with where it is.
fn with_examples<'a>(at: &str, schema: &'a Value, found: &mut Vec<(String, &'a Value)>) {
    if !examples_of(schema).is_empty() {
        found.push((at.to_owned(), schema));
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        with_examples(&format!("{at}.{name}"), property, found);
    }
    if schema["items"].is_object() {
        with_examples(&format!("{at}[]"), &schema["items"], found);
    }
}

fn every_wrong_example(doc: &Value) -> Vec<String> {
    let mut c = Checker {
        doc,
        wrong: Vec::new(),
    };
    let mut schemas = Vec::new();
    for (name, schema) in doc["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
    {
        with_examples(name, schema, &mut schemas);
    }
    for (at, schema) in schemas {
        for example in examples_of(schema) {
            c.check(&at, schema, example);
        }
    }
    for (name, op) in operations(doc) {
        let mut media = Vec::new();
        for (kind, content) in op["requestBody"]["content"]
            .as_object()
            .into_iter()
            .flatten()
        {
            media.push((format!("{name} request {kind}"), content));
        }
        for (status, response) in op["responses"].as_object().into_iter().flatten() {
            for (kind, content) in response["content"].as_object().into_iter().flatten() {
                media.push((format!("{name} {status} {kind}"), content));
            }
        }
        for param in op["parameters"].as_array().into_iter().flatten() {
            let param = resolve(doc, param);
            let at = format!("{name} parameter {}", param["name"].as_str().unwrap_or("?"));
            media.push((at, param));
        }
        for (at, holder) in media {
            for example in examples_of(holder) {
                c.check(&at, &holder["schema"], example);
            }
        }
    }
    c.wrong
}

#[test]
fn every_example_is_valid_for_its_own_schema() {
    let wrong = every_wrong_example(&document());
    assert!(
        wrong.is_empty(),
        "{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

#[test]
fn a_wrong_example_is_told_by_where_it_is() {
    let mut doc = document();
    let office = &mut doc["components"]["schemas"]["OfficeBody"]["example"];
    if let Some(o) = office.as_object_mut()
        && let Some(at) = o.remove("created_at")
    {
        o.insert("created".into(), at);
        o.insert("status".into(), Value::Bool(true));
    }
    let wrong = every_wrong_example(&doc).join("\n");
    for told in [
        "OfficeBody: lacks \"created_at\"",
        "OfficeBody: field created is not in the schema",
        "OfficeBody.status: true is not \"string\"",
    ] {
        assert!(wrong.contains(told), "{told} in:\n{wrong}");
    }
}
