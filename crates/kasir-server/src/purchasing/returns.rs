//! `/purchase-returns`: goods sent back to a supplier; stock leaves the warehouse.

use kasir_domain::{Permission, Quantity, Violations};
use kasir_store::{
    crud::{self, ResourceDef},
    purchasing::{line_value, Purchase, PurchaseReturn, ReturnLine, PURCHASES, PURCHASE_RETURNS},
    stock::{self, NewMovement, StockError},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use kasir_domain::MAX_MONEY;

use crate::{
    api::resource::{find_ref, new_record_id, NoUpdate, Resource},
    stock::lines::resolve_item,
};
use crate::{api::ApiError, auth::Principal};

use super::purchases::{supplier, warehouse};

pub struct Returns;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnLineInput {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    /// Defaults to the purchase line's unit cost, or the product's cost.
    #[schema(minimum = 0)]
    pub unit_cost: Option<i64>,
}

/// Goods sent back to a supplier: from a purchase (never more than received minus returned), or
/// on their own with a supplier and a warehouse.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReturn {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub purchase_id: Option<String>,
    #[schema(format = Uuid)]
    pub supplier_id: Option<String>,
    #[schema(format = Uuid)]
    pub warehouse_id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub reason: String,
    #[schema(min_items = 1, max_items = 500)]
    pub lines: Vec<ReturnLineInput>,
}

impl Resource for Returns {
    type Record = PurchaseReturn;
    type Create = CreateReturn;
    type Update = NoUpdate;
    const DEF: &'static ResourceDef = &PURCHASE_RETURNS;
    const PATH: &'static str = "/purchase-returns";
    const TAG: &'static str = "purchasing";
    const READ: Permission = Permission::StockRead;
    const WRITE: Permission = Permission::StockManage;
    const EDITABLE: bool = false;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateReturn) -> Result<PurchaseReturn, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let reason = v.text("reason", &b.reason, 1, 200);
        if b.lines.is_empty() || b.lines.len() > 500 {
            v.add("lines", "must have 1 to 500 lines");
        }
        if b.purchase_id.is_none() && (b.supplier_id.is_none() || b.warehouse_id.is_none()) {
            v.add("purchase_id", "give a purchase, or a supplier and a warehouse");
        }
        v.finish().map_err(ApiError::Validation)?;
        let mut purchase: Option<Purchase> = None;
        if let Some(raw) = &b.purchase_id {
            purchase = Some(find_ref(tx, &PURCHASES, scope, "purchase_id", raw, "record").await?);
        }
        let supplier_id = match (&purchase, &b.supplier_id) {
            (Some(p), _) => p.supplier_id.clone(),
            (None, Some(raw)) => supplier(tx, scope, raw).await?.id,
            (None, None) => String::new(),
        };
        let (warehouse_id, outlet_id) = match (&purchase, &b.warehouse_id) {
            (Some(p), _) => (p.warehouse_id.clone(), p.outlet_id.clone()),
            (None, Some(raw)) => {
                let w = warehouse(tx, scope, raw).await?;
                (w.id, w.outlet_id)
            }
            (None, None) => (String::new(), None),
        };
        let mut v = Violations::new();
        let mut refs = Vec::new();
        let mut lines: Vec<ReturnLine> = Vec::new();
        let mut purchase_lines = purchase.as_ref().map(|p| p.lines.0.clone()).unwrap_or_default();
        for (i, l) in b.lines.iter().enumerate() {
            let prefix = format!("lines[{i}]");
            if l.quantity.0 <= 0 {
                v.add(format!("{prefix}.quantity"), "must be greater than 0");
            }
            let Some((product, variant_id)) =
                resolve_item(tx, scope, &prefix, &l.product_id, l.variant_id.as_deref(), &mut v, &mut refs).await?
            else {
                continue;
            };
            let mut unit_cost = l.unit_cost.unwrap_or(product.cost);
            if purchase.is_some() {
                match purchase_lines.iter_mut().find(|pl| pl.product_id == product.id && pl.variant_id == variant_id) {
                    None => v.add(&prefix, "is not a line of this purchase"),
                    Some(pl) => {
                        if pl.returned_quantity.0 + l.quantity.0 > pl.received_quantity.0 {
                            return Err(ApiError::Rule {
                                code: kasir_domain::ErrorCode::ReturnExceedsPurchase,
                                message: format!(
                                    "{prefix}: only {} received and not yet returned",
                                    Quantity(pl.received_quantity.0 - pl.returned_quantity.0)
                                ),
                            });
                        }
                        pl.returned_quantity = Quantity(pl.returned_quantity.0 + l.quantity.0);
                        unit_cost = l.unit_cost.unwrap_or(pl.unit_cost);
                    }
                }
            }
            v.range(&format!("{prefix}.unit_cost"), unit_cost, 0, MAX_MONEY);
            lines.push(ReturnLine { product_id: product.id, variant_id, quantity: l.quantity, unit_cost });
        }
        v.finish().map_err(ApiError::Validation)?;
        if !refs.is_empty() {
            return Err(ApiError::MissingRefs(refs));
        }
        let allow_negative =
            kasir_store::tenancy::tenants::get_in_tx(tx, &scope.tenant_id).await?.allow_negative_stock.0;
        let moves = lines
            .iter()
            .map(|l| NewMovement {
                kind: "purchase_return",
                warehouse_id: warehouse_id.clone(),
                product_id: l.product_id.clone(),
                variant_id: l.variant_id.clone(),
                delta: -l.quantity.0,
                unit_cost: Some(l.unit_cost),
                reference_type: "purchase_return",
                reference_id: id.clone(),
                note: Some(reason.clone()),
            })
            .collect();
        stock::apply(tx, scope, allow_negative, moves).await.map_err(|e| match e {
            StockError::Store(e) => ApiError::from(e),
            StockError::Shortage(s) => ApiError::Rule {
                code: kasir_domain::ErrorCode::InsufficientStock,
                message: format!("only {} in stock, {} to return", Quantity(s.available), Quantity(s.requested)),
            },
        })?;
        if let Some(p) = &purchase {
            let values = [("lines", Value::json(&purchase_lines))];
            let _: Purchase = crud::update(tx, &PURCHASES, scope, &p.id, None, &values).await?;
        }
        let values = lines.iter().map(|l| line_value(l.quantity, l.unit_cost)).collect::<Result<Vec<_>, _>>()?;
        let total_cost = kasir_domain::money::sum(values)?;
        let values = [
            ("purchase_id", Value::Text(purchase.map(|p| p.id))),
            ("supplier_id", Value::from(supplier_id)),
            ("warehouse_id", Value::from(warehouse_id)),
            ("outlet_id", Value::Text(outlet_id)),
            ("reason", Value::from(reason)),
            ("lines", Value::json(&lines)),
            ("total_cost", Value::from(total_cost)),
        ];
        Ok(crud::create(tx, &PURCHASE_RETURNS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        _tx: &mut Tx,
        _s: &Scope,
        _c: PurchaseReturn,
        _v: Option<i64>,
        _b: NoUpdate,
    ) -> Result<PurchaseReturn, ApiError> {
        Err(ApiError::Rule {
            code: kasir_domain::ErrorCode::InvalidTransition,
            message: "purchase returns cannot be changed".into(),
        })
    }
}
