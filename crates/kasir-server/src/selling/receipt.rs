//! Receipts and invoices of a sale: laid out once as lines of text at the paper's width, then
//! written as plain text, as ESC/POS for thermal printers (ending with a paper cut), or as PDF
//! (a receipt-width page, or an A4 invoice), in a monospaced font so that columns line up.

use kasir_domain::Money;
use kasir_store::selling::sales::Sale;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

/// Everything printed besides the sale itself.
#[derive(Debug, Clone, Default)]
pub struct Letterhead {
    pub business: String,
    /// The outlet's receipt header (lines), or its name and address.
    pub header: Vec<String>,
    pub footer: Vec<String>,
    pub cashier: String,
    pub customer: Option<String>,
    /// ISO code of the tenant's currency (IDR has no minor unit).
    pub currency: String,
    /// The sale's time on the outlet's clock, `2026-11-21 14:05`.
    pub local_time: String,
}

/// A printed line: its text and how it is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub centered: bool,
    pub bold: bool,
}

impl Line {
    fn plain(text: impl Into<String>) -> Line {
        Line { text: text.into(), centered: false, bold: false }
    }
    fn centered(text: impl Into<String>) -> Line {
        Line { text: text.into(), centered: true, bold: false }
    }
    fn bold(text: impl Into<String>) -> Line {
        Line { text: text.into(), centered: false, bold: true }
    }
}

/// Characters per line of a receipt printer of this paper width (mm): 32 for 58 mm, 48 for 80 mm.
pub fn columns(width_mm: u32) -> usize {
    if width_mm >= 80 {
        48
    } else {
        32
    }
}

/// The receipt of `sale` as lines of at most `cols` characters.
pub fn lay_out(sale: &Sale, head: &Letterhead, cols: usize) -> Vec<Line> {
    let money = |v: i64| format_money(v, &head.currency);
    let rule = Line::plain("-".repeat(cols));
    let mut out: Vec<Line> = Vec::new();
    for h in std::iter::once(&head.business).chain(&head.header).filter(|h| !h.trim().is_empty()) {
        out.extend(wrap(h, cols).into_iter().map(Line::centered));
    }
    out.push(rule.clone());
    out.push(Line::plain(pair("No", &sale.number, cols)));
    out.push(Line::plain(pair("Date", &head.local_time, cols)));
    out.push(Line::plain(pair("Cashier", &head.cashier, cols)));
    if let Some(c) = &head.customer {
        out.push(Line::plain(pair("Customer", c, cols)));
    }
    out.push(rule.clone());
    for it in &sale.items {
        out.extend(wrap(&it.name, cols).into_iter().map(Line::plain));
        // A sale's prices were bounded when it was made; a damaged row shows its base price.
        let each = super::lines::unit_price_with(it.unit_price, &it.modifiers).map_or(it.unit_price, Money::get);
        out.push(Line::plain(pair(&format!("  {} x {}", it.quantity, money(each)), &money(it.gross), cols)));
        for m in &it.modifiers {
            out.push(Line::plain(format!("  + {} {}", m.name, money(m.price))));
        }
        if it.discount_total > 0 {
            out.push(Line::plain(pair("  Discount", &money(-it.discount_total), cols)));
        }
        if let Some(n) = &it.note {
            out.extend(wrap(&format!("  ({n})"), cols).into_iter().map(Line::plain));
        }
    }
    out.push(rule.clone());
    out.push(Line::plain(pair("Subtotal", &money(sale.subtotal), cols)));
    if sale.discount_total > 0 {
        out.push(Line::plain(pair("Discounts", &money(-sale.discount_total), cols)));
        for d in &sale.discounts {
            out.push(Line::plain(pair(&format!("  {}", d.name), &money(-d.amount), cols)));
        }
    }
    if sale.tax_total > 0 {
        let inclusive = sale.items.iter().all(|i| i.tax_inclusive || i.tax_total == 0);
        let label = if inclusive { "Tax (included)" } else { "Tax" };
        out.push(Line::plain(pair(label, &money(sale.tax_total), cols)));
    }
    if sale.rounding != 0 {
        out.push(Line::plain(pair("Rounding", &money(sale.rounding), cols)));
    }
    out.push(Line::bold(pair("TOTAL", &money(sale.total), cols)));
    for p in &sale.payments {
        out.push(Line::plain(pair(&p.name, &money(p.amount), cols)));
    }
    if sale.change > 0 {
        out.push(Line::plain(pair("Change", &money(sale.change), cols)));
    }
    if sale.refunded_total > 0 {
        out.push(Line::plain(pair("Refunded", &money(-sale.refunded_total), cols)));
    }
    if kasir_domain::SaleStatus::Voided.is(&sale.status) {
        out.push(Line::bold(format!("*** VOID: {} ***", sale.void_reason.clone().unwrap_or_default())));
    }
    out.push(rule);
    let footer: Vec<String> = if head.footer.is_empty() { vec!["Thank you".into()] } else { head.footer.clone() };
    for f in footer.iter().filter(|f| !f.trim().is_empty()) {
        out.extend(wrap(f, cols).into_iter().map(Line::centered));
    }
    out
}

/// What a kitchen ticket prints besides the order's items.
#[derive(Debug, Clone, Default)]
pub struct TicketHead {
    /// The station it is for (`KITCHEN` when it is the whole order).
    pub station: String,
    /// The table's name, for dine-in orders at a table.
    pub table: Option<String>,
    /// The order's time on the outlet's clock.
    pub local_time: String,
}

/// A kitchen ticket of `order`: what to prepare, large and plain, with no prices. Items already
/// paid or voided print the same: the kitchen prepares what was ordered.
pub fn kitchen_ticket(order: &kasir_store::restaurant::orders::Order, head: &TicketHead, cols: usize) -> Vec<Line> {
    let rule = Line::plain("=".repeat(cols));
    let mut out = vec![Line { text: head.station.to_uppercase(), centered: true, bold: true }];
    out.push(rule.clone());
    out.push(Line::bold(pair("Order", &order.number, cols)));
    let place = match &head.table {
        Some(t) => format!("Table {t}"),
        None => order.kind.replace('_', " "),
    };
    out.push(Line::plain(pair(&place, &head.local_time, cols)));
    if kasir_domain::OrderStatus::Voided.is(&order.status) {
        out.push(Line::bold("*** VOID ***"));
    }
    out.push(rule.clone());
    for it in &order.items {
        out.extend(wrap(&format!("{} x {}", it.quantity, it.name), cols).into_iter().map(Line::bold));
        for m in &it.modifiers {
            out.extend(wrap(&format!("  + {}", m.name), cols).into_iter().map(Line::plain));
        }
        if let Some(n) = &it.note {
            out.extend(wrap(&format!("  ! {n}"), cols).into_iter().map(Line::plain));
        }
    }
    if let Some(n) = &order.note {
        out.push(rule.clone());
        out.extend(wrap(&format!("Note: {n}"), cols).into_iter().map(Line::plain));
    }
    out.push(rule);
    out
}

/// The lines as text, centred ones padded, one per line.
pub fn text(lines: &[Line], cols: usize) -> String {
    let mut s = String::new();
    for l in lines {
        if l.centered {
            let pad = cols.saturating_sub(l.text.chars().count()) / 2;
            s.push_str(&" ".repeat(pad));
        }
        s.push_str(&l.text);
        s.push('\n');
    }
    s
}

/// ESC/POS bytes: initialise, the lines (centred and bold as set) in code page WPC1252, a few
/// blank lines, then a partial cut.
pub fn escpos(lines: &[Line]) -> Vec<u8> {
    let mut b: Vec<u8> = vec![0x1B, b'@', 0x1B, b't', 16];
    for l in lines {
        b.extend_from_slice(&[0x1B, b'a', u8::from(l.centered)]);
        if l.bold {
            b.extend_from_slice(&[0x1B, b'E', 1]);
        }
        b.extend(win_ansi(&l.text));
        if l.bold {
            b.extend_from_slice(&[0x1B, b'E', 0]);
        }
        b.push(b'\n');
    }
    b.extend_from_slice(&[0x1B, b'a', 0, 0x1B, b'd', 4]);
    // GS V 66 0: feed to the cutter and cut.
    b.extend_from_slice(&[0x1D, b'V', 66, 0]);
    b
}

/// A PDF of the lines: one page as wide as the paper (`width_pt`) and as long as the receipt,
/// or A4 pages (`a4`) for an invoice.
pub fn pdf(lines: &[Line], cols: usize, page: PageSize, title: &str) -> Vec<u8> {
    let font_size = match page {
        PageSize::Receipt { width_pt } => width_pt / (cols as f32 * 0.6 + 2.0),
        PageSize::A4 => 9.0,
    };
    let leading = font_size * 1.3;
    let (width, per_page) = match page {
        PageSize::Receipt { width_pt } => (width_pt, lines.len().max(1)),
        PageSize::A4 => (595.0, ((842.0 - 2.0 * 48.0) / leading) as usize),
    };
    let margin = match page {
        PageSize::Receipt { .. } => font_size,
        PageSize::A4 => 48.0,
    };
    let chunks: Vec<&[Line]> = lines.chunks(per_page.max(1)).collect();
    let mut pdf = Pdf::new();
    let (catalog, tree, regular, bold, info) = (Ref::new(1), Ref::new(2), Ref::new(3), Ref::new(4), Ref::new(5));
    pdf.catalog(catalog).pages(tree);
    pdf.document_info(info).title(pdf_writer::TextStr(title)).producer(pdf_writer::TextStr("Kasir"));
    let page_ids: Vec<Ref> = (0..chunks.len()).map(|i| Ref::new(10 + 2 * i as i32)).collect();
    pdf.pages(tree).kids(page_ids.iter().copied()).count(chunks.len() as i32);
    for (font, base) in [(regular, "Courier"), (bold, "Courier-Bold")] {
        pdf.type1_font(font).base_font(Name(base.as_bytes())).encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, chunk) in chunks.iter().enumerate() {
        let height = match page {
            PageSize::Receipt { .. } => 2.0 * margin + leading * chunk.len() as f32,
            PageSize::A4 => 842.0,
        };
        let content_id = Ref::new(11 + 2 * i as i32);
        let mut p = pdf.page(page_ids[i]);
        p.media_box(Rect::new(0.0, 0.0, width, height)).parent(tree).contents(content_id);
        p.resources().fonts().pair(Name(b"F1"), regular).pair(Name(b"F2"), bold);
        p.finish();
        let mut c = Content::new();
        let char_width = font_size * 0.6;
        for (k, l) in chunk.iter().enumerate() {
            let len = l.text.chars().count();
            let x = if l.centered { margin + cols.saturating_sub(len) as f32 / 2.0 * char_width } else { margin };
            let y = height - margin - leading * (k as f32 + 1.0) + (leading - font_size);
            c.begin_text();
            c.set_font(Name(if l.bold { b"F2" } else { b"F1" }), font_size);
            c.next_line(x, y);
            c.show(Str(&win_ansi(&l.text)));
            c.end_text();
        }
        pdf.stream(content_id, &c.finish());
    }
    pdf.finish()
}

/// The page a PDF is laid on.
#[derive(Debug, Clone, Copy)]
pub enum PageSize {
    /// A thermal roll: 58 mm is 164 pt, 80 mm is 227 pt.
    Receipt {
        width_pt: f32,
    },
    A4,
}

/// The invoice of a sale on A4: the receipt's lines at 90 columns, headed "INVOICE".
pub fn invoice_lines(sale: &Sale, head: &Letterhead) -> Vec<Line> {
    let mut lines = vec![Line::bold("INVOICE"), Line::plain("")];
    lines.extend(lay_out(sale, head, 90));
    lines
}

/// `label ........ value` across `cols` characters (the label cut short if it must be).
fn pair(label: &str, value: &str, cols: usize) -> String {
    let vlen = value.chars().count();
    let room = cols.saturating_sub(vlen + 1);
    let label: String = label.chars().take(room).collect();
    let gap = cols.saturating_sub(label.chars().count() + vlen).max(1);
    format!("{label}{}{value}", " ".repeat(gap))
}

/// Breaks `s` into lines of at most `cols` characters at spaces (long words are cut).
fn wrap(s: &str, cols: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let mut word: String = word.to_string();
        while word.chars().count() > cols {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            out.push(word.chars().take(cols).collect());
            word = word.chars().skip(cols).collect();
        }
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > cols && !line.is_empty() {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

/// A stored timestamp on an outlet's clock (`2026-11-21 14:05`), or as stored when it cannot be read.
pub fn clock_time(stamp: &str, zone: &str) -> String {
    stamp
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|ts| kasir_domain::time::outlet_clock(ts, zone).wall_time.replace('T', " ")[..16].to_string())
        .unwrap_or_else(|| stamp.to_string())
}

/// Minor units as a reader expects them: `150.000` in rupiah (no minor unit), `1,234.50` for
/// currencies with cents.
pub fn format_money(v: i64, currency: &str) -> String {
    let zero_decimals = matches!(currency, "IDR" | "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX");
    let sign = if v < 0 { "-" } else { "" };
    let abs = v.unsigned_abs();
    let (whole, cents) = if zero_decimals { (abs, None) } else { (abs / 100, Some(abs % 100)) };
    let digits = whole.to_string();
    let sep = if zero_decimals { '.' } else { ',' };
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(sep);
        }
        grouped.push(ch);
    }
    match cents {
        Some(c) => format!("{sign}{grouped}.{c:02}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Text in Windows-1252 (the PDF standard fonts' WinAnsiEncoding and ESC/POS code page 16);
/// characters it lacks become `?`.
fn win_ansi(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c as u32 {
            0x20..=0x7E | 0xA0..=0xFF => c as u32 as u8,
            0x20AC => 0x80,
            0x2013 => 0x96,
            0x2014 => 0x97,
            0x2018 => 0x91,
            0x2019 => 0x92,
            0x201C => 0x93,
            0x201D => 0x94,
            0x2022 => 0x95,
            0x2026 => 0x85,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_reads_as_its_currency() {
        assert_eq!(format_money(150_000, "IDR"), "150.000");
        assert_eq!(format_money(-1_234_567, "IDR"), "-1.234.567");
        assert_eq!(format_money(999, "IDR"), "999");
        assert_eq!(format_money(123_450, "USD"), "1,234.50");
        assert_eq!(format_money(5, "USD"), "0.05");
    }

    #[test]
    fn lines_fit_the_paper() {
        assert_eq!(pair("Subtotal", "114.000", 32).chars().count(), 32);
        assert_eq!(pair("A very long label that will not fit at all", "1.000", 32).chars().count(), 32);
        let w = wrap("Kopi Susu Gula Aren Spesial dengan Extra Shot", 16);
        assert!(w.iter().all(|l| l.chars().count() <= 16), "{w:?}");
        assert_eq!(w.join(" "), "Kopi Susu Gula Aren Spesial dengan Extra Shot");
    }

    #[test]
    fn win_ansi_keeps_latin_letters() {
        assert_eq!(win_ansi("Caffè €1"), vec![b'C', b'a', b'f', b'f', 0xE8, b' ', 0x80, b'1']);
        assert_eq!(win_ansi("咖啡"), b"??".to_vec());
    }
}
