//! Offline validation of the Kubernetes manifests under `deploy/k8s`.
//!
//! Each overlay is rendered with `kubectl kustomize`, and the result is checked by
//! `deploy/k8s/validate.py`. That script runs in a private venv holding the `PyPI`
//! package `kubernetes-validate`, which bundles the Kubernetes JSON schemas: no
//! cluster is needed, and no network once the venv exists. Built-in kinds are
//! validated strictly (unknown fields are errors) against `KUBERNETES_VERSION`;
//! the `CloudNativePG` and Prometheus Operator kinds against the schemas in
//! `deploy/k8s/schemas`, and the alerting rules' `PromQL` is parsed. Then checkov (its own
//! venv) runs its Kubernetes checks over each render: any failed check fails the validation, and
//! a check that does not apply is skipped beside its resource (a `checkov.io/skipN` annotation
//! with the reason), never in a list here. `overlays/prod` is the exception: it must be refused
//! until a site fills its values ([`site`]), and `overlays/example-site`, filled with example
//! values, passes everything in its place.

mod site;

use std::fs;
use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// What must render and validate: each overlay, and what an operator applies on its own (the
/// first install's bootstrap Job, the KEK rotation Job, the Prometheus Operator's scraping and
/// alerting rules). `true` where every image must be pinned by digest (a site's overlay).
const RENDERED: [(&str, &str, bool); 5] = [
    ("dev", "overlays/dev", false),
    ("example-site", "overlays/example-site", true),
    ("bootstrap", "jobs/bootstrap", false),
    ("rotate-kek", "jobs/rotate-kek", false),
    ("monitoring", "monitoring", false),
];

/// Rendered and validated too, but must be refused: its site values are placeholders.
const UNFILLED: (&str, &str) = ("prod", "overlays/prod");

/// The oldest Kubernetes the manifests support (they use the `sleep` preStop action).
const KUBERNETES_VERSION: &str = "1.31.0";

/// Renders every overlay and validates it; prints `k8s <overlay>: <n> resources valid`,
/// `k8s <overlay>: checkov <n> passed, <m> skipped` and that prod is refused until filled.
pub fn validate(root: &Path) -> Result<()> {
    let k8s = root.join("deploy").join("k8s");
    let out_dir = root.join("target").join("k8s");
    fs::create_dir_all(&out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;

    // Render everything first: a broken overlay or a missing kubectl should fail
    // before minutes go into building the venv.
    let write = |overlay: &str, dir: &str| -> Result<std::path::PathBuf> {
        let yaml = render(&k8s.join(dir))?;
        let file = out_dir.join(format!("{overlay}.yaml"));
        fs::write(&file, yaml).with_context(|| format!("cannot write {}", file.display()))?;
        Ok(file)
    };
    let mut rendered = Vec::new();
    for (overlay, dir, pinned) in RENDERED {
        rendered.push((overlay, write(overlay, dir)?, pinned));
    }
    let unfilled = write(UNFILLED.0, UNFILLED.1)?;

    let python = crate::tools::venv_python(root)?;
    rules_refuse_what_they_should(&python, &k8s)?;
    // Check every overlay before failing, so one run shows all that is wrong.
    let mut failures = Vec::new();
    for (overlay, file, pinned) in &rendered {
        match check(&python, &k8s, file, *pinned) {
            Ok(count) => println!("k8s {overlay}: {count} resources valid"),
            Err(e) => failures.push(format!("k8s {overlay}: manifests are not valid: {e:#}")),
        }
    }
    match site::prod_is_refused_until_filled(&python, &k8s, &unfilled) {
        Ok(count) => println!(
            "k8s {}: refused until the site fills it ({count} refusals name a PLACEHOLDER)",
            UNFILLED.0
        ),
        Err(e) => failures.push(format!("k8s {}: {e:#}", UNFILLED.0)),
    }
    match crate::tools::checkov(root) {
        Ok(checkov) => {
            for (overlay, file, _) in &rendered {
                match run_checkov(&checkov, file) {
                    Ok(v) => println!(
                        "k8s {overlay}: checkov {} passed, {} skipped",
                        v.passed, v.skipped
                    ),
                    Err(e) => failures.push(format!("k8s {overlay}: checkov: {e:#}")),
                }
            }
        }
        Err(e) => failures.push(format!("k8s: checkov: {e:#}")),
    }
    if !failures.is_empty() {
        bail!("{}", failures.join("\n\n"));
    }
    Ok(())
}

/// The rules beyond the schemas (`rules.py`) each meet a manifest that breaks them
/// (`test_rules.py`): a rule that stopped refusing its case would let the overlays pass
/// unchecked.
fn rules_refuse_what_they_should(python: &Path, k8s: &Path) -> Result<()> {
    let output = Command::new(python)
        .args(["-m", "unittest", "discover", "-s"])
        .arg(k8s)
        .args(["-p", "test_*.py"])
        .current_dir(k8s)
        .output()
        .context("cannot run the manifest rules' tests")?;
    if !output.status.success() {
        bail!(
            "the manifest rules' tests failed:\n{}",
            crate::tools::output_text(&output)
        );
    }
    println!("k8s rules: each refuses its broken manifest");
    Ok(())
}

/// `kubectl kustomize <dir>`, returning the rendered YAML.
fn render(dir: &Path) -> Result<Vec<u8>> {
    let output = match Command::new("kubectl").arg("kustomize").arg(dir).output() {
        Ok(output) => output,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            eprintln!(
                "k8s: kubectl was not found on PATH. It renders the kustomize overlays: \
                 install it (any kubectl 1.27 or later has kustomize built in), e.g. `apt-get install kubectl`."
            );
            bail!("kubectl is not installed");
        }
        Err(e) => return Err(e).context("cannot run kubectl"),
    };
    if !output.status.success() {
        bail!(
            "`kubectl kustomize {}` failed ({}):\n{}",
            dir.display(),
            output.status,
            crate::tools::output_text(&output)
        );
    }
    Ok(output.stdout)
}

/// Runs `validate.py` on one rendered overlay (with `--pinned-images` where every image must be
/// a digest); returns how many resources it checked.
fn check(python: &Path, k8s: &Path, rendered: &Path, pinned: bool) -> Result<usize> {
    let script = k8s.join("validate.py");
    let output = Command::new(python)
        .arg(&script)
        .arg("--kubernetes-version")
        .arg(KUBERNETES_VERSION)
        .arg("--schemas")
        .arg(k8s.join("schemas"))
        .args(pinned.then_some("--pinned-images"))
        .arg(rendered)
        .output()
        .with_context(|| format!("cannot run {}", script.display()))?;
    let text = crate::tools::output_text(&output);
    if !output.status.success() {
        bail!("{} ({}):\n{text}", rendered.display(), output.status);
    }
    // validate.py ends with "<n> resources valid" when everything passed.
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .next_back()
        .and_then(|line| line.trim().strip_suffix(" resources valid"))
        .and_then(|count| count.parse().ok())
        .with_context(|| format!("unexpected output from {}:\n{text}", script.display()))
}

/// What checkov found in one render, once nothing failed.
#[derive(Debug, PartialEq, Eq)]
struct Verdict {
    passed: u64,
    skipped: u64,
}

/// Runs checkov's Kubernetes checks on one rendered overlay. Offline: `--skip-download` keeps it
/// from the vendor's platform and the variable from asking PyPI for a newer checkov, so the
/// verdict depends on the pinned version only.
fn run_checkov(checkov: &Path, rendered: &Path) -> Result<Verdict> {
    let output = Command::new(checkov)
        .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "true")
        .args([
            "--framework",
            "kubernetes",
            "--compact",
            "--skip-download",
            "--output",
            "json",
            "--file",
        ])
        .arg(rendered)
        .output()
        .with_context(|| format!("cannot run {}", checkov.display()))?;
    // Exit status 1 means failed checks, which the report names; anything else unreadable is
    // checkov itself failing.
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).with_context(|| {
        format!(
            "no JSON report for {} ({}):\n{}",
            rendered.display(),
            output.status,
            crate::tools::output_text(&output)
        )
    })?;
    verdict(&report)
}

/// Reads checkov's JSON report: every failed check, a skip without a reason and a file checkov
/// could not parse are errors.
fn verdict(report: &serde_json::Value) -> Result<Verdict> {
    // One report per framework, as a list when there are several; a render with nothing to
    // check is only a summary.
    let reports = match report {
        serde_json::Value::Array(reports) => reports.iter().collect(),
        single => vec![single],
    };
    let mut total = Verdict {
        passed: 0,
        skipped: 0,
    };
    let mut problems = Vec::new();
    for report in reports {
        let summary = report.get("summary").unwrap_or(report);
        let count = |key: &str| summary.get(key).and_then(serde_json::Value::as_u64);
        let (Some(passed), Some(failed), Some(skipped)) =
            (count("passed"), count("failed"), count("skipped"))
        else {
            bail!("unexpected checkov report: {summary}");
        };
        if count("parsing_errors").unwrap_or(0) > 0 {
            problems.push(format!("{summary}: checkov could not parse the render"));
        }
        let results = report.get("results");
        let checks = |kind: &str| {
            results
                .and_then(|r| r.get(kind))
                .and_then(serde_json::Value::as_array)
                .cloned()
                .unwrap_or_default()
        };
        let text = |check: &serde_json::Value, key: &str| {
            check
                .get(key)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("?")
                .to_owned()
        };
        let failures = checks("failed_checks");
        for check in &failures {
            problems.push(format!(
                "{} {}: {}",
                text(check, "check_id"),
                text(check, "resource"),
                text(check, "check_name")
            ));
        }
        if failed > 0 && failures.is_empty() {
            problems.push(format!("{failed} failed checks"));
        }
        for check in checks("skipped_checks") {
            let reason = check
                .pointer("/check_result/suppress_comment")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .trim();
            // checkov's own text when the annotation names a check but gives no reason.
            if reason.is_empty() || reason == "No comment provided" {
                problems.push(format!(
                    "{} {}: skipped without a reason (checkov.io/skipN: ID=<why>)",
                    text(&check, "check_id"),
                    text(&check, "resource")
                ));
            }
        }
        total.passed += passed;
        total.skipped += skipped;
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::{Verdict, verdict};
    use serde_json::json;

    fn report(failed: &serde_json::Value, skipped: &serde_json::Value) -> serde_json::Value {
        let counts = (
            failed.as_array().map_or(0, Vec::len),
            skipped.as_array().map_or(0, Vec::len),
        );
        json!({
            "check_type": "kubernetes",
            "results": {"passed_checks": [], "failed_checks": failed, "skipped_checks": skipped},
            "summary": {"passed": 7, "failed": counts.0, "skipped": counts.1, "parsing_errors": 0}
        })
    }

    fn skip(reason: &str) -> serde_json::Value {
        json!([{"check_id": "CKV_K8S_43", "resource": "Deployment.renrakucho.gateway",
                "check_result": {"result": "SKIPPED", "suppress_comment": reason}}])
    }

    #[test]
    fn a_clean_report_counts_passed_and_skipped() {
        let v = verdict(&report(&json!([]), &skip("digests are set per site"))).unwrap();
        assert_eq!(
            v,
            Verdict {
                passed: 7,
                skipped: 1
            }
        );
    }

    #[test]
    fn a_failed_check_is_named() {
        let failed = json!([{"check_id": "CKV_K8S_8", "resource": "Deployment.renrakucho.mailpit",
                             "check_name": "Liveness Probe Should be Configured"}]);
        let e = verdict(&report(&failed, &json!([])))
            .unwrap_err()
            .to_string();
        assert!(e.contains("CKV_K8S_8 Deployment.renrakucho.mailpit"), "{e}");
    }

    #[test]
    fn a_skip_without_a_reason_is_refused() {
        let e = verdict(&report(&json!([]), &skip("No comment provided")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("without a reason"), "{e}");
    }

    #[test]
    fn a_render_with_nothing_to_check_is_a_bare_summary() {
        let bare = json!({"passed": 0, "failed": 0, "skipped": 0, "parsing_errors": 0});
        assert_eq!(
            verdict(&bare).unwrap(),
            Verdict {
                passed: 0,
                skipped: 0
            }
        );
    }

    #[test]
    fn a_parse_error_fails() {
        let mut r = report(&json!([]), &json!([]));
        r["summary"]["parsing_errors"] = json!(1);
        assert!(verdict(&r).is_err());
    }
}
