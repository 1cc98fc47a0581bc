//! Purchasing: `/suppliers`, `/purchases` and `/purchase-returns`. Receipts add stock at the line's
//! unit cost and keep each product's (or variant's) cost as a moving average; returns take stock
//! back out.

pub mod purchases;
pub mod receiving;
pub mod returns;
pub mod suppliers;

use crate::{
    api::openapi::{ApiRouter, Method, Op},
    state::AppState,
};
use kasir_store::purchasing::Purchase;
use purchases::{PurchaseAct, ReceivePurchase};

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let act =
        |summary: &str| Op::new("purchasing", summary).path_id("id").if_match().ok::<Purchase>().errors(&[409, 422]);
    let mut api = crate::api::resource::routes::<suppliers::Suppliers>(api);
    api = crate::api::resource::routes::<purchases::Purchases>(api);
    api = crate::api::resource::routes::<returns::Returns>(api);
    api.route(
        Method::Post,
        "/purchases/{id}/order",
        purchases::order,
        act("Place a draft purchase with the supplier").body::<PurchaseAct>(),
    )
    .route(
        Method::Post,
        "/purchases/{id}/receive",
        purchases::receive,
        act("Receive all or part of a draft or ordered purchase: stock arrives at unit cost")
            .moves_money()
            .body::<ReceivePurchase>(),
    )
    .route(
        Method::Post,
        "/purchases/{id}/cancel",
        purchases::cancel,
        act("Cancel a purchase before any of it arrives").body::<PurchaseAct>(),
    )
}
