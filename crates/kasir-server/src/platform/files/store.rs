//! Where file bytes live: a directory (`KASIR_DATA_DIR`, by default) or an S3-compatible bucket
//! (`KASIR_S3_URL`, spoken to with signed requests). Keys are made by the server from ids
//! (`files/<tenant>/<id>`), never from names a client sent.

use std::{path::PathBuf, time::Duration};

use anyhow::{anyhow, bail, Context};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

/// A file store.
#[derive(Clone, Debug)]
pub enum FileStore {
    Local(PathBuf),
    S3(S3),
}

/// An S3-compatible bucket.
#[derive(Clone, Debug)]
pub struct S3 {
    bucket: Bucket,
    credentials: Credentials,
    http: reqwest::Client,
}

/// How long a signed request stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(300);

impl FileStore {
    /// The bucket of `url`: `http(s)://ACCESS_KEY:SECRET@host[:port]/bucket[?region=…]`
    /// (path-style addressing, which every S3-compatible server speaks).
    pub fn s3(url: &str) -> anyhow::Result<FileStore> {
        let parsed = reqwest::Url::parse(url).context("KASIR_S3_URL is not a URL")?;
        if !matches!(parsed.scheme(), "http" | "https") {
            bail!("KASIR_S3_URL must start with http:// or https://");
        }
        let bucket_name = parsed.path().trim_matches('/').to_string();
        if bucket_name.is_empty() || bucket_name.contains('/') {
            bail!("KASIR_S3_URL must name one bucket as its path, such as https://key:secret@s3.example.com/kasir");
        }
        let key = percent_decode(parsed.username());
        let secret = percent_decode(parsed.password().unwrap_or_default());
        if key.is_empty() || secret.is_empty() {
            bail!("KASIR_S3_URL must carry the access key and secret as user and password");
        }
        let region =
            parsed.query_pairs().find(|(k, _)| k == "region").map_or("us-east-1".into(), |(_, v)| v.to_string());
        let mut endpoint = parsed.clone();
        endpoint.set_path("/");
        endpoint.set_query(None);
        let _ = endpoint.set_username("");
        let _ = endpoint.set_password(None);
        let bucket = Bucket::new(endpoint, UrlStyle::Path, bucket_name, region).map_err(|e| anyhow!("{e}"))?;
        let http = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
        Ok(FileStore::S3(S3 { bucket, credentials: Credentials::new(key, secret), http }))
    }

    /// Writes `bytes` under `key`.
    pub async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> anyhow::Result<()> {
        match self {
            FileStore::Local(dir) => {
                let path = dir.join(key);
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent)
                        .await
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                // Written aside and renamed, so that a reader never sees half a file.
                let partial = path.with_extension("partial");
                tokio::fs::write(&partial, &bytes).await.with_context(|| format!("writing {}", partial.display()))?;
                tokio::fs::rename(&partial, &path).await.with_context(|| format!("renaming to {}", path.display()))?;
                Ok(())
            }
            FileStore::S3(s3) => {
                let url = s3.bucket.put_object(Some(&s3.credentials), key).sign(SIGNED_FOR);
                let res = s3
                    .http
                    .put(url)
                    .header(reqwest::header::CONTENT_TYPE, content_type)
                    .body(bytes)
                    .send()
                    .await
                    .context("storing a file in the bucket")?;
                check(res, "storing a file in the bucket").await.map(drop)
            }
        }
    }

    /// The bytes under `key`, or `None` when there are none.
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match self {
            FileStore::Local(dir) => match tokio::fs::read(dir.join(key)).await {
                Ok(b) => Ok(Some(b)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e).context("reading a stored file"),
            },
            FileStore::S3(s3) => {
                let url = s3.bucket.get_object(Some(&s3.credentials), key).sign(SIGNED_FOR);
                let res = s3.http.get(url).send().await.context("reading a file from the bucket")?;
                if res.status() == reqwest::StatusCode::NOT_FOUND {
                    return Ok(None);
                }
                let res = check(res, "reading a file from the bucket").await?;
                Ok(Some(res.bytes().await.context("reading a file from the bucket")?.to_vec()))
            }
        }
    }

    /// Deletes `key` (nothing when it is not there).
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self {
            FileStore::Local(dir) => match tokio::fs::remove_file(dir.join(key)).await {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e).context("deleting a stored file"),
                _ => Ok(()),
            },
            FileStore::S3(s3) => {
                let url = s3.bucket.delete_object(Some(&s3.credentials), key).sign(SIGNED_FOR);
                let res = s3.http.delete(url).send().await.context("deleting a file from the bucket")?;
                check(res, "deleting a file from the bucket").await.map(drop)
            }
        }
    }

    /// Creates the bucket (tests and first set-up; an existing bucket is fine).
    pub async fn create_bucket(&self) -> anyhow::Result<()> {
        if let FileStore::S3(s3) = self {
            let url = s3.bucket.create_bucket(&s3.credentials).sign(SIGNED_FOR);
            let res = s3
                .http
                .put(url)
                .header(reqwest::header::CONTENT_LENGTH, "0")
                .send()
                .await
                .context("creating the bucket")?;
            if !(res.status().is_success() || res.status() == reqwest::StatusCode::CONFLICT) {
                check(res, "creating the bucket").await?;
            }
        }
        Ok(())
    }
}

async fn check(res: reqwest::Response, what: &str) -> anyhow::Result<reqwest::Response> {
    if res.status().is_success() {
        return Ok(res);
    }
    let status = res.status();
    let body: String = res.text().await.unwrap_or_default().chars().take(300).collect();
    bail!("{what}: the bucket answered {status}: {body}")
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}
