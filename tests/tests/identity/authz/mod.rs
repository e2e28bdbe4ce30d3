//! Who may call what: identity's endpoints against every kind of caller, and who may sign in
//! on which office's devices.

mod matrix;
mod sign_in;

use serde_json::json;
use system_tests::api::{Device, Session};

/// Signs in on `device` and returns (status, code, message).
pub async fn sign_in(
    stack: &system_tests::Stack,
    device: &Device,
    login: &str,
    password: &str,
) -> (u16, String, String) {
    let s = Session::anonymous(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        Some(device),
    )
    .unwrap();
    let a = s
        .post(
            "/api/v1/session",
            &json!({"login_id": login, "password": password}),
        )
        .await
        .unwrap();
    let message = a.body["error"]["message"].as_str().unwrap_or("").to_owned();
    (a.status, a.code().to_owned(), message)
}
