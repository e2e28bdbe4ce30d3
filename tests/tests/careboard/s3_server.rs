//! The tests' S3-compatible server is a store the board files scenario can rely on: it keeps
//! what a correctly signed client writes, each object a file in the bucket's folder (where the
//! scenario counts them), and refuses a client that signs with another secret.

use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use system_tests::s3::S3Server;

/// A client as careboard builds one for an endpoint on its own network.
fn client(server: &S3Server, secret: &str) -> AmazonS3 {
    AmazonS3Builder::new()
        .with_bucket_name(&server.bucket)
        .with_region("us-east-1")
        .with_endpoint(server.endpoint())
        .with_allow_http(true)
        .with_virtual_hosted_style_request(false)
        .with_access_key_id(&server.access_key_id)
        .with_secret_access_key(secret)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_s3_server_keeps_signed_writes_and_refuses_another_secret() {
    system_tests::install_crypto_provider();
    let dir = tempfile::tempdir().unwrap();
    let server = S3Server::start(dir.path()).await.unwrap();
    let name = "board-files/0190a8e2-5b7c-7000-8000-000000000001/thumb";
    let store = client(&server, &server.secret_access_key);
    store
        .put(&Path::from(name), PutPayload::from_static(b"thumb bytes"))
        .await
        .unwrap();
    let got = store.get(&Path::from(name)).await.unwrap();
    assert_eq!(&got.bytes().await.unwrap()[..], b"thumb bytes");
    assert_eq!(
        std::fs::read(server.bucket_dir().join(name)).unwrap(),
        b"thumb bytes",
        "each object is a file in the bucket's folder"
    );

    let forger = client(&server, "not-the-secret-of-this-run");
    assert!(
        forger.get(&Path::from(name)).await.is_err(),
        "a read signed with another secret is refused"
    );
    assert!(
        forger
            .put(&Path::from("forged"), PutPayload::from_static(b"x"))
            .await
            .is_err(),
        "a write signed with another secret is refused"
    );
    assert!(!server.bucket_dir().join("forged").exists());
}
