//! Lines of stock documents (adjustments, transfers, purchases, returns): resolving a line's
//! product and variant, and working out what arrives with a receipt.

use kasir_domain::{FieldError, Quantity, Violations};
use kasir_store::{
    catalog::products::{Product, PRODUCTS},
    crud, Scope, StoreError, Tx,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::ApiError;

/// Resolves one line's product and variant: field errors into `v`, unknown ids into `refs`
/// (answered 404). `None` when the line cannot be used.
#[tracing::instrument(skip_all)]
pub async fn resolve_item(
    tx: &mut Tx,
    scope: &Scope,
    prefix: &str,
    product_id: &str,
    variant_id: Option<&str>,
    v: &mut Violations,
    refs: &mut Vec<FieldError>,
) -> Result<Option<(Product, Option<String>)>, ApiError> {
    let field = |name: &str| format!("{prefix}.{name}");
    let Some(product_id) = kasir_domain::ids::parse_id(product_id) else {
        v.add(field("product_id"), "must be a UUID");
        return Ok(None);
    };
    let product = match crud::get_in::<Product>(tx, &PRODUCTS, scope, &product_id).await {
        Ok(p) => p,
        Err(StoreError::NotFound) => {
            refs.push(FieldError::new(field("product_id"), "no such product"));
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    if !product.track_stock.0 {
        v.add(field("product_id"), "this product does not track stock");
    }
    let variant_id = match (variant_id, product.variants.0.is_empty()) {
        (None, false) => {
            v.add(field("variant_id"), "this product has variants: choose one");
            None
        }
        (None, true) => None,
        (Some(raw), _) => match kasir_domain::ids::parse_id(raw) {
            Some(id) if product.variants.0.iter().any(|x| x.id == id) => Some(id),
            Some(_) => {
                refs.push(FieldError::new(field("variant_id"), "no such variant of this product"));
                None
            }
            None => {
                v.add(field("variant_id"), "must be a UUID");
                None
            }
        },
    };
    Ok(Some((product, variant_id)))
}

/// What arrived of one product/variant, in a receipt of a transfer or a purchase.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiptLine {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
}

/// How much of each document line arrives now. `lines` are the document's (product, variant,
/// still outstanding); without a `receipt` everything outstanding arrives, otherwise the receipt's
/// quantities, matched by product and variant. Exceeding what is outstanding is the caller's check.
pub fn arriving(
    lines: &[(&str, Option<&str>, i64)],
    receipt: Option<&[ReceiptLine]>,
    document: &str,
) -> Result<Vec<i64>, ApiError> {
    let Some(receipt) = receipt else {
        return Ok(lines.iter().map(|(_, _, outstanding)| *outstanding).collect());
    };
    let mut arriving = vec![0; lines.len()];
    let mut v = Violations::new();
    for (i, r) in receipt.iter().enumerate() {
        let product = kasir_domain::ids::parse_id(&r.product_id).unwrap_or_default();
        let variant = r.variant_id.as_deref().and_then(kasir_domain::ids::parse_id);
        match lines.iter().position(|(p, var, _)| *p == product && *var == variant.as_deref()) {
            None => v.add(format!("lines[{i}]"), format!("is not a line of this {document}")),
            Some(_) if r.quantity.0 <= 0 => v.add(format!("lines[{i}].quantity"), "must be greater than 0"),
            Some(k) => arriving[k] += r.quantity.0,
        }
    }
    v.finish().map_err(ApiError::Validation)?;
    Ok(arriving)
}
