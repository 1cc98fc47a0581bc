//! One module per business area, each with its routes, request/response types and handlers.

pub mod api_keys;
pub mod audit;
pub mod auth;
pub mod catalog;
pub mod customers;
pub mod expenses;
pub mod guest;
pub mod orders;
pub mod outlets;
pub mod platform;
pub mod product_io;
pub mod products;
pub mod promotions;
pub mod purchasing;
pub mod receipts;
pub mod reports;
pub mod resource;
pub mod roles;
pub mod sales;
pub mod shifts;
pub mod stock;
pub mod sync;
pub mod tables;
pub mod tenants;
pub mod transfers;
pub mod users;
pub mod warehouses;

use crate::{api::openapi::ApiRouter, state::AppState};

/// Every route of the API under `/api/v1`, and the root routes.
pub fn all() -> ApiRouter<AppState> {
    let mut v1 = ApiRouter::new();
    v1 = platform::api_routes(v1);
    v1 = auth::routes(v1);
    v1 = tenants::routes(v1);
    v1 = resource::routes::<outlets::Outlets>(v1);
    v1 = resource::routes::<users::Users>(v1);
    v1 = roles::routes(v1);
    v1 = resource::routes::<catalog::Categories>(v1);
    v1 = resource::routes::<catalog::Brands>(v1);
    v1 = resource::routes::<catalog::Taxes>(v1);
    v1 = resource::routes::<catalog::ModifierGroups>(v1);
    v1 = products::routes(v1);
    v1 = product_io::routes(v1);
    v1 = resource::routes::<warehouses::Warehouses>(v1);
    v1 = stock::routes(v1);
    v1 = transfers::routes(v1);
    v1 = purchasing::routes(v1);
    v1 = customers::routes(v1);
    v1 = shifts::routes(v1);
    v1 = sales::routes(v1);
    v1 = receipts::routes(v1);
    v1 = reports::routes(v1);
    v1 = promotions::routes(v1);
    v1 = resource::routes::<expenses::ExpenseCategories>(v1);
    v1 = resource::routes::<expenses::Expenses>(v1);
    v1 = tables::routes(v1);
    v1 = orders::routes(v1);
    v1 = guest::routes(v1);
    v1 = api_keys::routes(v1);
    v1 = audit::routes(v1);
    v1 = sync::routes(v1);
    v1 = crate::realtime::socket::routes(v1);
    platform::root_routes(ApiRouter::new()).merge(v1.nest("/api/v1"))
}
