//! Sign-in is bound to the device's office: the matrix of people by devices, and the city's
//! partner offices.

use super::sign_in;
use crate::world::{new_office, new_staff, operator, operator_device, stack};
use serde_json::json;
use system_tests::api::Device;

/// Refused sign-ins for the device's office recorded in identity's audit trail.
async fn office_refusals(stack: &system_tests::Stack) -> i64 {
    let db = stack.database("identity").await.unwrap();
    sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'session.login' AND outcome = 'denied' \
         AND details->>'reason' = 'office'",
    )
    .fetch_one(&db)
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_matrix_binds_everyone_to_their_own_office_devices() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let a = new_office(&stack, &op, dir.path(), "事業所A", "admin-a").await;
    let b = new_office(&stack, &op, dir.path(), "事業所B", "admin-b").await;
    let admin_a = a.admin(&stack, &base).await;
    let (_, staff_login, staff_pw) = new_staff(&stack, &admin_a, &a.device, "bound.staff").await;
    let city = operator_device(&stack);
    let opr = &stack.bootstrap.operator;
    let people: [(&str, &str, &str, usize); 4] = [
        ("staff of A", &staff_login, &staff_pw, 0),
        ("admin of A", &a.admin_login, &a.admin_password, 0),
        ("admin of B", &b.admin_login, &b.admin_password, 1),
        ("operator", &opr.login_id, &opr.password, 2),
    ];
    let devices: [(&str, &Device); 3] = [
        ("事業所A", &a.device),
        ("事業所B", &b.device),
        ("市", &city),
    ];
    let before = office_refusals(&stack).await;
    let (mut allowed, mut refused, mut unexpected) = (0, 0, Vec::new());
    for (who, login, password, home) in &people {
        for (n, (office, device)) in devices.iter().enumerate() {
            let (status, code, message) = sign_in(&stack, device, login, password).await;
            if n == *home {
                if status == 200 {
                    allowed += 1;
                } else {
                    unexpected.push(format!("{who} on {office}'s device: {status} {code}"));
                }
            } else if status == 403
                && code == "other_office_device"
                && message.contains("所属事業所の端末からログインしてください")
                && (*office == "市" || message.contains(&format!("この端末は{office}の端末")))
                && !message.contains("管理 花子")
                && !message.contains("訪問 太郎")
            {
                refused += 1;
            } else {
                unexpected.push(format!(
                    "{who} on {office}'s device: {status} {code} {message}"
                ));
            }
        }
    }
    println!(
        "identity sign-in matrix: {} people x {} devices, {allowed} allowed, {refused} refused, {} unexpected",
        people.len(),
        devices.len(),
        unexpected.len()
    );
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    assert_eq!((allowed, refused), (4, 8));
    // Every refusal is audited.
    crate::world::within(std::time::Duration::from_secs(5), async || {
        office_refusals(&stack).await - before == 8
    })
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_city_lets_an_office_sign_in_on_its_partner_offices_devices() {
    let (dir, stack) = stack().await;
    let base = stack.bootstrap.gateway_url.clone();
    let op = operator(&stack, &base).await;
    let a = new_office(&stack, &op, dir.path(), "事業所A", "partner-a").await;
    let b = new_office(&stack, &op, dir.path(), "事業所B", "partner-b").await;
    let admin_a = a.admin(&stack, &base).await;
    let (_, staff, pw) = new_staff(&stack, &admin_a, &a.device, "partner.staff").await;
    let path = format!("/api/v1/operator/offices/{}/partners", a.id);

    // None by default.
    let none = op.get(&path).await.unwrap();
    assert_eq!(none.status, 200, "{}", none.body);
    assert_eq!(none.body["partner_office_ids"], json!([]));
    assert_eq!(
        sign_in(&stack, &b.device, &staff, &pw).await.1,
        "other_office_device"
    );

    // Only the city sets the list; an office admin cannot widen their own office's reach.
    let by_admin = admin_a
        .put(&path, &json!({"partner_office_ids": [b.id]}))
        .await
        .unwrap();
    assert_eq!(by_admin.status, 403, "{}", by_admin.body);
    let itself = op
        .put(&path, &json!({"partner_office_ids": [a.id]}))
        .await
        .unwrap();
    assert_eq!(itself.status, 422, "{}", itself.body);

    let set = op
        .put(&path, &json!({"partner_office_ids": [b.id]}))
        .await
        .unwrap();
    assert_eq!(set.status, 200, "{}", set.body);
    assert_eq!(set.body["partner_office_ids"], json!([b.id]));
    assert_eq!(
        sign_in(&stack, &b.device, &staff, &pw).await.0,
        200,
        "A's staff on B's PC"
    );
    // One way only: B's people still sign in on B's devices alone.
    let (status, code, _) = sign_in(&stack, &a.device, &b.admin_login, &b.admin_password).await;
    assert_eq!((status, code.as_str()), (403, "other_office_device"));
    // Nor does a partnership reach the city's own devices.
    let city = operator_device(&stack);
    assert_eq!(
        sign_in(&stack, &city, &staff, &pw).await.1,
        "other_office_device"
    );

    // The office page shows the choice, ticked.
    let page = op
        .http
        .get(stack.url(&format!("/operator/offices/{}", a.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("連携事業所"), "{page}");
    assert!(
        page.contains(&format!("value=\"{}\" checked", b.id)),
        "{page}"
    );

    // Taken back: refused again at the next sign-in.
    let cleared = op
        .put(&path, &json!({"partner_office_ids": []}))
        .await
        .unwrap();
    assert_eq!(cleared.status, 200, "{}", cleared.body);
    assert_eq!(
        sign_in(&stack, &b.device, &staff, &pw).await.1,
        "other_office_device"
    );
}
