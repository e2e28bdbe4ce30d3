//! Who may call what: the offices endpoints against every kind of caller.

use crate::world::{Enrolled, application, apply, approve_and_enroll, operator, public, stack};
use serde_json::{Value, json};
use system_tests::api::Session;
use system_tests::matrices::{self, OFFICES};

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_offices_endpoints() {
    let (dir, stack) = stack().await;
    let op = operator(&stack).await;
    let pending = apply(&stack, &application("審査中事業所", "pending@example.jp")).await;
    let approvable = apply(&stack, &application("承認待ち事業所", "approve@example.jp")).await;
    // A staff member and an office admin of a registered office.
    let id = apply(&stack, &application("かえで薬局", "kaede@example.jp")).await;
    let Enrolled {
        office,
        admin,
        initial,
        device,
    } = approve_and_enroll(&stack, &op, &id, "kaede-admin", dir.path()).await;
    admin
        .post(
            "/api/v1/password",
            &json!({"current_password": initial, "new_password": "kaede no ha ga akai"}),
        )
        .await
        .unwrap();
    let made = admin
        .post("/api/v1/users", &json!({"login_id": "kaede.staff", "name": "楓 次郎", "kana": "カエデ ジロウ", "profession": "薬剤師", "email": "s@example.jp"}))
        .await
        .unwrap();
    let staff_pw = made.body["initial_password"].as_str().unwrap();
    let staff = Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &device,
        "kaede.staff",
        staff_pw,
    )
    .await
    .unwrap();
    staff
        .post(
            "/api/v1/password",
            &json!({"current_password": staff_pw, "new_password": "kusuri wa shokugo ni"}),
        )
        .await
        .unwrap();
    let anonymous = public(&stack);
    let notice = json!({"title": "年末年始の窓口", "body": "12月29日から1月3日まで休みます。"});
    let drafted = op
        .post("/api/v1/operator/announcements", &notice)
        .await
        .unwrap();
    assert_eq!(drafted.status, 201, "{}", drafted.body);
    let announcement = drafted.body["id"].as_str().unwrap().to_owned();
    let mut profile = application("かえで薬局", "kaede@example.jp");
    for k in [
        "admin_name",
        "admin_kana",
        "admin_email",
        "admin_phone",
        "consent",
    ] {
        profile.as_object_mut().unwrap().remove(k);
    }
    profile["phone"] = json!("0293-99-0000");

    let (mut allowed, mut denied, mut unexpected) = (0, 0, Vec::new());
    let cells: Vec<(&str, String, Value, [bool; 4])> = vec![
        // (method, path, body, [anonymous, staff, admin, operator])
        (
            "GET",
            "/api/v1/public/offices".into(),
            Value::Null,
            [true, true, true, true],
        ),
        (
            "POST",
            "/api/v1/public/applications?dry_run=true".into(),
            application("検査", "k@example.jp"),
            [true, true, true, true],
        ),
        (
            "GET",
            "/api/v1/operator/offices".into(),
            Value::Null,
            [false, false, false, true],
        ),
        (
            "POST",
            "/api/v1/operator/offices".into(),
            json!({"name": "直接登録", "kind": "その他", "admin_email": "d@example.jp"}),
            [false, false, false, true],
        ),
        (
            "GET",
            "/api/v1/operator/applications".into(),
            Value::Null,
            [false, false, false, true],
        ),
        (
            "POST",
            format!("/api/v1/operator/applications/{pending}/reject"),
            json!({"reason": "検査"}),
            [false, false, false, true],
        ),
        (
            "POST",
            format!("/api/v1/operator/applications/{approvable}/approve"),
            json!({"admin_login_id": "approved-admin"}),
            [false, false, false, true],
        ),
        (
            "POST",
            "/api/v1/operator/invitations".into(),
            json!({"note": "検査"}),
            [false, false, false, true],
        ),
        (
            "GET",
            "/api/v1/operator/announcements".into(),
            Value::Null,
            [false, false, false, true],
        ),
        (
            "POST",
            "/api/v1/operator/announcements".into(),
            notice.clone(),
            [false, false, false, true],
        ),
        (
            "PUT",
            format!("/api/v1/operator/announcements/{announcement}"),
            notice,
            [false, false, false, true],
        ),
        (
            "POST",
            format!("/api/v1/operator/announcements/{announcement}/publish"),
            json!({"published": true}),
            [false, false, false, true],
        ),
        (
            "PATCH",
            format!("/api/v1/offices/{office}"),
            profile,
            [false, false, true, true],
        ),
        // Last: it ends the office.
        (
            "POST",
            format!("/api/v1/offices/{office}/withdraw"),
            json!({"reason": "検査"}),
            [false, false, true, true],
        ),
    ];
    for (method, path, body, allow) in &cells {
        // The allowed last (the operator last of all), so a destructive call changes nothing for the others.
        for (i, who) in [&anonymous, &staff, &admin, &op].into_iter().enumerate() {
            if allow[i] && i != 3 && path.contains("withdraw") {
                continue;
            }
            let a = match *method {
                "GET" => who.get(path).await,
                "PUT" => who.put(path, body).await,
                "PATCH" => who.patch(path, body).await,
                _ => who.post(path, body).await,
            }
            .unwrap();
            let ok = (200..300).contains(&a.status);
            if ok == allow[i] {
                if ok { allowed += 1 } else { denied += 1 }
            } else {
                unexpected.push(format!(
                    "caller {i} {method} {path}: {} {}",
                    a.status, a.body
                ));
            }
        }
    }
    println!(
        "offices authorization matrix: {} endpoints x 4 callers, {allowed} allowed, {denied} denied, {} unexpected",
        cells.len(),
        unexpected.len()
    );
    assert!(unexpected.is_empty(), "{unexpected:#?}");
    // The cells are the offices' list of the check that no operation is left out.
    let ids = [
        (pending.as_str(), "{id}"),
        (approvable.as_str(), "{id}"),
        (office.as_str(), "{id}"),
        (announcement.as_str(), "{id}"),
    ];
    let mut called: Vec<String> = cells
        .iter()
        .map(|(method, path, ..)| format!("{method} {}", matrices::template(path, &ids)))
        .collect();
    called.sort();
    called.dedup();
    assert_eq!(
        called,
        matrices::of_list(&OFFICES),
        "the cells call the operations of system_tests::matrices::OFFICES, no more and no fewer"
    );
}
