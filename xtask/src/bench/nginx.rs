//! nginx as the reference TLS terminator: installed from Debian, configured like a real
//! deployment in front of the gateway (client certificates against the device CA and its CRL,
//! proxying to the gateway over mutual TLS), and run in the foreground as our child.

use crate::tools;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use system_tests::process::Proc;

/// Debian puts it in /usr/sbin, which is not on every user's PATH.
fn installed() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("nginx"))
            .find(|p| p.is_file())
    });
    on_path.or_else(|| {
        let sbin = PathBuf::from("/usr/sbin/nginx");
        sbin.is_file().then_some(sbin)
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The nginx binary, after installing Debian's package if it is missing.
pub fn ensure_installed() -> Result<PathBuf> {
    if let Some(nginx) = installed() {
        return Ok(nginx);
    }
    if !is_root() {
        bail!("nginx is missing; install it with: sudo apt-get install -y nginx");
    }
    eprintln!("xtask: installing nginx");
    tools::run(Command::new("apt-get").arg("update").arg("-q"))?;
    tools::run(
        Command::new("apt-get")
            .args(["install", "-y", "-q", "--no-install-recommends", "nginx"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )?;
    installed().context("apt-get installed nginx but no nginx binary was found")
}

/// The certificates, keys and CRL the configuration points at.
pub struct Files {
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_ca: PathBuf,
    pub crl: PathBuf,
    pub upstream_cert: PathBuf,
    pub upstream_key: PathBuf,
    pub upstream_ca: PathBuf,
}

/// The two servers nginx runs: `ports.0` proxies every request to the gateway; `ports.1` is
/// configured the same but answers `/healthz` itself, so its keep-alive figure is nginx's own
/// TLS and HTTP work, the way an operator's terminator would answer its health check.
fn config(dir: &Path, ports: (u16, u16), gateway_port: u16, files: &Files) -> String {
    let p = |path: &Path| path.display().to_string();
    let d = p(dir);
    let proxying = server(ports.0, files, "");
    let answering = server(
        ports.1,
        files,
        "        location = /healthz {\n            default_type text/plain;\n            return 200 \"ok\";\n        }\n",
    );
    // No `user`: started as root, nginx runs its workers as nobody, which is enough, since the
    // master loads every certificate and creates the temp paths for the workers.
    format!(
        "daemon off;
master_process on;
worker_processes 2;
pid {d}/nginx.pid;
error_log {d}/error.log warn;

events {{
    worker_connections 1024;
}}

http {{
    access_log off;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    keepalive_requests 100000;
    keepalive_timeout 60s;

    upstream gateway {{
        server 127.0.0.1:{gateway_port};
        keepalive 16;
    }}

{proxying}
{answering}
}}
",
    )
}

fn server(port: u16, files: &Files, own_locations: &str) -> String {
    let p = |path: &Path| path.display().to_string();
    format!(
        r#"    server {{
        listen 127.0.0.1:{port} ssl;
        server_name localhost;

        ssl_certificate {server_cert};
        ssl_certificate_key {server_key};
        ssl_protocols TLSv1.3;
        # No tickets and no cache: every connection is a full handshake, as on the gateway.
        ssl_session_tickets off;
        ssl_session_cache off;
        ssl_client_certificate {client_ca};
        ssl_crl {crl};
        ssl_verify_client on;

        location / {{
            proxy_pass https://gateway;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_ssl_certificate {upstream_cert};
            proxy_ssl_certificate_key {upstream_key};
            proxy_ssl_trusted_certificate {upstream_ca};
            proxy_ssl_verify on;
            proxy_ssl_name localhost;
            proxy_ssl_server_name on;
            proxy_ssl_protocols TLSv1.3;
            proxy_ssl_session_reuse on;
        }}
{own_locations}    }}
"#,
        server_cert = p(&files.server_cert),
        server_key = p(&files.server_key),
        client_ca = p(&files.client_ca),
        crl = p(&files.crl),
        upstream_cert = p(&files.upstream_cert),
        upstream_key = p(&files.upstream_key),
        upstream_ca = p(&files.upstream_ca),
    )
}

/// Writes the configuration into `dir`, checks it with `nginx -t`, starts nginx and waits until
/// it accepts connections on `ports` (proxying, answering `/healthz` itself). Dropping the
/// returned process stops nginx.
pub async fn start(
    nginx: &Path,
    dir: &Path,
    ports: (u16, u16),
    gateway_port: u16,
    files: &Files,
) -> Result<Proc> {
    std::fs::create_dir_all(dir)?;
    let conf = dir.join("nginx.conf");
    std::fs::write(&conf, config(dir, ports, gateway_port, files))?;
    let port = ports.1;
    // -e: without it nginx opens its compiled-in error log before reading the configuration.
    let command = |test: bool| {
        let mut c = Command::new(nginx);
        if test {
            c.arg("-t");
        }
        c.arg("-p")
            .arg(dir)
            .arg("-c")
            .arg(&conf)
            .arg("-e")
            .arg(dir.join("error.log"));
        c
    };
    tools::run(&mut command(true)).context("nginx refused the generated configuration")?;
    let mut proc = Proc::spawn("nginx", command(false), dir)?;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = proc.exited() {
            let log = std::fs::read_to_string(dir.join("error.log")).unwrap_or_default();
            bail!("nginx exited ({status}):\n{}\n{log}", proc.log_tail());
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(proc);
        }
        if Instant::now() > deadline {
            bail!("nginx did not listen on port {port} within 10 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_server_answers_health_itself_and_the_first_proxies_everything() {
        let f = PathBuf::from("/f");
        let files = Files {
            server_cert: f.clone(),
            server_key: f.clone(),
            client_ca: f.clone(),
            crl: f.clone(),
            upstream_cert: f.clone(),
            upstream_key: f.clone(),
            upstream_ca: f,
        };
        let conf = config(Path::new("/d"), (4001, 4002), 4000, &files);
        let proxying = conf
            .find("listen 127.0.0.1:4001 ssl;")
            .unwrap_or(usize::MAX);
        let answering = conf
            .find("listen 127.0.0.1:4002 ssl;")
            .unwrap_or(usize::MAX);
        let health = conf.find("location = /healthz").unwrap_or(usize::MAX);
        assert!(proxying < answering && answering < health, "{conf}");
        assert_eq!(conf.matches("ssl_verify_client on;").count(), 2);
        assert_eq!(conf.matches("location = /healthz").count(), 1);
    }
}
