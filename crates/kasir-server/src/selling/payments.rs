//! The payments of a sale: the methods named, and whether they cover the total (only cash gives
//! change).

use kasir_domain::{money, FieldError, Money, Violations};
use kasir_store::{
    selling::payment_methods::{self, PaymentMethod},
    Db, Scope,
};

use super::PaymentInput;
use crate::api::{rule, ApiError};

/// Paid in all, and the change: payments must cover the total, and only cash may pay more.
pub(super) fn check_payments(
    payments: &[(PaymentMethod, PaymentInput)],
    total: Money,
) -> Result<(Money, Money), ApiError> {
    let paid = money::total(payments.iter().map(|(_, p)| p.amount))?;
    let cash = money::total(payments.iter().filter(|(m, _)| m.kind == "cash").map(|(_, p)| p.amount))?;
    if paid < total {
        return Err(rule(
            kasir_domain::ErrorCode::PaymentInsufficient,
            format!("the payments come to {paid}, the total is {total}"),
        ));
    }
    let change = paid.minus(total)?;
    if change > cash {
        return Err(rule(
            kasir_domain::ErrorCode::PaymentExceedsTotal,
            format!(
                "only cash may pay more than the total ({total}); the other payments come to {}",
                paid.minus(cash)?
            ),
        ));
    }
    Ok((paid, change))
}

/// The payment methods of `payments`, each live and active.
#[tracing::instrument(skip_all)]
pub(super) async fn payment_methods(
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
