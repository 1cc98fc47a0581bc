//! What sales, voids and refunds do to a customer's account, in their own transactions. A sale
//! ([`on_sale`]): what was paid with `store_credit` comes off the customer's wallet (422
//! `insufficient_balance` if it holds less), the sale earns `floor((total − store credit) /
//! points_earn_per)` points, and the customer's first completed purchase completes their
//! referral. A void or refund ([`on_return`]) takes back the sale's points in proportion to what
//! came back (never below zero) and pays store credit back into the wallet.

use kasir_domain::{ErrorCode, Money};
use kasir_store::{
    accounts::{
        self,
        loyalty::{self, Ledger, Reason},
    },
    selling::sales::Sale,
    Tx,
};

use crate::api::{rule, ApiError};

/// The payment type that spends the wallet.
pub const STORE_CREDIT: &str = "store_credit";

/// The tenant's loyalty settings `(points_earn_per, points_redeem_rate, referral_reward_points)`,
/// read in the transaction.
pub async fn settings(tx: &mut Tx, tenant_id: &str) -> Result<(i64, i64, i64), ApiError> {
    let t = kasir_store::tenancy::tenants::get_in_tx(tx, tenant_id).await?;
    Ok((t.points_earn_per, t.points_redeem_rate, t.referral_reward_points))
}

/// What `payments` (`kind`, amount) paid with store credit.
pub fn store_credit<'a>(payments: impl Iterator<Item = (&'a str, i64)>) -> i64 {
    payments.filter(|(kind, _)| *kind == STORE_CREDIT).map(|(_, a)| a).sum()
}

/// A completed sale's effects on its customer's account, in the sale's transaction.
pub async fn on_sale(tx: &mut Tx, sale: &Sale) -> Result<(), ApiError> {
    let credit = store_credit(sale.payments.iter().map(|p| (p.kind.as_str(), p.amount)));
    let account = match &sale.customer_id {
        Some(id) => accounts::get_for_update(tx, id).await?,
        None => None,
    };
    let Some(account) = account else {
        if credit > 0 {
            return Err(ApiError::field("payments", "store credit needs a customer with an account of the shop's app"));
        }
        return Ok(());
    };
    let sale_ref = |d: &'static str| Reason { description: d, reference_type: "sale", reference_id: &sale.id };
    if credit > 0
        && loyalty::debit(tx, Ledger::Wallet, &account.tenant_id, &account.id, credit, &sale_ref("Paid at the shop"))
            .await?
            .is_none()
    {
        return Err(rule(
            ErrorCode::InsufficientBalance,
            format!("the customer's wallet holds {}, less than {credit}", account.balance),
        ));
    }
    // A voucher used by a customer with an account counts against its per-customer limit.
    for d in sale.discounts.iter().filter(|d| d.source == "voucher") {
        if let Some(voucher_id) = &d.source_id {
            let voucher: kasir_store::promotions::Voucher = kasir_store::crud::get_in(
                tx,
                &kasir_store::promotions::VOUCHERS,
                &kasir_store::Scope::tenant(&account.tenant_id),
                voucher_id,
            )
            .await?;
            check_customer_limit(tx, &voucher, &account.id).await?;
            loyalty::record_redemption(tx, &account.tenant_id, voucher_id, &account.id, ("sale", Some(&sale.id)))
                .await?;
        }
    }
    let (earn_per, _, reward) = settings(tx, &account.tenant_id).await?;
    // Points for what was paid with money, not with the wallet.
    let spent = Money::new(sale.total)?.less(Money::new(credit)?);
    let earned = if earn_per > 0 { spent.get() / earn_per } else { 0 };
    if earned > 0 {
        loyalty::credit(
            tx,
            Ledger::Points,
            &account.tenant_id,
            &account.id,
            earned,
            &sale_ref("Points for a purchase"),
        )
        .await?;
    }
    complete_referral(tx, &account.tenant_id, &account.id, reward).await
}

/// Completes the account's pending referral (its first completed purchase or payment) and
/// rewards the referrer, once.
pub async fn complete_referral(tx: &mut Tx, tenant_id: &str, account_id: &str, reward: i64) -> Result<(), ApiError> {
    if let Some((referral_id, referrer_id)) = loyalty::complete_referral(tx, account_id, reward).await? {
        if reward > 0 {
            let why = Reason {
                description: "A friend you invited made a purchase",
                reference_type: "referral",
                reference_id: &referral_id,
            };
            loyalty::credit(tx, Ledger::Points, tenant_id, &referrer_id, reward, &why).await?;
        }
    }
    Ok(())
}

/// What a void (`returned` = the whole total) or a refund (`returned` = the refunded total so
/// far, this refund included) does to the sale's customer account: points taken back in
/// proportion, never below zero; store credit paid back into the wallet.
pub async fn on_return(
    tx: &mut Tx,
    sale: &Sale,
    returned: i64,
    store_credit_back: i64,
    reference: (&'static str, &str),
) -> Result<(), ApiError> {
    let Some(customer_id) = &sale.customer_id else { return Ok(()) };
    if reference.0 == "void" {
        loyalty::forget_sale_redemptions(tx, &sale.id).await?;
    }
    let Some(account) = accounts::get_for_update(tx, customer_id).await? else {
        if store_credit_back > 0 {
            return Err(ApiError::field("payments", "store credit needs a customer with an account of the shop's app"));
        }
        return Ok(());
    };
    let earned = loyalty::total_for(tx, Ledger::Points, "CREDIT", "sale", &sale.id).await?;
    let taken = loyalty::total_for(tx, Ledger::Points, "DEBIT", "sale", &sale.id).await?;
    // The points the returned part carries, of all the sale earned (rounded down).
    let owed_points = if sale.total <= 0 || returned >= sale.total {
        earned
    } else {
        (i128::from(earned) * i128::from(returned) / i128::from(sale.total)) as i64
    };
    let take = owed_points.saturating_sub(taken).min(account.points);
    if take > 0 {
        let why = Reason { description: "Points of returned items", reference_type: "sale", reference_id: &sale.id };
        loyalty::debit(tx, Ledger::Points, &account.tenant_id, &account.id, take, &why).await?;
    }
    if store_credit_back > 0 {
        let why =
            Reason { description: "Paid back to your wallet", reference_type: reference.0, reference_id: reference.1 };
        loyalty::credit(tx, Ledger::Wallet, &account.tenant_id, &account.id, store_credit_back, &why).await?;
    }
    Ok(())
}

/// 422 `voucher_used_up` when the account has used the voucher as often as one customer may.
pub async fn check_customer_limit(
    tx: &mut Tx,
    voucher: &kasir_store::promotions::Voucher,
    account_id: &str,
) -> Result<i64, ApiError> {
    let used = loyalty::redemptions(tx, account_id, &voucher.id).await?;
    if voucher.per_customer_limit.is_some_and(|limit| used >= limit) {
        return Err(rule(
            ErrorCode::VoucherUsedUp,
            "this customer has used this voucher as often as one customer may".into(),
        ));
    }
    Ok(used)
}
