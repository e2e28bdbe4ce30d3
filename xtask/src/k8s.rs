//! Offline validation of the Kubernetes manifests under `deploy/k8s`.
//!
//! Each overlay is rendered with `kubectl kustomize`, and the result is checked by
//! `deploy/k8s/validate.py`. That script runs in a private venv holding the `PyPI`
//! package `kubernetes-validate`, which bundles the Kubernetes JSON schemas: no
//! cluster is needed, and no network once the venv exists. Built-in kinds are
//! validated strictly (unknown fields are errors) against `KUBERNETES_VERSION`;
//! the `CloudNativePG` and Prometheus Operator kinds against the schemas in
//! `deploy/k8s/schemas`, and the alerting rules' `PromQL` is parsed.

use std::fs;
use std::io::ErrorKind;
use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// What must render and validate: each overlay, and what an operator applies on its own (the
/// KEK rotation Job, the Prometheus Operator's scraping and alerting rules).
const RENDERED: [(&str, &str); 4] = [
    ("dev", "overlays/dev"),
    ("prod", "overlays/prod"),
    ("rotate-kek", "jobs/rotate-kek"),
    ("monitoring", "monitoring"),
];

/// The oldest Kubernetes the manifests support (they use the `sleep` preStop action).
const KUBERNETES_VERSION: &str = "1.31.0";

/// Renders every overlay and validates it; prints `k8s <overlay>: <n> resources valid`.
pub fn validate(root: &Path) -> Result<()> {
    let k8s = root.join("deploy").join("k8s");
    let out_dir = root.join("target").join("k8s");
    fs::create_dir_all(&out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;

    // Render everything first: a broken overlay or a missing kubectl should fail
    // before minutes go into building the venv.
    let mut rendered = Vec::new();
    for (overlay, dir) in RENDERED {
        let yaml = render(&k8s.join(dir))?;
        let file = out_dir.join(format!("{overlay}.yaml"));
        fs::write(&file, yaml).with_context(|| format!("cannot write {}", file.display()))?;
        rendered.push((overlay, file));
    }

    let python = crate::tools::venv_python(root)?;
    rules_refuse_what_they_should(&python, &k8s)?;
    // Check every overlay before failing, so one run shows all that is wrong.
    let mut failures = Vec::new();
    for (overlay, file) in rendered {
        match check(&python, &k8s, &file) {
            Ok(count) => println!("k8s {overlay}: {count} resources valid"),
            Err(e) => failures.push(format!("k8s {overlay}: manifests are not valid: {e:#}")),
        }
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

/// Runs `validate.py` on one rendered overlay; returns how many resources it checked.
fn check(python: &Path, k8s: &Path, rendered: &Path) -> Result<usize> {
    let script = k8s.join("validate.py");
    let output = Command::new(python)
        .arg(&script)
        .arg("--kubernetes-version")
        .arg(KUBERNETES_VERSION)
        .arg("--schemas")
        .arg(k8s.join("schemas"))
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
