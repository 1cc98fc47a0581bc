//! `kasir serve --demo`: a believable demo tenant to click through.

use kasir_store::{crud, outlets::OUTLETS, tenants, users::NewUser, Actor, Scope, Value};

use crate::{auth::passwords, state::AppState};

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "kasir-demo-123";

/// Creates the demo tenant unless it exists, and returns the logins to print.
pub async fn seed(state: &AppState) -> anyhow::Result<Vec<(String, String)>> {
    let logins: Vec<(String, String)> = [
        ("demo-owner", "super_admin"),
        ("demo-admin", "admin"),
        ("demo-cashier", "cashier"),
        ("demo-kitchen", "kitchen"),
    ]
    .iter()
    .map(|(u, r)| (u.to_string(), r.to_string()))
    .collect();
    let (existing, _) = tenants::list(&state.db, Some("demo"), 1, 10).await?;
    if existing.iter().any(|t| t.slug == "demo") {
        return Ok(logins);
    }
    let hash = passwords::hash(DEMO_PASSWORD.into()).await.map_err(anyhow::Error::msg)?;
    let tenant_id = kasir_domain::ids::new_id();
    let mut tx = state.db.begin(Actor::system()).await?;
    let new = tenants::NewTenant {
        id: tenant_id.clone(),
        name: "Kopi Kasir (demo)".into(),
        slug: "demo".into(),
        currency: "IDR".into(),
        timezone: "Asia/Jakarta".into(),
        prices_include_tax: true,
        allow_negative_stock: false,
        cash_rounding: 100,
        owner: NewUser {
            id: kasir_domain::ids::new_id(),
            tenant_id: Some(tenant_id.clone()),
            username: "demo-owner".into(),
            password_hash: hash.clone(),
            name: "Dewi (owner)".into(),
            email: Some("owner@demo.kasir.local".into()),
            role: "super_admin".into(),
            outlet_ids: Vec::new(),
            is_active: true,
        },
    };
    tenants::create(&mut tx, &new).await?;
    let scope = Scope::tenant(&tenant_id);
    let mut outlet_ids = Vec::new();
    for (name, code, address) in [
        ("Kopi Kasir Sudirman", "K01", "Jl. Jend. Sudirman 1, Jakarta"),
        ("Kopi Kasir Kemang", "K02", "Jl. Kemang Raya 2, Jakarta"),
    ] {
        let id = kasir_domain::ids::new_id();
        let values = [
            ("name", Value::from(name)),
            ("code", Value::from(code)),
            ("address", Value::from(address)),
            ("phone", Value::Text(None)),
            ("timezone", Value::from("Asia/Jakarta")),
            ("receipt_header", Value::from(name)),
            ("receipt_footer", Value::from("Terima kasih!")),
            ("is_active", Value::from(true)),
        ];
        let _: kasir_store::outlets::Outlet = crud::create(&mut tx, &OUTLETS, &scope, &id, &values).await?;
        kasir_store::warehouses::create_default(&mut tx, &scope, &id, name).await?;
        outlet_ids.push(id);
    }
    for (username, role, name) in [
        ("demo-admin", "admin", "Budi (manager)"),
        ("demo-cashier", "cashier", "Sari (cashier)"),
        ("demo-kitchen", "kitchen", "Joko (kitchen)"),
    ] {
        let id = kasir_domain::ids::new_id();
        let outlets = vec![outlet_ids[0].clone()];
        let values = [
            ("username_key", Value::from(username)),
            ("username", Value::from(username)),
            ("password_hash", Value::from(hash.clone())),
            ("name", Value::from(name)),
            ("email", Value::Text(None)),
            ("role", Value::from(role)),
            ("outlet_ids", Value::json(&outlets)),
            ("is_active", Value::from(true)),
        ];
        let _: kasir_store::users::User =
            crud::create(&mut tx, &kasir_store::users::USERS, &scope, &id, &values).await?;
        kasir_store::users::set_outlets(&mut tx, &tenant_id, &id, &outlets).await?;
    }
    seed_catalog(&mut tx, &scope).await?;
    tx.commit().await?;
    Ok(logins)
}

/// A café's categories, tax and modifier groups (products arrive with the catalog issue).
async fn seed_catalog(tx: &mut kasir_store::Tx, scope: &Scope) -> anyhow::Result<()> {
    use kasir_store::catalog::{Category, ModifierGroup, ModifierOption, Tax, CATEGORIES, MODIFIER_GROUPS, TAXES};
    let category = |name: &str, parent: Option<String>, order: i64| {
        let values = vec![
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("parent_id", Value::Text(parent)),
            ("sort_order", Value::from(order)),
            ("is_active", Value::from(true)),
        ];
        (kasir_domain::ids::new_id(), values)
    };
    let (drinks, values) = category("Minuman", None, 1);
    let _: Category = crud::create(tx, &CATEGORIES, scope, &drinks, &values).await?;
    for (i, name) in ["Kopi", "Teh", "Non-kopi"].iter().enumerate() {
        let (id, values) = category(name, Some(drinks.clone()), i as i64);
        let _: Category = crud::create(tx, &CATEGORIES, scope, &id, &values).await?;
    }
    for (i, name) in ["Makanan", "Kue"].iter().enumerate() {
        let (id, values) = category(name, None, 2 + i as i64);
        let _: Category = crud::create(tx, &CATEGORIES, scope, &id, &values).await?;
    }
    let tax = [
        ("name_key", Value::from("pb1")),
        ("name", Value::from("PB1")),
        ("rate_bps", Value::from(1000)),
        ("inclusive", Value::from(true)),
        ("is_active", Value::from(true)),
    ];
    let _: Tax = crud::create(tx, &TAXES, scope, &kasir_domain::ids::new_id(), &tax).await?;
    let option = |name: &str, price: i64| ModifierOption { id: kasir_domain::ids::new_id(), name: name.into(), price };
    for (name, min, max, options) in [
        ("Ukuran", 1, 1, vec![option("Regular", 0), option("Large", 5000)]),
        ("Susu", 0, 1, vec![option("Oat milk", 6000), option("Almond milk", 6000)]),
        ("Tambahan", 0, 3, vec![option("Extra shot", 5000), option("Sirup vanila", 4000), option("Less sugar", 0)]),
    ] {
        let values = [
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("min_select", Value::from(min)),
            ("max_select", Value::from(max)),
            ("options", Value::json(&options)),
        ];
        let _: ModifierGroup = crud::create(tx, &MODIFIER_GROUPS, scope, &kasir_domain::ids::new_id(), &values).await?;
    }
    Ok(())
}
