//! What an upload is, from its bytes (never its name or its declared type), and images made
//! safe: decoded within limits and encoded afresh, which drops EXIF and anything hidden in the
//! original, with a thumbnail.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// The longest side of a thumbnail.
pub const THUMBNAIL_SIDE: u32 = 320;
/// The largest image accepted, per side.
const MAX_SIDE: u32 = 10_000;

/// A kind of file accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Pdf,
    /// Office documents and spreadsheets (zip-based).
    Office(&'static str),
    /// Plain text (CSV included): UTF-8, no NUL, not markup.
    Text,
}

impl Kind {
    pub fn is_image(self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Webp)
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Kind::Png => "image/png",
            Kind::Jpeg => "image/jpeg",
            Kind::Gif => "image/gif",
            Kind::Webp => "image/webp",
            Kind::Pdf => "application/pdf",
            Kind::Office(mime) => mime,
            Kind::Text => "text/plain; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Kind::Png => "png",
            Kind::Jpeg => "jpg",
            Kind::Gif => "gif",
            Kind::Webp => "webp",
            Kind::Pdf => "pdf",
            Kind::Office("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") => "xlsx",
            Kind::Office(_) => "docx",
            Kind::Text => "txt",
        }
    }
}

/// Every content type a stored file may be served with.
pub const SERVED_TYPES: [&str; 8] = [
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "text/plain",
];

/// The kind of `bytes`, or `None` for anything else (HTML, scripts, executables, archives…).
pub fn sniff(bytes: &[u8]) -> Option<Kind> {
    if let Some(t) = infer::get(bytes) {
        return match t.mime_type() {
            "image/png" => Some(Kind::Png),
            "image/jpeg" => Some(Kind::Jpeg),
            "image/gif" => Some(Kind::Gif),
            "image/webp" => Some(Kind::Webp),
            "application/pdf" => Some(Kind::Pdf),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                Some(Kind::Office("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
            }
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(Kind::Office("application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
            }
            _ => None,
        };
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    (!text.contains('\0') && !start.starts_with('<')).then_some(Kind::Text)
}

/// An image encoded afresh, and its thumbnail, both in `format`.
pub struct Reencoded {
    pub kind: Kind,
    pub image: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

/// Decodes `bytes` (of image `kind`) within limits and encodes it again: JPEG stays JPEG, the
/// others become PNG. Blocking: run it off the async threads.
pub fn reencode(bytes: &[u8], kind: Kind) -> Result<Reencoded, String> {
    let format = match kind {
        Kind::Png => ImageFormat::Png,
        Kind::Jpeg => ImageFormat::Jpeg,
        Kind::Gif => ImageFormat::Gif,
        Kind::Webp => ImageFormat::WebP,
        _ => return Err("is not an image".into()),
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| format!("is not a readable image ({e})"))?;
    let (out_kind, out_format) =
        if kind == Kind::Jpeg { (Kind::Jpeg, ImageFormat::Jpeg) } else { (Kind::Png, ImageFormat::Png) };
    let img = if out_format == ImageFormat::Jpeg { DynamicImage::ImageRgb8(img.to_rgb8()) } else { img };
    let thumb = img.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    Ok(Reencoded { kind: out_kind, image: encode(&img, out_format)?, thumbnail: encode(&thumb, out_format)? })
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).map_err(|e| format!("could not be encoded again ({e})"))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::ImageRgb8(image::RgbImage::from_pixel(w, h, image::Rgb([200, 30, 30])));
        encode(&img, ImageFormat::Png).unwrap()
    }

    #[test]
    fn the_content_decides_the_kind() {
        assert_eq!(sniff(&png(2, 2)), Some(Kind::Png));
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(Kind::Pdf));
        assert_eq!(sniff(b"sku,name\nA1,Kopi\n"), Some(Kind::Text));
        assert_eq!(sniff(b"<!DOCTYPE html><script>alert(1)</script>"), None);
        assert_eq!(sniff(b"  <html>"), None);
        assert_eq!(sniff(b"MZ\x90\x00\x03\x00\x00\x00"), None, "an executable");
        assert_eq!(sniff(&[0xff, 0x00, 0x12]), None);
    }

    #[test]
    fn images_are_encoded_again_with_a_thumbnail() {
        let r = reencode(&png(1000, 500), Kind::Png).unwrap();
        assert_eq!(r.kind, Kind::Png);
        let thumb = image::load_from_memory(&r.thumbnail).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
        let full = image::load_from_memory(&r.image).unwrap();
        assert_eq!((full.width(), full.height()), (1000, 500));
        assert!(reencode(b"\x89PNG\r\n\x1a\nbroken", Kind::Png).is_err());
    }
}
