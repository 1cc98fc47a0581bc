//! QR codes of table sessions, as SVG or PNG. The PNG is written here (a greyscale image, one
//! zlib stream): the format needs only a signature, three chunks and their CRCs.

use std::io::Write;

use qrcode::{render::svg, Color, EcLevel, QrCode};

/// Modules of light margin around the code (the standard's quiet zone).
const QUIET: usize = 4;
/// Pixels per module in the PNG.
const SCALE: usize = 8;

fn code(data: &str) -> Result<QrCode, String> {
    QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M).map_err(|e| format!("QR code: {e}"))
}

/// The code as an SVG document, at least 256 px square.
pub fn svg(data: &str) -> Result<String, String> {
    Ok(code(data)?.render::<svg::Color>().min_dimensions(256, 256).quiet_zone(true).build())
}

/// The code as a PNG: 8-bit greyscale, `SCALE` pixels per module, with the quiet zone.
pub fn png(data: &str) -> Result<Vec<u8>, String> {
    let code = code(data)?;
    let modules = code.width();
    let colors = code.to_colors();
    let side = (modules + 2 * QUIET) * SCALE;
    let mut raw = Vec::with_capacity((side + 1) * side);
    for y in 0..side {
        raw.push(0); // filter: none
        let my = (y / SCALE).checked_sub(QUIET).filter(|m| *m < modules);
        for x in 0..side {
            let mx = (x / SCALE).checked_sub(QUIET).filter(|m| *m < modules);
            let dark = matches!((mx, my), (Some(mx), Some(my)) if colors[my * modules + mx] == Color::Dark);
            raw.push(if dark { 0 } else { 255 });
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(&raw).map_err(|e| format!("PNG: {e}"))?;
    let idat = z.finish().map_err(|e| format!("PNG: {e}"))?;

    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let side = u32::try_from(side).map_err(|_| "PNG: too large".to_string())?;
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&side.to_be_bytes());
    // Bit depth 8, colour type 0 (greyscale), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_valid_chunks_and_the_expected_size() {
        let bytes = png("https://pos.example/guest?session=abc").unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let side = u32::from_be_bytes(bytes[16..20].try_into().unwrap()) as usize;
        let modules = code("https://pos.example/guest?session=abc").unwrap().width();
        assert_eq!(side, (modules + 8) * SCALE);
        // Every chunk's CRC checks out, and the last is IEND.
        let mut at = 8;
        let mut kinds = Vec::new();
        while at < bytes.len() {
            let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
            let body = &bytes[at + 4..at + 8 + len];
            let crc = u32::from_be_bytes(bytes[at + 8 + len..at + 12 + len].try_into().unwrap());
            assert_eq!(crc32fast::hash(body), crc);
            kinds.push(String::from_utf8_lossy(&body[..4]).to_string());
            at += 12 + len;
        }
        assert_eq!(kinds, ["IHDR", "IDAT", "IEND"]);
    }

    #[test]
    fn svg_is_a_document() {
        let s = svg("x").unwrap();
        assert!(s.starts_with("<?xml") && s.contains("<svg"), "{s}");
    }
}
