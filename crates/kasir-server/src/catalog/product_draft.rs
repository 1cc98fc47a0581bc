//! A product as a request or an import row states it, checked field by field before anything
//! is read or written: names, codes, prices, variants, stock settings.

use kasir_domain::{FieldError, Quantity, Violations};
use kasir_store::{
    catalog::products::{Code, Product, Variant},
    Value,
};

use kasir_domain::MAX_MONEY;

use serde::Deserialize;
use utoipa::ToSchema;

/// A variant as a client sends it; a new variant may omit its id.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantInput {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(pattern = r"^[!-~]{1,64}$")]
    pub sku: String,
    #[serde(default)]
    pub barcodes: Vec<String>,
    /// Defaults to the product's price.
    pub price: Option<i64>,
    pub cost: Option<i64>,
}

/// A product's full intended state, from a create, from the current record plus a patch, or from
/// rows of an imported file.
pub(crate) struct Draft {
    pub sku: String,
    pub name: String,
    pub category_id: Option<String>,
    pub brand_id: Option<String>,
    pub tax_id: Option<String>,
    pub price: i64,
    pub cost: i64,
    pub unit: String,
    pub track_stock: bool,
    pub low_stock_threshold: Option<Quantity>,
    pub is_active: bool,
    pub barcodes: Vec<String>,
    pub variants: Vec<VariantInput>,
    pub modifier_group_ids: Vec<String>,
}

impl Draft {
    /// The draft a new product starts from: the API's defaults.
    pub fn new(sku: String, name: String, price: i64) -> Draft {
        Draft {
            sku,
            name,
            category_id: None,
            brand_id: None,
            tax_id: None,
            price,
            cost: 0,
            unit: "pcs".into(),
            track_stock: true,
            low_stock_threshold: None,
            is_active: true,
            barcodes: Vec::new(),
            variants: Vec::new(),
            modifier_group_ids: Vec::new(),
        }
    }

    /// The draft that leaves `c` as it is.
    pub fn of(c: &Product) -> Draft {
        Draft {
            sku: c.sku.clone(),
            name: c.name.clone(),
            category_id: c.category_id.clone(),
            brand_id: c.brand_id.clone(),
            tax_id: c.tax_id.clone(),
            price: c.price,
            cost: c.cost,
            unit: c.unit.clone(),
            track_stock: c.track_stock.0,
            low_stock_threshold: c.low_stock_threshold.map(Quantity),
            is_active: c.is_active.0,
            barcodes: c.barcodes.0.clone(),
            variants: c.variants.0.iter().map(VariantInput::of).collect(),
            modifier_group_ids: c.modifier_group_ids.0.clone(),
        }
    }
}

impl VariantInput {
    pub(crate) fn of(v: &Variant) -> VariantInput {
        VariantInput {
            id: Some(v.id.clone()),
            name: v.name.clone(),
            sku: v.sku.clone(),
            barcodes: v.barcodes.clone(),
            price: v.price,
            cost: v.cost,
        }
    }
}

/// A draft that passed every check needing no database: its column values and codes, and the
/// references still to be checked.
pub(crate) struct Checked {
    pub values: Vec<(&'static str, Value)>,
    pub codes: Vec<Code>,
    pub(crate) category_id: Option<String>,
    pub(crate) brand_id: Option<String>,
    pub(crate) tax_id: Option<String>,
    pub(crate) group_ids: Vec<String>,
}

fn code(v: &mut Violations, field: &str, raw: &str) -> String {
    let s = raw.trim();
    if s.is_empty() || s.len() > 64 || !s.chars().all(|c| c.is_ascii_graphic()) {
        v.add(field, "must be 1 to 64 visible characters without spaces");
    }
    s.to_string()
}

fn money(v: &mut Violations, field: &str, value: i64) -> i64 {
    v.range(field, value, 0, MAX_MONEY)
}

/// The checks of a draft that need no database.
pub(crate) fn validate(d: Draft) -> Result<Checked, Vec<FieldError>> {
    let mut v = Violations::new();
    let mut codes: Vec<Code> = Vec::new();
    let mut add_code =
        |v: &mut Violations, kind: &'static str, raw: &str, variant_id: Option<String>, field: String| {
            let c = code(v, &field, raw);
            if codes.iter().any(|x| x.kind == kind && x.code == c) {
                v.add(&field, format!("repeats a {kind} used elsewhere in this product"));
            }
            codes.push(Code { kind, code: c, variant_id, field });
        };
    add_code(&mut v, "sku", &d.sku, None, "sku".into());
    if d.barcodes.len() > 20 {
        v.add("barcodes", "at most 20");
    }
    for (i, b) in d.barcodes.iter().enumerate() {
        add_code(&mut v, "barcode", b, None, format!("barcodes[{i}]"));
    }
    let name = v.text("name", &d.name, 1, 200);
    let price = money(&mut v, "price", d.price);
    let cost = money(&mut v, "cost", d.cost);
    let unit = v.text("unit", &d.unit, 1, 20);
    if let Some(q) = d.low_stock_threshold {
        if q.0 < 0 {
            v.add("low_stock_threshold", "must not be negative");
        }
    }
    if d.variants.len() > 100 {
        v.add("variants", "at most 100");
    }
    let mut variants: Vec<Variant> = Vec::new();
    for (i, vi) in d.variants.iter().enumerate() {
        let id = match vi.id.as_deref() {
            None => kasir_domain::ids::new_id(),
            Some(raw) => kasir_domain::ids::parse_id(raw).unwrap_or_else(|| {
                v.add(format!("variants[{i}].id"), "must be a UUID");
                String::new()
            }),
        };
        if !id.is_empty() && variants.iter().any(|x| x.id == id) {
            v.add(format!("variants[{i}].id"), "is repeated");
        }
        add_code(&mut v, "sku", &vi.sku, Some(id.clone()), format!("variants[{i}].sku"));
        for (j, b) in vi.barcodes.iter().enumerate() {
            add_code(&mut v, "barcode", b, Some(id.clone()), format!("variants[{i}].barcodes[{j}]"));
        }
        let vname = v.text(&format!("variants[{i}].name"), &vi.name, 1, 100);
        let vprice = vi.price.map(|p| money(&mut v, &format!("variants[{i}].price"), p));
        let vcost = vi.cost.map(|c| money(&mut v, &format!("variants[{i}].cost"), c));
        variants.push(Variant {
            id,
            name: vname,
            sku: vi.sku.trim().to_string(),
            barcodes: vi.barcodes.iter().map(|b| b.trim().to_string()).collect(),
            price: vprice,
            cost: vcost,
        });
    }
    let mut group_ids = Vec::new();
    for (i, raw) in d.modifier_group_ids.iter().enumerate() {
        match kasir_domain::ids::parse_id(raw) {
            Some(id) if !group_ids.contains(&id) => group_ids.push(id),
            Some(_) => {}
            None => v.add(format!("modifier_group_ids[{i}]"), "must be a UUID"),
        }
    }
    let parse_ref = |v: &mut Violations, field: &str, raw: &Option<String>| -> Option<String> {
        raw.as_deref().and_then(|r| {
            let id = kasir_domain::ids::parse_id(r);
            if id.is_none() {
                v.add(field, "must be a UUID");
            }
            id
        })
    };
    let category_id = parse_ref(&mut v, "category_id", &d.category_id);
    let brand_id = parse_ref(&mut v, "brand_id", &d.brand_id);
    let tax_id = parse_ref(&mut v, "tax_id", &d.tax_id);
    v.finish()?;
    let values = vec![
        ("sku", Value::from(d.sku.trim())),
        ("name_key", Value::from(name.to_lowercase())),
        ("name", Value::from(name)),
        ("category_id", Value::Text(category_id.clone())),
        ("brand_id", Value::Text(brand_id.clone())),
        ("tax_id", Value::Text(tax_id.clone())),
        ("price", Value::from(price)),
        ("cost", Value::from(cost)),
        ("unit", Value::from(unit)),
        ("track_stock", Value::from(d.track_stock)),
        ("low_stock_threshold", Value::Int(d.low_stock_threshold.map(|q| q.0))),
        ("is_active", Value::from(d.is_active)),
        ("barcodes", Value::json(&d.barcodes.iter().map(|b| b.trim()).collect::<Vec<_>>())),
        ("modifier_group_ids", Value::json(&group_ids)),
        ("variants", Value::json(&variants)),
    ];
    Ok(Checked { values, codes, category_id, brand_id, tax_id, group_ids })
}
