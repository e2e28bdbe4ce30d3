//! Every form that is refused comes back with its error beside the wrong field: the field marked
//! invalid and described by its error, the summary linking to it, what was typed kept (but never
//! a password), and a refusal that belongs to no field (a wrong password at login) said once, in
//! the summary, without marking either box.

use crate::world::world;
use system_tests::api::Session;
use system_tests::markup::{any_field_invalid, field_error, summary};
use system_tests::people;

fn page(a: &system_tests::api::Answer) -> &str {
    a.body.as_str().unwrap_or("")
}

/// The answer is a refusal (4xx) whose page ties `key`'s error to its field.
fn tied(a: &system_tests::api::Answer, key: &str, what: &str) -> String {
    assert!((400..500).contains(&a.status), "{what}: {}", a.status);
    field_error(page(a), key).unwrap_or_else(|e| panic!("{what}: {e}\n{}", page(a)))
}

#[tokio::test(flavor = "multi_thread")]
async fn each_refused_form_ties_its_error_to_the_field() {
    let w = world("rk-input-field-errors-").await;
    let gateway = &w.stack.bootstrap.gateway_url;
    let ca = &w.stack.bootstrap.ca_cert;

    // ログイン: a wrong password names neither box; a missing one is pointed out.
    let device = Session::anonymous(gateway, ca, Some(&w.office.device)).unwrap();
    let wrong = device
        .post_form(
            "/login",
            &[
                ("login_id", &w.staff.login_id),
                ("password", "this is not it"),
            ],
        )
        .await
        .unwrap();
    assert!((400..500).contains(&wrong.status), "{}", wrong.status);
    let html = page(&wrong);
    assert!(summary(html).is_some(), "{html}");
    assert!(!any_field_invalid(html), "neither box is blamed: {html}");
    assert!(html.contains(&format!("value=\"{}\"", w.staff.login_id)));
    assert!(
        !html.contains("this is not it"),
        "a password never comes back"
    );
    let missing = device
        .post_form(
            "/login",
            &[("login_id", &w.staff.login_id), ("password", "")],
        )
        .await
        .unwrap();
    assert!(tied(&missing, "password", "login without a password").contains("パスワード"));
    assert!(field_error(page(&missing), "login_id").is_err());

    // パスワードの変更: each refusal beside the box it is about, no password typed shown again.
    let staff = people::session(&w.stack, &w.office, &w.staff)
        .await
        .unwrap();
    let mismatch = staff
        .post_form(
            "/password",
            &[
                ("current_password", &w.staff.password),
                ("new_password", "asa no houmon wa kuji kara"),
                ("confirm_password", "asa no houmon wa juji kara"),
            ],
        )
        .await
        .unwrap();
    assert!(tied(&mismatch, "confirm_password", "mismatch").contains("一致しません"));
    assert!(!page(&mismatch).contains("asa no houmon"));
    let current = staff
        .post_form(
            "/password",
            &[
                ("current_password", "not my password at all"),
                ("new_password", "asa no houmon wa kuji kara"),
                ("confirm_password", "asa no houmon wa kuji kara"),
            ],
        )
        .await
        .unwrap();
    assert!(tied(&current, "current_password", "wrong current").contains("正しくありません"));
    let weak = staff
        .post_form(
            "/password",
            &[
                ("current_password", &w.staff.password),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await
        .unwrap();
    tied(&weak, "new_password", "weak");

    // 初回の証明書設定: the two passwords must match; the number and device name are kept.
    let public = Session::anonymous(gateway, ca, None).unwrap();
    let enroll = public
        .post_form(
            "/enroll",
            &[
                ("number", "0000000000"),
                ("secret", "ABCDEFGHJKLMNPQR"),
                ("device_label", "事務所PC-9"),
                ("p12_password", "device file password"),
                ("p12_password_confirm", "device file passwort"),
            ],
        )
        .await
        .unwrap();
    tied(&enroll, "p12_password_confirm", "enroll mismatch");
    assert!(page(&enroll).contains("value=\"0000000000\"") && page(&enroll).contains("事務所PC-9"));
    assert!(!page(&enroll).contains("device file passwor"));

    // 電子証明書の管理: the request's note, and the reason of one row's 失効.
    let admin = people::session(&w.stack, &w.office, &w.admin)
        .await
        .unwrap();
    let long = "長".repeat(201);
    let note = admin
        .post_form("/admin/certificates", &[("note", &long)])
        .await
        .unwrap();
    tied(&note, "note", "certificate request");
    assert!(page(&note).contains(&long), "the note is kept");
    let taken = admin
        .post_form(
            "/admin/users",
            &[
                ("login_id", &w.staff.login_id),
                ("name", "高萩 次郎"),
                ("kana", "タカハギ ジロウ"),
                ("profession", "看護師"),
                ("email", "jiro@example.jp"),
            ],
        )
        .await
        .unwrap();
    assert!(tied(&taken, "login_id", "staff login id taken").contains("既に使われています"));
    assert!(page(&taken).contains("value=\"高萩 次郎\""));
    let certificates = admin.get("/api/v1/certificates").await.unwrap();
    let serial = certificates.body[0]["serial"].as_str().unwrap().to_owned();
    let revoke = admin
        .post_form(
            &format!("/certificates/{serial}/revoke"),
            &[("reason", "紛失\n盗難")],
        )
        .await
        .unwrap();
    tied(&revoke, &format!("reason-{serial}"), "revoke");
    let still = admin.get("/api/v1/certificates").await.unwrap();
    assert_eq!(still.body[0]["status"], "active", "nothing revoked");

    // The operator's forms: registering an office, an office's first admin and 利用廃止,
    // お知らせ, and the reason of one user's 一時停止.
    let registered =
        w.op.post_form(
            "/operator/offices",
            &[
                ("name", "新しい事業所"),
                ("kind", "訪問看護ステーション"),
                ("admin_email", "not-an-address"),
            ],
        )
        .await
        .unwrap();
    tied(&registered, "admin_email", "register office");
    assert!(page(&registered).contains("value=\"新しい事業所\""));
    let office = format!("/operator/offices/{}", w.office.id);
    let first_admin =
        w.op.post_form(
            &format!("{office}/admins"),
            &[
                ("login_id", "x"),
                ("name", "高萩 次郎"),
                ("kana", "タカハギ ジロウ"),
                ("profession", "看護師"),
                ("email", "jiro@example.jp"),
            ],
        )
        .await
        .unwrap();
    tied(&first_admin, "login_id", "first admin");
    assert!(page(&first_admin).contains("value=\"高萩 次郎\""));
    let taken =
        w.op.post_form(
            &format!("{office}/admins"),
            &[
                ("login_id", &w.staff.login_id),
                ("name", "高萩 次郎"),
                ("kana", "タカハギ ジロウ"),
                ("profession", "看護師"),
                ("email", "jiro@example.jp"),
            ],
        )
        .await
        .unwrap();
    assert!(tied(&taken, "login_id", "login id taken").contains("既に使われています"));
    let withdraw =
        w.op.post_form(
            &format!("/offices/{}/withdraw", w.office.id),
            &[("reason", "")],
        )
        .await
        .unwrap();
    tied(&withdraw, "reason", "withdraw");
    let announcement =
        w.op.post_form(
            "/operator/announcements",
            &[("title", &"題".repeat(101)), ("body", "本文は残ります")],
        )
        .await
        .unwrap();
    tied(&announcement, "title", "announcement");
    assert!(page(&announcement).contains("本文は残ります"));
    let suspension =
        w.op.post_form(
            &format!("/operator/users/{}/suspension", w.staff.id),
            &[("suspended", "1"), ("reason", "理由\n二行"), ("q", "kato")],
        )
        .await
        .unwrap();
    tied(&suspension, &format!("reason-{}", w.staff.id), "suspension");
    assert!(
        page(&suspension).contains("value=\"kato\""),
        "the search is kept"
    );
    let active = people::session(&w.stack, &w.office, &w.staff).await;
    assert!(active.is_ok(), "nobody suspended");
}
