//! Every route of the API under `/api/v1`, and the root routes, gathered from the areas.

use crate::{
    accounts,
    api::{openapi::ApiRouter, resource},
    auth, catalog, customers, devices, expenses, operations, payments, platform, promotions, purchasing, realtime,
    reports, restaurant, selling,
    state::AppState,
    stock, sync, tenancy, workforce,
};

pub fn all() -> ApiRouter<AppState> {
    let mut v1 = ApiRouter::new();
    v1 = platform::api_routes(v1);
    v1 = auth::routes::routes(v1);
    v1 = tenancy::tenants::routes(v1);
    v1 = resource::routes::<tenancy::outlets::Outlets>(v1);
    v1 = resource::routes::<tenancy::users::Users>(v1);
    v1 = tenancy::roles::routes(v1);
    v1 = resource::routes::<catalog::resources::Categories>(v1);
    v1 = resource::routes::<catalog::resources::Brands>(v1);
    v1 = resource::routes::<catalog::resources::Taxes>(v1);
    v1 = resource::routes::<catalog::resources::ModifierGroups>(v1);
    v1 = catalog::products::routes(v1);
    v1 = catalog::product_io::routes(v1);
    v1 = resource::routes::<stock::warehouses::Warehouses>(v1);
    v1 = stock::ledger::routes(v1);
    v1 = stock::transfers::routes(v1);
    v1 = purchasing::routes(v1);
    v1 = customers::routes(v1);
    v1 = accounts::routes(v1);
    v1 = selling::shifts::routes(v1);
    v1 = selling::sales::routes(v1);
    v1 = selling::receipts::routes(v1);
    v1 = reports::routes(v1);
    v1 = promotions::routes(v1);
    v1 = resource::routes::<expenses::ExpenseCategories>(v1);
    v1 = resource::routes::<expenses::Expenses>(v1);
    v1 = restaurant::tables::routes(v1);
    v1 = restaurant::orders::routes(v1);
    v1 = restaurant::guest::routes(v1);
    v1 = payments::routes(v1);
    v1 = workforce::routes(v1);
    v1 = operations::routes(v1);
    v1 = tenancy::api_keys::routes(v1);
    v1 = platform::audit::routes(v1);
    v1 = platform::jobs::routes(v1);
    v1 = platform::files::routes(v1);
    v1 = platform::messages::routes(v1);
    v1 = platform::backup::routes(v1);
    v1 = sync::routes(v1);
    v1 = resource::routes::<devices::Devices>(v1);
    v1 = devices::licenses::routes(v1);
    v1 = realtime::socket::routes(v1);
    platform::root_routes(ApiRouter::new()).merge(v1.nest("/api/v1"))
}
