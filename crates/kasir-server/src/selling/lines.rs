//! Turning the items a client sends into priced lines: products and variants from the catalog,
//! prices as the catalog has them (or an allowed override), modifiers checked against the
//! product's groups, and each product's tax.

use std::collections::HashMap;

use kasir_domain::{money::OutOfRange, pricing, FieldError, Money, Quantity, Violations};
use kasir_store::{
    catalog::products::{Product, Variant, PRODUCTS},
    catalog::{ModifierGroup, Tax, MODIFIER_GROUPS, TAXES},
    crud,
    selling::sales::SoldModifier,
    Db, Scope,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DiscountInput;
use crate::api::ApiError;

/// One item a client wants to sell (or order).
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemInput {
    #[schema(format = Uuid)]
    pub product_id: String,
    /// Required when the product has variants.
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    /// Greater than 0, at most 3 decimals.
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    /// A price per unit other than the catalog's (modifiers are added to it); needs the
    /// `sales.override_price` permission.
    #[schema(minimum = 0)]
    pub unit_price: Option<i64>,
    pub discount: Option<DiscountInput>,
    /// Ids of modifier options from the product's modifier groups.
    pub modifiers: Option<Vec<String>>,
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

/// An item resolved against the catalog, ready to price.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub product: Product,
    pub variant: Option<Variant>,
    pub quantity: i64,
    /// Per unit, modifiers excluded.
    pub unit_price: i64,
    pub modifiers: Vec<SoldModifier>,
    pub tax: Option<Tax>,
    pub discount: Option<pricing::Discount>,
    pub note: Option<String>,
}

impl Resolved {
    /// The name as sold: the product's, and the variant's in brackets.
    pub fn name(&self) -> String {
        match &self.variant {
            Some(v) => format!("{} ({})", self.product.name, v.name),
            None => self.product.name.clone(),
        }
    }

    pub fn sku(&self) -> String {
        self.variant.as_ref().map_or_else(|| self.product.sku.clone(), |v| v.sku.clone())
    }

    pub fn unit_cost(&self) -> i64 {
        self.variant.as_ref().and_then(|v| v.cost).unwrap_or(self.product.cost)
    }

    /// The price of one unit, its modifiers included.
    pub fn unit_price_with_modifiers(&self) -> Result<Money, OutOfRange> {
        unit_price_with(self.unit_price, &self.modifiers)
    }

    /// The line the pricing engine prices.
    pub fn pricing_line(&self) -> Result<pricing::Line, OutOfRange> {
        Ok(pricing::Line {
            product_id: self.product.id.clone(),
            category_id: self.product.category_id.clone(),
            unit_price: self.unit_price_with_modifiers()?,
            quantity: self.quantity,
            discount: self.discount,
            tax: self.tax.as_ref().map(|t| pricing::Tax { rate_bps: t.rate_bps, inclusive: t.inclusive.0 }),
        })
    }
}

/// The price of one unit with its modifiers.
pub fn unit_price_with(unit_price: i64, modifiers: &[SoldModifier]) -> Result<Money, OutOfRange> {
    kasir_domain::money::total(std::iter::once(unit_price).chain(modifiers.iter().map(|m| m.price)))
}

/// Resolves `items` (1 to 500 of them). Shape errors go into `v` (400), references this caller
/// cannot see into the returned error as 404; a price override without permission is 403.
#[tracing::instrument(skip_all)]
pub async fn resolve(
    db: &Db,
    scope: &Scope,
    items: &[ItemInput],
    can_override_price: bool,
    v: &mut Violations,
) -> Result<Vec<Resolved>, ApiError> {
    if items.is_empty() || items.len() > 500 {
        v.add("items", "must have 1 to 500 items");
    }
    let ids: Vec<String> = items.iter().filter_map(|i| kasir_domain::ids::parse_id(&i.product_id)).collect();
    let products: HashMap<String, Product> =
        crud::get_many::<Product>(db, &PRODUCTS, scope, &ids).await?.into_iter().map(|p| (p.id.clone(), p)).collect();
    let group_ids: Vec<String> = products.values().flat_map(|p| p.modifier_group_ids.0.iter().cloned()).collect();
    let groups: Vec<ModifierGroup> = crud::get_many(db, &MODIFIER_GROUPS, scope, &dedup(group_ids)).await?;
    let tax_ids: Vec<String> = products.values().filter_map(|p| p.tax_id.clone()).collect();
    let taxes: HashMap<String, Tax> = crud::get_many::<Tax>(db, &TAXES, scope, &dedup(tax_ids))
        .await?
        .into_iter()
        .map(|t| (t.id.clone(), t))
        .collect();

    let mut refs = Vec::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| format!("items[{i}].{name}");
        let Some(product_id) = kasir_domain::ids::parse_id(&item.product_id) else {
            v.add(field("product_id"), "must be a UUID");
            continue;
        };
        let Some(product) = products.get(&product_id) else {
            refs.push(FieldError::new(field("product_id"), "no such product"));
            continue;
        };
        if !product.is_active.0 {
            v.add(field("product_id"), "this product is not for sale (inactive)");
        }
        if item.quantity.0 <= 0 {
            v.add(field("quantity"), "must be greater than 0");
        }
        let variant = match (&item.variant_id, product.variants.0.is_empty()) {
            (None, false) => {
                v.add(field("variant_id"), "this product has variants: choose one");
                None
            }
            (None, true) => None,
            (Some(raw), _) => match kasir_domain::ids::parse_id(raw) {
                Some(id) => match product.variants.0.iter().find(|x| x.id == id) {
                    Some(var) => Some(var.clone()),
                    None => {
                        refs.push(FieldError::new(field("variant_id"), "no such variant of this product"));
                        None
                    }
                },
                None => {
                    v.add(field("variant_id"), "must be a UUID");
                    None
                }
            },
        };
        let catalog_price = variant.as_ref().and_then(|x| x.price).unwrap_or(product.price);
        let unit_price = match item.unit_price {
            Some(p) if p != catalog_price && !can_override_price => {
                return Err(ApiError::Forbidden(format!(
                    "items[{i}].unit_price: selling at another price needs the 'sales.override_price' permission"
                )))
            }
            Some(p) => v.range(&field("unit_price"), p, 0, kasir_domain::MAX_MONEY),
            None => catalog_price,
        };
        let modifiers = modifiers(product, &groups, item.modifiers.as_deref().unwrap_or(&[]), &field("modifiers"), v);
        let discount = item.discount.map(|d| d.parse(&field("discount"), v));
        let note = v.opt_text(&field("note"), item.note.as_deref(), 200);
        out.push(Resolved {
            tax: product.tax_id.as_ref().and_then(|t| taxes.get(t)).filter(|t| t.is_active.0).cloned(),
            product: product.clone(),
            variant,
            quantity: item.quantity.0,
            unit_price,
            modifiers,
            discount,
            note,
        });
    }
    if !refs.is_empty() {
        return Err(ApiError::MissingRefs(refs));
    }
    Ok(out)
}

/// Checks the chosen options against the product's modifier groups: every option from one of its
/// groups, none twice, and each group's count within its `min_select..=max_select`.
fn modifiers(
    product: &Product,
    groups: &[ModifierGroup],
    chosen: &[String],
    field: &str,
    v: &mut Violations,
) -> Vec<SoldModifier> {
    let own: Vec<&ModifierGroup> = groups.iter().filter(|g| product.modifier_group_ids.0.contains(&g.id)).collect();
    let mut sold: Vec<SoldModifier> = Vec::new();
    for (k, raw) in chosen.iter().enumerate() {
        let id = kasir_domain::ids::parse_id(raw).unwrap_or_default();
        let found = own.iter().find_map(|g| g.options.0.iter().find(|o| o.id == id).map(|o| (g, o)));
        match found {
            None => v.add(format!("{field}[{k}]"), "is not an option of this product's modifier groups"),
            Some(_) if sold.iter().any(|s| s.id == id) => v.add(format!("{field}[{k}]"), "is chosen twice"),
            Some((g, o)) => sold.push(SoldModifier {
                id: o.id.clone(),
                group_id: g.id.clone(),
                name: o.name.clone(),
                price: o.price,
            }),
        }
    }
    for g in own {
        let n = sold.iter().filter(|s| s.group_id == g.id).count() as i64;
        if n < g.min_select || n > g.max_select {
            v.add(field, format!("choose {} to {} from '{}' ({n} chosen)", g.min_select, g.max_select, g.name));
        }
    }
    sold
}

fn dedup(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids.dedup();
    ids
}
