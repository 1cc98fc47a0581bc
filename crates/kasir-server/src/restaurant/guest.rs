//! `/guest/*`: guests ordering at their table by QR code. The `X-Table-Session` token is their
//! only credential: it reads the menu and places and reads the orders of its own session, and
//! opens nothing else (every other route wants a login or an API key).

use axum::{extract::State, response::Response};
use kasir_domain::Quantity;
use kasir_store::{
    catalog::products::{Product, PRODUCTS},
    catalog::{Category, ModifierGroup, ModifierOption, CATEGORIES, MODIFIER_GROUPS},
    crud::{self, ListQuery},
    restaurant::orders::{self, Order, OrderFilter},
    tenancy::outlets::{Outlet, OUTLETS},
    Value,
};
use serde::{Deserialize, Serialize};
use utoipa::{
    openapi::schema::{ObjectBuilder, Type},
    IntoParams, ToSchema,
};

use super::sessions::{guest_table, GuestTable};
use crate::{
    api::{
        created, ok, ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery, IdPath, JsonBody,
    },
    auth::guest::GuestSession,
    restaurant::ordering::{self, CreateOrder, Guest, OrderActor, OrderKind},
    selling::lines::ItemInput,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MenuQuery {
    #[param(format = Uuid)]
    pub category_id: Option<String>,
    /// Words of the product name.
    pub search: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    /// At most 200 (default 100).
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

/// A product on the guests' menu: what they may choose, at what price (no costs, no stock).
#[derive(Debug, Serialize, ToSchema)]
pub struct MenuItem {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    #[schema(format = Uuid)]
    pub category_id: Option<String>,
    pub price: i64,
    pub unit: String,
    /// The product's picture (`POST /products/{id}/image`), readable without a login.
    pub image_url: Option<String>,
    pub variants: Vec<MenuVariant>,
    pub modifier_groups: Vec<MenuModifierGroup>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MenuVariant {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub price: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MenuModifierGroup {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    pub min_select: i64,
    pub max_select: i64,
    pub options: Vec<ModifierOption>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MenuCategory {
    #[schema(format = Uuid)]
    pub id: String,
    pub name: String,
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
}

/// `GET /guest/menu`: the table, its outlet, the categories, and a page of active products.
#[derive(Debug, Serialize, ToSchema)]
pub struct Menu {
    pub table: GuestTable,
    #[schema(format = Uuid)]
    pub outlet_id: String,
    pub outlet_name: String,
    pub currency: String,
    /// The business takes payments online (`POST /guest/orders/{id}/pay-online`).
    pub pay_online: bool,
    pub categories: Vec<MenuCategory>,
    pub products: Vec<MenuItem>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

/// What a guest orders: items (no price overrides or discounts) and a note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestOrder {
    #[schema(min_items = 1, max_items = 500)]
    pub items: Vec<GuestItem>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuestItem {
    #[schema(format = Uuid)]
    pub product_id: String,
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
    pub modifiers: Option<Vec<String>>,
    #[schema(max_length = 200)]
    pub note: Option<String>,
}

/// A guest route's description: public, with the `X-Table-Session` header.
pub fn op(summary: &str) -> Op {
    let session_header = ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("The table session's token (from its QR code)"));
    Op::new("guest", summary).public().header("X-Table-Session", "The table session's token", session_header)
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/guest/menu",
        menu,
        op("The menu for a table session's guests").query::<MenuQuery>().ok::<Menu>().errors(&[401]),
    )
    .route(
        Method::Post,
        "/guest/orders",
        place,
        op("Order at the table (limited per session and minute)")
            .body::<GuestOrder>()
            .created::<Order>()
            .errors(&[401, 404, 422, 429]),
    )
    .route(
        Method::Get,
        "/guest/orders",
        mine,
        op("The orders of this table session, oldest first").ok_list::<Order>().errors(&[401]),
    )
    .route(
        Method::Get,
        "/guest/orders/{id}",
        one,
        op("One order of this table session").path_id("id").ok::<Order>().errors(&[401, 404]),
    )
}

async fn menu(
    State(s): State<AppState>,
    g: GuestSession,
    ApiQuery(q): ApiQuery<MenuQuery>,
) -> Result<Response, ApiError> {
    let scope = g.scope();
    let mut v = kasir_domain::Violations::new();
    let page = v.range("page", q.page.unwrap_or(1), 1, 1_000_000);
    let per_page = v.range("per_page", q.per_page.unwrap_or(100), 1, 200);
    let category = q.category_id.as_deref().and_then(|raw| {
        let id = kasir_domain::ids::parse_id(raw);
        if id.is_none() {
            v.add("category_id", "must be a UUID");
        }
        id
    });
    let search = v.opt_text("search", q.search.as_deref(), 100);
    v.finish().map_err(ApiError::Validation)?;
    let mut filters = vec![("is_active".to_string(), Value::from(true))];
    if let Some(c) = category {
        filters.push(("category_id".into(), Value::from(c)));
    }
    let lq = ListQuery {
        page,
        per_page,
        search,
        sort: Some(("name".into(), false)),
        filters,
        count_cap: s.config.search_count_cap,
        ..Default::default()
    };
    let found = crud::list::<Product>(&s.db, &PRODUCTS, &scope, &lq).await?;
    let mut group_ids: Vec<String> = found.items.iter().flat_map(|p| p.modifier_group_ids.0.iter().cloned()).collect();
    group_ids.sort();
    group_ids.dedup();
    let groups: Vec<ModifierGroup> = crud::get_many(&s.db, &MODIFIER_GROUPS, &scope, &group_ids).await?;
    let cats = ListQuery {
        per_page: 200,
        filters: vec![("is_active".into(), Value::from(true))],
        sort: Some(("sort_order".into(), false)),
        ..Default::default()
    };
    let categories = crud::list::<Category>(&s.db, &CATEGORIES, &scope, &cats).await?;
    let outlet: Outlet = crud::get(&s.db, &OUTLETS, &scope, &g.session.outlet_id).await?;
    let tenant = kasir_store::tenancy::tenants::get(&s.db, &scope.tenant_id).await?;
    let products = found
        .items
        .into_iter()
        .map(|p| MenuItem {
            variants: p
                .variants
                .0
                .iter()
                .map(|x| MenuVariant { id: x.id.clone(), name: x.name.clone(), price: x.price.unwrap_or(p.price) })
                .collect(),
            modifier_groups: groups
                .iter()
                .filter(|grp| p.modifier_group_ids.0.contains(&grp.id))
                .map(|grp| MenuModifierGroup {
                    id: grp.id.clone(),
                    name: grp.name.clone(),
                    min_select: grp.min_select,
                    max_select: grp.max_select,
                    options: grp.options.0.clone(),
                })
                .collect(),
            id: p.id,
            name: p.name,
            category_id: p.category_id,
            price: p.price,
            unit: p.unit,
            image_url: p.image_url,
        })
        .collect();
    Ok(ok(Menu {
        table: guest_table(&s.db, &g.session).await?,
        outlet_id: outlet.id,
        outlet_name: outlet.name,
        pay_online: s.sealer.is_some()
            && kasir_store::payments::gateway(
                &s.db,
                &tenant.id,
                kasir_domain::payments::GatewayProvider::Xendit.as_str(),
            )
            .await?
            .is_some(),
        currency: tenant.currency,
        categories: categories
            .items
            .into_iter()
            .map(|c| MenuCategory { id: c.id, name: c.name, parent_id: c.parent_id })
            .collect(),
        products,
        page,
        per_page,
        total: found.total,
    }))
}

async fn place(State(s): State<AppState>, g: GuestSession, body: JsonBody) -> Result<Response, ApiError> {
    let b: GuestOrder = body.parse()?;
    let who = OrderActor { scope: g.scope(), user_id: None, can_override_price: false, actor: g.actor.clone() };
    let order = CreateOrder {
        id: None,
        outlet_id: g.session.outlet_id.clone(),
        table_session_id: None,
        table_id: None,
        kind: OrderKind::DineIn,
        note: b.note,
        items: b
            .items
            .into_iter()
            .map(|i| ItemInput {
                product_id: i.product_id,
                variant_id: i.variant_id,
                quantity: i.quantity,
                unit_price: None,
                discount: None,
                modifiers: i.modifiers,
                note: i.note,
            })
            .collect(),
    };
    let guest = Guest { session: &g.session, per_minute: s.config.guest_orders_per_minute };
    Ok(created(ordering::create(&s.db, &who, order, Some(guest)).await?))
}

async fn mine(State(s): State<AppState>, g: GuestSession) -> Result<Response, ApiError> {
    let f = OrderFilter { table_session_id: Some(g.session.id.clone()), ..Default::default() };
    let (items, total) = orders::list(&s.db, &g.scope(), &f, 1, 200).await?;
    Ok(ok_list(items, 1, 200, total))
}

async fn one(State(s): State<AppState>, g: GuestSession, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let order = orders::get(&s.db, &g.scope(), &id).await?;
    if order.table_session_id.as_deref() != Some(g.session.id.as_str()) {
        return Err(kasir_store::StoreError::NotFound.into());
    }
    Ok(ok(order))
}
