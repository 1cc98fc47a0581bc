//! `GET /tenants/{id}/export` and `POST /tenants/import`: one tenant in the backup format of
//! `kasir backup` (see `kasir_store::platform::backup`), streamed out and spooled in.

use std::io::{Seek, Write};

use axum::{
    body::Body,
    extract::{multipart::MultipartRejection, Multipart, State},
    http::{header, HeaderValue},
    response::Response,
};
use bytes::Bytes;
use kasir_domain::Permission;
use kasir_store::platform::backup::{self, Content};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    api::{
        created,
        openapi::{binary_schema, ApiRouter, Method, Op},
        sheet, ApiError, IdPath,
    },
    auth::Principal,
    state::AppState,
};

/// The largest export `POST /tenants/import` takes (it is spooled to disk, not held in memory).
pub const IMPORT_LIMIT: usize = 2 * 1024 * 1024 * 1024;

/// What an import loaded.
#[derive(Debug, Serialize, ToSchema)]
pub struct Imported {
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub tables: u64,
    pub rows: u64,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/tenants/{id}/export",
        export,
        Op::new("tenants", "Export a tenant's data in the backup format (tenant owner)").path_id("id").ok_raw(
            200,
            "application/gzip",
            binary_schema(),
        ),
    )
    .route(
        Method::Post,
        "/tenants/import",
        import,
        Op::new("tenants", "Import a tenant's export into this server, ids kept (platform operator)")
            .upload("A tenant's export, as `GET /tenants/{id}/export` wrote it")
            .upload_limit(IMPORT_LIMIT + 64 * 1024)
            .created::<Imported>()
            .errors(&[409]),
    )
}

async fn export(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    if !(p.is_platform() || p.tenant_id.as_deref() == Some(id.as_str())) {
        return Err(ApiError::NotFound);
    }
    if !p.is_platform() {
        p.require(Permission::SettingsManage)?;
    }
    let tenant = kasir_store::tenancy::tenants::get(&s.db, &id).await?;
    let mut tx = s.db.begin(p.actor()).await?;
    tx.audit(Some(&id), "tenant.export", "tenant", Some(&id), serde_json::Value::Null);
    tx.commit().await?;

    // The dump writes into a queue that the response body drains: the client's pace is the
    // dump's. A failure part-way aborts the body, so the client never takes it for whole.
    let (chunks, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(8);
    let db = s.db.clone();
    let failed = chunks.clone();
    tokio::spawn(async move {
        let sink = ChunkWriter { chunks, buffer: Vec::with_capacity(CHUNK) };
        if let Err(e) = backup::dump(&db, &Content::Tenant(id.clone()), Box::new(sink)).await {
            tracing::warn!(tenant_id = %id, error = %e, "a tenant export stopped");
            let _ = failed.send(Err(std::io::Error::other(e.to_string()))).await;
        }
    });
    let stream = futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|chunk| (chunk, rx)) });
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/gzip"));
    let date = kasir_domain::time::now().chars().take(10).collect::<String>();
    let name = format!("attachment; filename=\"{}-{date}.kasir\"", tenant.slug);
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

const CHUNK: usize = 64 * 1024;

/// A blocking writer (the dump's encoder thread) into the response body's queue.
struct ChunkWriter {
    chunks: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl ChunkWriter {
    fn send(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK)));
        self.chunks
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client went away"))
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.send()
    }
}

async fn import(
    State(s): State<AppState>,
    p: Principal,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    p.require(Permission::TenantsManage)?;
    let mut mp = multipart
        .map_err(|_| ApiError::BadRequest("send the export as multipart/form-data in a field named `file`".into()))?;
    let (mut file, _, _) = sheet::spool_file(&mut mp, IMPORT_LIMIT, "2 GiB").await?;
    if file.len == 0 {
        return Err(ApiError::field("file", "is empty"));
    }
    file.file.rewind().map_err(|e| ApiError::internal("reading a spooled upload", e))?;
    let (tenant_id, summary) = backup::import_tenant(&s.db, p.actor(), Box::new(file.file)).await?;
    Ok(created(Imported { tenant_id, tables: summary.tables, rows: summary.rows }))
}
