//! Offices: the public application, the operator's review, the public map, withdrawal, and who
//! may do what.

// A test fails by panicking; its helpers unwrap for the same reason.
#![allow(clippy::unwrap_used)]

use base64::Engine;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use system_tests::api::{Device, Session};
use system_tests::{Stack, StackOptions};

async fn stack() -> (tempfile::TempDir, Stack) {
    let dir = tempfile::Builder::new()
        .prefix("rk-offices-")
        .tempdir()
        .unwrap();
    let mut opts = StackOptions::for_test(dir.path());
    opts.env
        .push(("OPERATOR_EMAIL".into(), "city@example.jp".into()));
    let stack = Stack::start(opts).await.unwrap();
    (dir, stack)
}

async fn operator(stack: &Stack) -> Session {
    let op = &stack.bootstrap.operator;
    let device = Device {
        cert: op.cert_pem.clone(),
        key: op.key_pem.clone(),
    };
    Session::login(
        &stack.bootstrap.gateway_url,
        &stack.bootstrap.ca_cert,
        &device,
        &op.login_id,
        &op.password,
    )
    .await
    .unwrap()
}

fn public(stack: &Stack) -> Session {
    Session::anonymous(&stack.bootstrap.gateway_url, &stack.bootstrap.ca_cert, None).unwrap()
}

fn application(name: &str, email: &str) -> Value {
    json!({
        "name": name, "kana": "ﾀｶﾊｷﾞ ｼﾞｷﾞｮｳｼｮ", "kind": "居宅介護支援事業所", "code": "０８７１２３４５６７",
        "postal_code": "３１８－００３４", "address": "茨城県高萩市高萩1-1", "phone": "０２９３－２２－１２３４",
        "fax": "", "latitude": "36.7197", "longitude": "140.7167",
        "admin_name": "高萩 一郎", "admin_kana": "タカハギ イチロウ", "admin_email": email, "admin_phone": "090-1111-2222",
        "listed": "1", "consent": "1"
    })
}

async fn mail_with(stack: &Stack, needles: &[&str]) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(m) = stack
            .mails()
            .into_iter()
            .find(|m| needles.iter().all(|n| m.contains(n)))
        {
            return m;
        }
        assert!(Instant::now() < deadline, "no mail with {needles:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn apply(stack: &Stack, body: &Value) -> String {
    let a = public(stack)
        .post("/api/v1/public/applications", body)
        .await
        .unwrap();
    assert_eq!(a.status, 201, "{}", a.body);
    a.body["application_id"].as_str().unwrap().to_owned()
}

/// An approved office whose admin has enrolled a PC from the mailed code and logged in.
struct Enrolled {
    office: String,
    admin: Session,
    initial: String,
    device: Device,
}

async fn approve_and_enroll(
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
    let number = approved.body["enrollment_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let email = format!("{}@example.jp", login.trim_end_matches("-admin"));
    let mail = mail_with(stack, &[&email, &number]).await;
    let initial = approved.body["admin_initial_password"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        !mail.contains(&initial),
        "the initial password never travels by mail"
    );
    let secret = mail
        .split("証明書取得用パスワード: ")
        .nth(1)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_owned();
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

async fn count(stack: &Stack, sql: &'static str) -> i64 {
    let pool = stack.database("offices").await.unwrap();
    sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_office_applies_is_approved_enrolls_and_appears_on_the_map() {
    let (dir, stack) = stack().await;
    let body = application("さくらケアプラン", "sakura@example.jp");
    let checked = public(&stack)
        .post("/api/v1/public/applications?dry_run=true", &body)
        .await
        .unwrap();
    assert_eq!(checked.status, 200, "{}", checked.body);
    assert_eq!(
        count(&stack, "SELECT count(*) FROM applications").await,
        0,
        "a dry run stores nothing"
    );
    let id = apply(&stack, &body).await;
    let receipt = mail_with(&stack, &["sakura@example.jp", "受け付けました"]).await;
    assert!(receipt.contains("さくらケアプラン"));
    let notice = mail_with(&stack, &["city@example.jp"]).await;
    assert!(
        !notice.contains("高萩 一郎") && !notice.contains("sakura@example.jp"),
        "the city's notice names no person"
    );

    let op = operator(&stack).await;
    let queue = op.get("/api/v1/operator/applications").await.unwrap();
    assert_eq!(queue.body[0]["status"], "pending");
    let Enrolled { admin, .. } =
        approve_and_enroll(&stack, &op, &id, "sakura-admin", dir.path()).await;
    assert_eq!(
        admin.get("/api/v1/me").await.unwrap().body["office"],
        "さくらケアプラン"
    );

    let map = public(&stack).get("/api/v1/public/offices").await.unwrap();
    let listed: Vec<&Value> = map.body.as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), 1, "{}", map.body);
    assert_eq!(listed[0]["name"], "さくらケアプラン");
    assert_eq!(
        listed[0]["phone"], "0293-22-1234",
        "full-width digits were normalised"
    );
    assert!(listed[0].get("admin_email").is_none());
    let other_kind = public(&stack)
        .get("/api/v1/public/offices?kind=%E8%96%AC%E5%B1%80")
        .await
        .unwrap();
    assert_eq!(
        other_kind.body.as_array().unwrap().len(),
        0,
        "the kind filter applies"
    );
    let page = public(&stack)
        .http
        .get(format!("{}/map", stack.bootstrap.gateway_url))
        .send()
        .await
        .unwrap();
    assert!(
        page.text().await.unwrap().contains("さくらケアプラン"),
        "the list view shows the office"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_wrong_field_is_named_in_japanese_and_nothing_is_stored() {
    let (_dir, stack) = stack().await;
    let mut bad = application("あおぞら", "aozora@example.jp");
    bad["kana"] = json!("青空");
    bad["code"] = json!("12345");
    bad["postal_code"] = json!("318");
    bad["phone"] = json!("電話");
    bad["latitude"] = json!("51.5");
    bad["longitude"] = json!("-0.12");
    bad["admin_email"] = json!("aozora@");
    bad["consent"] = json!(null);
    let a = public(&stack)
        .post("/api/v1/public/applications", &bad)
        .await
        .unwrap();
    assert_eq!(a.status, 422, "{}", a.body);
    let fields = a.body["error"]["fields"].as_object().unwrap();
    for f in [
        "kana",
        "code",
        "postal_code",
        "phone",
        "location",
        "admin_email",
        "consent",
    ] {
        assert!(fields.contains_key(f), "{f} not named: {}", a.body);
    }
    assert!(fields["location"].as_str().unwrap().contains("日本国内"));
    assert!(!fields.contains_key("name"));
    let unknown = public(&stack)
        .post(
            "/api/v1/public/applications",
            &json!({"name": "x", "admin": true}),
        )
        .await
        .unwrap();
    assert_eq!(unknown.status, 400);
    assert_eq!(count(&stack, "SELECT count(*) FROM applications").await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn rejection_mails_the_reason_and_approving_twice_creates_one_office() {
    let (_dir, stack) = stack().await;
    let op = operator(&stack).await;
    let rejected = apply(&stack, &application("にじ薬局", "niji@example.jp")).await;
    let no_reason = op
        .post(
            &format!("/api/v1/operator/applications/{rejected}/reject"),
            &json!({"reason": " "}),
        )
        .await
        .unwrap();
    assert_eq!(no_reason.status, 422);
    let r = op
        .post(
            &format!("/api/v1/operator/applications/{rejected}/reject"),
            &json!({"reason": "市外の事業所のため"}),
        )
        .await
        .unwrap();
    assert_eq!(r.body["status"], "rejected", "{}", r.body);
    mail_with(&stack, &["niji@example.jp", "市外の事業所のため"]).await;

    let id = apply(&stack, &application("ひかり診療所", "hikari@example.jp")).await;
    let before = count(&stack, "SELECT count(*) FROM offices").await;
    let path = format!("/api/v1/operator/applications/{id}/approve");
    let second = operator(&stack).await;
    let (first_body, second_body) = (
        json!({"admin_login_id": "hikari-a"}),
        json!({"admin_login_id": "hikari-b"}),
    );
    let (a, b) = tokio::join!(
        op.post(&path, &first_body),
        second.post(&path, &second_body)
    );
    let mut statuses = [a.unwrap().status, b.unwrap().status];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    assert_eq!(
        count(&stack, "SELECT count(*) FROM offices").await,
        before + 1
    );
    let again = op
        .post(&path, &json!({"admin_login_id": "hikari-c"}))
        .await
        .unwrap();
    assert_eq!(again.code(), "already_decided");
}

#[tokio::test(flavor = "multi_thread")]
async fn withdrawal_disables_the_offices_users_and_certificates_and_keeps_its_history() {
    let (dir, stack) = stack().await;
    let op = operator(&stack).await;
    let id = apply(&stack, &application("もみじ訪問介護", "momiji@example.jp")).await;
    let Enrolled { office, admin, .. } =
        approve_and_enroll(&stack, &op, &id, "momiji-admin", dir.path()).await;
    assert_eq!(admin.get("/api/v1/me").await.unwrap().status, 200);
    assert_eq!(
        public(&stack)
            .get("/api/v1/public/offices")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let w = op
        .post(
            &format!("/api/v1/offices/{office}/withdraw"),
            &json!({"reason": "事業所の廃止"}),
        )
        .await
        .unwrap();
    assert_eq!(w.body["status"], "withdrawn", "{}", w.body);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if admin.get("/api/v1/me").await.unwrap().code() == "certificate_revoked" {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the withdrawn office's certificate still works"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        public(&stack)
            .get("/api/v1/public/offices")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .len(),
        0
    );
    let users = op
        .get(&format!("/api/v1/users?office_id={office}"))
        .await
        .unwrap();
    assert_eq!(users.body[0]["status"], "deactivated", "{}", users.body);
    assert_eq!(
        count(
            &stack,
            "SELECT count(*) FROM offices WHERE status = 'withdrawn'"
        )
        .await,
        1,
        "history kept"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn authorization_matrix_over_offices_endpoints() {
    let (dir, stack) = stack().await;
    let op = operator(&stack).await;
    let pending = apply(&stack, &application("審査中事業所", "pending@example.jp")).await;
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
            let a = if *method == "GET" {
                who.get(path).await.unwrap()
            } else {
                who.post(path, body).await.unwrap()
            };
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
}

#[tokio::test(flavor = "multi_thread")]
async fn announcements_are_drafted_published_unpublished_and_never_render_html() {
    let (_dir, stack) = stack().await;
    let op = operator(&stack).await;
    let draft = op
        .post("/api/v1/operator/announcements", &json!({"title": "説明会のお知らせ", "body": "<script>alert(1)</script>\n\n- 1月10日\n- 1月17日\n\n詳細 https://www.city.takahagi.lg.jp/"}))
        .await
        .unwrap();
    assert_eq!(draft.status, 201, "{}", draft.body);
    let id = draft.body["id"].as_str().unwrap().to_owned();
    let html = draft.body["body_html"].as_str().unwrap();
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
    assert!(
        html.contains("<li>1月10日</li>")
            && html.contains("<a href=\"https://www.city.takahagi.lg.jp/\"")
    );
    let portal = || async {
        public(&stack)
            .http
            .get(format!("{}/", stack.bootstrap.gateway_url))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    assert!(
        public(&stack)
            .get("/api/v1/public/announcements")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "a draft is not public"
    );
    assert!(!portal().await.contains("説明会のお知らせ"));
    assert_eq!(
        public(&stack)
            .get(&format!("/announcements/{id}"))
            .await
            .unwrap()
            .status,
        404
    );

    op.post(
        &format!("/api/v1/operator/announcements/{id}/publish"),
        &json!({"published": true}),
    )
    .await
    .unwrap();
    assert!(portal().await.contains("説明会のお知らせ"));
    let page = public(&stack)
        .http
        .get(format!(
            "{}/announcements/{id}",
            stack.bootstrap.gateway_url
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("<li>1月17日</li>") && !page.contains("<script>alert"));
    let edited = op
        .http
        .put(format!(
            "{}/api/v1/operator/announcements/{id}",
            stack.bootstrap.gateway_url
        ))
        .header("x-csrf-token", &op.csrf)
        .json(&json!({"title": "説明会のお知らせ（更新）", "body": "日程を変更しました。"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edited.status(), 200);
    assert!(
        portal().await.contains("（更新）"),
        "an edit keeps it published"
    );
    op.post(
        &format!("/api/v1/operator/announcements/{id}/publish"),
        &json!({"published": false}),
    )
    .await
    .unwrap();
    assert!(!portal().await.contains("説明会のお知らせ"));

    let empty = op
        .post(
            "/api/v1/operator/announcements",
            &json!({"title": " ", "body": ""}),
        )
        .await
        .unwrap();
    assert_eq!(empty.status, 422);
    assert!(
        empty.body["error"]["fields"]
            .as_object()
            .unwrap()
            .contains_key("title")
    );
    assert!(
        portal().await.contains("0293-22-0080"),
        "the city's contact block"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_edits_the_office_profile_and_map_entry_but_not_its_kind() {
    let (dir, stack) = stack().await;
    let op = operator(&stack).await;
    let id = apply(
        &stack,
        &application("すずらん訪問入浴", "suzuran@example.jp"),
    )
    .await;
    let Enrolled {
        office,
        admin,
        initial,
        ..
    } = approve_and_enroll(&stack, &op, &id, "suzuran-admin", dir.path()).await;
    admin
        .post(
            "/api/v1/password",
            &json!({"current_password": initial, "new_password": "yuki no shita ni saku"}),
        )
        .await
        .unwrap();

    let mut profile = application("すずらん訪問入浴", "suzuran@example.jp");
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
    profile["latitude"] = json!("36.75");
    let edited = admin
        .patch(&format!("/api/v1/offices/{office}"), &profile)
        .await
        .unwrap();
    assert_eq!(edited.status, 200, "{}", edited.body);
    let map = public(&stack).get("/api/v1/public/offices").await.unwrap();
    assert_eq!(map.body[0]["phone"], "0293-99-0000");
    assert_eq!(map.body[0]["latitude"], 36.75);

    let mut other_kind = profile.clone();
    other_kind["kind"] = json!("病院");
    assert_eq!(
        admin
            .patch(&format!("/api/v1/offices/{office}"), &other_kind)
            .await
            .unwrap()
            .code(),
        "forbidden",
        "the kind is the city's to change"
    );
    let mut bad = profile.clone();
    bad["postal_code"] = json!("12");
    let refused = admin
        .patch(&format!("/api/v1/offices/{office}"), &bad)
        .await
        .unwrap();
    assert_eq!(refused.status, 422);
    assert!(
        refused.body["error"]["fields"]
            .as_object()
            .unwrap()
            .contains_key("postal_code")
    );
    let mut unlisted = profile.clone();
    unlisted["listed"] = json!(null);
    admin
        .patch(&format!("/api/v1/offices/{office}"), &unlisted)
        .await
        .unwrap();
    assert!(
        public(&stack)
            .get("/api/v1/public/offices")
            .await
            .unwrap()
            .body
            .as_array()
            .unwrap()
            .is_empty(),
        "an unlisted office leaves the map"
    );
    let changed = op
        .patch(&format!("/api/v1/offices/{office}"), &other_kind)
        .await
        .unwrap();
    assert_eq!(
        changed.body["kind"], "病院",
        "the operator may change the kind: {}",
        changed.body
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn by_invitation_only_an_application_needs_an_unused_code_from_the_city() {
    let dir = tempfile::Builder::new()
        .prefix("rk-offices-")
        .tempdir()
        .unwrap();
    let mut opts = StackOptions::for_test(dir.path());
    opts.env
        .push(("APPLICATION_MODE".into(), "invitation".into()));
    let stack = Stack::start(opts).await.unwrap();
    let body = application("つばき診療所", "tsubaki@example.jp");
    let without = public(&stack)
        .post("/api/v1/public/applications", &body)
        .await
        .unwrap();
    assert_eq!(without.code(), "invitation_invalid", "{}", without.body);
    assert!(
        without.body["error"]["fields"]
            .as_object()
            .unwrap()
            .contains_key("invitation_code")
    );

    let op = operator(&stack).await;
    let invited = op
        .post(
            "/api/v1/operator/invitations",
            &json!({"note": "つばき診療所"}),
        )
        .await
        .unwrap();
    assert_eq!(invited.status, 201, "{}", invited.body);
    let code = invited.body["code"].as_str().unwrap().to_owned();
    let mut with = body.clone();
    with["invitation_code"] = json!(code.to_lowercase());
    let checked = public(&stack)
        .post("/api/v1/public/applications?dry_run=true", &with)
        .await
        .unwrap();
    assert_eq!(
        checked.status, 200,
        "a dry run does not use the code: {}",
        checked.body
    );
    assert_eq!(
        public(&stack)
            .post("/api/v1/public/applications", &with)
            .await
            .unwrap()
            .status,
        201
    );
    let again = public(&stack)
        .post("/api/v1/public/applications", &with)
        .await
        .unwrap();
    assert_eq!(again.code(), "invitation_invalid", "a code is used once");
    assert_eq!(count(&stack, "SELECT count(*) FROM applications").await, 1);
    let staff_like = public(&stack)
        .post("/api/v1/operator/invitations", &json!({}))
        .await
        .unwrap();
    assert_eq!(staff_like.status, 403);
}
