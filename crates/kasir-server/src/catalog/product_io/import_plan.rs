//! Planning one product of an import from its rows: fields parsed, categories and brands
//! found or made, and the product as it will be written.

use kasir_domain::Quantity;
use kasir_store::{
    catalog::products::{Code, Product},
    catalog::{self, CATEGORIES},
    crud::{self},
    Value,
};

use super::{
    import::{key, Group, Importer},
    *,
};
use crate::catalog::product_draft::{validate, Draft, VariantInput};
use crate::{api::sheet::Row, api::ApiError};

impl Importer {
    /// One product's intended state from its rows, or `None` when its rows have errors.
    pub(super) async fn plan(&mut self, g: &Group, current: Option<&Product>) -> Result<Option<Planned>, ApiError> {
        let errors_before = self.error_count;
        let first = &g.rows[0];
        let r = first.0;
        let mut d = match current {
            Some(c) => Draft::of(c),
            None => Draft::new(g.sku.clone(), String::new(), 0),
        };
        match self.cell(first, NAME) {
            Some(name) => d.name = name.to_string(),
            None if current.is_none() => self.error(r, "name", "is required for a new product"),
            None => {}
        }
        match self.cell(first, PRICE) {
            Some("") | None if current.is_none() => self.error(r, "price", "is required for a new product"),
            Some("") => self.error(r, "price", "must not be empty"),
            Some(v) => {
                if let Some(p) = self.money(r, "price", v) {
                    d.price = p;
                }
            }
            None => {}
        }
        if let Some(v) = self.cell(first, COST) {
            d.cost = if v.is_empty() { 0 } else { self.money(r, "cost", v).unwrap_or(0) };
        }
        if let Some(v) = self.cell(first, CATEGORY) {
            d.category_id = if v.is_empty() { None } else { self.category(r, v).await? };
        }
        if let Some(v) = self.cell(first, BRAND) {
            d.brand_id = if v.is_empty() { None } else { self.brand(r, v).await? };
        }
        if let Some(v) = self.cell(first, TAX) {
            d.tax_id = match v {
                "" => None,
                name => {
                    let id = self.taxes.get(&key(name)).cloned();
                    if id.is_none() {
                        self.error(r, "tax", format!("no tax is named {name:?}; create it first"));
                    }
                    id
                }
            };
        }
        if let Some(v) = self.cell(first, BARCODES) {
            d.barcodes = split_codes(v);
        }
        if let Some(v) = self.cell(first, UNIT) {
            d.unit = if v.is_empty() { "pcs".into() } else { v.to_string() };
        }
        if let Some(v) = self.cell(first, TRACK_STOCK) {
            d.track_stock = self.flag(r, "track_stock", v);
        }
        if let Some(v) = self.cell(first, IS_ACTIVE) {
            d.is_active = self.flag(r, "is_active", v);
        }
        if let Some(v) = self.cell(first, LOW_STOCK) {
            d.low_stock_threshold = match v {
                "" => None,
                v => match v.parse::<f64>().map_err(|_| "must be a number").and_then(Quantity::from_f64) {
                    Ok(q) => Some(q),
                    Err(m) => {
                        self.error(r, "low_stock_threshold", m);
                        None
                    }
                },
            };
        }
        // Later rows repeat the product's fields or leave them empty.
        for row in &g.rows[1..] {
            for (col, name) in COLUMNS.iter().enumerate().take(IS_ACTIVE + 1).skip(NAME) {
                match (self.cell(row, col), self.cell(first, col)) {
                    (Some(v), Some(f)) if !v.is_empty() && v != f => {
                        self.error(row.0, *name, format!("differs from row {r} of the same product"))
                    }
                    _ => {}
                }
            }
        }
        let has_variants = self.cols.as_ref().is_some_and(|c| c[VARIANT_SKU].is_some());
        let mut variant_rows = Vec::new();
        if has_variants {
            let mut variants = Vec::new();
            for row in &g.rows {
                let vsku = self.cell(row, VARIANT_SKU).unwrap_or("");
                let other = [VARIANT_NAME, VARIANT_BARCODES, VARIANT_PRICE, VARIANT_COST]
                    .iter()
                    .any(|c| self.cell(row, *c).is_some_and(|v| !v.is_empty()));
                if vsku.is_empty() {
                    if other || g.rows.len() > 1 {
                        self.error(row.0, "variant_sku", "is required on every row of a product with variants");
                    }
                    continue;
                }
                let keep_id = current.and_then(|c| c.variants.0.iter().find(|v| v.sku == vsku)).map(|v| v.id.clone());
                let price = self.opt_money(row, VARIANT_PRICE);
                let cost = self.opt_money(row, VARIANT_COST);
                variants.push(VariantInput {
                    id: keep_id,
                    name: self.cell(row, VARIANT_NAME).unwrap_or("").to_string(),
                    sku: vsku.to_string(),
                    barcodes: self.cell(row, VARIANT_BARCODES).map(split_codes).unwrap_or_default(),
                    price,
                    cost,
                });
                variant_rows.push(row.0);
            }
            d.variants = variants;
        } else if g.rows.len() > 1 {
            for row in &g.rows[1..] {
                self.error(row.0, "sku", format!("repeats row {r}; add variant columns to give a product variants"));
            }
        }
        if self.error_count > errors_before {
            return Ok(None);
        }

        let id = current.map_or_else(kasir_domain::ids::new_id, |c| c.id.clone());
        let mut plan = Planned {
            id,
            version: current.map(|c| c.version),
            first_row: r,
            variant_rows,
            values: Vec::new(),
            codes: Vec::new(),
            unchanged: false,
            failed: false,
        };
        let checked = match validate(d) {
            Ok(c) => c,
            Err(errors) => {
                for e in errors {
                    let (row, col) = plan.locate(&e.field);
                    self.error(row, col, e.message);
                }
                return Ok(None);
            }
        };
        for c in &checked.codes {
            let first_use = *self.seen.entry((c.kind, c.code.clone())).or_insert(r);
            if first_use != r {
                let (row, col) = plan.locate(&c.field);
                self.error(row, col, format!("{} is also used by the product on row {first_use}", c.code));
            }
        }
        if self.error_count > errors_before {
            return Ok(None);
        }
        if let Some(c) = current {
            plan.unchanged = validate(Draft::of(c)).is_ok_and(|now| now.values == checked.values);
        }
        plan.values = checked.values;
        plan.codes = checked.codes;
        Ok(Some(plan))
    }

    fn money(&mut self, row: u64, field: &str, raw: &str) -> Option<i64> {
        match parse_money(raw) {
            Ok(v) => Some(v),
            Err(m) => {
                self.error(row, field, m);
                None
            }
        }
    }

    fn opt_money(&mut self, row: &Row, col: usize) -> Option<i64> {
        match self.cell(row, col) {
            None | Some("") => None,
            Some(v) => self.money(row.0, COLUMNS[col], v),
        }
    }

    fn flag(&mut self, row: u64, field: &str, raw: &str) -> bool {
        match raw.to_lowercase().as_str() {
            "" | "true" | "yes" | "y" | "1" => true,
            "false" | "no" | "n" | "0" => false,
            _ => {
                self.error(row, field, "must be true or false");
                true
            }
        }
    }

    /// The id of the category at `path`, creating missing levels.
    async fn category(&mut self, row: u64, path: &str) -> Result<Option<String>, ApiError> {
        let mut parent = String::new();
        for part in path.split(PATH_SEPARATOR.trim()).map(str::trim) {
            if part.is_empty() || part.chars().count() > 100 {
                self.error(row, "category", "each level of a category path needs 1 to 100 characters");
                return Ok(None);
            }
            let k = (parent.clone(), key(part));
            parent = match self.categories.get(&k) {
                Some(id) => id.clone(),
                None => {
                    let id = kasir_domain::ids::new_id();
                    let mut values = vec![("name_key", Value::from(part.to_lowercase())), ("name", Value::from(part))];
                    values.push(("parent_id", Value::Text(Some(parent.clone()).filter(|p| !p.is_empty()))));
                    values.extend([("sort_order", Value::from(0)), ("is_active", Value::from(true))]);
                    crud::create::<catalog::Category>(&mut self.tx, &CATEGORIES, &self.scope, &id, &values).await?;
                    self.report.categories_created += 1;
                    self.categories.insert(k, id.clone());
                    id
                }
            };
        }
        Ok(Some(parent))
    }

    /// The id of the brand named `name`, creating it when missing.
    async fn brand(&mut self, row: u64, name: &str) -> Result<Option<String>, ApiError> {
        if let Some(id) = self.brands.get(&key(name)) {
            return Ok(Some(id.clone()));
        }
        if name.chars().count() > 100 {
            self.error(row, "brand", "must have at most 100 characters");
            return Ok(None);
        }
        let id = kasir_domain::ids::new_id();
        let values = [("name_key", Value::from(name.to_lowercase())), ("name", Value::from(name))];
        crud::create::<catalog::Brand>(&mut self.tx, &catalog::BRANDS, &self.scope, &id, &values).await?;
        self.report.brands_created += 1;
        self.brands.insert(key(name), id.clone());
        Ok(Some(id))
    }
}

/// A product about to be written.
pub(super) struct Planned {
    pub(super) id: String,
    /// The version read, for products that exist.
    pub(super) version: Option<i64>,
    pub(super) first_row: u64,
    /// The row of each variant, in order.
    pub(super) variant_rows: Vec<u64>,
    pub(super) values: Vec<(&'static str, Value)>,
    pub(super) codes: Vec<Code>,
    pub(super) unchanged: bool,
    pub(super) failed: bool,
}

impl Planned {
    /// The file row and column of a field named as the API names it (`variants[1].barcodes[0]`).
    pub(super) fn locate(&self, field: &str) -> (u64, String) {
        if let Some(rest) = field.strip_prefix("variants[") {
            if let Some((i, sub)) = rest.split_once("].") {
                let row = i.parse::<usize>().ok().and_then(|i| self.variant_rows.get(i)).copied();
                let sub = sub.split('[').next().unwrap_or(sub);
                return (row.unwrap_or(self.first_row), format!("variant_{sub}"));
            }
            return (self.first_row, "variant_sku".into());
        }
        let base = field.split('[').next().unwrap_or(field);
        let col = match base {
            "variants" => "variant_sku",
            "category_id" => "category",
            "brand_id" => "brand",
            "tax_id" => "tax",
            other => other,
        };
        (self.first_row, col.to_string())
    }
}
