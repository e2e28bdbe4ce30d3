//! An S3-compatible server on the file system, for the tests that keep board files in S3: the
//! `s3s` protocol layer over `s3s-fs`, one bucket and one key pair. Every request must carry a
//! valid `SigV4` signature, as with a real store, so a client that signs wrongly fails here too.
//!
//! Settings from the environment: `S3_ROOT` (the directory; the bucket is a folder in it, each
//! object a file under that), `S3_ADDR` (`127.0.0.1:PORT`), `S3_BUCKET`, `S3_ACCESS_KEY_ID` and
//! `S3_SECRET_ACCESS_KEY`.

use anyhow::Context;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use s3s_fs::FileSystem;
use tokio::net::TcpListener;

fn setting(name: &str) -> anyhow::Result<String> {
    std::env::var(name).with_context(|| format!("{name} is not set"))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let root = std::path::PathBuf::from(setting("S3_ROOT")?);
    // The bucket is there from the start, as one made by the store's operator would be.
    let bucket = root.join(setting("S3_BUCKET")?);
    std::fs::create_dir_all(&bucket).with_context(|| bucket.display().to_string())?;
    let store = FileSystem::new(&root).map_err(|e| anyhow::anyhow!("{}: {e:?}", root.display()))?;
    let mut service = S3ServiceBuilder::new(store);
    service.set_auth(SimpleAuth::from_single(
        setting("S3_ACCESS_KEY_ID")?,
        setting("S3_SECRET_ACCESS_KEY")?,
    ));
    let service = service.build();
    let addr = setting("S3_ADDR")?;
    let listener = TcpListener::bind(&addr).await.context(addr)?;
    let http = Builder::new(TokioExecutor::new());
    loop {
        // A failed accept (too many open files, a reset) ends that connection, not the server.
        let Ok((socket, _)) = listener.accept().await else {
            continue;
        };
        let connection = http
            .serve_connection(TokioIo::new(socket), service.clone())
            .into_owned();
        tokio::spawn(async move {
            let _ = connection.await;
        });
    }
}
