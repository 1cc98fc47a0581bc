//! Reading gateway payments: a customer its own, staff with `sales.read` their tenant's and
//! outlets'; and cancelling one that is not paid.

use axum::{extract::State, response::Response};
use kasir_domain::{
    payments::{PaymentPurpose, PaymentStatus},
    Permission, Violations,
};
use kasir_store::payments::{self, HistoryEntry, Payment};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::charges;
use crate::{
    accounts::Caller,
    api::{fields, ok, ok_list, ApiError, ApiQuery, IdPath},
    state::AppState,
};

/// A payment with its status history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentDetail {
    #[serde(flatten)]
    pub payment: Payment,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PaymentQuery {
    /// `PENDING`, `PAID`, `SETTLED`, `EXPIRED` or `FAILED`.
    #[param(inline, value_type = Option<String>, pattern = "^(PENDING|PAID|SETTLED|EXPIRED|FAILED)$")]
    pub status: Option<String>,
    /// `topup`, `order` or `charge`.
    #[param(inline, value_type = Option<String>, pattern = "^(topup|order|charge)$")]
    pub purpose: Option<String>,
    #[param(format = Uuid)]
    pub order_id: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// The payment `id` as the caller may see it: a customer its own, staff with `sales.read` those
/// of their tenant and outlets.
async fn visible(s: &AppState, caller: &Caller, id: &str) -> Result<Payment, ApiError> {
    let p = match kasir_domain::ids::parse_id(id) {
        Some(id) => payments::get(&s.db, &id).await?,
        None => None,
    }
    .ok_or(ApiError::NotFound)?;
    let sees = match caller {
        Caller::Customer(c) => p.customer_id.as_deref() == Some(c.account.id.as_str()),
        Caller::Staff(st) => {
            st.require(Permission::SalesRead)?;
            let scope = st.scope()?;
            p.tenant_id == scope.tenant_id && p.outlet_id.as_deref().is_none_or(|o| scope.sees_outlet(o))
        }
    };
    if sees {
        Ok(p)
    } else {
        Err(ApiError::NotFound)
    }
}

pub(super) async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<PaymentQuery>,
) -> Result<Response, ApiError> {
    let mut v = Violations::new();
    let (page, per_page) = fields::paging_in(&mut v, q.page, q.per_page);
    let status = q.status.as_deref().and_then(|raw| {
        v.parsed("status", PaymentStatus::parse(raw).ok_or("must be PENDING, PAID, SETTLED, EXPIRED or FAILED"))
    });
    let purpose = q
        .purpose
        .as_deref()
        .and_then(|raw| v.parsed("purpose", PaymentPurpose::parse(raw).ok_or("must be topup, order or charge")));
    let order_id = q
        .order_id
        .as_deref()
        .and_then(|raw| v.parsed("order_id", kasir_domain::ids::parse_id(raw).ok_or("must be a UUID")));
    v.finish().map_err(ApiError::Validation)?;
    let mut f = payments::Filter {
        status: status.map(|s| s.as_str().to_string()),
        purpose: purpose.map(|p| p.as_str().to_string()),
        order_id,
        ..Default::default()
    };
    match &caller {
        Caller::Customer(c) => {
            f.tenant_id = c.account.tenant_id.clone();
            f.customer_id = Some(c.account.id.clone());
        }
        Caller::Staff(p) => {
            p.require(Permission::SalesRead)?;
            let scope = p.scope()?;
            f.tenant_id = scope.tenant_id;
            f.outlets = scope.outlets;
        }
    }
    let (items, total) = payments::list(&s.db, &f, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}

pub(super) async fn one(State(s): State<AppState>, caller: Caller, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let payment = visible(&s, &caller, &id).await?;
    let history = payments::history(&s.db, &payment.id).await?;
    Ok(ok(PaymentDetail { payment, history }))
}

pub(super) async fn cancel(
    State(s): State<AppState>,
    caller: Caller,
    IdPath(id): IdPath,
) -> Result<Response, ApiError> {
    if let Caller::Staff(p) = &caller {
        p.require(Permission::SalesCreate)?;
    }
    let payment = visible(&s, &caller, &id).await?;
    Ok(ok(charges::cancel(&s, &payment).await?))
}
