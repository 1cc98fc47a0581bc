//! Checkout (`POST /sales`): one transaction writes the sale, its items, payments and discounts,
//! the stock it takes, the promotion and voucher uses, the change-feed entry, the
//! `SALE_COMPLETED` event and the idempotency record.
//!
//! Everything a sale only reads (catalog, payment methods, customer, promotions) is read before
//! the transaction begins, so SQLite's single writer is held only for the writes. Inside it,
//! locks are taken in one order for every sale (the shift, promotion and voucher rows, stock
//! levels by warehouse/product/variant, the outlet's number counter, the tenant's feed head at
//! commit), so concurrent sales queue and never deadlock.

use jiff::Timestamp;
use kasir_domain::{pricing, FieldError, Quantity, Violations};
use kasir_store::{
    crud,
    customers::{Customer, CUSTOMERS},
    events::{EventBody, SaleEvent},
    platform::idempotency::{self, TxClaim},
    promotions::{self, UsageTable},
    selling::payment_methods::{self, PaymentMethod},
    selling::sales::{self, ItemDetail, Sale, SaleDiscount, SaleItem, SalePayment},
    selling::shifts,
    stock::{self, NewMovement, StockError, Thresholds},
    tenancy::outlets::{self, Outlet},
    Db, Scope,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    lines::{self, ItemInput, Resolved},
    DiscountInput, PaymentInput, Seller,
};
use crate::platform::idempotency::TxKey;
use crate::{
    api::{missing, rule, ApiError, Envelope},
    promotions::terms::{promotion_terms, usable_voucher, voucher_terms},
};

/// The body of `POST /sales`.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSale {
    /// A client-made id (offline tills); a new UUIDv7 when absent.
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(format = Uuid)]
    pub customer_id: Option<String>,
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<ItemInput>,
    /// A discount on the whole order, after line discounts and promotions.
    pub discount: Option<DiscountInput>,
    #[schema(max_length = 50)]
    pub voucher_code: Option<String>,
    /// Must cover the total; only cash may pay more (the excess is given as change).
    #[schema(max_items = 20)]
    pub payments: Vec<PaymentInput>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// What a checkout did.
#[derive(Debug)]
pub enum Outcome {
    /// The sale was made; `body` is the response (also stored for repeats of the request).
    Created { sale: Box<Sale>, body: String },
    /// The request repeats one that already committed: its response again.
    Replay { status: u16, body: String },
}

/// Everything checked and read before the transaction.
struct Prepared {
    id: String,
    outlet: Outlet,
    lines: Vec<Resolved>,
    customer_id: Option<String>,
    order_discount: Option<pricing::Discount>,
    payments: Vec<(PaymentMethod, PaymentInput)>,
    voucher: Option<promotions::Voucher>,
    promotions: Vec<promotions::Promotion>,
    note: Option<String>,
    cash_rounding: i64,
    allow_negative: bool,
    warehouse_id: Option<String>,
    business_date: String,
    local_hour: i64,
}

/// Rings up a sale. With a key, a repeat of a committed request gets its response again.
#[tracing::instrument(skip_all)]
pub async fn checkout(db: &Db, seller: &Seller, input: CreateSale, key: Option<&TxKey>) -> Result<Outcome, ApiError> {
    checkout_part(db, seller, input, key, None).await
}

/// What a sale pays of an order: quantities of its items, and the equal part when it is split so.
#[derive(Debug, Clone)]
pub struct OrderPart {
    pub order_id: String,
    /// The version the order was read at: a payment made meanwhile makes this one a conflict.
    pub order_version: i64,
    /// `(order item id, paid before, paid now)`.
    pub items: Vec<(String, i64, i64)>,
    /// Every item fully paid once this sale is.
    pub completes: bool,
    /// `(parts, parts paid with this sale)` when it is paid in equal parts.
    pub parts: Option<(i64, i64)>,
}

/// Rings up a sale that pays (part of) an order, in the same transaction as the order's update.
#[tracing::instrument(skip_all)]
pub async fn checkout_part(
    db: &Db,
    seller: &Seller,
    input: CreateSale,
    key: Option<&TxKey>,
    part: Option<&OrderPart>,
) -> Result<Outcome, ApiError> {
    let mut p = prepare(db, seller, input).await?;
    // A promotion whose last use another sale takes meanwhile is dropped and the sale repriced.
    for _ in 0..4 {
        match write(db, seller, &p, key, part).await? {
            Written::Done(outcome) => return Ok(outcome),
            Written::UsedUp(promotion_id) => p.promotions.retain(|x| x.id != promotion_id),
        }
    }
    Err(ApiError::Busy)
}

#[tracing::instrument(skip_all)]
async fn prepare(db: &Db, seller: &Seller, input: CreateSale) -> Result<Prepared, ApiError> {
    let scope = &seller.scope;
    let mut v = Violations::new();
    let id = match &input.id {
        Some(raw) => kasir_domain::ids::parse_id(raw).unwrap_or_else(|| {
            v.add("id", "must be a UUID");
            String::new()
        }),
        None => kasir_domain::ids::new_id(),
    };
    let outlet_id = kasir_domain::ids::parse_id(&input.outlet_id);
    if outlet_id.is_none() {
        v.add("outlet_id", "must be a UUID");
    }
    let note = v.opt_text("note", input.note.as_deref(), 500);
    let order_discount = input.discount.map(|d| d.parse("discount", &mut v));
    let voucher_code = input.voucher_code.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
    if voucher_code.as_ref().is_some_and(|c| c.chars().count() > 50) {
        v.add("voucher_code", "must be at most 50 characters");
    }
    if input.payments.len() > 20 {
        v.add("payments", "must have at most 20 payments");
    }
    for (i, pay) in input.payments.iter().enumerate() {
        v.range(&format!("payments[{i}].amount"), pay.amount, 1, kasir_domain::MAX_MONEY);
        v.opt_text(&format!("payments[{i}].reference"), pay.reference.as_deref(), 100);
        if kasir_domain::ids::parse_id(&pay.payment_method_id).is_none() {
            v.add(format!("payments[{i}].payment_method_id"), "must be a UUID");
        }
    }
    let lines = lines::resolve(db, scope, &input.items, seller.can_override_price, &mut v).await?;
    v.finish().map_err(ApiError::Validation)?;

    let ctx = outlets::selling_context(db, scope, &outlet_id.unwrap_or_default())
        .await?
        .ok_or_else(|| ApiError::MissingRefs(vec![FieldError::new("outlet_id", "no such outlet")]))?;
    let customer_id = match &input.customer_id {
        Some(raw) => {
            let cid =
                kasir_domain::ids::parse_id(raw).ok_or_else(|| ApiError::field("customer_id", "must be a UUID"))?;
            let c: Customer =
                crud::get(db, &CUSTOMERS, scope, &cid).await.map_err(|e| missing(e, "customer_id", "customer"))?;
            Some(c.id)
        }
        None => None,
    };
    let payments = payment_methods(db, scope, &input.payments).await?;
    let now = Timestamp::now();
    let local = kasir_domain::time::outlet_clock(now, &ctx.timezone);
    let promotions = promotions::applicable_promotions(db, &scope.tenant_id, &local.wall_time).await?;
    let voucher = match voucher_code {
        Some(code) => Some(usable_voucher(db, &scope.tenant_id, &code, &local.wall_time).await?),
        None => None,
    };
    Ok(Prepared {
        id,
        outlet: ctx.outlet.into_inner(),
        lines,
        customer_id,
        order_discount,
        payments,
        voucher,
        promotions,
        note,
        cash_rounding: ctx.cash_rounding,
        allow_negative: ctx.allow_negative_stock,
        warehouse_id: ctx.warehouse_id,
        business_date: local.date,
        local_hour: local.hour,
    })
}

enum Written {
    Done(Outcome),
    /// This promotion was used up by another sale; price again without it.
    UsedUp(String),
}

#[tracing::instrument(skip_all)]
async fn write(
    db: &Db,
    seller: &Seller,
    p: &Prepared,
    key: Option<&TxKey>,
    part: Option<&OrderPart>,
) -> Result<Written, ApiError> {
    let scope = &seller.scope;
    let order = pricing::Order {
        lines: p.lines.iter().map(Resolved::pricing_line).collect(),
        discount: p.order_discount,
        promotions: p.promotions.iter().map(promotion_terms).collect(),
        voucher: p.voucher.as_ref().map(voucher_terms),
        cash_rounding: p.cash_rounding,
    };
    let priced = pricing::price(&order)?;
    if let Some(pricing::VoucherRefusal::BelowMinimum { min_purchase }) = priced.voucher_refused {
        return Err(rule(
            kasir_domain::ErrorCode::VoucherInvalid,
            format!("this voucher needs a purchase of at least {min_purchase}"),
        ));
    }
    let (paid, change) = check_payments(&p.payments, priced.total)?;

    let mut tx = db.begin(seller.actor.clone()).await?;
    if let Some(k) = key {
        match idempotency::claim_in(&mut tx, &k.scope, &k.key, &k.hash).await? {
            TxClaim::Run => {}
            TxClaim::Replay { status, body } => return Ok(Written::Done(Outcome::Replay { status, body })),
            TxClaim::Mismatch => return Err(crate::platform::idempotency::key_reused()),
            TxClaim::InProgress => return Err(crate::platform::idempotency::in_progress()),
        }
    }
    let shift = shifts::open_shift_of(&mut tx, &seller.user_id, &p.outlet.id).await?.ok_or_else(|| {
        rule(kasir_domain::ErrorCode::ShiftNotOpen, "open a shift at this outlet before selling".into())
    })?;
    let mut used: Vec<&pricing::Applied> = priced.applied.iter().collect();
    used.sort_by(|a, b| source_key(&a.source).cmp(&source_key(&b.source)));
    for a in used {
        match &a.source {
            pricing::Source::Promotion(id) if !promotions::take_usage(&mut tx, UsageTable::Promotions, id).await? => {
                return Ok(Written::UsedUp(id.clone()));
            }
            pricing::Source::Voucher(id) if !promotions::take_usage(&mut tx, UsageTable::Vouchers, id).await? => {
                return Err(rule(kasir_domain::ErrorCode::VoucherUsedUp, "this voucher has no uses left".into()));
            }
            _ => {}
        }
    }
    let moves = stock_moves(p)?;
    let thresholds: Vec<(String, String, i64)> = p
        .lines
        .iter()
        .filter_map(|l| l.product.low_stock_threshold.map(|t| (l.product.id.clone(), l.product.name.clone(), t)))
        .collect();
    if let Err(e) = stock::apply_with(&mut tx, scope, p.allow_negative, moves, Thresholds::Known(&thresholds)).await {
        return Err(shortage(e, &p.lines));
    }
    let mut sale = build_sale(seller, p, &shift.id, &priced, paid, change);
    if let Some(part) = part {
        pay_order(&mut tx, scope, part).await?;
        sale.order_id = Some(part.order_id.clone());
    }
    // The outlet's number counter is held from here to commit: the sale's lines and audit entry
    // are written first, the sale row (which carries the number) last.
    sales::insert_lines(&mut tx, &sale).await?;
    tx.audit(Some(&scope.tenant_id), "sale.create", "sale", Some(&sale.id), serde_json::json!({ "total": sale.total }));
    tx.write_audits().await?;
    match sales::insert_numbered(&mut tx, &mut sale, &p.outlet.code).await {
        // The sale's id is taken (an offline till's id sent twice without its key).
        Err(kasir_store::StoreError::Conflict { field }) if field != "number" => {
            return Err(ApiError::Conflict {
                code: kasir_domain::ErrorCode::Conflict,
                message: "a sale with this id already exists".into(),
                errors: vec![FieldError::new("id", "is already in use")],
            })
        }
        other => other?,
    }
    super::record_sale(&mut tx, scope, &sale, |e| {
        EventBody::SaleCompleted(SaleEvent {
            shift_id: Some(sale.shift_id.clone()),
            cashier_id: Some(sale.cashier_id.clone()),
            business_date: Some(sale.business_date.clone()),
            ..e
        })
    })?;
    let body = serde_json::to_string(&Envelope { success: true, data: &sale, message: None })
        .map_err(|e| ApiError::internal("serialising a sale", e))?;
    if let Some(k) = key {
        idempotency::complete_in(&mut tx, &k.scope, &k.key, 201, &body).await?;
    }
    tx.commit().await?;
    Ok(Written::Done(Outcome::Created { sale: Box::new(sale), body }))
}

/// Records what the sale pays of its order, if the order is as it was read.
#[tracing::instrument(skip_all)]
async fn pay_order(tx: &mut kasir_store::Tx, scope: &Scope, part: &OrderPart) -> Result<(), ApiError> {
    use kasir_store::restaurant::orders;
    let order = orders::lock(tx, scope, &part.order_id).await?;
    if order.version != part.order_version {
        return Err(crate::restaurant::ordering::changed());
    }
    for (item, before, quantity) in &part.items {
        if !orders::add_paid(tx, &order, item, *before, *quantity).await? {
            return Err(crate::restaurant::ordering::changed());
        }
    }
    let change = orders::Change {
        paid: Some(part.completes),
        split_parts: part.parts.map(|p| p.0),
        parts_paid: part.parts.map(|p| p.1),
        ..Default::default()
    };
    if !orders::update(tx, &order, &change).await? {
        return Err(crate::restaurant::ordering::changed());
    }
    let updated = orders::lock(tx, scope, &order.id).await?;
    if updated.paid && kasir_domain::OrderStatus::Done.is(&updated.status) {
        crate::restaurant::ordering::release_table(tx, scope, &updated).await?;
    }
    crate::restaurant::ordering::record(tx, scope, &updated, EventBody::OrderPaid)
}

/// Paid in all, and the change: payments must cover the total, and only cash may pay more.
fn check_payments(payments: &[(PaymentMethod, PaymentInput)], total: i64) -> Result<(i64, i64), ApiError> {
    let paid: i64 = payments.iter().map(|(_, p)| p.amount).sum();
    let cash: i64 = payments.iter().filter(|(m, _)| m.kind == "cash").map(|(_, p)| p.amount).sum();
    if paid < total {
        return Err(rule(
            kasir_domain::ErrorCode::PaymentInsufficient,
            format!("the payments come to {paid}, the total is {total}"),
        ));
    }
    let change = paid - total;
    if change > cash {
        return Err(rule(
            kasir_domain::ErrorCode::PaymentExceedsTotal,
            format!("only cash may pay more than the total ({total}); the other payments come to {}", paid - cash),
        ));
    }
    Ok((paid, change))
}

/// The payment methods of `payments`, each live and active.
#[tracing::instrument(skip_all)]
async fn payment_methods(
    db: &Db,
    scope: &Scope,
    payments: &[PaymentInput],
) -> Result<Vec<(PaymentMethod, PaymentInput)>, ApiError> {
    let ids: Vec<String> = payments.iter().filter_map(|p| kasir_domain::ids::parse_id(&p.payment_method_id)).collect();
    let mut conn = db.reader().acquire().await.map_err(kasir_store::StoreError::from)?;
    let methods = payment_methods::payment_methods_by_ids(&mut conn, &scope.tenant_id, &ids).await?;
    drop(conn);
    let mut out = Vec::with_capacity(payments.len());
    let (mut refs, mut v) = (Vec::new(), Violations::new());
    for (i, pay) in payments.iter().enumerate() {
        let id = kasir_domain::ids::parse_id(&pay.payment_method_id).unwrap_or_default();
        match methods.iter().find(|m| m.id == id) {
            None => refs.push(FieldError::new(format!("payments[{i}].payment_method_id"), "no such payment method")),
            Some(m) if !m.is_active.0 => {
                v.add(format!("payments[{i}].payment_method_id"), "this payment method is inactive")
            }
            Some(m) => out.push((m.clone(), pay.clone())),
        }
    }
    v.finish().map_err(ApiError::Validation)?;
    if !refs.is_empty() {
        return Err(ApiError::MissingRefs(refs));
    }
    Ok(out)
}

/// Usage rows are locked in one order: promotions, then vouchers, each by id.
fn source_key(s: &pricing::Source) -> (u8, &str) {
    match s {
        pricing::Source::Promotion(id) => (0, id),
        pricing::Source::Voucher(id) => (1, id),
        pricing::Source::Order => (2, ""),
    }
}

fn stock_moves(p: &Prepared) -> Result<Vec<NewMovement>, ApiError> {
    let tracked: Vec<&Resolved> = p.lines.iter().filter(|l| l.product.track_stock.0).collect();
    if tracked.is_empty() {
        return Ok(Vec::new());
    }
    let warehouse_id = p.warehouse_id.clone().ok_or_else(|| {
        rule(kasir_domain::ErrorCode::NoWarehouse, "this outlet has no default warehouse to sell from".into())
    })?;
    Ok(tracked
        .into_iter()
        .map(|l| NewMovement {
            kind: "sale",
            warehouse_id: warehouse_id.clone(),
            product_id: l.product.id.clone(),
            variant_id: l.variant.as_ref().map(|v| v.id.clone()),
            delta: -l.quantity,
            unit_cost: Some(l.unit_cost()),
            reference_type: "sale",
            reference_id: p.id.clone(),
            note: None,
        })
        .collect())
}

/// 422 `insufficient_stock` naming the first item short of stock.
pub fn shortage(e: StockError, lines: &[Resolved]) -> ApiError {
    match e {
        StockError::Store(e) => e.into(),
        StockError::Shortage(s) => {
            let index = lines
                .iter()
                .position(|l| {
                    l.product.id == s.product_id && l.variant.as_ref().map(|v| &v.id) == s.variant_id.as_ref()
                })
                .unwrap_or(0);
            rule(
                kasir_domain::ErrorCode::InsufficientStock,
                format!("items[{index}]: only {} in stock, {} requested", Quantity(s.available), Quantity(s.requested)),
            )
        }
    }
}

/// The sale as priced; its number is set when it is written.
fn build_sale(seller: &Seller, p: &Prepared, shift_id: &str, priced: &pricing::Priced, paid: i64, change: i64) -> Sale {
    let now = kasir_domain::time::now();
    let items = p
        .lines
        .iter()
        .zip(&priced.lines)
        .map(|(l, x)| SaleItem {
            id: kasir_domain::ids::new_id(),
            product_id: l.product.id.clone(),
            variant_id: l.variant.as_ref().map(|v| v.id.clone()),
            name: l.name(),
            sku: l.sku(),
            quantity: Quantity(l.quantity),
            unit_price: l.unit_price,
            modifiers: l.modifiers.clone(),
            gross: x.gross,
            discount_total: x.discount_total(),
            tax_total: x.tax,
            tax_rate_bps: l.tax.as_ref().map_or(0, |t| t.rate_bps),
            tax_inclusive: l.tax.as_ref().is_some_and(|t| t.inclusive.0),
            total: x.total,
            refunded_quantity: Quantity::ZERO,
            note: l.note.clone(),
            detail: ItemDetail {
                category_id: l.product.category_id.clone(),
                line_discount: x.line_discount,
                order_discount: x.order_discount,
                tax_id: l.tax.as_ref().map(|t| t.id.clone()),
                unit_cost: l.unit_cost(),
                tracks_stock: l.product.track_stock.0,
            },
        })
        .collect();
    let discounts = priced
        .applied
        .iter()
        .map(|a| {
            let (source, source_id, name) = match &a.source {
                pricing::Source::Promotion(id) => {
                    let name = p.promotions.iter().find(|x| &x.id == id).map(|x| x.name.clone()).unwrap_or_default();
                    ("promotion", Some(id.clone()), name)
                }
                pricing::Source::Order => ("order", None, "Discount".to_string()),
                pricing::Source::Voucher(id) => {
                    ("voucher", Some(id.clone()), p.voucher.as_ref().map(|v| v.code.clone()).unwrap_or_default())
                }
            };
            SaleDiscount { source: source.into(), source_id, name, amount: a.amount }
        })
        .collect();
    let payments = p
        .payments
        .iter()
        .map(|(m, pay)| SalePayment {
            id: kasir_domain::ids::new_id(),
            payment_method_id: m.id.clone(),
            kind: m.kind.clone(),
            name: m.name.clone(),
            amount: pay.amount,
            reference: pay.reference.clone(),
        })
        .collect();
    Sale {
        id: p.id.clone(),
        tenant_id: seller.scope.tenant_id.clone(),
        number: String::new(),
        outlet_id: p.outlet.id.clone(),
        shift_id: shift_id.to_string(),
        cashier_id: seller.user_id.clone(),
        customer_id: p.customer_id.clone(),
        status: kasir_domain::SaleStatus::Completed.as_str().into(),
        items,
        subtotal: priced.subtotal,
        discount_total: priced.discount_total,
        tax_total: priced.tax_total,
        rounding: priced.rounding,
        total: priced.total,
        paid,
        change,
        refunded_total: 0,
        payments,
        discounts,
        voucher_code: p.voucher.as_ref().map(|v| v.code.clone()),
        note: p.note.clone(),
        void_reason: None,
        voided_at: None,
        voided_by: None,
        business_date: p.business_date.clone(),
        created_at: now.clone(),
        updated_at: now,
        version: 1,
        local_hour: p.local_hour,
        void_shift_id: None,
        voucher_id: p.voucher.as_ref().map(|v| v.id.clone()),
        order_id: None,
    }
}
