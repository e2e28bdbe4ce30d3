//! The stack, the operator, applications and enrollment every offices scenario starts from.

use base64::Engine;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use system_tests::Stack;
use system_tests::api::{Device, Session};

pub async fn stack() -> (tempfile::TempDir, Stack) {
    Stack::in_temp_dir("rk-offices-", |o| {
        o.with_env(&[("OPERATOR_EMAIL", "city@example.jp")])
    })
    .await
    .unwrap()
}

pub async fn operator(stack: &Stack) -> Session {
    stack
        .operator_at(&stack.bootstrap.gateway_url)
        .await
        .unwrap()
}

pub fn public(stack: &Stack) -> Session {
    stack.public_session().unwrap()
}

pub fn application(name: &str, email: &str) -> Value {
    json!({
        "name": name, "kana": "ﾀｶﾊｷﾞ ｼﾞｷﾞｮｳｼｮ", "kind": "居宅介護支援事業所", "code": "０８７１２３４５６７",
        "postal_code": "３１８－００３４", "address": "茨城県高萩市高萩1-1", "phone": "０２９３－２２－１２３４",
        "fax": "", "latitude": "36.7197", "longitude": "140.7167",
        "admin_name": "高萩 一郎", "admin_kana": "タカハギ イチロウ", "admin_email": email, "admin_phone": "090-1111-2222",
        "listed": "1", "consent": "1"
    })
}

pub async fn mail_with(stack: &Stack, needles: &[&str]) -> String {
    let mail = stack.mail_with_all(needles, Duration::from_secs(15)).await;
    mail.unwrap_or_else(|| panic!("no mail with {needles:?}"))
}

pub async fn apply(stack: &Stack, body: &Value) -> String {
    let a = public(stack)
        .post("/api/v1/public/applications", body)
        .await
        .unwrap();
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["application_id"].as_str().unwrap().to_owned()
}

/// An approved office whose admin has enrolled a PC from the mailed code and logged in.
pub struct Enrolled {
    pub office: String,
    pub admin: Session,
    pub initial: String,
    pub device: Device,
}

pub async fn approve_and_enroll(
    stack: &Stack,
    op: &Session,
    application: &str,
    login: &str,
    dir: &std::path::Path,
) -> Enrolled {
    let approved = op
        .post(
            &format!("/api/v1/operator/applications/{application}/approve"),
            &json!({"admin_login_id": login}),
        )
        .await
        .unwrap();
    assert_eq!(approved.status, 201, "{}", approved.body);
    let office = approved.body["office_id"].as_str().unwrap().to_owned();
    assert_eq!(approved.body["admin_login_id"], login, "{}", approved.body);
    // identity opens the admin's account and mails the code from offices' event.
    let email = format!("{}@example.jp", login.trim_end_matches("-admin"));
    let mail = mail_with(stack, &[&email, "証明書取得用パスワード: "]).await;
    let field = |name: &str| {
        mail.split(name)
            .nth(1)
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .trim()
            .to_owned()
    };
    let (number, secret) = (field("証明書取得用No: "), field("証明書取得用パスワード: "));
    let admin_id = admin_of(op, &office, login).await;
    let issued = op
        .post(
            &format!("/api/v1/users/{admin_id}/password-reset"),
            &json!({}),
        )
        .await
        .unwrap();
    assert_eq!(issued.status, 200, "{}", issued.body);
    let initial = issued.body["initial_password"].as_str().unwrap().to_owned();
    assert!(
        !mail.contains(&initial),
        "the initial password never travels by mail"
    );
    let enrolled = public(stack)
        .post("/api/v1/public/enroll", &json!({"number": number, "secret": secret, "device_label": "PC", "p12_password": "file password"}))
        .await
        .unwrap();
    assert_eq!(enrolled.status, 201, "{}", enrolled.body);
    let p12 = base64::engine::general_purpose::STANDARD
        .decode(enrolled.body["p12_base64"].as_str().unwrap())
        .unwrap();
    let device = Device::from_p12(&p12, "file password", dir, login).unwrap();
    let admin = Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &device,
        login,
        &initial,
    )
    .await
    .unwrap();
    Enrolled {
        office,
        admin,
        initial,
        device,
    }
}

/// The id of `office`'s account `login`, once identity has opened it.
async fn admin_of(op: &Session, office: &str, login: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let people = op
            .get(&format!("/api/v1/users?office_id={office}"))
            .await
            .unwrap();
        assert_eq!(people.status, 200, "{}", people.body);
        let found = people.body.as_array().and_then(|a| {
            a.iter()
                .find(|p| p["login_id"] == login)
                .and_then(|p| p["id"].as_str())
                .map(str::to_owned)
        });
        if let Some(id) = found {
            return id;
        }
        assert!(Instant::now() < deadline, "no account {login} in {office}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

pub async fn count(stack: &Stack, sql: &'static str) -> i64 {
    let pool = stack.database("offices").await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
}
