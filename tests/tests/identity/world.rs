//! The stack, the operator, offices, staff and devices every identity scenario starts from.

use base64::Engine;
use serde_json::json;
use std::time::{Duration, Instant};
use system_tests::Stack;
use system_tests::api::{Device, Session};

pub async fn stack() -> (tempfile::TempDir, Stack) {
    let (dir, stack) = Stack::in_temp_dir("rk-identity-", |o| o).await.unwrap();
    (dir, stack)
}

pub fn operator_device(stack: &Stack) -> Device {
    stack.operator_device()
}

pub async fn operator(stack: &Stack, base: &str) -> Session {
    stack.operator_at(base).await.unwrap()
}

/// An office registered by the operator, with its first admin enrolled and logged in.
pub struct Office {
    pub id: String,
    pub admin_login: String,
    pub admin_password: String,
    pub device: Device,
}

pub async fn mail_with(stack: &Stack, needle: &str) -> String {
    let mail = stack
        .mail_with_all(&[needle], Duration::from_secs(15))
        .await;
    mail.unwrap_or_else(|| panic!("no mail mentioning {needle}"))
}

/// Issues a code for `office` and enrolls a device with it, through the public API.
pub async fn enroll_device(
    stack: &Stack,
    op: &Session,
    office: &str,
    dir: &std::path::Path,
    label: &str,
) -> Device {
    let code = op
        .post(
            &format!("/api/v1/operator/offices/{office}/enrollment-codes"),
            &json!({}),
        )
        .await
        .unwrap();
    assert_eq!(code.status, 201, "{}", code.body);
    let number = code.body["number"].as_str().unwrap().to_owned();
    let secret = code.body["secret"].as_str().unwrap().to_owned();
    let mail = mail_with(stack, &number).await;
    assert!(mail.contains(&secret), "the mail carries the secret");
    let public = stack.public_session().unwrap();
    let enrolled = public
        .post("/api/v1/public/enroll", &json!({"number": number, "secret": secret.to_lowercase(), "device_label": label, "p12_password": "file password"}))
        .await
        .unwrap();
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let p12 = base64::engine::general_purpose::STANDARD
        .decode(enrolled.body["p12_base64"].as_str().unwrap())
        .unwrap();
    let again = public
        .post("/api/v1/public/enroll", &json!({"number": number, "secret": secret, "device_label": "again", "p12_password": "file password"}))
        .await
        .unwrap();
    assert_eq!(again.code(), "enrollment_refused", "a code is single use");
    Device::from_p12(&p12, "file password", dir, label).unwrap()
}

pub async fn new_office(
    stack: &Stack,
    op: &Session,
    dir: &std::path::Path,
    name: &str,
    admin: &str,
) -> Office {
    let email = format!("{admin}@example.jp");
    let created = op
        .post(
            "/api/v1/operator/offices",
            &json!({"name": name, "kind": "訪問看護ステーション", "admin_email": email}),
        )
        .await
        .unwrap();
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"].as_str().unwrap().to_owned();
    let made = op
        .post("/api/v1/users", &json!({"office_id": id, "login_id": admin, "name": "管理 花子", "kana": "カンリ ハナコ", "profession": "看護師", "email": email, "office_admin": true}))
        .await
        .unwrap();
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(made.body["user"]["role"], "office_admin");
    let initial = made.body["initial_password"].as_str().unwrap().to_owned();
    let device = enroll_device(stack, op, &id, dir, &format!("{admin}-pc")).await;

    let first = Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &device,
        admin,
        &initial,
    )
    .await
    .unwrap();
    let me = first.get("/api/v1/me").await.unwrap();
    assert_eq!(me.body["must_change_password"], true);
    let blocked = first.get("/api/v1/users").await.unwrap();
    assert_eq!(blocked.code(), "password_change_required");
    let weak = first
        .post(
            "/api/v1/password",
            &json!({"current_password": initial, "new_password": "password1234"}),
        )
        .await
        .unwrap();
    assert_eq!(weak.code(), "weak_password");
    let password = "kawa no asa wa shizuka desu".to_owned();
    let changed = first
        .post(
            "/api/v1/password",
            &json!({"current_password": initial, "new_password": password}),
        )
        .await
        .unwrap();
    assert_eq!(changed.status, 204, "{}", changed.body);
    assert_eq!(first.get("/api/v1/users").await.unwrap().status, 200);
    Office {
        id,
        admin_login: admin.to_owned(),
        admin_password: password,
        device,
    }
}

impl Office {
    /// A session of the office's admin on the gateway at `base`.
    pub async fn admin(&self, stack: &Stack, base: &str) -> Session {
        login(
            stack,
            base,
            &self.device,
            &self.admin_login,
            &self.admin_password,
        )
        .await
    }
}

pub async fn login(
    stack: &Stack,
    base: &str,
    device: &Device,
    login: &str,
    password: &str,
) -> Session {
    Session::login(base, &stack.bootstrap.ca_cert, device, login, password)
        .await
        .unwrap()
}

/// Creates a staff member in the admin's office and returns (id, login ID, a changed password).
pub async fn new_staff(
    stack: &Stack,
    admin: &Session,
    device: &Device,
    login_id: &str,
) -> (String, String, String) {
    let made = admin
        .post("/api/v1/users", &json!({"login_id": login_id, "name": "訪問 太郎", "kana": "ﾎｳﾓﾝ ﾀﾛｳ", "profession": "ケアマネジャー", "email": format!("{login_id}@example.jp")}))
        .await
        .unwrap();
    assert_eq!(made.status, 201, "{}", made.body);
    assert_eq!(
        made.body["user"]["kana"], "ホウモン タロウ",
        "half-width kana is normalised"
    );
    assert_eq!(made.body["user"]["role"], "staff");
    let id = made.body["user"]["id"].as_str().unwrap().to_owned();
    let initial = made.body["initial_password"].as_str().unwrap();
    let s = login(
        stack,
        &stack.bootstrap.gateway_url,
        device,
        login_id,
        initial,
    )
    .await;
    let password = "yama no yoru wa samui desu".to_owned();
    assert_eq!(
        s.post(
            "/api/v1/password",
            &json!({"current_password": initial, "new_password": password})
        )
        .await
        .unwrap()
        .status,
        204
    );
    (id, login_id.to_owned(), password)
}

/// Polls `check` until it holds, returning how long that took.
pub async fn within(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit * 5, "condition not reached");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
