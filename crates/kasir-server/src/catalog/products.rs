//! `/products`: the catalog's items with variants, barcodes and modifier groups, and
//! `GET /products/barcode/{code}` for the till's scanner.

use axum::{extract::State, response::Response};
use kasir_domain::{FieldError, Permission, Quantity};
use kasir_store::{
    catalog::products::{self, Code, Product, Variant, PRODUCTS},
    catalog::{Brand, Category, Tax, BRANDS, CATEGORIES, TAXES},
    crud::{self, ListQuery, ResourceDef},
    Db, Scope, StoreError, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::resource::{expected_version, new_record_id, nullable, Resource};
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiPath, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

use super::product_draft::{validate, Checked, Draft, VariantInput};

pub struct Products;

/// A new product.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProduct {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    /// Unique in the tenant across products and variants.
    #[schema(pattern = r"^[!-~]{1,64}$")]
    pub sku: String,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(format = Uuid)]
    pub category_id: Option<String>,
    #[schema(format = Uuid)]
    pub brand_id: Option<String>,
    #[schema(format = Uuid)]
    pub tax_id: Option<String>,
    /// Minor units.
    #[schema(minimum = 0)]
    pub price: i64,
    #[schema(minimum = 0)]
    pub cost: Option<i64>,
    /// `pcs` by default; `kg`, `l`, … for weighed goods.
    pub unit: Option<String>,
    pub track_stock: Option<bool>,
    #[schema(value_type = Option<f64>, minimum = 0)]
    pub low_stock_threshold: Option<Quantity>,
    pub is_active: Option<bool>,
    /// Unique in the tenant across products and variants.
    #[serde(default)]
    pub barcodes: Vec<String>,
    #[serde(default)]
    pub variants: Vec<VariantInput>,
    #[serde(default)]
    #[schema(value_type = Vec<uuid::Uuid>)]
    pub modifier_group_ids: Vec<String>,
}

/// Changes to a product. `variants`, `barcodes` and `modifier_group_ids` replace the lists.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProduct {
    #[schema(pattern = r"^[!-~]{1,64}$")]
    pub sku: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub category_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub brand_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub tax_id: Option<Option<String>>,
    #[schema(minimum = 0)]
    pub price: Option<i64>,
    #[schema(minimum = 0)]
    pub cost: Option<i64>,
    pub unit: Option<String>,
    pub track_stock: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<f64>, minimum = 0)]
    pub low_stock_threshold: Option<Option<Quantity>>,
    pub is_active: Option<bool>,
    pub barcodes: Option<Vec<String>>,
    pub variants: Option<Vec<VariantInput>>,
    #[schema(value_type = Option<Vec<uuid::Uuid>>)]
    pub modifier_group_ids: Option<Vec<String>>,
    pub version: Option<i64>,
}

/// Validates a draft against the tenant's data; returns the column values and the codes.
async fn check(
    tx: &mut Tx,
    scope: &Scope,
    product_id: &str,
    d: Draft,
) -> Result<(Vec<(&'static str, Value)>, Vec<Code>), ApiError> {
    let Checked { values, codes, category_id, brand_id, tax_id, group_ids } =
        validate(d).map_err(ApiError::Validation)?;
    let mut missing = Vec::new();
    let gone = |e: StoreError, field: &str, missing: &mut Vec<FieldError>| match e {
        StoreError::NotFound => {
            missing.push(FieldError::new(field, "no such record"));
            Ok(())
        }
        other => Err(ApiError::from(other)),
    };
    if let Some(id) = &category_id {
        if let Err(e) = crud::get_in::<Category>(tx, &CATEGORIES, scope, id).await {
            gone(e, "category_id", &mut missing)?;
        }
    }
    if let Some(id) = &brand_id {
        if let Err(e) = crud::get_in::<Brand>(tx, &BRANDS, scope, id).await {
            gone(e, "brand_id", &mut missing)?;
        }
    }
    if let Some(id) = &tax_id {
        if let Err(e) = crud::get_in::<Tax>(tx, &TAXES, scope, id).await {
            gone(e, "tax_id", &mut missing)?;
        }
    }
    let existing = products::existing_modifier_groups(tx, &scope.tenant_id, &group_ids).await?;
    for (i, id) in group_ids.iter().enumerate() {
        if !existing.contains(id) {
            missing.push(FieldError::new(format!("modifier_group_ids[{i}]"), "no such modifier group"));
        }
    }
    if !missing.is_empty() {
        return Err(ApiError::MissingRefs(missing));
    }
    let taken = products::taken_codes(tx, &scope.tenant_id, product_id, &codes).await?;
    if !taken.is_empty() {
        return Err(ApiError::Conflict {
            code: kasir_domain::ErrorCode::Conflict,
            message: format!("{} is already used by another product", taken.join(", ")),
            errors: taken.into_iter().map(|f| FieldError::new(f, "is already used by another product")).collect(),
        });
    }
    Ok((values, codes))
}

impl Resource for Products {
    type Record = Product;
    type Create = CreateProduct;
    type Update = UpdateProduct;
    const DEF: &'static ResourceDef = &PRODUCTS;
    const PATH: &'static str = "/products";
    const TAG: &'static str = "catalog";
    const READ: Permission = Permission::CatalogRead;
    const WRITE: Permission = Permission::CatalogManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateProduct) -> Result<Product, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let draft = Draft {
            sku: b.sku,
            name: b.name,
            category_id: b.category_id,
            brand_id: b.brand_id,
            tax_id: b.tax_id,
            price: b.price,
            cost: b.cost.unwrap_or(0),
            unit: b.unit.unwrap_or_else(|| "pcs".into()),
            track_stock: b.track_stock.unwrap_or(true),
            low_stock_threshold: b.low_stock_threshold,
            is_active: b.is_active.unwrap_or(true),
            barcodes: b.barcodes,
            variants: b.variants,
            modifier_group_ids: b.modifier_group_ids,
        };
        let (values, codes) = check(tx, scope, &id, draft).await?;
        let product: Product = crud::create(tx, &PRODUCTS, scope, &id, &values).await?;
        products::set_codes(tx, &scope.tenant_id, &id, &codes).await?;
        Ok(product)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        c: Product,
        version: Option<i64>,
        b: UpdateProduct,
    ) -> Result<Product, ApiError> {
        let version = expected_version(version, b.version)?;
        let draft = Draft {
            sku: b.sku.unwrap_or(c.sku),
            name: b.name.unwrap_or(c.name),
            category_id: b.category_id.unwrap_or(c.category_id),
            brand_id: b.brand_id.unwrap_or(c.brand_id),
            tax_id: b.tax_id.unwrap_or(c.tax_id),
            price: b.price.unwrap_or(c.price),
            cost: b.cost.unwrap_or(c.cost),
            unit: b.unit.unwrap_or(c.unit),
            track_stock: b.track_stock.unwrap_or(c.track_stock.0),
            low_stock_threshold: b.low_stock_threshold.unwrap_or(c.low_stock_threshold.map(Quantity)),
            is_active: b.is_active.unwrap_or(c.is_active.0),
            barcodes: b.barcodes.unwrap_or(c.barcodes.0),
            variants: b.variants.unwrap_or_else(|| c.variants.0.iter().map(VariantInput::of).collect()),
            modifier_group_ids: b.modifier_group_ids.unwrap_or(c.modifier_group_ids.0),
        };
        let (values, codes) = check(tx, scope, &c.id, draft).await?;
        let product: Product = crud::update(tx, &PRODUCTS, scope, &c.id, version, &values).await?;
        products::set_codes(tx, &scope.tenant_id, &c.id, &codes).await?;
        Ok(product)
    }

    async fn prepare_list(db: &Db, scope: &Scope, q: &mut ListQuery) -> Result<(), ApiError> {
        // A category filter includes its sub-categories.
        if let Some(pos) = q.filters.iter().position(|(name, _)| name == "category_id") {
            let (_, value) = q.filters.remove(pos);
            let root = match value {
                Value::Text(Some(id)) => id,
                _ => String::new(),
            };
            let ids = products::category_subtree(db, &scope.tenant_id, &root).await?;
            q.in_filters.push(("category_id".into(), ids));
        }
        Ok(())
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Product,
        version: Option<i64>,
    ) -> Result<Product, ApiError> {
        let product: Product = crud::soft_delete(tx, &PRODUCTS, scope, &current.id, version).await?;
        products::clear_codes(tx, &current.id).await?;
        Ok(product)
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LookupQuery {
    /// The outlet whose stock to report; by default the caller's only outlet.
    pub outlet_id: Option<String>,
}

/// Stock at one outlet's default warehouse.
#[derive(Debug, Serialize, ToSchema)]
pub struct OutletStock {
    #[schema(format = Uuid)]
    pub outlet_id: String,
    #[schema(format = Uuid)]
    pub warehouse_id: String,
    #[schema(value_type = f64)]
    pub quantity: Quantity,
}

/// A product found by a scanned code.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProductLookup {
    #[serde(flatten)]
    pub product: Product,
    /// Set when the code is a variant's.
    #[schema(format = Uuid)]
    pub variant_id: Option<String>,
    pub variant: Option<Variant>,
    /// Stock at the caller's outlet; null when no outlet applies.
    pub stock: Option<OutletStock>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    crate::api::resource::routes::<Products>(api).route(
        Method::Get,
        "/products/barcode/{code}",
        lookup,
        Op::new("catalog", "Find a product by barcode (or SKU), with stock at the caller's outlet")
            .path_text("code", "A barcode or SKU as scanned")
            .query::<LookupQuery>()
            .ok::<ProductLookup>()
            .errors(&[404]),
    )
}

async fn lookup(
    State(s): State<AppState>,
    p: Principal,
    ApiPath(code): ApiPath<String>,
    ApiQuery(q): ApiQuery<LookupQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::CatalogRead)?;
    let scope = p.scope()?;
    if code.is_empty() || code.len() > 64 || code.contains('\0') {
        return Err(ApiError::NotFound);
    }
    let (product_id, variant_id) = products::find_code(&s.db, &scope, &code).await?.ok_or(ApiError::NotFound)?;
    let product: Product = crud::get(&s.db, &PRODUCTS, &scope, &product_id).await?;
    let variant = variant_id.as_ref().and_then(|id| product.variants.0.iter().find(|v| &v.id == id).cloned());
    let outlet = match q.outlet_id {
        Some(raw) => {
            let id = kasir_domain::ids::parse_id(&raw).ok_or_else(|| ApiError::field("outlet_id", "must be a UUID"))?;
            if !scope.sees_outlet(&id) {
                return Err(ApiError::MissingRefs(vec![FieldError::new("outlet_id", "no such outlet")]));
            }
            Some(id)
        }
        None if p.outlet_ids.len() == 1 => Some(p.outlet_ids[0].clone()),
        None => None,
    };
    let stock = match outlet {
        Some(outlet_id) => match products::default_warehouse(&s.db, &scope.tenant_id, &outlet_id).await? {
            Some(warehouse_id) => {
                let quantity = products::stock_in(&s.db, &warehouse_id, &product.id, variant_id.as_deref()).await?;
                Some(OutletStock { outlet_id, warehouse_id, quantity: Quantity(quantity) })
            }
            None => return Err(ApiError::MissingRefs(vec![FieldError::new("outlet_id", "no such outlet")])),
        },
        None => None,
    };
    Ok(ok(ProductLookup { product, variant_id, variant, stock }))
}
