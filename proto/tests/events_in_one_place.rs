//! The events are defined in one place (`proto/renrakucho/events.proto`, subjects in
//! `proto/src/events.rs`): no source file of the workspace writes a subject as a literal or
//! declares its own copy of an event's message, so renaming an event cannot leave a publisher or
//! a consumer behind. Tests may spell subjects out: they check the wire.

use std::path::{Path, PathBuf};

const FAMILIES: [&str; 5] = ["identity", "offices", "careboard", "notify", "audit"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace holds proto/")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs")
            // A module's tests in their own file, like a test module in the file.
            && path.file_name().is_none_or(|n| n != "tests.rs")
        {
            out.push(path);
        }
    }
}

/// The file's code before its test module.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).expect("readable source");
    match text.find("#[cfg(test)]") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Whether a string literal's content reads as a subject or a filter: `<family>.<a>.<b>`.
fn is_subject(text: &str) -> bool {
    let tokens: Vec<&str> = text.split('.').collect();
    tokens.len() >= 3
        && FAMILIES.contains(&tokens[0])
        && tokens[1..].iter().all(|t| {
            *t == ">"
                || *t == "*"
                || (!t.is_empty() && t.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
}

fn literals(code: &str) -> Vec<&str> {
    code.split('"').skip(1).step_by(2).collect()
}

fn sources() -> Vec<PathBuf> {
    let root = root();
    let mut files = Vec::new();
    for dir in ["services", "gateway/src", "libs", "proto/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "found only {} files", files.len());
    files
}

#[test]
fn no_subject_is_written_outside_its_definition() {
    let definitions = root().join("proto/src/events.rs");
    let mut found = Vec::new();
    for file in sources().iter().filter(|f| **f != definitions) {
        for literal in literals(&code(file)) {
            if is_subject(literal) {
                found.push(format!("{}: {literal}", file.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "subjects written as literals:\n{}",
        found.join("\n")
    );
}

#[test]
fn no_event_message_is_declared_twice() {
    let proto = std::fs::read_to_string(root().join("proto/renrakucho/events.proto"))
        .expect("the events' definitions");
    let messages: Vec<&str> = proto
        .lines()
        .filter_map(|l| l.strip_prefix("message "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(messages.contains(&"UserStatusChanged"), "{messages:?}");
    let mut found = Vec::new();
    for file in sources() {
        let code = code(&file);
        for message in &messages {
            for decl in [format!("struct {message} "), format!("struct {message}<")] {
                if code.contains(&decl) {
                    found.push(format!("{}: {message}", file.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "events declared again:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_a_subject_and_nothing_else() {
    assert!(is_subject("identity.user.status_changed"));
    assert!(is_subject("careboard.post.>"));
    assert!(!is_subject("identity.>"));
    assert!(!is_subject("audit.{service}.{}"));
    assert!(!is_subject("offices.v1.SaveAnnouncementRequest.body"));
}
