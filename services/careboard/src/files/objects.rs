//! Where the bytes of board files are kept: object storage through `object_store`, the local
//! filesystem by default (under `var/dev/objects`, so a developer's machine needs nothing) or an
//! S3-compatible store in production. A key is the file's id and the version's name: nothing
//! personal, nothing guessable from the board.

use bytes::Bytes;
use common::config::{ConfigError, Vars};
use common::ids::FileId;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

/// The versions of a file that are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    Original,
    Screen,
    Thumb,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::Original, Variant::Screen, Variant::Thumb];

    fn name(self) -> &'static str {
        match self {
            Variant::Original => "original",
            Variant::Screen => "screen",
            Variant::Thumb => "thumb",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ObjectsError {
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("object store setting: {0}")]
    Config(String),
}

impl From<ConfigError> for ObjectsError {
    fn from(e: ConfigError) -> Self {
        Self::Config(e.to_string())
    }
}

#[derive(Clone)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
}

/// The directory a store without `OBJECT_STORE_URL` keeps its objects in.
const DEV_DIR: &str = "var/dev/objects";

impl Objects {
    /// From `OBJECT_STORE_URL`: unset for the development directory, `file:///path` for a
    /// directory, `s3://bucket` for an S3-compatible store with `OBJECT_STORE_ENDPOINT`,
    /// `OBJECT_STORE_REGION`, `OBJECT_STORE_ACCESS_KEY_ID` and `OBJECT_STORE_SECRET_ACCESS_KEY`
    /// (each also as `_FILE`, how Kubernetes mounts a secret).
    pub fn from_vars(vars: &Vars) -> Result<Self, ObjectsError> {
        let url = vars.get("OBJECT_STORE_URL")?;
        let store: Arc<dyn ObjectStore> = match url.as_deref() {
            None | Some("") => Arc::new(local(std::path::Path::new(DEV_DIR))?),
            Some(u) if u.starts_with("file://") => {
                Arc::new(local(std::path::Path::new(&u["file://".len()..]))?)
            }
            Some(u) if u.starts_with("s3://") => Arc::new(s3(vars, &u["s3://".len()..])?),
            Some(_) => {
                return Err(ObjectsError::Config(
                    "OBJECT_STORE_URL must be file:///path or s3://bucket".into(),
                ));
            }
        };
        Ok(Self { store })
    }

    fn key(file: FileId, variant: Variant) -> Path {
        Path::from(format!("board-files/{file}/{}", variant.name()))
    }

    pub async fn put(
        &self,
        file: FileId,
        variant: Variant,
        bytes: Vec<u8>,
    ) -> Result<(), ObjectsError> {
        self.store
            .put(&Self::key(file, variant), PutPayload::from(bytes))
            .await?;
        Ok(())
    }

    /// The object's bytes as they are read, chunk by chunk.
    pub async fn read(
        &self,
        file: FileId,
        variant: Variant,
    ) -> Result<BoxStream<'static, Result<Bytes, ObjectsError>>, ObjectsError> {
        let got = self.store.get(&Self::key(file, variant)).await?;
        Ok(got.into_stream().map_err(ObjectsError::from).boxed())
    }

    /// Removes every version of `file`; one already gone counts as removed.
    pub async fn delete(&self, file: FileId) -> Result<(), ObjectsError> {
        for variant in Variant::ALL {
            match self.store.delete(&Self::key(file, variant)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}

fn local(dir: &std::path::Path) -> Result<LocalFileSystem, ObjectsError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| ObjectsError::Config(format!("{}: {e}", dir.display())))?;
    Ok(LocalFileSystem::new_with_prefix(dir)?)
}

fn s3(vars: &Vars, bucket: &str) -> Result<object_store::aws::AmazonS3, ObjectsError> {
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(bucket)
        .with_region(
            vars.get("OBJECT_STORE_REGION")?
                .unwrap_or_else(|| "us-east-1".into()),
        )
        .with_access_key_id(vars.required("OBJECT_STORE_ACCESS_KEY_ID")?)
        .with_secret_access_key(vars.required("OBJECT_STORE_SECRET_ACCESS_KEY")?);
    if let Some(endpoint) = vars.get("OBJECT_STORE_ENDPOINT")? {
        // A store inside the cluster (or the tests') may speak plain HTTP on its own network;
        // buckets are addressed by path there, as S3-compatible servers expect.
        builder = builder
            .with_allow_http(endpoint.starts_with("http://"))
            .with_virtual_hosted_style_request(false)
            .with_endpoint(endpoint);
    }
    Ok(builder.build()?)
}
