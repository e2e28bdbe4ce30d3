//! Who may call what: identity's endpoints against every kind of caller.

use crate::world::{enroll_device, login, new_office, new_staff, operator, operator_device, stack};
use serde_json::{Value, json};
use system_tests::api::{Device, Session};

/// Who asks, in the authorization matrix.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Who {
    NoCertificate,
    OtherCa,
    RevokedCertificate,
    SuspendedUser,
    /// Staff of A who tried to sign in on office B's PC: refused, so no session.
    StaffOnOtherOfficeDevice,
    /// The city's operator who tried to sign in on office A's PC: refused likewise.
    OperatorOnOfficeDevice,
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
    // Sign-in is bound to the device's office: these two get no session at all.
    let (status, code, _) = sign_in(&stack, &b.device, &staff_login, &staff_pw).await;
    assert_eq!((status, code.as_str()), (403, "other_office_device"));
    let staff_on_b = Session::anonymous(&base, &ca, Some(&b.device)).unwrap();
    let opr = &stack.bootstrap.operator;
    let (status, code, _) = sign_in(&stack, &a.device, &opr.login_id, &opr.password).await;
    assert_eq!((status, code.as_str()), (403, "other_office_device"));
    let operator_on_a = Session::anonymous(&base, &ca, Some(&a.device)).unwrap();
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
        StaffOnOtherOfficeDevice => &staff_on_b,
        OperatorOnOfficeDevice => &operator_on_a,
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
        StaffOnOtherOfficeDevice,
        OperatorOnOfficeDevice,
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
            format!("/api/v1/operator/offices/{}/partners", a.id),
            Value::Null,
            vec![Operator],
        ),
        (
            "PUT",
            format!("/api/v1/operator/offices/{}/partners", a.id),
            json!({"partner_office_ids": []}),
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
                "PUT" => s.put(path, &body).await,
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

/// Signs in on `device` and returns (status, code, message).
async fn sign_in(
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
