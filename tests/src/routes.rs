//! The gateway's routes as its own routers declare them, read from their source, so that the
//! authorization matrices cover a route the day it is added. Each area's `mod.rs` has
//! `public()` (no certificate needed) and `protected()`; a router an area merges into its
//! protected one is named `routes()`; `main.rs` adds the few routes of the edge itself.

use std::path::Path;

/// The paths (with their `{id}` placeholders) behind the certificate check, sorted, once each.
#[must_use]
pub fn protected_paths() -> Vec<String> {
    collect(&["pub fn protected(", "pub fn routes("], "let protected")
}

/// The paths open without a certificate, sorted, once each.
#[must_use]
pub fn public_paths() -> Vec<String> {
    collect(&["pub fn public("], "let public")
}

/// Every `.route(path, handlers)` of every router, public and protected, as (path, the handlers'
/// text): a form route is one whose handlers hold `post(`.
#[must_use]
pub fn declarations() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = router_bodies(
        &["pub fn public(", "pub fn protected(", "pub fn routes("],
        &["let public", "let protected"],
    )
    .iter()
    .flat_map(|body| {
        body.split(".route(").skip(1).filter_map(|chunk| {
            let chunk = chunk.split(".route(").next().unwrap_or_default();
            let path = chunk.split('"').nth(1)?;
            Some((path.to_owned(), chunk.to_owned()))
        })
    })
    .collect();
    out.sort();
    out.dedup();
    out
}

fn collect(functions: &[&str], in_main: &str) -> Vec<String> {
    let mut paths: Vec<String> = router_bodies(functions, &[in_main])
        .iter()
        .flat_map(|b| {
            b.split('"')
                .filter(|s| s.starts_with('/'))
                .map(str::to_owned)
        })
        .collect();
    paths.sort_unstable();
    paths.dedup();
    paths
}

/// The text of each router function named in `functions` in the areas, and of each router
/// `main.rs` builds (`let public = …;`).
fn router_bodies(functions: &[&str], in_main: &[&str]) -> Vec<String> {
    let src = crate::workspace_root().join("gateway/src");
    let mut bodies = Vec::new();
    let mut files = Vec::new();
    rust_files(&src.join("areas"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        for f in functions {
            if let Some(rest) = text.split(f).nth(1) {
                bodies.push(rest.split("\n}\n").next().unwrap_or_default().to_owned());
            }
        }
    }
    let main = std::fs::read_to_string(src.join("main.rs")).unwrap_or_default();
    for start in in_main {
        if let Some(rest) = main.split(start).nth(1) {
            bodies.push(rest.split(';').next().unwrap_or_default().to_owned());
        }
    }
    bodies
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_routers_are_read() {
        let protected = super::protected_paths();
        let public = super::public_paths();
        assert!(protected.len() > 60, "{protected:?}");
        assert!(protected.iter().any(|p| p == "/boards/{id}"));
        assert!(protected.iter().any(|p| p == "/api/v1/openapi.json"));
        assert!(public.iter().any(|p| p == "/enroll"));
        assert!(public.iter().all(|p| !protected.contains(p)), "{public:?}");
        let forms: Vec<_> = super::declarations()
            .into_iter()
            .filter(|(_, handlers)| handlers.contains("post("))
            .collect();
        assert!(
            forms.iter().any(|(p, _)| p == "/boards/{id}/posts"),
            "{forms:?}"
        );
    }
}
