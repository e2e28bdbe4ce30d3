//! Identity and the front door: enrollment from the mailed code, device certificates and their
//! revocation, accounts, suspension, the audit trail, and who may do what.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use base64::Engine;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use system_tests::api::{Device, Session};
use system_tests::{Stack, StackOptions};

async fn stack() -> (tempfile::TempDir, Stack) {
    let dir = tempfile::Builder::new()
        .prefix("rk-identity-")
        .tempdir()
        .unwrap();
    let stack = Stack::start(StackOptions::for_test(dir.path()))
        .await
        .unwrap();
    (dir, stack)
}

fn operator_device(stack: &Stack) -> Device {
    let op = &stack.bootstrap.operator;
    Device {
        cert: op.cert_pem.clone(),
        key: op.key_pem.clone(),
    }
}

async fn operator(stack: &Stack, base: &str) -> Session {
    let op = &stack.bootstrap.operator;
    Session::login(
        base,
        &stack.bootstrap.ca_cert,
        &operator_device(stack),
        &op.login_id,
        &op.password,
    )
    .await
    .unwrap()
}

/// An office registered by the operator, with its first admin enrolled and logged in.
struct Office {
    id: String,
    admin_login: String,
    admin_password: String,
    device: Device,
}

async fn mail_with(stack: &Stack, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(m) = stack.mails().into_iter().find(|m| m.contains(needle)) {
            return m;
        }
        assert!(Instant::now() < deadline, "no mail mentioning {needle}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Issues a code for `office` and enrolls a device with it, through the public API.
async fn enroll_device(
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
    let public =
        Session::anonymous(&stack.bootstrap.gateway_url, &stack.bootstrap.ca_cert, None).unwrap();
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

async fn new_office(
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
    async fn admin(&self, stack: &Stack, base: &str) -> Session {
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

async fn login(stack: &Stack, base: &str, device: &Device, login: &str, password: &str) -> Session {
    Session::login(base, &stack.bootstrap.ca_cert, device, login, password)
        .await
        .unwrap()
}

/// Creates a staff member in the admin's office and returns (id, login ID, a changed password).
async fn new_staff(
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
async fn within(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let start = Instant::now();
    loop {
        if check().await {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit * 5, "condition not reached");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn office_admin_enrolls_from_the_mailed_code_and_manages_staff() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let office = new_office(
        &stack,
        &op,
        dir.path(),
        "高萩訪問看護ステーション",
        "houkan-admin",
    )
    .await;
    let admin = office.admin(&stack, &base).await;

    let (staff_id, staff_login, staff_password) =
        new_staff(&stack, &admin, &office.device, "nurse.sato").await;
    let users = admin.get("/api/v1/users").await.unwrap();
    assert_eq!(users.body.as_array().unwrap().len(), 2);
    let taken = admin
        .post("/api/v1/users", &json!({"login_id": "NURSE.SATO", "name": "別人", "kana": "ベツジン", "profession": "看護師", "email": "x@example.jp"}))
        .await
        .unwrap();
    assert_eq!(taken.code(), "login_id_taken");

    let edited = admin
        .patch(&format!("/api/v1/users/{staff_id}"), &json!({"name": "訪問 太郎", "kana": "ホウモン タロウ", "profession": "看護師", "email": "sato@example.jp"}))
        .await
        .unwrap();
    assert_eq!(edited.body["profession"], "看護師");

    // 人事異動: deactivation ends the session and refuses login; the account stays listed.
    let staff = login(&stack, &base, &office.device, &staff_login, &staff_password).await;
    assert_eq!(staff.get("/api/v1/me").await.unwrap().status, 200);
    assert_eq!(
        staff.get("/api/v1/users").await.unwrap().code(),
        "forbidden"
    );
    let off = admin
        .post(
            &format!("/api/v1/users/{staff_id}/active"),
            &json!({"active": false}),
        )
        .await
        .unwrap();
    assert_eq!(off.body["status"], "deactivated");
    assert_eq!(staff.get("/api/v1/me").await.unwrap().status, 401);
    let refused = Session::login(
        &base,
        &stack.bootstrap.ca_cert,
        &office.device,
        &staff_login,
        &staff_password,
    )
    .await;
    assert!(refused.is_err());
    admin
        .post(
            &format!("/api/v1/users/{staff_id}/active"),
            &json!({"active": true}),
        )
        .await
        .unwrap();

    // A reset issues a new initial password that must be changed again.
    let reset = admin
        .post(
            &format!("/api/v1/users/{staff_id}/password-reset"),
            &json!({}),
        )
        .await
        .unwrap();
    let fresh = reset.body["initial_password"].as_str().unwrap();
    let again = login(&stack, &base, &office.device, &staff_login, fresh).await;
    assert_eq!(
        again.get("/api/v1/me").await.unwrap().body["must_change_password"],
        true
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn enrollment_refuses_wrong_used_and_guessed_codes_and_issues_nothing() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let created = op
        .post(
            "/api/v1/operator/offices",
            &json!({"name": "薬局", "kind": "薬局", "admin_email": "yakkyoku@example.jp"}),
        )
        .await
        .unwrap();
    let office = created.body["id"].as_str().unwrap();
    let code = op
        .post(
            &format!("/api/v1/operator/offices/{office}/enrollment-codes"),
            &json!({}),
        )
        .await
        .unwrap();
    let number = code.body["number"].as_str().unwrap();
    let secret = code.body["secret"].as_str().unwrap();
    let public = Session::anonymous(&base, &stack.bootstrap.ca_cert, None).unwrap();
    let try_with = |secret: String, label: &'static str, pw: &'static str| {
        let body =
            json!({"number": number, "secret": secret, "device_label": label, "p12_password": pw});
        let public = &public;
        async move { public.post("/api/v1/public/enroll", &body).await.unwrap() }
    };
    let short = try_with(secret.to_owned(), "pc", "short").await;
    assert_eq!(short.status, 422);
    assert!(
        short.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("8文字以上")
    );
    let no_label = try_with(secret.to_owned(), "", "long enough").await;
    assert_eq!(no_label.status, 422);
    for _ in 0..5 {
        assert_eq!(
            try_with("AAAA-AAAA-AAAA-AAAA".into(), "pc", "long enough")
                .await
                .code(),
            "enrollment_refused"
        );
    }
    // Five wrong guesses lock the code: even the right secret is refused now.
    assert_eq!(
        try_with(secret.to_owned(), "pc", "long enough")
            .await
            .code(),
        "enrollment_refused"
    );
    let identity = stack.database("identity").await.unwrap();
    let certs: i64 =
        sqlx::query_scalar("SELECT count(*) FROM device_certificates WHERE office_name = '薬局'")
            .fetch_one(&identity)
            .await
            .unwrap();
    assert_eq!(certs, 0);
    // And from one source, guessing soon stops being answered at all.
    let mut limited = false;
    for _ in 0..12 {
        if try_with("BBBB-BBBB-BBBB-BBBB".into(), "pc", "long enough")
            .await
            .code()
            == "rate_limited"
        {
            limited = true;
            break;
        }
    }
    assert!(limited, "enrollment attempts are rate limited per source");
    let _ = dir;
}

#[tokio::test(flavor = "multi_thread")]
async fn revoked_certificate_is_refused_within_one_second_on_every_gateway() {
    let (dir, mut stack) = stack().await;
    let second = stack.start_extra_gateway("gateway-2").await.unwrap();
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let office = new_office(&stack, &op, dir.path(), "高萩クリニック", "clinic-admin").await;
    let spare = enroll_device(&stack, &op, &office.id, dir.path(), "clinic-tablet").await;

    // Sessions on both gateways, over connections that stay open.
    let on_first = office.admin(&stack, &base).await;
    let on_second = office.admin(&stack, &second).await;
    assert_eq!(on_first.get("/api/v1/me").await.unwrap().status, 200);
    assert_eq!(on_second.get("/api/v1/me").await.unwrap().status, 200);

    let from_tablet = login(
        &stack,
        &base,
        &spare,
        &office.admin_login,
        &office.admin_password,
    )
    .await;
    let certs = from_tablet.get("/api/v1/certificates").await.unwrap();
    let listed: Vec<&Value> = certs.body.as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), 2, "the office sees both of its devices");
    let lost = listed
        .iter()
        .find(|c| c["label"] == "clinic-admin-pc")
        .unwrap()["serial"]
        .as_str()
        .unwrap()
        .to_owned();
    let revoked = from_tablet
        .post(
            &format!("/api/v1/certificates/{lost}/revoke"),
            &json!({"reason": "紛失"}),
        )
        .await
        .unwrap();
    assert_eq!(revoked.body["status"], "revoked", "{}", revoked.body);
    let start = Instant::now();
    let first = within(Duration::from_secs(1), async || {
        on_first.get("/api/v1/me").await.unwrap().code() == "certificate_revoked"
    })
    .await;
    let second_took = within(Duration::from_secs(1), async || {
        on_second.get("/api/v1/me").await.unwrap().code() == "certificate_revoked"
    })
    .await;
    let total = start.elapsed();
    println!(
        "revocation refused on gateway 1 after {first:?}, on gateway 2 after {:?}",
        total.max(second_took)
    );
    assert!(total < Duration::from_secs(1), "revocation took {total:?}");
    // A new connection with the revoked certificate gets nothing either.
    let fresh =
        Session::anonymous(&second, &stack.bootstrap.ca_cert, Some(&office.device)).unwrap();
    assert_eq!(
        fresh.get("/api/v1/me").await.unwrap().code(),
        "certificate_revoked"
    );
    assert_eq!(
        from_tablet.get("/api/v1/me").await.unwrap().status,
        200,
        "the other device still works"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn suspended_user_is_refused_within_one_second_on_every_gateway_until_restored() {
    let (dir, mut stack) = stack().await;
    let second = stack.start_extra_gateway("gateway-2").await.unwrap();
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let office = new_office(
        &stack,
        &op,
        dir.path(),
        "高萩ケアプランセンター",
        "care-admin",
    )
    .await;
    let admin = office.admin(&stack, &base).await;
    let (staff_id, staff_login, staff_password) =
        new_staff(&stack, &admin, &office.device, "cm.suzuki").await;
    let on_first = login(&stack, &base, &office.device, &staff_login, &staff_password).await;
    let on_second = login(
        &stack,
        &second,
        &office.device,
        &staff_login,
        &staff_password,
    )
    .await;

    assert_eq!(
        admin
            .post(
                &format!("/api/v1/operator/users/{staff_id}/suspension"),
                &json!({"suspended": true, "reason": "漏洩"})
            )
            .await
            .unwrap()
            .code(),
        "forbidden"
    );
    let no_reason = op
        .post(
            &format!("/api/v1/operator/users/{staff_id}/suspension"),
            &json!({"suspended": true}),
        )
        .await
        .unwrap();
    assert_eq!(no_reason.status, 422);
    let start = Instant::now();
    let done = op
        .post(
            &format!("/api/v1/operator/users/{staff_id}/suspension"),
            &json!({"suspended": true, "reason": "パスワード漏洩のおそれ"}),
        )
        .await
        .unwrap();
    assert_eq!(done.body["status"], "suspended");
    within(Duration::from_secs(1), async || {
        on_first.get("/api/v1/me").await.unwrap().status == 401
    })
    .await;
    within(Duration::from_secs(1), async || {
        on_second.get("/api/v1/me").await.unwrap().status == 401
    })
    .await;
    let took = start.elapsed();
    println!("suspension took effect on both gateways after {took:?}");
    assert!(took < Duration::from_secs(1));
    let refused =
        Session::anonymous(&base, &stack.bootstrap.ca_cert, Some(&office.device)).unwrap();
    let answer = refused
        .post(
            "/api/v1/session",
            &json!({"login_id": staff_login, "password": staff_password}),
        )
        .await
        .unwrap();
    assert_eq!(answer.code(), "suspended");
    assert!(
        answer.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("お問い合わせ")
    );

    op.post(
        &format!("/api/v1/operator/users/{staff_id}/suspension"),
        &json!({"suspended": false}),
    )
    .await
    .unwrap();
    assert_eq!(
        login(&stack, &base, &office.device, &staff_login, &staff_password)
            .await
            .get("/api/v1/me")
            .await
            .unwrap()
            .status,
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_audit_trail_records_actions_and_detects_an_altered_record() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let _office = new_office(&stack, &op, dir.path(), "通所介護あおぞら", "aozora-admin").await;
    let identity = stack.database("identity").await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut actions: Vec<String> = Vec::new();
    while Instant::now() < deadline {
        actions = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq")
            .fetch_all(&identity)
            .await
            .unwrap();
        if [
            "session.login",
            "user.create",
            "enrollment_code.issue",
            "certificate.issue",
            "user.password_change",
        ]
        .iter()
        .all(|a| actions.iter().any(|x| x == a))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for a in [
        "session.login",
        "user.create",
        "enrollment_code.issue",
        "certificate.issue",
        "user.password_change",
    ] {
        assert!(
            actions.iter().any(|x| x == a),
            "{a} missing from {actions:?}"
        );
    }
    let verdict = op.get("/api/v1/operator/audit/verify").await.unwrap();
    assert_eq!(verdict.body["intact"], true, "{}", verdict.body);
    assert!(verdict.body["records"].as_u64().unwrap() >= 5);

    let appended = sqlx::query("UPDATE audit_log SET outcome = 'denied' WHERE seq = 2")
        .execute(&identity)
        .await;
    assert!(appended.is_err(), "the table refuses updates");
    sqlx::raw_sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; UPDATE audit_log SET outcome = 'denied' WHERE seq = 3;")
        .execute(&identity)
        .await
        .unwrap();
    let broken = op.get("/api/v1/operator/audit/verify").await.unwrap();
    assert_eq!(broken.body["intact"], false);
    assert_eq!(broken.body["first_broken_seq"], 3);
    assert_eq!(broken.body["records"], 2, "the two records before it hold");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_account_input_gets_a_japanese_error_and_stores_nothing() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let office = new_office(
        &stack,
        &op,
        dir.path(),
        "高萩ヘルパーステーション",
        "helper-admin",
    )
    .await;
    let admin = office.admin(&stack, &base).await;
    let valid = json!({"login_id": "helper.one", "name": "介護 一郎", "kana": "カイゴ イチロウ", "profession": "ヘルパー", "email": "h1@example.jp"});
    let cases = [
        ("login_id", json!("ab"), "ユーザーID"),
        ("login_id", json!("空白 あり"), "ユーザーID"),
        ("name", json!(""), "入力内容"),
        ("name", json!("あ".repeat(51)), "入力内容"),
        ("kana", json!("漢字"), "カナ"),
        ("kana", json!("Kaigo"), "カナ"),
        ("profession", json!("魔法使い"), "職種"),
        ("email", json!("not-an-address"), "メールアドレス"),
        ("email", json!("a@b"), "メールアドレス"),
    ];
    for (field, value, words) in cases {
        let mut body = valid.clone();
        body[field] = value.clone();
        let a = admin.post("/api/v1/users", &body).await.unwrap();
        assert_eq!(a.status, 422, "{field}={value}: {}", a.body);
        assert!(
            a.body["error"]["message"].as_str().unwrap().contains(words),
            "{field}: {}",
            a.body
        );
    }
    let mut unknown = valid.clone();
    unknown["is_operator"] = json!(true);
    assert_eq!(
        admin.post("/api/v1/users", &unknown).await.unwrap().status,
        400
    );
    let mut wrong_type = valid.clone();
    wrong_type["office_admin"] = json!("yes");
    assert_eq!(
        admin
            .post("/api/v1/users", &wrong_type)
            .await
            .unwrap()
            .status,
        400
    );
    let mut huge = valid.clone();
    huge["name"] = json!("x".repeat(100_000));
    assert_eq!(
        admin.post("/api/v1/users", &huge).await.unwrap().status,
        413
    );
    let identity = stack.database("identity").await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM users WHERE login_id = 'helper.one'")
        .fetch_one(&identity)
        .await
        .unwrap();
    assert_eq!(n, 0);
    assert_eq!(
        admin.post("/api/v1/users", &valid).await.unwrap().status,
        201
    );
}

/// Who asks, in the authorization matrix.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    NoCertificate,
    OtherCa,
    RevokedCertificate,
    SuspendedUser,
    Staff,
    AdminOfAnotherOffice,
    Admin,
    Operator,
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_identity_endpoints() {
    use Who::*;
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let ca = stack.bootstrap.ca_cert.clone();
    let op = operator(&stack, &base).await;
    let a = new_office(&stack, &op, dir.path(), "事業所A", "admin-a").await;
    let b = new_office(&stack, &op, dir.path(), "事業所B", "admin-b").await;
    let admin_a = a.admin(&stack, &base).await;
    let admin_b = b.admin(&stack, &base).await;
    let (staff_id, staff_login, staff_pw) =
        new_staff(&stack, &admin_a, &a.device, "matrix.staff").await;
    let staff = login(&stack, &base, &a.device, &staff_login, &staff_pw).await;
    let (gone_id, gone_login, gone_pw) =
        new_staff(&stack, &admin_a, &a.device, "matrix.gone").await;
    let suspended = login(&stack, &base, &a.device, &gone_login, &gone_pw).await;
    op.post(
        &format!("/api/v1/operator/users/{gone_id}/suspension"),
        &json!({"suspended": true, "reason": "検査"}),
    )
    .await
    .unwrap();
    let lost = enroll_device(&stack, &op, &a.id, dir.path(), "lost-pc").await;
    let revoked = login(&stack, &base, &lost, &a.admin_login, &a.admin_password).await;
    let certs = admin_a.get("/api/v1/certificates").await.unwrap();
    let serial_of = |label: &str| {
        certs
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["label"] == label)
            .unwrap()["serial"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let lost_serial = serial_of("lost-pc");
    admin_a
        .post(
            &format!("/api/v1/certificates/{lost_serial}/revoke"),
            &json!({"reason": "紛失"}),
        )
        .await
        .unwrap();
    let spare = enroll_device(&stack, &op, &a.id, dir.path(), "spare-pc").await;
    let _ = spare;
    let spare_serial = {
        let c = admin_a.get("/api/v1/certificates").await.unwrap();
        c.body
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["label"] == "spare-pc")
            .unwrap()["serial"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let no_cert = Session::anonymous(&base, &ca, None).unwrap();
    let foreign = system_tests::pki::foreign_client(&dir.path().join("foreign")).unwrap();
    let other_ca = Session::anonymous(
        &base,
        &ca,
        Some(&Device {
            cert: foreign.cert,
            key: foreign.key,
        }),
    )
    .unwrap();
    let session = |who: Who| match who {
        NoCertificate => &no_cert,
        OtherCa => &other_ca,
        RevokedCertificate => &revoked,
        SuspendedUser => &suspended,
        Staff => &staff,
        AdminOfAnotherOffice => &admin_b,
        Admin => &admin_a,
        Operator => &op,
    };
    let everyone = [
        NoCertificate,
        OtherCa,
        RevokedCertificate,
        SuspendedUser,
        Staff,
        AdminOfAnotherOffice,
        Admin,
        Operator,
    ];
    let user_body = json!({"name": "訪問 太郎", "kana": "ホウモン タロウ", "profession": "看護師", "email": "m@example.jp"});
    // (method, path, body, who is allowed, text that must not leak to the others)
    let cells: Vec<(&str, String, Value, Vec<Who>)> = vec![
        (
            "GET",
            "/api/v1/me".into(),
            Value::Null,
            vec![Staff, AdminOfAnotherOffice, Admin, Operator],
        ),
        (
            "GET",
            "/api/v1/users".into(),
            Value::Null,
            vec![AdminOfAnotherOffice, Admin, Operator],
        ),
        (
            "POST",
            "/api/v1/users".into(),
            json!({"office_id": a.id, "login_id": "", "name": "新人", "kana": "シンジン", "profession": "事務", "email": "n@example.jp"}),
            vec![Admin, Operator],
        ),
        (
            "GET",
            format!("/api/v1/users/{staff_id}"),
            Value::Null,
            vec![Staff, Admin, Operator],
        ),
        (
            "PATCH",
            format!("/api/v1/users/{staff_id}"),
            user_body.clone(),
            vec![Admin, Operator],
        ),
        (
            "POST",
            format!("/api/v1/users/{staff_id}/active"),
            json!({"active": true}),
            vec![Admin, Operator],
        ),
        (
            "POST",
            format!("/api/v1/operator/users/{staff_id}/suspension"),
            json!({"suspended": false}),
            vec![Operator],
        ),
        (
            "GET",
            format!("/api/v1/certificates?office_id={}", a.id),
            Value::Null,
            vec![AdminOfAnotherOffice, Admin, Operator],
        ),
        (
            "POST",
            format!("/api/v1/certificates/{spare_serial}/revoke"),
            json!({"reason": "検査"}),
            vec![Admin, Operator],
        ),
        (
            "GET",
            "/api/v1/certificate-requests".into(),
            Value::Null,
            vec![Operator],
        ),
        (
            "POST",
            "/api/v1/certificate-requests".into(),
            json!({"note": "タブレット"}),
            vec![AdminOfAnotherOffice, Admin],
        ),
        (
            "POST",
            format!("/api/v1/operator/offices/{}/enrollment-codes", a.id),
            json!({}),
            vec![Operator],
        ),
        (
            "GET",
            "/api/v1/operator/audit/verify".into(),
            Value::Null,
            vec![Operator],
        ),
        // Reset last: it ends the staff member's sessions.
        (
            "POST",
            format!("/api/v1/users/{staff_id}/password-reset"),
            json!({}),
            vec![Admin, Operator],
        ),
    ];
    let (mut allowed, mut denied, mut unexpected) = (0, 0, Vec::new());
    for (method, path, body, allow) in &cells {
        // The allowed last, so a destructive call by one does not change what the others see.
        let mut order: Vec<Who> = everyone
            .iter()
            .copied()
            .filter(|w| !allow.contains(w))
            .collect();
        order.extend(allow.iter().copied());
        for who in order {
            let s = session(who);
            // Each creator asks for a login ID of its own, so a refusal can only be authorization.
            let mut body = body.clone();
            if body.get("login_id").is_some() {
                body["login_id"] = json!(format!("made.{who:?}").to_lowercase());
            }
            let answer = match *method {
                "GET" => s.get(path).await,
                "POST" => s.post(path, &body).await,
                _ => s.patch(path, &body).await,
            };
            let (status, text) = match answer {
                Ok(a) => (a.status, a.body.to_string()),
                Err(_) => (0, String::new()),
            };
            let ok = (200..300).contains(&status);
            // Listing endpoints answer another office's admin, but only with their own office.
            let leaked = who == AdminOfAnotherOffice
                && (text.contains(&staff_id) || text.contains(&spare_serial));
            if ok && allow.contains(&who) && !leaked {
                allowed += 1;
            } else if !ok && !allow.contains(&who) {
                assert!(
                    matches!(status, 0 | 401 | 403),
                    "{who:?} {method} {path}: denied with {status} {text}"
                );
                denied += 1;
            } else {
                unexpected.push(format!("{who:?} {method} {path}: {status} {text}"));
            }
        }
    }
    println!(
        "identity authorization matrix: {} endpoints x {} callers = {} cells, {allowed} allowed, {denied} denied, {} unexpected",
        cells.len(),
        everyone.len(),
        cells.len() * everyone.len(),
        unexpected.len()
    );
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_device_certificate_is_refused() {
    let dir = tempfile::Builder::new()
        .prefix("rk-identity-")
        .tempdir()
        .unwrap();
    // Certificates valid for zero days have expired by the time anyone presents them.
    let mut opts = StackOptions::for_test(dir.path());
    opts.env.push(("DEVICE_CERT_DAYS".into(), "0".into()));
    let stack = Stack::start(opts).await.unwrap();
    let expired = Session::anonymous(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        Some(&operator_device(&stack)),
    )
    .unwrap();
    match expired.get("/api/v1/me").await {
        Err(_) => {}
        Ok(a) => assert_eq!(a.code(), "certificate_revoked", "{} {}", a.status, a.body),
    }
    let op = &stack.bootstrap.operator;
    let login = expired
        .post(
            "/api/v1/session",
            &json!({"login_id": op.login_id, "password": op.password}),
        )
        .await;
    assert!(
        login.is_err() || login.is_ok_and(|a| a.status == 403),
        "login with an expired certificate"
    );
}
