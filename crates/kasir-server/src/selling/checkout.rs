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
use kasir_domain::{pricing, FieldError, Violations};
use kasir_store::{
    crud,
    customers::{Customer, CUSTOMERS},
    events::{EventBody, SaleEvent},
    platform::idempotency,
    promotions::{self, UsageTable},
    selling::payment_methods::PaymentMethod,
    selling::sales::{self, Sale},
    selling::shifts,
    stock::{self, Thresholds},
    tenancy::outlets::{self, Outlet},
    Db,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    lines::{self, ItemInput, Resolved},
    payments::{check_payments, payment_methods},
    repeats::answer_repeat,
    sale_rows::{build_sale, shortage, stock_moves},
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

/// A sale a till rang up while it was offline, pushed later (`POST /sync/push`): dated and
/// priced as it was rung up, in the shift it was rung up in, and never refused for stock.
#[derive(Debug, Clone)]
pub struct Offline {
    /// When the till rang it up.
    pub created_at: Timestamp,
    /// The shift it was rung up in (opened online, or pushed before the sale).
    pub shift_id: String,
}

/// Everything checked and read before the transaction.
pub(super) struct Prepared {
    pub(super) id: String,
    pub(super) outlet: Outlet,
    pub(super) lines: Vec<Resolved>,
    pub(super) customer_id: Option<String>,
    pub(super) order_discount: Option<pricing::Discount>,
    pub(super) payments: Vec<(PaymentMethod, PaymentInput)>,
    pub(super) voucher: Option<promotions::Voucher>,
    pub(super) promotions: Vec<promotions::Promotion>,
    pub(super) note: Option<String>,
    pub(super) cash_rounding: i64,
    pub(super) allow_negative: bool,
    pub(super) warehouse_id: Option<String>,
    pub(super) business_date: String,
    pub(super) local_hour: i64,
    pub(super) offline: Option<Offline>,
    /// Paid through the payment gateway before it is written: dated and shifted like an
    /// offline sale (never refused for stock or used-up promotions) but not one.
    pub(super) prepaid: bool,
}

/// Rings up a sale. With a key, a repeat of a committed request gets its response again.
#[tracing::instrument(skip_all)]
pub async fn checkout(db: &Db, seller: &Seller, input: CreateSale, key: Option<&TxKey>) -> Result<Outcome, ApiError> {
    checkout_part(db, seller, input, key, None).await
}

/// Records a sale rung up offline. Promotions and vouchers apply as they stood when it was rung
/// up, even if their uses ran out meanwhile; stock may go below zero (the sale says so).
#[tracing::instrument(skip_all)]
pub async fn checkout_offline(db: &Db, seller: &Seller, input: CreateSale, offline: Offline) -> Result<Sale, ApiError> {
    let p = prepare(db, seller, input, Some(offline)).await?;
    match write(db, seller, &p, None, None).await? {
        Written::Done(Outcome::Created { sale, .. }) => Ok(*sale),
        _ => Err(ApiError::Internal("an offline sale was not written".into())),
    }
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
    let failed = match attempt(db, seller, input, key, part).await {
        Ok(outcome) => return Ok(outcome),
        Err(e) => e,
    };
    // A repeat of a sale that committed can fail on what the first one did (it took the last
    // stock, the voucher's last use or the wallet's credit; the shift closed since): the key
    // is looked up only at commit, so a failure asks it too, and a repeat gets the first answer.
    let Some(k) = key else { return Err(failed) };
    match answer_repeat(db, seller, k).await {
        Ok(repeat) => repeat.answer().unwrap_or(Err(failed)),
        Err(lookup) => {
            tracing::error!(error = ?lookup, "looking up the key of a failed checkout");
            Err(failed)
        }
    }
}

async fn attempt(
    db: &Db,
    seller: &Seller,
    input: CreateSale,
    key: Option<&TxKey>,
    part: Option<&OrderPart>,
) -> Result<Outcome, ApiError> {
    let mut p = prepare(db, seller, input, None).await?;
    // A promotion whose last use another sale takes meanwhile is dropped and the sale repriced.
    for _ in 0..4 {
        match write(db, seller, &p, key, part).await? {
            Written::Done(outcome) => return Ok(outcome),
            Written::UsedUp(promotion_id) => p.promotions.retain(|x| x.id != promotion_id),
            Written::Again => {}
            // `write` answers a taken id itself.
            Written::IdTaken => return Err(id_taken()),
        }
    }
    Err(ApiError::Busy)
}

#[tracing::instrument(skip_all)]
async fn prepare(db: &Db, seller: &Seller, input: CreateSale, offline: Option<Offline>) -> Result<Prepared, ApiError> {
    let scope = &seller.scope;
    if !seller.can_discount && (input.discount.is_some() || input.items.iter().any(|i| i.discount.is_some())) {
        return Err(ApiError::Forbidden("a discount needs the 'sales.discount' permission".into()));
    }
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
    // An offline sale keeps the prices the till rang it up at.
    let prices_given = seller.can_override_price || offline.is_some();
    let lines = lines::resolve(db, scope, &input.items, prices_given, &mut v).await?;
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
    let now = offline.as_ref().map_or_else(Timestamp::now, |o| o.created_at);
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
        allow_negative: ctx.allow_negative_stock || offline.is_some(),
        warehouse_id: ctx.warehouse_id,
        business_date: local.date,
        local_hour: local.hour,
        offline,
        prepaid: false,
    })
}

enum Written {
    Done(Outcome),
    /// This promotion was used up by another sale; price again without it.
    UsedUp(String),
    /// The sale's id is taken (an offline till's sale sent twice, or a repeat of a request).
    IdTaken,
    /// The request's key was found stale after the work was rolled back: do it again.
    Again,
}

/// A sale's id that is already in use.
fn id_taken() -> ApiError {
    ApiError::Conflict {
        code: kasir_domain::ErrorCode::Conflict,
        message: "a sale with this id already exists".into(),
        errors: vec![FieldError::new("id", "is already in use")],
    }
}

#[tracing::instrument(skip_all)]
async fn write(
    db: &Db,
    seller: &Seller,
    p: &Prepared,
    key: Option<&TxKey>,
    part: Option<&OrderPart>,
) -> Result<Written, ApiError> {
    let priced = price(p)?;
    if let Some(pricing::VoucherRefusal::BelowMinimum { min_purchase }) = priced.voucher_refused {
        return Err(rule(
            kasir_domain::ErrorCode::VoucherInvalid,
            format!("this voucher needs a purchase of at least {min_purchase}"),
        ));
    }
    let (paid, change) = check_payments(&p.payments, priced.total)?;

    let mut tx = db.begin(seller.actor.clone()).await?;
    match (write_in(&mut tx, seller, p, key, part, &priced, (paid, change)).await?, key) {
        (Written::Done(outcome), _) => match tx.commit().await {
            Ok(()) => Ok(Written::Done(outcome)),
            // The key is taken: a repeat of a request that committed, or runs now elsewhere.
            Err(kasir_store::StoreError::Conflict { field }) if field == idempotency::KEY_TAKEN => match key {
                Some(k) => {
                    answer_repeat(db, seller, k).await?.answer().map_or(Ok(Written::Again), |a| a.map(Written::Done))
                }
                None => Err(ApiError::Internal("a key was claimed without one".into())),
            },
            Err(e) => Err(e.into()),
        },
        // The id a till made is taken: by this very request's first attempt, or by another sale.
        (Written::IdTaken, Some(k)) => {
            drop(tx);
            answer_repeat(db, seller, k).await?.answer().map_or_else(|| Err(id_taken()), |a| a.map(Written::Done))
        }
        (Written::IdTaken, None) => Err(id_taken()),
        (other, _) => Ok(other),
    }
}

/// The writes of [`write`], in the caller's transaction (committed by the caller when the sale
/// was made; anything else leaves nothing to commit).
async fn write_in(
    tx: &mut kasir_store::Tx,
    seller: &Seller,
    p: &Prepared,
    key: Option<&TxKey>,
    part: Option<&OrderPart>,
    priced: &pricing::Priced,
    (paid, change): (kasir_domain::Money, kasir_domain::Money),
) -> Result<Written, ApiError> {
    let scope = &seller.scope;
    let shift = match &p.offline {
        None => shifts::open_shift_of(tx, &seller.user_id, &p.outlet.id).await?.ok_or_else(|| {
            rule(kasir_domain::ErrorCode::ShiftNotOpen, "open a shift at this outlet before selling".into())
        })?,
        // Locked for a change: a shift closed before the sale arrived is frozen again with it.
        Some(o) => {
            let shift = shifts::lock(tx, scope, &o.shift_id).await.map_err(|e| missing(e, "shift_id", "shift"))?;
            if shift.outlet_id != p.outlet.id {
                return Err(ApiError::field("shift_id", "is a shift of another outlet"));
            }
            shift
        }
    };
    let mut used: Vec<&pricing::Applied> = priced.applied.iter().collect();
    used.sort_by(|a, b| source_key(&a.source).cmp(&source_key(&b.source)));
    for a in used {
        // Offline, the use happened when the sale was rung up: it counts even past the limit.
        let online = p.offline.is_none();
        match &a.source {
            pricing::Source::Promotion(id)
                if !promotions::take_usage(tx, UsageTable::Promotions, id).await? && online =>
            {
                return Ok(Written::UsedUp(id.clone()));
            }
            pricing::Source::Voucher(id) if !promotions::take_usage(tx, UsageTable::Vouchers, id).await? && online => {
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
    // The movements, items and payments go to the database together, after the levels.
    let mut writes = kasir_store::Batch::default();
    let known = Thresholds::Known(&thresholds);
    let applied = match stock::apply_batched(tx, scope, p.allow_negative, moves, known, &mut writes).await {
        Ok(applied) => applied,
        Err(e) => return Err(shortage(e, &p.lines)),
    };
    let mut sale = build_sale(seller, p, &shift.id, priced, paid, change);
    sale.stock_negative = applied.iter().any(|a| a.after < 0);
    if let Some(o) = &p.offline {
        sale.offline = !p.prepaid;
        sale.created_at = kasir_domain::time::format_ts(o.created_at);
    }
    if let Some(part) = part {
        crate::restaurant::order_payment::record_payment(tx, scope, part).await?;
        sale.order_id = Some(part.order_id.clone());
    }
    // The outlet's number counter is held from here to commit: the movements and the sale's
    // lines go with the numbered sale row, in one call, last.
    sales::insert_lines_later(&sale, &mut writes);
    tx.audit(Some(&scope.tenant_id), "sale.create", "sale", Some(&sale.id), serde_json::json!({ "total": sale.total }));
    match sales::insert_numbered(tx, &mut sale, &p.outlet.code, writes).await {
        Err(kasir_store::StoreError::Conflict { field }) if field != "number" => return Ok(Written::IdTaken),
        other => other?,
    }
    // The customer's wallet pays its store credit, the sale earns points, a first purchase
    // completes a referral: all in this transaction.
    crate::accounts::effects::on_sale(tx, &sale).await?;
    super::record_sale(tx, scope, &sale, |e| {
        EventBody::SaleCompleted(SaleEvent {
            shift_id: Some(sale.shift_id.clone()),
            cashier_id: Some(sale.cashier_id.clone()),
            business_date: Some(sale.business_date.clone()),
            ..e
        })
    })?;
    if p.offline.is_some() && kasir_domain::ShiftStatus::Closed.is(&shift.status) {
        super::till::refreeze(tx, scope, &shift).await?;
    }
    let body = serde_json::to_string(&Envelope { success: true, data: &sale, message: None })
        .map_err(|e| ApiError::internal("serialising a sale", e))?;
    if let Some(k) = key {
        idempotency::respond_at_commit(tx, &k.scope, &k.key, &k.hash, 201, &body);
    }
    Ok(Written::Done(Outcome::Created { sale: Box::new(sale), body }))
}

/// What a sale would come to if rung up now, priced as checkout prices it (nothing is written).
pub async fn quote(db: &Db, seller: &Seller, input: CreateSale) -> Result<i64, ApiError> {
    let p = prepare(db, seller, input, None).await?;
    Ok(price(&p)?.total.get())
}

/// A sale a gateway payment makes, prepared (read and checked) before the payment's transaction.
pub struct Prepaid(Prepared);

/// Prepares the sale a gateway payment makes: at the prices given (the order's), in `shift_id`
/// (the outlet's open shift, or its last one), dated now.
pub async fn prepare_prepaid(
    db: &Db,
    seller: &Seller,
    input: CreateSale,
    shift_id: String,
) -> Result<Prepaid, ApiError> {
    let mut p = prepare(db, seller, input, Some(Offline { created_at: Timestamp::now(), shift_id })).await?;
    p.prepaid = true;
    Ok(Prepaid(p))
}

/// Writes a prepaid sale in the payment's transaction: the money is taken, so stock may go
/// below zero and promotions count past their limits, as for an offline sale.
pub async fn write_prepaid(
    tx: &mut kasir_store::Tx,
    seller: &Seller,
    p: &Prepaid,
    part: Option<&OrderPart>,
) -> Result<Sale, ApiError> {
    let p = &p.0;
    let priced = price(p)?;
    let paid = check_payments(&p.payments, priced.total)?;
    match write_in(tx, seller, p, None, part, &priced, paid).await? {
        Written::Done(Outcome::Created { sale, .. }) => Ok(*sale),
        Written::IdTaken => Err(id_taken()),
        _ => Err(ApiError::Internal("a prepaid sale was not written".into())),
    }
}

/// Prices a prepared sale.
fn price(p: &Prepared) -> Result<pricing::Priced, ApiError> {
    let order = pricing::Order {
        lines: p.lines.iter().map(Resolved::pricing_line).collect::<Result<_, _>>()?,
        discount: p.order_discount,
        promotions: p.promotions.iter().map(promotion_terms).collect::<Result<_, _>>()?,
        voucher: p.voucher.as_ref().map(voucher_terms).transpose()?,
        cash_rounding: p.cash_rounding,
    };
    Ok(pricing::price(&order)?)
}

/// Usage rows are locked in one order: promotions, then vouchers, each by id.
fn source_key(s: &pricing::Source) -> (u8, &str) {
    match s {
        pricing::Source::Promotion(id) => (0, id),
        pricing::Source::Voucher(id) => (1, id),
        pricing::Source::Order => (2, ""),
    }
}
