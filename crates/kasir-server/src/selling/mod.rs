//! Selling: shifts, sales, voids and refunds, receipts. The business operations (checkout, void,
//! refund) are callable without HTTP (the benchmark calls them directly); the route modules
//! (`sales`, `shifts`, `receipts`) call them.

pub mod checkout;
pub mod lines;
pub mod payments;
pub mod receipt;
pub mod receipts;
mod repeats;
pub mod reversal;
pub mod sale_rows;
pub mod sales;
pub mod shifts;
pub mod till;

use kasir_domain::Permission;
use kasir_store::{
    events::{EventBody, SaleEvent},
    feed::Event,
    Actor, Scope,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{api::ApiError, auth::Principal};

/// Who is selling: a user (sales need a shift, and shifts belong to users) and what they may do.
#[derive(Debug, Clone)]
pub struct Seller {
    pub user_id: String,
    pub scope: Scope,
    pub can_override_price: bool,
    /// May take a discount off a line or the order (`sales.discount`).
    pub can_discount: bool,
    pub actor: Actor,
}

impl Seller {
    /// The caller as a seller; API keys cannot sell (they have no shift).
    pub fn of(p: &Principal) -> Result<Seller, ApiError> {
        let user_id = p
            .user_id()
            .ok_or_else(|| ApiError::Forbidden("selling needs a user login with an open shift".into()))?
            .to_string();
        Ok(Seller {
            user_id,
            scope: p.scope()?,
            can_override_price: p.has(Permission::SalesOverridePrice),
            can_discount: p.has(Permission::SalesDiscount),
            actor: p.actor(),
        })
    }
}

/// Queues a sale's change-feed entry and its event (`SALE_COMPLETED`, `SALE_VOIDED`, …): `event`
/// makes it from the sale's id, number and totals, adding what the kind carries.
pub(crate) fn record_sale(
    tx: &mut kasir_store::Tx,
    scope: &Scope,
    sale: &kasir_store::selling::sales::Sale,
    event: impl FnOnce(SaleEvent) -> EventBody,
) -> Result<(), ApiError> {
    let data = serde_json::to_string(sale).map_err(|e| ApiError::internal("serialising a sale", e))?;
    tx.record_change(kasir_store::feed::Change {
        tenant_id: scope.tenant_id.clone(),
        entity: "sale",
        entity_id: sale.id.clone(),
        op: "upsert",
        version: sale.version,
        outlet_id: Some(sale.outlet_id.clone()),
        data,
        updated_at: sale.updated_at.clone(),
    });
    let base = SaleEvent {
        id: sale.id.clone(),
        sale_id: sale.id.clone(),
        number: sale.number.clone(),
        status: sale.status.clone(),
        total: sale.total,
        refunded_total: sale.refunded_total,
        ..Default::default()
    };
    tx.record_event(Event::new(&scope.tenant_id, Some(&sale.outlet_id), event(base))?);
    Ok(())
}

/// A discount as a client states it.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscountInput {
    #[serde(rename = "type")]
    pub kind: DiscountKind,
    /// Basis points for `percent` (0 to 10000), minor units for `amount`.
    #[schema(minimum = 0)]
    pub value: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscountKind {
    Percent,
    Amount,
}

impl DiscountInput {
    /// Checks the value's range and gives the pricing engine's discount.
    pub fn parse(self, field: &str, v: &mut kasir_domain::Violations) -> kasir_domain::pricing::Discount {
        use kasir_domain::pricing::Discount;
        match self.kind {
            DiscountKind::Percent => Discount::Percent(v.range(&format!("{field}.value"), self.value, 0, 10_000)),
            DiscountKind::Amount => Discount::Amount(v.money(&format!("{field}.value"), self.value)),
        }
    }
}

/// A payment as a client states it.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    #[schema(format = Uuid)]
    pub payment_method_id: String,
    /// Minor units, greater than 0.
    #[schema(minimum = 1)]
    pub amount: i64,
    /// A card slip or transfer reference.
    #[schema(max_length = 100)]
    pub reference: Option<String>,
}
