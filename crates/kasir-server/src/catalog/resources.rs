//! `/categories`, `/brands`, `/taxes`, `/modifier-groups`: the catalog's plain resources.

use kasir_domain::{Permission, Violations};
use kasir_store::{
    catalog::{self, Brand, Category, ModifierGroup, ModifierOption, Tax, BRANDS, CATEGORIES, MODIFIER_GROUPS, TAXES},
    crud::{self, ResourceDef},
    Scope, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::api::resource::{expected_version, find_ref, new_record_id, nullable, Resource};
use crate::{
    api::{fields::name, ApiError},
    auth::Principal,
};

fn finish(v: Violations) -> Result<(), ApiError> {
    v.finish().map_err(ApiError::Validation)
}

pub struct Categories;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCategory {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// The parent category; none for a top-level one.
    #[schema(format = Uuid)]
    pub parent_id: Option<String>,
    pub sort_order: Option<i64>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCategory {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// `null` makes it top-level. A category cannot move under its own descendant.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub parent_id: Option<Option<String>>,
    pub sort_order: Option<i64>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

impl Resource for Categories {
    type Record = Category;
    type Create = CreateCategory;
    type Update = UpdateCategory;
    const DEF: &'static ResourceDef = &CATEGORIES;
    const PATH: &'static str = "/categories";
    const TAG: &'static str = "catalog";
    const READ: Permission = Permission::CatalogRead;
    const WRITE: Permission = Permission::CatalogManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateCategory) -> Result<Category, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = name(&mut v, &b.name);
        let sort_order = v.range("sort_order", b.sort_order.unwrap_or(0), -1_000_000, 1_000_000);
        finish(v)?;
        let parent = match &b.parent_id {
            Some(p) => Some(find_ref::<Category>(tx, &CATEGORIES, scope, "parent_id", p, "record").await?.id),
            None => None,
        };
        values.extend([
            ("parent_id", Value::Text(parent)),
            ("sort_order", Value::from(sort_order)),
            ("is_active", Value::from(b.is_active.unwrap_or(true))),
        ]);
        Ok(crud::create(tx, &CATEGORIES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Category,
        version: Option<i64>,
        b: UpdateCategory,
    ) -> Result<Category, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = match &b.name {
            Some(n) => name(&mut v, n),
            None => Vec::new(),
        };
        if let Some(s) = b.sort_order {
            values.push(("sort_order", Value::from(v.range("sort_order", s, -1_000_000, 1_000_000))));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        finish(v)?;
        match &b.parent_id {
            Some(Some(p)) => {
                let parent: Category = find_ref(tx, &CATEGORIES, scope, "parent_id", p, "record").await?;
                let lineage = catalog::category_lineage(tx, &scope.tenant_id, &parent.id).await?;
                if lineage.contains(&current.id) {
                    return Err(ApiError::Rule {
                        code: kasir_domain::ErrorCode::CategoryCycle,
                        message: "a category cannot be moved under itself or one of its descendants".into(),
                    });
                }
                values.push(("parent_id", Value::from(parent.id)));
            }
            Some(None) => values.push(("parent_id", Value::Text(None))),
            None => {}
        }
        Ok(crud::update(tx, &CATEGORIES, scope, &current.id, version, &values).await?)
    }

    async fn delete(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Category,
        version: Option<i64>,
    ) -> Result<Category, ApiError> {
        if catalog::category_children(tx, &scope.tenant_id, &current.id).await? > 0 {
            return Err(ApiError::Rule {
                code: kasir_domain::ErrorCode::CategoryHasChildren,
                message: "move or delete its sub-categories first".into(),
            });
        }
        Ok(crud::soft_delete(tx, &CATEGORIES, scope, &current.id, version).await?)
    }
}

pub struct Brands;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBrand {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBrand {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub version: Option<i64>,
}

impl Resource for Brands {
    type Record = Brand;
    type Create = CreateBrand;
    type Update = UpdateBrand;
    const DEF: &'static ResourceDef = &BRANDS;
    const PATH: &'static str = "/brands";
    const TAG: &'static str = "catalog";
    const READ: Permission = Permission::CatalogRead;
    const WRITE: Permission = Permission::CatalogManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateBrand) -> Result<Brand, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = name(&mut v, &b.name);
        finish(v)?;
        Ok(crud::create(tx, &BRANDS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Brand,
        version: Option<i64>,
        b: UpdateBrand,
    ) -> Result<Brand, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let values = b.name.as_deref().map(|n| name(&mut v, n)).unwrap_or_default();
        finish(v)?;
        Ok(crud::update(tx, &BRANDS, scope, &current.id, version, &values).await?)
    }
}

pub struct Taxes;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTax {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Basis points, 0 to 10000 (1100 = 11 %).
    #[schema(minimum = 0, maximum = 10000)]
    pub rate_bps: i64,
    /// True when catalog prices already include this tax.
    pub inclusive: Option<bool>,
    pub is_active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTax {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(minimum = 0, maximum = 10000)]
    pub rate_bps: Option<i64>,
    pub inclusive: Option<bool>,
    pub is_active: Option<bool>,
    pub version: Option<i64>,
}

impl Resource for Taxes {
    type Record = Tax;
    type Create = CreateTax;
    type Update = UpdateTax;
    const DEF: &'static ResourceDef = &TAXES;
    const PATH: &'static str = "/taxes";
    const TAG: &'static str = "catalog";
    const READ: Permission = Permission::CatalogRead;
    const WRITE: Permission = Permission::CatalogManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateTax) -> Result<Tax, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = name(&mut v, &b.name);
        values.push(("rate_bps", Value::from(v.range("rate_bps", b.rate_bps, 0, 10_000))));
        values.push(("inclusive", Value::from(b.inclusive.unwrap_or(false))));
        values.push(("is_active", Value::from(b.is_active.unwrap_or(true))));
        finish(v)?;
        Ok(crud::create(tx, &TAXES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Tax,
        version: Option<i64>,
        b: UpdateTax,
    ) -> Result<Tax, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| name(&mut v, n)).unwrap_or_default();
        if let Some(r) = b.rate_bps {
            values.push(("rate_bps", Value::from(v.range("rate_bps", r, 0, 10_000))));
        }
        if let Some(i) = b.inclusive {
            values.push(("inclusive", Value::from(i)));
        }
        if let Some(a) = b.is_active {
            values.push(("is_active", Value::from(a)));
        }
        finish(v)?;
        Ok(crud::update(tx, &TAXES, scope, &current.id, version, &values).await?)
    }
}

pub struct ModifierGroups;

/// An option as a client sends it; a new option may omit its id.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionInput {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Added to the item's unit price; 0 or more.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub price: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateModifierGroup {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// Default 0 (optional).
    #[schema(minimum = 0)]
    pub min_select: Option<i64>,
    /// Default 1.
    #[schema(minimum = 1)]
    pub max_select: Option<i64>,
    #[schema(min_items = 1, max_items = 50)]
    pub options: Vec<OptionInput>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModifierGroup {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    pub min_select: Option<i64>,
    pub max_select: Option<i64>,
    /// Replaces every option; keep an option's id to keep its identity.
    pub options: Option<Vec<OptionInput>>,
    pub version: Option<i64>,
}

fn check_options(v: &mut Violations, raw: &[OptionInput]) -> Vec<ModifierOption> {
    if raw.is_empty() || raw.len() > 50 {
        v.add("options", "must have 1 to 50 options");
    }
    let mut out: Vec<ModifierOption> = Vec::new();
    for (i, o) in raw.iter().enumerate() {
        let id = match o.id.as_deref() {
            None => kasir_domain::ids::new_id(),
            Some(raw) => kasir_domain::ids::parse_id(raw).unwrap_or_else(|| {
                v.add(format!("options[{i}].id"), "must be a UUID");
                String::new()
            }),
        };
        if !id.is_empty() && out.iter().any(|x| x.id == id) {
            v.add(format!("options[{i}].id"), "is repeated");
        }
        let name = v.text(&format!("options[{i}].name"), &o.name, 1, 100);
        let price = v.range(&format!("options[{i}].price"), o.price, 0, kasir_domain::MAX_MONEY);
        out.push(ModifierOption { id, name, price });
    }
    out
}

fn check_selection(v: &mut Violations, min: i64, max: i64, options: usize) {
    v.range("min_select", min, 0, 50);
    v.range("max_select", max, 1, 50);
    if min > max {
        v.add("min_select", "must not exceed max_select");
    }
    if min > options as i64 {
        v.add("min_select", "must not exceed the number of options");
    }
}

impl Resource for ModifierGroups {
    type Record = ModifierGroup;
    type Create = CreateModifierGroup;
    type Update = UpdateModifierGroup;
    const DEF: &'static ResourceDef = &MODIFIER_GROUPS;
    const PATH: &'static str = "/modifier-groups";
    const TAG: &'static str = "catalog";
    const READ: Permission = Permission::CatalogRead;
    const WRITE: Permission = Permission::CatalogManage;

    async fn create(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        b: CreateModifierGroup,
    ) -> Result<ModifierGroup, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let mut values = name(&mut v, &b.name);
        let options = check_options(&mut v, &b.options);
        let (min, max) = (b.min_select.unwrap_or(0), b.max_select.unwrap_or(1));
        check_selection(&mut v, min, max, options.len());
        finish(v)?;
        values.extend([
            ("min_select", Value::from(min)),
            ("max_select", Value::from(max)),
            ("options", Value::json(&options)),
        ]);
        Ok(crud::create(tx, &MODIFIER_GROUPS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: ModifierGroup,
        version: Option<i64>,
        b: UpdateModifierGroup,
    ) -> Result<ModifierGroup, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values = b.name.as_deref().map(|n| name(&mut v, n)).unwrap_or_default();
        let options = match &b.options {
            Some(raw) => check_options(&mut v, raw),
            None => current.options.0.clone(),
        };
        let (min, max) = (b.min_select.unwrap_or(current.min_select), b.max_select.unwrap_or(current.max_select));
        check_selection(&mut v, min, max, options.len());
        finish(v)?;
        values.extend([
            ("min_select", Value::from(min)),
            ("max_select", Value::from(max)),
            ("options", Value::json(&options)),
        ]);
        Ok(crud::update(tx, &MODIFIER_GROUPS, scope, &current.id, version, &values).await?)
    }
}
