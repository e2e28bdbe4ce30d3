//! Device certificates over time: office admins warned before one expires, and the CA key's
//! encryption key rotated with the certificates going on working.

use std::time::{Duration, Instant};
use system_tests::Stack;
use system_tests::people;

#[tokio::test(flavor = "multi_thread")]
async fn office_admins_are_warned_once_before_a_device_certificate_expires() {
    let (dir, stack) = Stack::in_temp_dir("rk-ops-expiry-", |o| {
        o.with_env(&[("CERT_EXPIRY_CHECK_SECONDS", "1")])
    })
    .await
    .unwrap();
    let op = people::operator(&stack).await.unwrap();
    let office = people::office(
        &stack,
        &op,
        &dir.path().join("devices"),
        "高萩中央薬局",
        "薬局",
    )
    .await
    .unwrap();
    let admin = people::person(
        &stack,
        &op,
        &office,
        &people::NewPerson {
            login_id: "ph.admin",
            name: "薬局 管理",
            kana: "ヤッキョク カンリ",
            profession: "薬剤師",
            office_admin: true,
        },
    )
    .await
    .unwrap();
    // Headers stay MIME-encoded in the sink; the body is decoded.
    let subject = "に有効期限が切れます";
    let warned = |stack: &Stack| {
        stack
            .mails()
            .into_iter()
            .filter(|m| m.contains(&admin.email) && m.contains(subject))
            .collect::<Vec<_>>()
    };
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        warned(&stack).is_empty(),
        "no warning for a fresh certificate"
    );
    // Time passes: the office's device now expires in ten days.
    let identity = stack.database("identity").await.unwrap();
    let office_id: uuid::Uuid = office.id.parse().unwrap();
    sqlx::query("UPDATE device_certificates SET not_after = now() + interval '10 days' WHERE office_id = $1")
        .bind(office_id)
        .execute(&identity)
        .await
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    while warned(&stack).is_empty() {
        assert!(Instant::now() < deadline, "no expiry warning");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mails = warned(&stack);
    assert_eq!(mails.len(), 1, "warned once");
    assert!(mails[0].contains("-pc"), "names the device");
    assert!(mails[0].contains("/admin/certificates"));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_ca_key_encryption_key_is_rotated_and_certificates_go_on_working() {
    use base64::Engine;
    let (dir, mut stack) = Stack::in_temp_dir("rk-ops-kek-", |o| o).await.unwrap();
    let new_kek = base64::engine::general_purpose::STANDARD.encode(rand::random::<[u8; 32]>());
    stack.stop_binary("identity");
    // As the Job runs it (deploy/k8s/jobs/rotate-kek): the database and both keys as files,
    // nothing else of identity's configuration.
    let identity_env = stack.service_env("identity");
    let var = |name: &str| {
        identity_env
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    let kek_file = dir.path().join("kek");
    let new_kek_file = dir.path().join("kek-new");
    std::fs::write(&kek_file, format!("{}\n", var("IDENTITY_CA_KEK"))).unwrap();
    std::fs::write(&new_kek_file, format!("{new_kek}\n")).unwrap();
    let out = std::process::Command::new(system_tests::bin_dir().join("identity"))
        .arg("rotate-kek")
        .env_clear()
        .env("DATABASE_URL", var("DATABASE_URL"))
        .env("IDENTITY_CA_KEK_FILE", &kek_file)
        .env("IDENTITY_CA_KEK_NEW_FILE", &new_kek_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "rotate-kek failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    stack.set_env("identity", "IDENTITY_CA_KEK", &new_kek);
    stack.start_binary("identity").unwrap();
    // Old certificates still log in; the CA still signs new ones.
    let deadline = Instant::now() + Duration::from_secs(20);
    let op = loop {
        match people::operator(&stack).await {
            Ok(s) => break s,
            Err(e) => {
                assert!(Instant::now() < deadline, "no login after rotation: {e:#}");
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        }
    };
    people::office(
        &stack,
        &op,
        &dir.path().join("devices"),
        "高萩北クリニック",
        "診療所",
    )
    .await
    .unwrap();
}
