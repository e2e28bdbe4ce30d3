//! Revoked certificates, suspended users and expired certificates, refused on every gateway.

use crate::world::{
    enroll_device, login, new_office, new_staff, operator, operator_device, stack, within,
};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use system_tests::Stack;
use system_tests::api::Session;

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
async fn an_expired_device_certificate_is_refused() {
    // Certificates valid for zero days have expired by the time anyone presents them.
    let (_dir, stack) =
        Stack::in_temp_dir("rk-identity-", |o| o.with_env(&[("DEVICE_CERT_DAYS", "0")]))
            .await
            .unwrap();
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

/// The per-request expiry check: a certificate that expires while its keep-alive connection is
/// open is refused on that same connection (a new connection would not get past the handshake).
#[tokio::test(flavor = "multi_thread")]
async fn a_certificate_that_expires_on_an_open_connection_is_refused_on_it() {
    let (dir, mut stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let office = new_office(&stack, &op, dir.path(), "高萩薬局", "pharmacy-admin").await;
    // From now on identity issues device certificates valid for 12 seconds.
    stack.set_env("identity", "DEVICE_CERT_SECONDS", "12");
    stack.stop_binary("identity");
    stack.start_binary("identity").unwrap();
    stack.wait_ready(Duration::from_secs(30)).await.unwrap();
    let before_issue = Instant::now();
    let short = enroll_device(&stack, &op, &office.id, dir.path(), "pharmacy-tablet").await;
    let after_issue = Instant::now();
    let session = login(
        &stack,
        &base,
        &short,
        &office.admin_login,
        &office.admin_password,
    )
    .await;
    let valid_until = before_issue + Duration::from_secs(11);
    let expired_from = after_issue + Duration::from_millis(13_500);
    // One request a second keeps the connection open across the certificate's not_after.
    let mut refused = None;
    while Instant::now() < expired_from + Duration::from_secs(3) {
        let sent = Instant::now();
        let answer = session
            .get("/api/v1/me")
            .await
            .expect("the open connection was dropped");
        if sent < valid_until {
            assert_eq!(answer.status, 200, "refused before expiry: {}", answer.body);
        } else if sent >= expired_from {
            refused = Some(answer);
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let refused = refused.expect("no request after expiry");
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(refused.code(), "certificate_revoked", "{}", refused.body);
    // The same certificate on a new connection is turned away at the handshake.
    let fresh = Session::anonymous(&base, &stack.bootstrap.ca_cert, Some(&short)).unwrap();
    assert!(
        fresh.get("/api/v1/me").await.is_err(),
        "a new connection with an expired certificate was accepted"
    );
}
