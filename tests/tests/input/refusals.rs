//! Bytes no field may hold (NUL, text that is not UTF-8, a line break in a one-line field, a body
//! that is not an object) get a clear 4xx and change nothing, at the gateway and at every service.

use crate::world::{post_raw_form, world};
use proto::identity::identity_client::IdentityClient;
use serde_json::json;
use system_tests::people;

async fn user_names(w: &crate::world::World) -> Vec<String> {
    let list =
        w.op.get(&format!("/api/v1/users?office_id={}", w.office.id))
            .await
            .unwrap();
    list.body
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn nul_invalid_utf8_line_breaks_and_non_objects_are_refused_and_store_nothing() {
    let w = world("rk-input-refusals-").await;
    let admin = people::session(&w.stack, &w.office, &w.admin)
        .await
        .unwrap();
    let before = user_names(&w).await;

    // Login, before any password is checked: NUL answered 503 with a database error.
    let anonymous = system_tests::api::Session::anonymous(
        &w.stack.bootstrap.gateway_url,
        &w.stack.bootstrap.ca_cert,
        Some(&w.office.device),
    )
    .unwrap();
    let login = anonymous
        .post(
            "/api/v1/session",
            &json!({"login_id": "ns.kato\u{0}", "password": "x"}),
        )
        .await
        .unwrap();
    assert_eq!(login.status, 422, "{}", login.body);
    assert_eq!(login.code(), "invalid_field");
    assert!(login.body["error"]["fields"]["login_id"].is_string());
    let (status, page) =
        post_raw_form(&anonymous, "/login", "login_id=ns.kato%00&password=x").await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("使えない文字"), "{page}");

    // A form value that is not UTF-8 once decoded was stored as U+FFFD.
    let (status, page) = post_raw_form(
        &admin,
        "/admin/users",
        "login_id=ns.bad&name=%E5%8A%A0%FF%FE&kana=%E3%82%AB&profession=%E7%9C%8B%E8%AD%B7%E5%B8%AB&email=bad%40example.jp",
    )
    .await;
    assert_eq!(status, 400, "{page}");
    assert!(page.contains("何も保存していません"), "{page}");
    let (status, _) = post_raw_form(
        &admin,
        "/admin/users",
        "login_id=ns.nul&name=%E5%8A%A0%00&kana=%E3%82%AB&profession=%E7%9C%8B%E8%AD%B7%E5%B8%AB&email=nul%40example.jp",
    )
    .await;
    assert_eq!(status, 400);

    // Line breaks in one-line fields, by the API.
    let title =
        w.op.post(
            "/api/v1/operator/announcements",
            &json!({"title": "説明会\r\nのお知らせ", "body": "本文"}),
        )
        .await
        .unwrap();
    assert_eq!(title.status, 422, "{}", title.body);
    assert!(title.body["error"]["fields"]["title"].is_string());
    let reason = admin
        .post(
            &format!("/api/v1/offices/{}/withdraw", w.office.id),
            &json!({"reason": "理由\n二行目"}),
        )
        .await
        .unwrap();
    assert_eq!(reason.status, 422, "{}", reason.body);
    let note = admin
        .post(
            "/api/v1/certificate-requests",
            &json!({"note": "受付の\rパソコン"}),
        )
        .await
        .unwrap();
    assert_eq!(note.status, 422, "{}", note.body);
    // A multi-line text keeps its line breaks.
    let kept =
        w.op.post(
            "/api/v1/operator/announcements",
            &json!({"title": "説明会のお知らせ", "body": "日時は下記です。\n\n- 1月10日"}),
        )
        .await
        .unwrap();
    assert_eq!(kept.status, 201, "{}", kept.body);
    assert_eq!(kept.body["body"], "日時は下記です。\n\n- 1月10日");

    // A JSON body must be an object.
    for body in [json!([]), json!("text"), json!(7), json!(null)] {
        let r = admin.post("/api/v1/users", &body).await.unwrap();
        assert_eq!(r.status, 400, "{body}: {}", r.body);
        assert_eq!(r.code(), "invalid_json");
    }
    // NUL deep in a JSON value, or in a key.
    let nested = admin
        .patch(
            &format!("/api/v1/offices/{}", w.office.id),
            &json!({"name": ["a\u{0}"]}),
        )
        .await
        .unwrap();
    assert_eq!(nested.status, 422, "{}", nested.body);

    // The query and the path, percent-decoded.
    for path in [
        "/api/v1/users?q=%00",
        "/api/v1/users?q=%FF",
        "/api/v1/certificates?q=a%00",
    ] {
        let r = admin.get(path).await.unwrap();
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert_eq!(r.code(), "invalid_characters");
    }
    let revoke = admin
        .post(
            "/api/v1/certificates/%00abc/revoke",
            &json!({"reason": "紛失"}),
        )
        .await
        .unwrap();
    assert_eq!(revoke.status, 400, "{}", revoke.body);
    let page = admin.get("/admin/users/%C3").await.unwrap();
    assert_eq!(page.status, 400);

    assert_eq!(user_names(&w).await, before, "nothing was stored");
    assert!(
        !w.stack
            .log_dir()
            .read_dir()
            .unwrap()
            .filter_map(Result::ok)
            .any(|e| std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .contains("invalid byte sequence")),
        "no encoding error reached PostgreSQL"
    );
}

/// A service refuses such strings itself, whoever calls it: here identity, called as the
/// gateway is, with the bytes the gateway would have refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_service_refuses_nul_and_line_breaks_at_its_decode_layer() {
    let w = world("rk-input-service-").await;
    let url = w
        .stack
        .service_env("gateway")
        .into_iter()
        .find(|(k, _)| k == "IDENTITY_URL")
        .unwrap()
        .1;
    let files = w.stack.pki.files("gateway");
    let tls = common::config::TlsFiles {
        ca: w.stack.pki.ca.clone(),
        cert: files.cert,
        key: files.key,
    };
    let mut identity = IdentityClient::new(
        common::grpc::channel(&url, &tls, &common::grpc::GrpcOptions::default()).unwrap(),
    );
    let refused = identity
        .login(proto::identity::LoginRequest {
            login_id: "ns.kato\0".into(),
            password: "x".into(),
            certificate: None,
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), tonic::Code::InvalidArgument);
    assert_eq!(refused.message(), "invalid:login_id");
    let op = proto::common::Actor {
        user_id: String::new(),
        ..Default::default()
    };
    let renamed = identity
        .update_user(proto::identity::UpdateUserRequest {
            actor: Some(op),
            user_id: w.staff.id.clone(),
            name: "加藤\n恵".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(renamed.code(), tonic::Code::InvalidArgument);
    assert_eq!(renamed.message(), "invalid:name");
}
