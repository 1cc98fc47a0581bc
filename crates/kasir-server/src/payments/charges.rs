//! The life of a gateway payment, callable without HTTP: [`create`] it (recorded first, then
//! asked of the gateway; a create whose answer was lost is looked up before it is made again),
//! [`refresh`] it from the gateway (a callback, the reconciliation job, a cancel), and [`apply`]
//! what the gateway says: one transaction moves the status forward (never back), records it in
//! the history, does what a paid payment does exactly once (a top-up credits the wallet, an
//! order becomes a sale through checkout, a referral completes) and queues
//! `PAYMENT_STATUS_CHANGED` for the customer's sockets and the outlet's staff.

use kasir_domain::{
    payments::{EwalletType, GatewayMethod, GatewayProvider, PaymentPurpose, PaymentStatus},
    ErrorCode,
};
use kasir_store::{
    accounts::{
        self,
        loyalty::{self, Ledger, Reason},
        Account,
    },
    events::{EventBody, PaymentEvent},
    feed::Event,
    payments::{self, Payment},
    restaurant::orders::Order,
    Actor, Scope,
};

use super::gateway::{self, Charge, Gateway, GatewayError, NewCharge};
use crate::{
    api::{rule, ApiError},
    restaurant::order_payment::{order_sale, PayOrder},
    selling::{
        checkout::{self, Prepaid},
        PaymentInput, Seller,
    },
    state::AppState,
};

/// How long each kind of charge stays open.
fn lifetime(method: GatewayMethod) -> i64 {
    match method {
        GatewayMethod::Invoice => 24 * 3600,
        GatewayMethod::Ewallet | GatewayMethod::Qris => 30 * 60,
    }
}

/// The actor of what the gateway makes happen.
pub fn gateway_actor() -> Actor {
    Actor { kind: "gateway", ..Default::default() }
}

/// A payment to make.
pub struct NewPayment {
    pub tenant_id: String,
    pub account: Option<Account>,
    pub purpose: PaymentPurpose,
    pub method: GatewayMethod,
    pub ewallet_type: Option<EwalletType>,
    pub amount: i64,
    pub description: String,
    pub order: Option<Order>,
    pub table_session_id: Option<String>,
    pub actor: Actor,
}

/// The total still to pay of `order`, priced as the sale that pays it will be.
pub async fn order_due(s: &AppState, order: &Order) -> Result<i64, ApiError> {
    let (input, _) = order_sale(order, pay_all(None, Vec::new()))?;
    let seller = sale_seller(&order.tenant_id, String::new());
    checkout::quote(&s.db, &seller, input).await
}

/// The outlet of `order` must have a shift for a sale paid online to go to.
pub async fn check_outlet_sells(s: &AppState, order: &Order) -> Result<(), ApiError> {
    match kasir_store::selling::shifts::for_outlet(&s.db, &order.tenant_id, &order.outlet_id).await? {
        Some(_) => Ok(()),
        None => Err(rule(ErrorCode::ShiftNotOpen, "the outlet has no shift to take this payment in yet".into())),
    }
}

/// Records a payment and creates it at the tenant's gateway.
#[tracing::instrument(skip_all)]
pub async fn create(s: &AppState, n: NewPayment) -> Result<Payment, ApiError> {
    let (gw, _) = gateway::for_tenant(s, &n.tenant_id, GatewayProvider::Xendit).await?;
    let id = kasir_domain::ids::new_id();
    let now = kasir_domain::time::now();
    let mut p = Payment {
        external_id: format!("kasir-{id}"),
        id,
        tenant_id: n.tenant_id.clone(),
        provider: GatewayProvider::Xendit.as_str().into(),
        gateway_ref: None,
        method: n.method.as_str().into(),
        ewallet_type: n.ewallet_type.map(|t| t.as_str().to_string()),
        purpose: n.purpose.as_str().into(),
        customer_id: n.account.as_ref().map(|a| a.id.clone()),
        order_id: n.order.as_ref().map(|o| o.id.clone()),
        outlet_id: n.order.as_ref().map(|o| o.outlet_id.clone()),
        table_session_id: n.table_session_id.clone(),
        amount: n.amount,
        description: n.description.clone(),
        status: PaymentStatus::Pending.as_str().into(),
        invoice_url: None,
        qr_string: None,
        checkout_url: None,
        expires_at: kasir_domain::time::now_plus_seconds(lifetime(n.method)),
        paid_at: None,
        sale_id: None,
        attention: None,
        created_by: n.actor.id.clone(),
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    let mut tx = s.db.begin(n.actor.clone()).await?;
    payments::insert(&mut tx, &p).await?;
    tx.audit(
        Some(&p.tenant_id),
        "payment.create",
        "payment",
        Some(&p.id),
        serde_json::json!({"amount": p.amount, "method": p.method, "purpose": p.purpose}),
    );
    tx.commit().await?;

    let ask = NewCharge {
        external_id: p.external_id.clone(),
        amount: p.amount,
        description: p.description.clone(),
        method: n.method,
        ewallet_type: n.ewallet_type,
        expires_in: lifetime(n.method),
        return_url: s.config.public_url.clone(),
        payer_email: n.account.as_ref().map(|a| a.email.clone()),
    };
    let charge = match create_once(gw.as_ref(), &ask).await {
        Ok(c) => c,
        Err(e) if e.unknown_outcome() => {
            // The gateway may hold it: the reconciliation job looks it up by its external id.
            tracing::warn!(payment_id = %p.id, error = %e, "creating a payment at the gateway: no answer");
            return Err(e.into());
        }
        Err(e) => {
            tracing::info!(payment_id = %p.id, error = %e, "the gateway refused a payment");
            apply(s, &p.id, &Charge::ended(None, PaymentStatus::Failed, p.amount), "create").await?;
            return Err(e.into());
        }
    };
    p.gateway_ref = Some(charge.gateway_ref.clone());
    p.invoice_url = charge.invoice_url.clone();
    p.qr_string = charge.qr_string.clone();
    p.checkout_url = charge.checkout_url.clone();
    if let Some(at) = charge.expires_at.as_deref().and_then(kasir_domain::time::parse_ts) {
        p.expires_at = at;
    }
    p.updated_at = kasir_domain::time::now();
    let mut tx = s.db.begin(n.actor).await?;
    payments::set_gateway_ref(&mut tx, &p).await?;
    tx.commit().await?;
    if charge.status != PaymentStatus::Pending {
        return apply(s, &p.id, &charge, "create").await;
    }
    payments::get(&s.db, &p.id).await?.ok_or(ApiError::NotFound)
}

/// Creates a charge; when an attempt gets no answer, looks for it under its external id before
/// asking again (three attempts in all).
async fn create_once(gw: &dyn Gateway, ask: &NewCharge) -> Result<Charge, GatewayError> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        if attempt > 1 {
            match gw.find(ask.method, &ask.external_id).await {
                Ok(Some(found)) => return Ok(found),
                Ok(None) => {}
                Err(e) if attempt < 3 && e.unknown_outcome() => continue,
                Err(e) => return Err(e),
            }
        }
        match gw.create(ask).await {
            Err(e) if attempt < 3 && e.unknown_outcome() => {
                tokio::time::sleep(std::time::Duration::from_millis(200 * attempt)).await;
            }
            other => return other,
        }
    }
}

/// Reads the payment again from the gateway and applies what it says.
#[tracing::instrument(skip_all)]
pub async fn refresh(s: &AppState, p: &Payment, source: &str) -> Result<Payment, ApiError> {
    let (gw, _) = gateway::for_tenant(s, &p.tenant_id, provider(p)?).await?;
    let method = method(p)?;
    let charge = match &p.gateway_ref {
        Some(r) => gw.get(method, r).await?,
        None => match gw.find(method, &p.external_id).await? {
            Some(c) => c,
            None => return Ok(p.clone()),
        },
    };
    apply(s, &p.id, &charge, source).await
}

/// Ends a pending payment: expired at the gateway where the method allows (an invoice), and
/// here. 422 `payment_already_paid` when it was paid (also when that is what the gateway says).
pub async fn cancel(s: &AppState, p: &Payment) -> Result<Payment, ApiError> {
    end(s, p, "cancel").await
}

/// [`cancel`], for `source` (a cancel, or the reconciliation job expiring a lapsed payment).
#[tracing::instrument(skip_all)]
pub async fn end(s: &AppState, p: &Payment, source: &str) -> Result<Payment, ApiError> {
    let paid = || rule(ErrorCode::PaymentAlreadyPaid, "this payment is paid and cannot be cancelled".into());
    if status(p)?.is_paid() {
        return Err(paid());
    }
    if status(p)? != PaymentStatus::Pending {
        return Ok(p.clone());
    }
    let (gw, _) = gateway::for_tenant(s, &p.tenant_id, provider(p)?).await?;
    let method = method(p)?;
    let answered = match &p.gateway_ref {
        Some(r) => gw.expire(method, r).await?,
        None => None,
    };
    let ended = match answered {
        // The gateway's word: expired, or paid just before.
        Some(c) if c.status != PaymentStatus::Pending => c,
        Some(c) => Charge { status: PaymentStatus::Expired, ..c },
        None => Charge::ended(p.gateway_ref.clone(), PaymentStatus::Expired, p.amount),
    };
    let after = apply(s, &p.id, &ended, source).await?;
    if status(&after)?.is_paid() {
        return Err(paid());
    }
    Ok(after)
}

/// Applies what the gateway reports of payment `id`: nothing when it is not a step forward.
#[tracing::instrument(skip_all)]
pub async fn apply(s: &AppState, id: &str, charge: &Charge, source: &str) -> Result<Payment, ApiError> {
    let current = payments::get(&s.db, id).await?.ok_or(ApiError::NotFound)?;
    let from = status(&current)?;
    if !from.may_move(charge.status) {
        return Ok(current);
    }
    let now_paid = charge.status.is_paid() && !from.is_paid();
    if now_paid && charge.amount != current.amount {
        tracing::error!(
            payment_id = id,
            reported = charge.amount,
            expected = current.amount,
            "the gateway reports another amount"
        );
        return Err(rule(
            ErrorCode::GatewayRejected,
            format!("the gateway reports {} paid for a payment of {}", charge.amount, current.amount),
        ));
    }
    // The sale a paid order becomes is read and checked before the transaction.
    let mut sale: Option<(Seller, Prepaid, crate::selling::checkout::OrderPart)> = None;
    let mut attention: Option<String> = None;
    if now_paid && current.purpose == PaymentPurpose::Order.as_str() {
        match prepare_order_sale(s, &current).await {
            Ok(prepared) => sale = Some(prepared),
            Err(e) if e.is_server_fault() => return Err(e),
            Err(e) => attention = Some(describe(e)),
        }
    }
    match write(s, &current, charge, source, sale.as_ref(), attention.clone()).await {
        Ok(p) => Ok(p),
        // The order changed between the read and the write (paid at the till, voided): the
        // payment is recorded paid, for staff to settle.
        Err(e) if sale.is_some() && !e.is_server_fault() => {
            write(s, &current, charge, source, None, Some(describe(e))).await
        }
        Err(e) => Err(e),
    }
}

fn describe(e: ApiError) -> String {
    let (code, message, _) = e.describe();
    format!("the order could not be rung up as a sale ({code}): {message}")
}

/// The transaction of [`apply`].
async fn write(
    s: &AppState,
    read: &Payment,
    charge: &Charge,
    source: &str,
    sale: Option<&(Seller, Prepaid, crate::selling::checkout::OrderPart)>,
    attention: Option<String>,
) -> Result<Payment, ApiError> {
    let mut tx = s.db.begin(gateway_actor()).await?;
    let locked = payments::lock(&mut tx, &read.id).await?.ok_or(ApiError::NotFound)?;
    let from = status(&locked)?;
    if !from.may_move(charge.status) {
        return Ok(locked);
    }
    let now = kasir_domain::time::now();
    let mut p = locked.clone();
    p.status = charge.status.as_str().into();
    p.updated_at = now.clone();
    if p.gateway_ref.is_none() && !charge.gateway_ref.is_empty() {
        p.gateway_ref = Some(charge.gateway_ref.clone());
    }
    if charge.status.is_paid() && !from.is_paid() {
        p.paid_at = Some(charge.paid_at.as_deref().and_then(kasir_domain::time::parse_ts).unwrap_or(now));
        p.attention = attention;
        // What a paid payment does, once: it only ever enters "paid" in this transaction. Locks
        // are taken in checkout's order (the sale's rows, then the customer's account).
        match PaymentPurpose::parse(&p.purpose) {
            Some(PaymentPurpose::Order) => {
                if let Some((seller, prepared, part)) = sale {
                    let made = checkout::write_prepaid(&mut tx, seller, prepared, Some(part)).await?;
                    p.sale_id = Some(made.id);
                }
            }
            Some(PaymentPurpose::Topup) => {
                let account_id =
                    p.customer_id.as_deref().ok_or_else(|| ApiError::Internal("a top-up without an account".into()))?;
                let why = Reason { description: "Top-up", reference_type: "payment", reference_id: &p.id };
                loyalty::credit(&mut tx, Ledger::Wallet, &p.tenant_id, account_id, p.amount, &why).await?;
            }
            Some(PaymentPurpose::Charge) | None => {}
        }
        // A first payment completes the payer's referral (a sale to them has done so already).
        let account = match &p.customer_id {
            Some(id) => accounts::get_for_update(&mut tx, id).await?,
            None => None,
        };
        if let Some(account) = &account {
            let (_, _, reward) = crate::accounts::effects::settings(&mut tx, &p.tenant_id).await?;
            crate::accounts::effects::complete_referral(&mut tx, &p.tenant_id, &account.id, reward).await?;
        }
    }
    payments::set_status(&mut tx, &p, source).await?;
    tx.audit(
        Some(&p.tenant_id),
        "payment.status",
        "payment",
        Some(&p.id),
        serde_json::json!({"from": from.as_str(), "to": p.status, "source": source}),
    );
    let event = EventBody::PaymentStatusChanged(PaymentEvent {
        id: p.id.clone(),
        status: p.status.clone(),
        amount: p.amount,
        paid_at: p.paid_at.clone(),
        purpose: p.purpose.clone(),
        method: p.method.clone(),
        order_id: p.order_id.clone(),
        outlet_id: p.outlet_id.clone(),
        sale_id: p.sale_id.clone(),
    });
    tx.record_event(Event::new(&p.tenant_id, p.outlet_id.as_deref(), event)?.to_customer(p.customer_id.as_deref()));
    tx.commit().await?;
    Ok(p)
}

/// The seller of sales the gateway makes: the shift's cashier, at the order's prices.
fn sale_seller(tenant_id: &str, user_id: String) -> Seller {
    Seller {
        user_id,
        scope: Scope::tenant(tenant_id),
        can_override_price: true,
        can_discount: false,
        actor: gateway_actor(),
    }
}

/// Everything left of an order, paid by `payments`.
fn pay_all(customer_id: Option<String>, payments: Vec<PaymentInput>) -> PayOrder {
    PayOrder { id: None, payments, split: None, customer_id, discount: None, voucher_code: None, note: None }
}

/// The sale a paid order becomes: everything left of it, paid by the gateway's method, in the
/// outlet's open shift (or its last one), to the paying customer.
async fn prepare_order_sale(
    s: &AppState,
    p: &Payment,
) -> Result<(Seller, Prepaid, crate::selling::checkout::OrderPart), ApiError> {
    let scope = Scope::tenant(&p.tenant_id);
    let order_id =
        p.order_id.as_deref().ok_or_else(|| ApiError::Internal("an order payment without an order".into()))?;
    let order = kasir_store::restaurant::orders::get(&s.db, &scope, order_id).await?;
    let shift = kasir_store::selling::shifts::for_outlet(&s.db, &p.tenant_id, &order.outlet_id)
        .await?
        .ok_or_else(|| rule(ErrorCode::ShiftNotOpen, "the outlet has no shift".into()))?;
    let (name, kind) = match method(p)? {
        GatewayMethod::Qris => ("QRIS (online)", "qris"),
        GatewayMethod::Ewallet => ("E-wallet (online)", "ewallet"),
        GatewayMethod::Invoice => ("Online payment", "transfer"),
    };
    let pm = kasir_store::selling::payment_methods::ensure(&s.db, gateway_actor(), &p.tenant_id, name, kind).await?;
    let customer = match &p.customer_id {
        Some(id) => accounts::get(&s.db, id).await?.map(|a| a.customer_id),
        None => None,
    };
    let pay = PaymentInput { payment_method_id: pm.id, amount: p.amount, reference: p.gateway_ref.clone() };
    let (input, part) = order_sale(&order, pay_all(customer, vec![pay]))?;
    let seller = sale_seller(&p.tenant_id, shift.user_id.clone());
    let prepared = checkout::prepare_prepaid(&s.db, &seller, input, shift.id).await?;
    Ok((seller, prepared, part))
}

fn status(p: &Payment) -> Result<PaymentStatus, ApiError> {
    PaymentStatus::parse(&p.status)
        .ok_or_else(|| ApiError::Internal(format!("payment {} has status {}", p.id, p.status)))
}

fn method(p: &Payment) -> Result<GatewayMethod, ApiError> {
    GatewayMethod::parse(&p.method)
        .ok_or_else(|| ApiError::Internal(format!("payment {} has method {}", p.id, p.method)))
}

fn provider(p: &Payment) -> Result<GatewayProvider, ApiError> {
    GatewayProvider::parse(&p.provider)
        .ok_or_else(|| ApiError::Internal(format!("payment {} has provider {}", p.id, p.provider)))
}
