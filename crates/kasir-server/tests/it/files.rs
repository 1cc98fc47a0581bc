//! Files: the type comes from the content, images are encoded afresh (EXIF gone) with a
//! thumbnail, each tenant reads its own, temporary files are served once, product images reach
//! the guest menu, and the bytes can live in an S3-compatible bucket.

use std::{
    io::Cursor,
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::Duration,
};

use kasir_store::platform::jobs::NewJob;
use reqwest::Method;
use serde_json::json;

use crate::{
    backend_tests,
    common::{eventually, upload, Backend, TestServer},
    restaurant::resto,
    till::Till,
};

pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([10, 120, 200])));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG carrying an EXIF segment with a (fake) GPS note in it.
fn jpeg_with_exif() -> Vec<u8> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_pixel(64, 48, image::Rgb([200, 10, 10])));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    let plain = out.into_inner();
    let payload = b"Exif\0\0GPS -6.2000,106.8166 secret-location";
    let mut segment = vec![0xFF, 0xE1];
    segment.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    segment.extend_from_slice(payload);
    let mut with = plain[..2].to_vec();
    with.extend(segment);
    with.extend_from_slice(&plain[2..]);
    with
}

async fn fetch(s: &TestServer, url: &str, token: Option<&str>) -> (u16, Vec<u8>, reqwest::header::HeaderMap) {
    let mut req = s.raw().get(format!("{}{url}", s.base));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("fetched");
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    (status, res.bytes().await.expect("bytes").to_vec(), headers)
}

fn data_dir(c: &mut kasir_server::Config) {
    c.data_dir = std::env::temp_dir().join(format!("kasir-files-{}", kasir_domain::ids::new_id()));
}

async fn uploads_are_judged_by_their_content(b: Backend) {
    let s = TestServer::start_with(b, |c| {
        data_dir(c);
        c.upload_max_mb = 1;
    })
    .await;
    let t = Till::new(&s).await;
    // A PNG named like a program is a PNG.
    let r = upload(&s, &t.owner, "/files", "x.exe", png(1000, 500), &[("purpose", "product_image")]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let f = r.data().clone();
    assert_eq!(
        (f["content_type"].as_str(), f["name"].as_str(), f["purpose"].as_str()),
        (Some("image/png"), Some("x.exe"), Some("product_image"))
    );
    let (status, bytes, headers) = fetch(&s, f["url"].as_str().unwrap(), Some(&t.owner)).await;
    assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "image/png"));
    assert_eq!(bytes.len() as i64, f["size"].as_i64().unwrap());
    let img = image::load_from_memory(&bytes).unwrap();
    assert_eq!((img.width(), img.height()), (1000, 500));
    let (status, thumb, _) = fetch(&s, f["thumbnail_url"].as_str().unwrap(), Some(&t.owner)).await;
    assert_eq!(status, 200);
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 160));

    // EXIF does not survive.
    let jpeg = jpeg_with_exif();
    assert!(jpeg.windows(15).any(|w| w == b"secret-location"));
    let r = upload(&s, &t.owner, "/files", "me.jpg", jpeg, &[("purpose", "profile_image")]).await;
    assert_eq!((r.status, r.data()["content_type"].as_str()), (201, Some("image/jpeg")), "{:?}", r.body);
    let (_, stored, _) = fetch(&s, r.data()["url"].as_str().unwrap(), Some(&t.owner)).await;
    assert!(!stored.windows(4).any(|w| w == b"Exif") && !stored.windows(15).any(|w| w == b"secret-location"));
    assert_eq!(image::load_from_memory(&stored).unwrap().width(), 64);

    // HTML named like an image is refused; so is a PDF where an image is due.
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let r = upload(&s, &t.owner, "/files", "x.png", html, &[("purpose", "product_image")]).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"), "{:?}", r.body);
    let pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec();
    let r = upload(&s, &t.owner, "/files", "menu.pdf", pdf.clone(), &[("purpose", "product_image")]).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"));
    let r = upload(&s, &t.owner, "/files", "../../etc/passwd.pdf", pdf.clone(), &[("purpose", "document")]).await;
    assert_eq!((r.status, r.data()["content_type"].as_str()), (201, Some("application/pdf")), "{:?}", r.body);
    assert_eq!((r.data()["name"].as_str(), r.data()["thumbnail_url"].as_str()), (Some("passwd.pdf"), None));
    let doc = r.data()["url"].as_str().unwrap().to_string();
    let (status, bytes, headers) = fetch(&s, &doc, Some(&t.owner)).await;
    assert_eq!((status, bytes), (200, pdf));
    assert!(headers["content-disposition"].to_str().unwrap().starts_with("attachment; filename=\"passwd.pdf\""));

    // Too large, no purpose, an unknown purpose.
    let big = vec![b'a'; 1024 * 1024 + 1];
    let r = upload(&s, &t.owner, "/files", "big.txt", big, &[("purpose", "document")]).await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"), "{:?}", r.body);
    let r = upload(&s, &t.owner, "/files", "a.png", png(2, 2), &[]).await;
    assert_eq!((r.status, r.fields()), (400, vec!["purpose".to_string()]));
    let r = upload(&s, &t.owner, "/files", "a.png", png(2, 2), &[("purpose", "avatar")]).await;
    assert_eq!((r.status, r.fields()), (400, vec!["purpose".to_string()]));

    // Another tenant reads nothing private; anyone reads product images.
    let other = s.tenant("other").await;
    assert_eq!(fetch(&s, &doc, Some(&other.owner)).await.0, 404);
    assert_eq!(fetch(&s, &doc, None).await.0, 401);
    assert_eq!(fetch(&s, f["url"].as_str().unwrap(), None).await.0, 200);
    assert_eq!(fetch(&s, "/api/v1/files/not-an-id", Some(&t.owner)).await.0, 404);
}

async fn temporary_files_are_served_once_and_expire(b: Backend) {
    let dir = std::env::temp_dir().join(format!("kasir-files-{}", kasir_domain::ids::new_id()));
    let s = TestServer::start_with(b, |c| {
        c.data_dir = dir.clone();
        c.jobs.poll = Duration::from_millis(20);
    })
    .await;
    let t = Till::new(&s).await;
    let csv = b"sku,name\nKOPI,Kopi Susu\n".to_vec();
    let r = upload(&s, &t.owner, "/files/temp", "laporan harian.csv", csv.clone(), &[]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let url = r.data()["url"].as_str().unwrap().to_string();
    assert!(r.data()["expires_at"].as_str().unwrap() > kasir_domain::time::now().as_str());
    let (status, bytes, headers) = fetch(&s, &format!("{url}?s=download"), None).await;
    assert_eq!((status, bytes), (200, csv.clone()));
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"laporan harian.csv\""));
    assert_eq!(fetch(&s, &url, None).await.0, 404, "served once");
    assert_eq!(std::fs::read_dir(dir.join("temp")).unwrap().count(), 0, "and deleted");

    // An unread one past its day is deleted by the hourly job.
    let r = upload(&s, &t.owner, "/files/temp", "old.csv", csv, &[]).await;
    let url = r.data()["url"].as_str().unwrap().to_string();
    assert_eq!(std::fs::read_dir(dir.join("temp")).unwrap().count(), 1);
    kasir_store::raw_execute(&s.state.db, "UPDATE temp_files SET expires_at = '2000-01-01T00:00:00.000Z'")
        .await
        .unwrap();
    s.state.jobs.enqueue(&s.state.db, &NewJob::new("delete_temp_files", json!({}))).await.unwrap();
    eventually(10, "the unread file deleted", || async {
        (std::fs::read_dir(dir.join("temp")).unwrap().count() == 0).then_some(())
    })
    .await;
    assert_eq!(fetch(&s, &url, None).await.0, 404);
}

async fn product_images_reach_the_guest_menu(b: Backend) {
    let s = TestServer::start_with(b, data_dir).await;
    let r = resto(&s).await;
    let t = &r.t;
    let set = upload(&s, &t.owner, &format!("/products/{}/image", r.coffee), "kopi.png", png(40, 40), &[]).await;
    assert_eq!(set.status, 200, "{:?}", set.body);
    let image_url = set.data()["image_url"].as_str().expect("image_url").to_string();
    assert!(image_url.starts_with("/api/v1/files/"));
    let cashier = upload(&s, &t.cashier, &format!("/products/{}/image", r.coffee), "k.png", png(4, 4), &[]).await;
    assert_eq!(cashier.status, 403);
    let other = s.tenant("other").await;
    let theirs = upload(&s, &other.owner, &format!("/products/{}/image", r.coffee), "k.png", png(4, 4), &[]).await;
    assert_eq!(theirs.status, 404);
    let session = s.post("/table-sessions", &t.cashier, json!({"table_id": r.tables[0]})).await;
    let token = session.data()["token"].as_str().unwrap().to_string();
    let menu = s.send(Method::GET, "/guest/menu", None, None, &[("x-table-session", &token)]).await;
    assert_eq!(menu.status, 200, "{:?}", menu.body);
    let items = menu.data()["products"].as_array().cloned().unwrap_or_default();
    let kopi = items.iter().find(|i| i["id"] == r.coffee.as_str()).expect("the coffee on the menu");
    assert_eq!(kopi["image_url"], image_url.as_str());
    let nasi = items.iter().find(|i| i["id"] == r.rice.as_str()).expect("the rice on the menu");
    assert!(nasi["image_url"].is_null());
    // A guest's browser fetches it without a login.
    let (status, bytes, _) = fetch(&s, &image_url, None).await;
    assert_eq!((status, image::load_from_memory(&bytes).unwrap().width()), (200, 40));
}

/// A local S3-compatible server (moto), stopped when dropped.
struct Moto(Child, u16);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn moto() -> Moto {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new("python3")
        .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("moto's server starts (scripts/test installs it)");
    let m = Moto(child, port);
    eventually(30, "moto listening", || async {
        reqwest::get(format!("http://127.0.0.1:{port}/")).await.ok().map(drop)
    })
    .await;
    m
}

async fn files_can_live_in_an_s3_bucket(b: Backend) {
    let m = moto().await;
    let url = format!("http://test-key:test-secret@127.0.0.1:{}/kasir-files?region=ap-southeast-3", m.1);
    let store = kasir_server::platform::files::FileStore::s3(&url).unwrap();
    store.create_bucket().await.unwrap();
    let s = TestServer::start_with(b, |c| c.s3_url = Some(url.clone())).await;
    let t = Till::new(&s).await;
    let r = upload(&s, &t.owner, "/files", "kopi.png", png(30, 20), &[("purpose", "product_image")]).await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let id = r.data()["id"].as_str().unwrap().to_string();
    let (status, bytes, _) = fetch(&s, r.data()["url"].as_str().unwrap(), None).await;
    assert_eq!((status, image::load_from_memory(&bytes).unwrap().height()), (200, 20));
    // The bucket holds the image and its thumbnail under keys made from the id.
    let listing = reqwest::get(format!("http://127.0.0.1:{}/kasir-files", m.1)).await.unwrap().text().await.unwrap();
    let key = format!("files/{}/{id}.png", t.tenant_id);
    assert!(listing.contains(&key) && listing.contains(&format!("files/{}/{id}.thumb.png", t.tenant_id)), "{listing}");
    assert_eq!(store.get(&key).await.unwrap(), Some(bytes));
    // Temporary files too, deleted once served.
    let temp = upload(&s, &t.owner, "/files/temp", "a.csv", b"a,b\n1,2\n".to_vec(), &[]).await;
    let name = temp.data()["name"].as_str().unwrap().to_string();
    assert_eq!(store.get(&format!("temp/{name}")).await.unwrap().as_deref(), Some(&b"a,b\n1,2\n"[..]));
    assert_eq!(fetch(&s, temp.data()["url"].as_str().unwrap(), None).await.0, 200);
    assert_eq!(store.get(&format!("temp/{name}")).await.unwrap(), None);
}

backend_tests!(
    uploads_are_judged_by_their_content,
    temporary_files_are_served_once_and_expire,
    product_images_reach_the_guest_menu,
    files_can_live_in_an_s3_bucket,
);
