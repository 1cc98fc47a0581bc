//! `POST /files`, `GET /files/{id}[/thumbnail]`, `POST /files/temp`, `GET /temp/{name}` and
//! `POST /products/{id}/image`.

use axum::{
    extract::{multipart::MultipartRejection, Multipart, Path, State},
    http::{header, HeaderValue},
    response::Response,
};
use kasir_domain::{files::FilePurpose, ErrorCode, Permission};
use kasir_store::{
    catalog::products::{Product, PRODUCTS},
    crud,
    platform::files::{self, StoredFile, TempFile},
    Value,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    content::{self, Kind},
    upload::{disposition, receive, serve},
};
use crate::{
    api::{
        created, ok,
        openapi::{binary_schema, ApiRouter, Method, Op},
        rule, ApiError, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

/// A stored file, as an upload answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileInfo {
    #[schema(format = Uuid)]
    pub id: String,
    /// The name it was uploaded with (for display only).
    pub name: String,
    /// Judged from the content.
    pub content_type: String,
    /// Bytes stored (after an image is encoded again).
    pub size: i64,
    pub purpose: String,
    pub url: String,
    /// Images only.
    pub thumbnail_url: Option<String>,
}

/// A temporary file: served once at `url`, deleted then or at `expires_at`.
#[derive(Debug, Serialize, ToSchema)]
pub struct TempInfo {
    pub name: String,
    pub url: String,
    #[schema(format = DateTime)]
    pub expires_at: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TempQuery {
    /// `download` serves it as an attachment.
    #[param(inline, value_type = Option<String>, pattern = "^download$")]
    pub s: Option<String>,
}

/// Answers with a stored file, in any of the types files are kept in.
trait Served {
    fn served(self) -> Op;
}

impl Served for Op {
    fn served(self) -> Op {
        let (first, rest) = content::SERVED_TYPES.split_first().expect("types");
        rest.iter().fold(self.ok_raw(200, first, binary_schema()), |op, t| op.or_content(t, binary_schema()))
    }
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let purposes: Vec<&str> = FilePurpose::ALL.iter().map(|p| p.as_str()).collect();
    api.route(
        Method::Post,
        "/files",
        upload,
        Op::new("files", "Upload a file (its type is judged from its content; images are encoded afresh)")
            .upload_with(
                "The file, at most KASIR_UPLOAD_MAX_MB",
                &[("purpose", "What the file is for", purposes.as_slice())],
            )
            .created::<FileInfo>()
            .errors(&[415]),
    )
    .route(
        Method::Get,
        "/files/{id}",
        read,
        Op::new("files", "A file's content (product and CMS images need no login)").path_id("id").served(),
    )
    .route(
        Method::Get,
        "/files/{id}/thumbnail",
        read_thumbnail,
        Op::new("files", "An image's thumbnail").path_id("id").served(),
    )
    .route(
        Method::Post,
        "/files/temp",
        upload_temp,
        Op::new("files", "Upload a temporary file, served once within 24 hours")
            .upload("The file, at most KASIR_UPLOAD_MAX_MB")
            .created::<TempInfo>()
            .errors(&[415]),
    )
    .route(
        Method::Get,
        "/temp/{name}",
        download_temp,
        Op::new("files", "A temporary file, once (then it is deleted)")
            .public()
            .path_text("name", "The name `POST /files/temp` gave")
            .query::<TempQuery>()
            .served()
            .errors(&[404]),
    )
    .route(
        Method::Post,
        "/products/{id}/image",
        product_image,
        Op::new("catalog", "Set a product's image (shown on the guest menu)")
            .path_id("id")
            .upload("A PNG, JPEG, GIF or WebP image, at most KASIR_UPLOAD_MAX_MB")
            .ok::<Product>()
            .errors(&[415]),
    )
}

fn unsupported(message: &str) -> ApiError {
    rule(ErrorCode::UnsupportedMediaType, message.into())
}

/// The file as it will be stored: its kind and bytes, and its thumbnail for an image.
async fn prepare(bytes: Vec<u8>, images_only: bool) -> Result<(Kind, Vec<u8>, Option<Vec<u8>>), ApiError> {
    let kind = content::sniff(&bytes).ok_or_else(|| {
        unsupported("this kind of file is not accepted: send an image (PNG, JPEG, GIF, WebP), a PDF, an Office document or plain text")
    })?;
    if images_only && !kind.is_image() {
        return Err(unsupported("this must be an image: PNG, JPEG, GIF or WebP"));
    }
    if !kind.is_image() {
        return Ok((kind, bytes, None));
    }
    let done = tokio::task::spawn_blocking(move || content::reencode(&bytes, kind))
        .await
        .map_err(|e| ApiError::internal("encoding an image", e))?
        .map_err(|m| ApiError::field("file", &m))?;
    Ok((done.kind, done.image, Some(done.thumbnail)))
}

fn stored_err(e: anyhow::Error) -> ApiError {
    ApiError::internal("the file store", e)
}

/// Stores an upload; `tenant_id` `None` for the platform's own.
/// Stores an uploaded file (sniffed, images re-encoded with a thumbnail) and records it;
/// `created_by` is the user or customer account that sent it.
pub async fn store_file(
    s: &AppState,
    created_by: Option<String>,
    tenant_id: Option<String>,
    purpose: FilePurpose,
    name: String,
    bytes: Vec<u8>,
) -> Result<StoredFile, ApiError> {
    let (kind, bytes, thumbnail) = prepare(bytes, purpose.images_only()).await?;
    let id = kasir_domain::ids::new_id();
    let owner = tenant_id.clone().unwrap_or_else(|| "platform".into());
    let key = format!("files/{owner}/{id}.{}", kind.extension());
    let thumbnail_key = thumbnail.as_ref().map(|_| format!("files/{owner}/{id}.thumb.{}", kind.extension()));
    let size = bytes.len() as i64;
    s.files.put(&key, bytes, kind.content_type()).await.map_err(stored_err)?;
    if let (Some(t), Some(k)) = (thumbnail, &thumbnail_key) {
        s.files.put(k, t, kind.content_type()).await.map_err(stored_err)?;
    }
    let record = StoredFile {
        id,
        tenant_id,
        purpose: purpose.as_str().into(),
        name,
        content_type: kind.content_type().into(),
        size,
        storage_key: key,
        thumbnail_key,
        created_by,
        created_at: kasir_domain::time::now(),
    };
    files::insert(&s.db, &record).await?;
    Ok(record)
}

fn info(f: &StoredFile) -> FileInfo {
    FileInfo {
        id: f.id.clone(),
        name: f.name.clone(),
        content_type: f.content_type.clone(),
        size: f.size,
        purpose: f.purpose.clone(),
        url: format!("/api/v1/files/{}", f.id),
        thumbnail_url: f.thumbnail_key.as_ref().map(|_| format!("/api/v1/files/{}/thumbnail", f.id)),
    }
}

async fn upload(
    State(s): State<AppState>,
    p: Principal,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let tenant_id = p.reading_tenant()?;
    let form = receive(&s, mp, true).await?;
    let purpose = match form.purpose.as_deref() {
        None | Some("") => return Err(ApiError::field("purpose", "is required")),
        Some(raw) => FilePurpose::parse(raw).ok_or_else(|| {
            let all: Vec<&str> = FilePurpose::ALL.iter().map(|p| p.as_str()).collect();
            ApiError::field("purpose", &format!("must be one of {}", all.join(", ")))
        })?,
    };
    if purpose == FilePurpose::ProductImage {
        p.require(Permission::CatalogManage)?;
    }
    let f = store_file(&s, p.user_id().map(str::to_string), tenant_id, purpose, form.name, form.bytes).await?;
    Ok(created(info(&f)))
}

/// The file `id` if this caller may read it: public ones to anyone, others to their tenant.
async fn readable(
    s: &AppState,
    p: Result<Principal, ApiError>,
    customer: Option<crate::accounts::Customer>,
    id: &str,
) -> Result<StoredFile, ApiError> {
    let id = kasir_domain::ids::parse_id(id).ok_or(ApiError::NotFound)?;
    let f = files::get(&s.db, &id).await?;
    let public = f.as_ref().and_then(|f| FilePurpose::parse(&f.purpose)).is_some_and(FilePurpose::is_public);
    if public {
        return f.ok_or(ApiError::NotFound);
    }
    // A customer of the shop's app reads what they uploaded themselves (their picture).
    if let Some(c) = customer {
        return f.filter(|f| f.created_by.as_deref() == Some(c.account.id.as_str())).ok_or(ApiError::NotFound);
    }
    let p = p?;
    let f = f.ok_or(ApiError::NotFound)?;
    let mine = if p.is_platform() {
        p.acting_tenant.is_none() || p.acting_tenant == f.tenant_id
    } else {
        Some(p.scope()?.tenant_id) == f.tenant_id
    };
    if mine {
        Ok(f)
    } else {
        Err(ApiError::NotFound)
    }
}

async fn read(
    State(s): State<AppState>,
    p: Result<Principal, ApiError>,
    customer: Option<crate::accounts::Customer>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let f = readable(&s, p, customer, &id).await?;
    let bytes = s.files.get(&f.storage_key).await.map_err(stored_err)?.ok_or(ApiError::NotFound)?;
    let kind = if f.content_type.starts_with("image/") { "inline" } else { "attachment" };
    Ok(serve(bytes, &f.content_type, Some(disposition(kind, &f.name))))
}

async fn read_thumbnail(
    State(s): State<AppState>,
    p: Result<Principal, ApiError>,
    customer: Option<crate::accounts::Customer>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let f = readable(&s, p, customer, &id).await?;
    let key = f.thumbnail_key.ok_or(ApiError::NotFound)?;
    let bytes = s.files.get(&key).await.map_err(stored_err)?.ok_or(ApiError::NotFound)?;
    Ok(serve(bytes, &f.content_type, None))
}

async fn upload_temp(
    State(s): State<AppState>,
    p: Principal,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let tenant_id = p.reading_tenant()?;
    let form = receive(&s, mp, false).await?;
    let (kind, bytes, _) = prepare(form.bytes, false).await?;
    let name = crate::auth::tokens::random_secret();
    let key = format!("temp/{name}");
    let size = bytes.len() as i64;
    s.files.put(&key, bytes, kind.content_type()).await.map_err(stored_err)?;
    let expires_at = kasir_domain::time::now_plus_seconds(super::TEMP_KEPT_HOURS * 3600);
    let record = TempFile {
        name: name.clone(),
        tenant_id,
        download_name: form.name,
        content_type: kind.content_type().into(),
        size,
        storage_key: key,
        created_at: kasir_domain::time::now(),
        expires_at: expires_at.clone(),
    };
    files::insert_temp(&s.db, &record).await?;
    Ok(created(TempInfo { url: format!("/api/v1/temp/{name}"), name, expires_at }))
}

async fn download_temp(
    State(s): State<AppState>,
    Path(name): Path<String>,
    ApiQuery(q): ApiQuery<TempQuery>,
) -> Result<Response, ApiError> {
    if name.len() > 64 || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(ApiError::NotFound);
    }
    let download = match q.s.as_deref() {
        None => false,
        Some("download") => true,
        Some(_) => return Err(ApiError::field("s", "must be download")),
    };
    let f = files::take_temp(&s.db, &name, &kasir_domain::time::now()).await?.ok_or(ApiError::NotFound)?;
    let bytes = s.files.get(&f.storage_key).await.map_err(stored_err)?.ok_or(ApiError::NotFound)?;
    s.files.delete(&f.storage_key).await.map_err(stored_err)?;
    let kind = if download || !f.content_type.starts_with("image/") { "attachment" } else { "inline" };
    let mut res = serve(bytes, &f.content_type, Some(disposition(kind, &f.download_name)));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

async fn product_image(
    State(s): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    mp: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    p.require(Permission::CatalogManage)?;
    let scope = p.scope()?;
    let id = kasir_domain::ids::parse_id(&id).ok_or(ApiError::NotFound)?;
    // The product must be this tenant's before anything is stored.
    let _: Product = crud::get(&s.db, &PRODUCTS, &scope, &id).await?;
    let form = receive(&s, mp, false).await?;
    let f = store_file(
        &s,
        p.user_id().map(str::to_string),
        Some(scope.tenant_id.clone()),
        FilePurpose::ProductImage,
        form.name,
        form.bytes,
    )
    .await?;
    let mut tx = s.db.begin(p.actor()).await?;
    let url = format!("/api/v1/files/{}", f.id);
    let product: Product =
        crud::update(&mut tx, &PRODUCTS, &scope, &id, None, &[("image_url", Value::text(url))]).await?;
    tx.commit().await?;
    Ok(ok(product))
}
