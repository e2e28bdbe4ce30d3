//! `overlays/prod` ships every site value as `PLACEHOLDER` (its `site.env` and images list) and
//! must be refused until a site fills them: its render is validated like a site's
//! (`--pinned-images`) and has to fail, naming each placeholder, for those reasons only. A prod
//! that passed would mean a rule stopped catching an unfilled value; a prod refused for anything
//! else would hide a real problem behind the expected refusal.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// What the refusal must name: one field per `site.env` value and each image of the images list.
/// A value that no longer reaches the render would no longer be a site value.
const PLACEHOLDERS: [&str; 13] = [
    "data.PUBLIC_BASE_URL is still",
    "spec.dnsNames.0 is still",
    "data.MAIL_FROM is still",
    "data.OPERATOR_EMAIL is still",
    "data.OBJECT_STORE_URL is still",
    "data.OBJECT_STORE_ENDPOINT is still",
    "data.OBJECT_STORE_REGION is still",
    "spec.configuration.destinationPath is still",
    "spec.configuration.endpointURL is still",
    "spec.imageName is still",
    "'renrakucho@sha256:PLACEHOLDER'",
    "'nats@sha256:PLACEHOLDER'",
    "'natsio/prometheus-nats-exporter@sha256:PLACEHOLDER'",
];

/// Validates the rendered prod overlay as a site's and checks that it is refused as it should
/// be; returns how many problems named a placeholder.
pub fn prod_is_refused_until_filled(python: &Path, k8s: &Path, rendered: &Path) -> Result<usize> {
    let script = k8s.join("validate.py");
    let output = Command::new(python)
        .arg(&script)
        .arg("--kubernetes-version")
        .arg(super::KUBERNETES_VERSION)
        .arg("--schemas")
        .arg(k8s.join("schemas"))
        .arg("--pinned-images")
        .arg(rendered)
        .output()
        .with_context(|| format!("cannot run {}", script.display()))?;
    refusal(
        output.status.success(),
        &String::from_utf8_lossy(&output.stdout),
    )
}

/// Judges validate.py's verdict on the unfilled prod overlay.
fn refusal(passed: bool, stdout: &str) -> Result<usize> {
    if passed {
        bail!(
            "overlays/prod passed although its site values are PLACEHOLDER: the rules no longer \
             refuse an unfilled site value"
        );
    }
    let problems: Vec<&str> = stdout.lines().filter(|l| l.starts_with("ERROR ")).collect();
    // An unpinned image without a placeholder is one the images list does not name yet.
    let other: Vec<&str> = problems
        .iter()
        .copied()
        .filter(|l| !l.contains("PLACEHOLDER"))
        .collect();
    if !other.is_empty() {
        bail!(
            "overlays/prod is refused for more than its placeholders:\n{}",
            other.join("\n")
        );
    }
    let missing: Vec<&str> = PLACEHOLDERS
        .into_iter()
        .filter(|p| !problems.iter().any(|l| l.contains(p)))
        .collect();
    if !missing.is_empty() {
        bail!(
            "overlays/prod's refusal does not name {}: a site value no longer reaches the \
             render, or its rule no longer sees it\n{stdout}",
            missing.join(", ")
        );
    }
    Ok(problems
        .iter()
        .filter(|l| l.contains("PLACEHOLDER"))
        .count())
}

#[cfg(test)]
mod tests {
    use super::{PLACEHOLDERS, refusal};

    fn verdict(extra: &str) -> String {
        let mut out: Vec<String> = PLACEHOLDERS
            .iter()
            .map(|p| format!("ERROR Some/thing: {p} 'PLACEHOLDER': fill it in"))
            .collect();
        out.push(
            "ERROR StatefulSet/nats: container nats: image 'nats@sha256:PLACEHOLDER' is not \
             pinned by @sha256: digest"
                .to_owned(),
        );
        out.push(extra.to_owned());
        out.push("15 problems in 73 resources".to_owned());
        out.join("\n")
    }

    #[test]
    fn a_refusal_naming_every_placeholder_is_what_prod_must_get() {
        assert_eq!(
            refusal(false, &verdict("")).unwrap(),
            PLACEHOLDERS.len() + 1
        );
    }

    #[test]
    fn prod_passing_is_an_error() {
        let e = refusal(true, "73 resources valid").unwrap_err().to_string();
        assert!(e.contains("passed although"), "{e}");
    }

    #[test]
    fn another_problem_is_not_hidden_by_the_refusal() {
        let e = refusal(
            false,
            &verdict("ERROR Deployment/gateway: no NetworkPolicy governs its egress"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("no NetworkPolicy governs"), "{e}");
    }

    #[test]
    fn an_image_the_images_list_does_not_name_is_not_hidden() {
        let unpinned =
            "ERROR Deployment/x: container x: image 'x:1.0' is not pinned by @sha256: digest";
        let e = refusal(false, &verdict(unpinned)).unwrap_err().to_string();
        assert!(e.contains("'x:1.0'"), "{e}");
    }

    #[test]
    fn a_placeholder_no_longer_named_is_an_error() {
        let out = verdict("").replace("data.MAIL_FROM is still", "data.SOMETHING is still");
        let e = refusal(false, &out).unwrap_err().to_string();
        assert!(e.contains("does not name data.MAIL_FROM"), "{e}");
    }
}
