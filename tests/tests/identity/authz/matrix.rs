//! Who may call what: identity's endpoints (and notify's lists of undelivered mail) against
//! every kind of caller.

use super::sign_in;
use crate::world::{enroll_device, login, new_office, new_staff, operator, stack};
use serde_json::{Value, json};
use system_tests::api::{Device, Session};
use system_tests::matrices::{self, IDENTITY};

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
        (
            "GET",
            "/api/v1/operator/audit".into(),
            Value::Null,
            vec![Operator],
        ),
        (
            "GET",
            "/api/v1/operator/undelivered".into(),
            Value::Null,
            vec![Operator],
        ),
        // An office admin sees their own staff's addresses, the city every office's.
        (
            "GET",
            "/api/v1/bouncing-addresses".into(),
            Value::Null,
            vec![AdminOfAnotherOffice, Admin, Operator],
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
    // The cells are identity's list of the check that no operation is left out.
    let ids = [
        (staff_id.as_str(), "{id}"),
        (a.id.as_str(), "{id}"),
        (spare_serial.as_str(), "{serial}"),
    ];
    let mut called: Vec<String> = cells
        .iter()
        .map(|(method, path, ..)| format!("{method} {}", matrices::template(path, &ids)))
        .collect();
    called.sort();
    called.dedup();
    assert_eq!(
        called,
        matrices::of_list(&IDENTITY),
        "the cells call the operations of system_tests::matrices::IDENTITY, no more and no fewer"
    );
}
