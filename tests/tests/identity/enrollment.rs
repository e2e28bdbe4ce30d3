//! Enrollment from the mailed code (証明書取得用No/パスワード), and the codes it refuses.

use crate::world::{login, new_office, new_staff, operator, stack};
use serde_json::json;
use system_tests::api::Session;

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
