//! Compiles the contracts with protox (pure Rust) so no system `protoc` is needed, and writes the
//! text check every request runs through as it is decoded (see `src/checked.rs`).

use std::fmt::Write as _;

/// The fields of requests that hold text written in a textarea, where line breaks belong. Every
/// other string of a request is one line (a name, a title, a reason typed in one box, an id).
const MULTI_LINE: &[&str] = &[
    "careboard.v1.RecipientFields.key_notes",
    "careboard.v1.CreatePostRequest.body",
    "careboard.v1.CreateReplyRequest.body",
    "careboard.v1.EditPostRequest.body",
    "careboard.v1.FileIncidentRequest.what_happened",
    "careboard.v1.FileIncidentRequest.action_taken",
    "careboard.v1.UpdateIncidentRequest.note",
    "offices.v1.SaveAnnouncementRequest.body",
    "offices.v1.DecideApplicationRequest.reason",
];

/// Secrets are hashed or used at once and never shown or stored as text, so only NUL (which no
/// library downstream can carry) is refused in them.
const SECRETS: &[&str] = &[
    "password",
    "current_password",
    "new_password",
    "initial_password",
    "p12_password",
    "secret",
    "session_token",
    "csrf_token",
];

/// The package of the bus's events, which travel as JSON in a CloudEvents envelope.
const EVENTS: &str = "renrakucho.events.v1";

// `FieldDescriptorProto` numbers (descriptor.proto): stable parts of the protobuf format.
const TYPE_STRING: i32 = 9;
const TYPE_MESSAGE: i32 = 11;
const LABEL_REPEATED: i32 = 3;

fn rust_path(proto_name: &str) -> String {
    // ".renrakucho.careboard.v1.Post" -> "crate::renrakucho::careboard::v1::Post"
    let mut parts: Vec<&str> = proto_name.trim_start_matches('.').split('.').collect();
    let name = parts.pop().unwrap_or_default();
    format!("crate::{}::{name}", parts.join("::"))
}

fn field_ident(name: &str) -> String {
    match name {
        "type" | "ref" | "use" | "self" | "match" | "mod" | "move" | "fn" | "impl" | "in" => {
            format!("r#{name}")
        }
        _ => name.to_owned(),
    }
}

/// The part a message's package belongs to, as `crate::errors::Domain` names it: a request is
/// refused in the name of the service it was sent to.
fn domain(package: &str) -> &'static str {
    match package {
        "renrakucho.common.v1" => "Common",
        "renrakucho.identity.v1" => "Identity",
        "renrakucho.offices.v1" => "Offices",
        "renrakucho.careboard.v1" => "Careboard",
        "renrakucho.notify.v1" => "Notify",
        other => panic!("package {other} has no error domain in src/errors.rs"),
    }
}

fn checks(fds: &protox::prost_reflect::prost_types::FileDescriptorSet) -> String {
    let inputs: Vec<String> = fds
        .file
        .iter()
        .flat_map(|f| &f.service)
        .flat_map(|s| &s.method)
        .filter_map(|m| m.input_type.clone())
        .collect();
    let mut out = String::new();
    // Events are not requests: they are built by the services themselves, never decoded from a
    // caller's bytes by the codec.
    for file in fds.file.iter().filter(|f| f.package() != EVENTS) {
        let package = file.package();
        for message in &file.message_type {
            let full = format!(".{package}.{}", message.name());
            let short = full.trim_start_matches(".renrakucho.");
            let request = inputs.contains(&full);
            let _ = writeln!(
                out,
                "impl crate::checked::Checked for {} {{\n    const REQUEST: bool = {request};\n    const DOMAIN: crate::errors::Domain = crate::errors::Domain::{};\n    fn check(&self) -> Result<(), &'static str> {{",
                rust_path(&full),
                domain(package),
            );
            for field in &message.field {
                let name = field.name();
                let ident = field_ident(name);
                let repeated = field.label.unwrap_or_default() == LABEL_REPEATED;
                let check = match field.r#type.unwrap_or_default() {
                    TYPE_STRING if SECRETS.contains(&name) => "crate::checked::secret",
                    TYPE_STRING if MULTI_LINE.contains(&format!("{short}.{name}").as_str()) => {
                        "crate::checked::text"
                    }
                    TYPE_STRING => "crate::checked::line",
                    TYPE_MESSAGE if repeated => {
                        let _ = writeln!(out, "        for m in &self.{ident} {{ m.check()?; }}");
                        continue;
                    }
                    TYPE_MESSAGE => {
                        let _ = writeln!(
                            out,
                            "        if let Some(m) = &self.{ident} {{ m.check()?; }}"
                        );
                        continue;
                    }
                    _ => continue,
                };
                if repeated {
                    let _ = writeln!(
                        out,
                        "        for v in &self.{ident} {{ {check}(v, \"{name}\")?; }}"
                    );
                } else {
                    let _ = writeln!(out, "        {check}(&self.{ident}, \"{name}\")?;");
                }
            }
            out.push_str("        Ok(())\n    }\n}\n");
        }
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "renrakucho/common.proto",
        "renrakucho/identity.proto",
        "renrakucho/offices.proto",
        "renrakucho/careboard_writing.proto",
        "renrakucho/careboard_files.proto",
        "renrakucho/careboard.proto",
        "renrakucho/notify.proto",
        "renrakucho/events.proto",
    ];
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    let fds = protox::compile(protos, ["."])?;
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(out.join("checked.rs"), checks(&fds))?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .codec_path("crate::checked::CheckedCodec")
        // An event written by an older release may lack a field added since: it reads as empty.
        .message_attribute(
            format!(".{EVENTS}"),
            "#[derive(serde::Serialize, serde::Deserialize)] #[serde(default)]",
        )
        // Events' JSON keeps the words statuses travelled as before they were enums.
        .field_attribute(
            format!(".{EVENTS}.UserStatusChanged.status"),
            "#[serde(with = \"crate::events::user_status_word\")]",
        )
        .include_file("renrakucho.rs")
        .compile_fds(fds)?;
    Ok(())
}
