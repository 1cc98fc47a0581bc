use serde_json::json;

use crate::{
    common::{Backend, TestServer},
    till::{id, Till},
};

crate::backend_tests!(receipts_print_the_sale_as_text_escpos_and_pdf, an_invoice_is_an_a4_pdf);

async fn download(s: &TestServer, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let r = s.raw().get(format!("{}/api/v1{path}", s.base)).bearer_auth(token).send().await.unwrap();
    let status = r.status().as_u16();
    let ctype = r.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (status, ctype, r.bytes().await.unwrap().to_vec())
}

/// A sale of a latte and two cakes with a 10 % order discount, paid 100.000 in cash.
async fn sale(s: &TestServer, t: &Till) -> String {
    let r = s
        .patch(
            &format!("/outlets/{}", t.outlet),
            &t.owner,
            json!({"receipt_header": "Kopi Kita\nJl. Sudirman 1", "receipt_footer": "Terima kasih"}),
        )
        .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let latte = t.product(s, "LATTE", 32000, json!({"name": "Caffè Latte", "track_stock": false})).await;
    let cake = t.product(s, "CAKE", 25000, json!({"name": "Cheesecake", "track_stock": false})).await;
    t.open_shift(s, &t.cashier, 0).await;
    let mut body = t.sale(json!([{"product_id": latte, "quantity": 1}, {"product_id": cake, "quantity": 2}]), 100000);
    body["discount"] = json!({"type": "percent", "value": 1000});
    let r = t.sell(s, &t.cashier, body).await;
    assert_eq!((r.status, r.data()["total"].clone()), (201, json!(73800)), "{:?}", r.body);
    id(&r)
}

fn pdf_text(bytes: &[u8]) -> (String, Vec<f32>) {
    let doc = lopdf::Document::load_mem(bytes).expect("a PDF that parses");
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let text = doc.extract_text(&pages).expect("its text");
    let first = doc.get_pages()[&pages[0]];
    let media = doc.get_object(first).unwrap().as_dict().unwrap().get(b"MediaBox").unwrap().as_array().unwrap().clone();
    let media = media.iter().map(|v| v.as_float().unwrap_or_else(|_| v.as_i64().unwrap() as f32)).collect();
    (text, media)
}

async fn receipts_print_the_sale_as_text_escpos_and_pdf(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let sale_id = sale(&s, &t).await;
    let number = s.get(&format!("/sales/{sale_id}"), &t.owner).await.data()["number"].as_str().unwrap().to_string();

    let (status, ctype, body) =
        download(&s, &t.cashier, &format!("/sales/{sale_id}/receipt?format=text&width=58")).await;
    assert_eq!((status, ctype.as_str()), (200, "text/plain; charset=utf-8"));
    let text = String::from_utf8(body).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 32), "58 mm is 32 columns:\n{text}");
    for expected in [
        "Kopi Kita",
        "Jl. Sudirman 1",
        number.as_str(),
        "Caffè Latte",
        "2 x 25.000",
        "TOTAL",
        "73.800",
        "Change",
        "26.200",
        "Terima kasih",
        "kasir1",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let wide = download(&s, &t.cashier, &format!("/sales/{sale_id}/receipt?format=text&width=80")).await.2;
    let wide = String::from_utf8(wide).unwrap();
    assert!(wide.lines().any(|l| l.chars().count() == 48), "80 mm is 48 columns:\n{wide}");

    let (status, _, esc) = download(&s, &t.cashier, &format!("/sales/{sale_id}/receipt?format=escpos")).await;
    assert_eq!(status, 200);
    assert_eq!(&esc[..2], &[0x1B, b'@'], "starts by initialising the printer");
    assert_eq!(&esc[esc.len() - 4..], &[0x1D, b'V', 66, 0], "ends with a paper cut");
    assert!(esc.windows(5).any(|w| w == b"TOTAL"));
    assert!(esc.windows(6).any(|w| w == b"Caff\xe8 "), "Latin letters in code page 1252");

    let (status, ctype, pdf) = download(&s, &t.cashier, &format!("/sales/{sale_id}/receipt?format=pdf&width=58")).await;
    assert_eq!((status, ctype.as_str()), (200, "application/pdf"));
    let (text, media) = pdf_text(&pdf);
    for expected in [number.as_str(), "TOTAL", "73.800", "Cheesecake", "Terima kasih"] {
        assert!(text.contains(expected), "{expected} missing from the PDF's text:\n{text}");
    }
    assert!((media[2] - 164.4).abs() < 1.0, "58 mm wide: {media:?}");

    assert_eq!(download(&s, &t.cashier, &format!("/sales/{sale_id}/receipt?width=70")).await.0, 400);
    assert_eq!(download(&s, &t.cashier, &format!("/sales/{sale_id}/receipt?format=xml")).await.0, 400);
    let other = s.tenant("other").await;
    assert_eq!(download(&s, &other.owner, &format!("/sales/{sale_id}/receipt")).await.0, 404);
}

async fn an_invoice_is_an_a4_pdf(b: Backend) {
    let s = TestServer::start(b).await;
    let t = Till::new(&s).await;
    let sale_id = sale(&s, &t).await;
    let (status, ctype, pdf) = download(&s, &t.owner, &format!("/sales/{sale_id}/invoice")).await;
    assert_eq!((status, ctype.as_str()), (200, "application/pdf"));
    let (text, media) = pdf_text(&pdf);
    assert_eq!(media, vec![0.0, 0.0, 595.0, 842.0], "A4");
    for expected in ["INVOICE", "Kopi Kita", "Caffè Latte", "Discounts", "-8.200", "73.800"] {
        assert!(text.contains(expected), "{expected} missing from the invoice:\n{text}");
    }
}
