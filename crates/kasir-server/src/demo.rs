//! `kasir serve --demo`: a believable demo tenant to click through.

use kasir_store::{crud, tenancy::outlets::OUTLETS, tenancy::tenants, tenancy::users::NewUser, Actor, Scope, Value};

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
        ("demo-driver", "driver"),
    ]
    .iter()
    .map(|(u, r)| (u.to_string(), r.to_string()))
    .collect();
    if tenants::by_slug(&state.db, "demo").await?.is_some() {
        return Ok(logins);
    }
    let hash = passwords::hash(DEMO_PASSWORD.into()).await?;
    let tenant_id = kasir_domain::ids::new_id();
    let mut tx = state.db.begin(Actor::system()).await?;
    let owner_id = kasir_domain::ids::new_id();
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
            id: owner_id.clone(),
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
    let mut warehouses = Vec::new();
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
        let _: kasir_store::tenancy::outlets::Outlet = crud::create(&mut tx, &OUTLETS, &scope, &id, &values).await?;
        let warehouse = kasir_store::stock::warehouses::create_default(&mut tx, &scope, &id, name).await?;
        warehouses.push(warehouse.id);
        outlet_ids.push(id);
    }
    let mut staff = Vec::new();
    for (username, role, name) in [
        ("demo-admin", "admin", "Budi (manager)"),
        ("demo-cashier", "cashier", "Sari (cashier)"),
        ("demo-kitchen", "kitchen", "Joko (kitchen)"),
    ] {
        let id = kasir_domain::ids::new_id();
        staff.push(id.clone());
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
        let _: kasir_store::tenancy::users::User =
            crud::create(&mut tx, &kasir_store::tenancy::users::USERS, &scope, &id, &values).await?;
        kasir_store::tenancy::users::set_outlets(&mut tx, &tenant_id, &id, &outlets).await?;
    }
    let categories = seed_catalog(&mut tx, &scope, &warehouses).await?;
    seed_selling(&mut tx, &scope).await?;
    seed_restaurant(&mut tx, &scope, &outlet_ids[0], &categories).await?;
    seed_app_customers(&mut tx, &scope, &hash).await?;
    let employees = crate::workforce::demo::seed(&mut tx, &scope, &staff, &outlet_ids[0]).await?;
    staff.insert(0, owner_id);
    crate::operations::demo::seed(&mut tx, &scope, &staff, &employees, &hash).await?;
    tx.commit().await?;
    Ok(logins)
}

/// Customers of the shop's app: three verified accounts (password `kasir-demo-123`) with points
/// and wallet balances, one referred by another; points at 1 per Rp10.000, redeemed at Rp100.
async fn seed_app_customers(tx: &mut kasir_store::Tx, scope: &Scope, hash: &str) -> anyhow::Result<()> {
    use kasir_store::accounts::{
        self,
        loyalty::{self, Ledger, Reason},
        NewAccount,
    };
    let settings = [
        ("points_earn_per", Value::from(10_000i64)),
        ("points_redeem_rate", Value::from(100i64)),
        ("referral_reward_points", Value::from(50i64)),
    ];
    tenants::update(tx, &scope.tenant_id, None, &settings).await?;
    let mut first: Option<String> = None;
    for (username, name, phone, points, balance, code) in [
        ("rina", "Rina Wijaya", "+628111000001", 120, 25_000, "RINA2026"),
        ("agus", "Agus Pratama", "+628111000002", 45, 0, "AGUS2026"),
        ("maya", "Maya Sari", "+628111000003", 300, 50_000, "MAYA2026"),
    ] {
        let id = kasir_domain::ids::new_id();
        let email = format!("{username}@demo.kasir.local");
        let values = [
            ("name", Value::from(name)),
            ("name_key", Value::from(name.to_lowercase())),
            ("phone", Value::from(phone)),
            ("email", Value::from(email.as_str())),
        ];
        let _: kasir_store::customers::Customer =
            crud::create(tx, &kasir_store::customers::CUSTOMERS, scope, &id, &values).await?;
        let account = NewAccount {
            id: id.clone(),
            tenant_id: scope.tenant_id.clone(),
            customer_id: id.clone(),
            username: username.into(),
            username_key: username.into(),
            email: email.clone(),
            email_key: email,
            full_name: name.into(),
            phone_number: Some(phone.into()),
            password_hash: hash.into(),
            referral_code: code.into(),
            referred_by: first.clone(),
        };
        accounts::insert(tx, &account).await?;
        accounts::verify(tx, &id).await?;
        if let Some(referrer) = &first {
            loyalty::refer(tx, &scope.tenant_id, referrer, &id).await?;
        }
        let why = Reason { description: "Welcome to the demo", reference_type: "demo", reference_id: &id };
        loyalty::credit(tx, Ledger::Points, &scope.tenant_id, &id, points, &why).await?;
        if balance > 0 {
            loyalty::credit(tx, Ledger::Wallet, &scope.tenant_id, &id, balance, &why).await?;
        }
        first.get_or_insert(id);
    }
    Ok(())
}

/// What selling needs besides Cash: card, QRIS and e-wallet methods, a few customers, expense
/// categories, an order promotion and a voucher.
async fn seed_selling(tx: &mut kasir_store::Tx, scope: &Scope) -> anyhow::Result<()> {
    use kasir_store::{
        customers::{Customer, CUSTOMERS},
        expenses::{ExpenseCategory, EXPENSE_CATEGORIES},
        promotions::{Promotion, Voucher, PROMOTIONS, VOUCHERS},
        selling::payment_methods::{PaymentMethod, PAYMENT_METHODS},
    };
    let id = kasir_domain::ids::new_id;
    for (name, kind) in [("QRIS", "qris"), ("Kartu Debit", "card"), ("GoPay", "ewallet")] {
        let values = [
            ("name", Value::from(name)),
            ("name_key", Value::from(name.to_lowercase())),
            ("type", Value::from(kind)),
            ("is_active", Value::from(true)),
        ];
        let _: PaymentMethod = crud::create(tx, &PAYMENT_METHODS, scope, &id(), &values).await?;
    }
    for (name, phone) in [("Rina Wijaya", "081234560001"), ("Agus Santoso", "081234560002")] {
        let values = [
            ("name", Value::from(name)),
            ("name_key", Value::from(name.to_lowercase())),
            ("phone", Value::from(phone)),
            ("email", Value::Text(None)),
            ("address", Value::Text(None)),
            ("notes", Value::Text(None)),
        ];
        let _: Customer = crud::create(tx, &CUSTOMERS, scope, &id(), &values).await?;
    }
    for name in ["Bahan baku", "Kebersihan", "Transport"] {
        let values = [("name", Value::from(name)), ("name_key", Value::from(name.to_lowercase()))];
        let _: ExpenseCategory = crud::create(tx, &EXPENSE_CATEGORIES, scope, &id(), &values).await?;
    }
    let promotion = [
        ("name", Value::from("Belanja Rp150.000, hemat 10%")),
        ("name_key", Value::from("belanja rp150.000, hemat 10%")),
        ("type", Value::from("percent")),
        ("value", Value::from(1000)),
        ("min_purchase", Value::from(150_000)),
        ("max_discount", Value::from(25_000)),
        ("starts_at", Value::Text(None)),
        ("ends_at", Value::Text(None)),
        ("usage_limit", Value::Int(None)),
        ("product_ids", Value::from("[]")),
        ("category_ids", Value::from("[]")),
        ("auto_apply", Value::from(true)),
        ("is_active", Value::from(true)),
    ];
    let _: Promotion = crud::create(tx, &PROMOTIONS, scope, &id(), &promotion).await?;
    let voucher = [
        ("code", Value::from("HEMAT10")),
        ("code_key", Value::from("hemat10")),
        ("description", Value::from("Rp10.000 off a purchase of Rp50.000 or more")),
        ("discount_type", Value::from("amount")),
        ("discount_value", Value::from(10_000)),
        ("min_purchase", Value::from(50_000)),
        ("max_discount", Value::Int(None)),
        ("valid_from", Value::Text(None)),
        ("valid_until", Value::Text(None)),
        ("usage_limit", Value::from(100)),
        ("active", Value::from(true)),
    ];
    let _: Voucher = crud::create(tx, &VOUCHERS, scope, &id(), &voucher).await?;
    Ok(())
}

/// A café's catalog: categories, a tax, modifier groups, ~50 products (some with variants) and
/// opening stock of the packaged goods in every outlet.
/// The first outlet's dining room (a hall with six tables) and its bar and kitchen stations.
async fn seed_restaurant(
    tx: &mut kasir_store::Tx,
    scope: &Scope,
    outlet_id: &str,
    categories: &std::collections::BTreeMap<&str, String>,
) -> anyhow::Result<()> {
    use kasir_store::restaurant::{Hall, Station, Table, HALLS, STATIONS, TABLES};
    let hall_id = kasir_domain::ids::new_id();
    let hall = [
        ("outlet_id", Value::from(outlet_id)),
        ("name", Value::from("Ruang Utama")),
        ("name_key", Value::from("ruang utama")),
    ];
    let _: Hall = crud::create(tx, &HALLS, scope, &hall_id, &hall).await?;
    for n in 1..=6 {
        let name = format!("Meja {n}");
        let values = [
            ("outlet_id", Value::from(outlet_id)),
            ("hall_id", Value::from(hall_id.clone())),
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("seats", Value::from(if n <= 4 { 4 } else { 2 })),
            ("status", Value::from("free")),
        ];
        let _: Table = crud::create(tx, &TABLES, scope, &kasir_domain::ids::new_id(), &values).await?;
    }
    for (name, cats) in [("Bar", &["Minuman"][..]), ("Dapur", &["Makanan", "Kue"][..])] {
        let ids: Vec<&String> = cats.iter().filter_map(|c| categories.get(c)).collect();
        let values = [
            ("outlet_id", Value::from(outlet_id)),
            ("name", Value::from(name)),
            ("name_key", Value::from(name.to_lowercase())),
            ("category_ids", Value::json(&ids)),
        ];
        let _: Station = crud::create(tx, &STATIONS, scope, &kasir_domain::ids::new_id(), &values).await?;
    }
    Ok(())
}

async fn seed_catalog(
    tx: &mut kasir_store::Tx,
    scope: &Scope,
    warehouses: &[String],
) -> anyhow::Result<std::collections::BTreeMap<&'static str, String>> {
    use kasir_store::{
        catalog::products::{Code, Product, Variant, PRODUCTS},
        catalog::{Category, ModifierGroup, ModifierOption, Tax, CATEGORIES, MODIFIER_GROUPS, TAXES},
        stock::{self, NewMovement},
    };
    let new_id = kasir_domain::ids::new_id;
    let mut categories = std::collections::BTreeMap::new();
    for (name, parent, order) in [
        ("Minuman", None, 1),
        ("Kopi", Some("Minuman"), 1),
        ("Teh", Some("Minuman"), 2),
        ("Non-kopi", Some("Minuman"), 3),
        ("Makanan", None, 2),
        ("Kue", None, 3),
        ("Retail", None, 4),
    ] {
        let id = new_id();
        let values = [
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("parent_id", Value::Text(parent.and_then(|p| categories.get(p).cloned()))),
            ("sort_order", Value::from(order)),
            ("is_active", Value::from(true)),
        ];
        let _: Category = crud::create(tx, &CATEGORIES, scope, &id, &values).await?;
        categories.insert(name, id);
    }
    let tax_id = new_id();
    let tax = [
        ("name_key", Value::from("pb1")),
        ("name", Value::from("PB1")),
        ("rate_bps", Value::from(1000)),
        ("inclusive", Value::from(true)),
        ("is_active", Value::from(true)),
    ];
    let _: Tax = crud::create(tx, &TAXES, scope, &tax_id, &tax).await?;
    let option = |name: &str, price: i64| ModifierOption { id: new_id(), name: name.into(), price };
    let mut groups = Vec::new();
    for (name, min, max, options) in [
        ("Susu", 0, 1, vec![option("Oat milk", 6000), option("Almond milk", 6000)]),
        ("Tambahan", 0, 3, vec![option("Extra shot", 5000), option("Sirup vanila", 4000), option("Less sugar", 0)]),
        ("Es", 0, 1, vec![option("Less ice", 0), option("No ice", 0)]),
    ] {
        let id = new_id();
        let values = [
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("min_select", Value::from(min)),
            ("max_select", Value::from(max)),
            ("options", Value::json(&options)),
        ];
        let _: ModifierGroup = crud::create(tx, &MODIFIER_GROUPS, scope, &id, &values).await?;
        groups.push(id);
    }
    let items: &[DemoItem] = &[
        ("Kopi", "KP-ESP", "Espresso", 22000, 6000, false, false, 0),
        ("Kopi", "KP-AME", "Americano", 25000, 6500, true, false, 0),
        ("Kopi", "KP-CAP", "Cappuccino", 32000, 9000, true, false, 0),
        ("Kopi", "KP-LAT", "Caffè Latte", 32000, 9000, true, false, 0),
        ("Kopi", "KP-FLW", "Flat White", 34000, 9500, false, false, 0),
        ("Kopi", "KP-MOC", "Mocha", 36000, 11000, true, false, 0),
        ("Kopi", "KP-KSG", "Kopi Susu Gula Aren", 28000, 8000, true, false, 0),
        ("Kopi", "KP-V60", "V60 Manual Brew", 35000, 10000, false, false, 0),
        ("Kopi", "KP-CLB", "Cold Brew", 30000, 7000, false, false, 0),
        ("Kopi", "KP-AFF", "Affogato", 38000, 12000, false, false, 0),
        ("Teh", "TH-TAR", "Teh Tarik", 22000, 5000, true, false, 0),
        ("Teh", "TH-LMN", "Lemon Tea", 20000, 4500, true, false, 0),
        ("Teh", "TH-JSM", "Jasmine Tea", 18000, 3500, false, false, 0),
        ("Teh", "TH-MCH", "Matcha Latte", 34000, 10000, true, false, 0),
        ("Teh", "TH-THA", "Thai Tea", 26000, 6000, true, false, 0),
        ("Non-kopi", "NK-CHO", "Chocolate", 30000, 8000, true, false, 0),
        ("Non-kopi", "NK-RVL", "Red Velvet Latte", 32000, 9000, true, false, 0),
        ("Non-kopi", "NK-LYC", "Lychee Soda", 28000, 7000, false, false, 0),
        ("Non-kopi", "NK-OJU", "Jus Jeruk", 25000, 8000, false, false, 0),
        ("Non-kopi", "NK-AMN", "Air Mineral", 8000, 3000, false, true, 48),
        ("Makanan", "MK-NGR", "Nasi Goreng Kampung", 38000, 14000, false, false, 0),
        ("Makanan", "MK-MIE", "Mie Goreng Jawa", 35000, 12000, false, false, 0),
        ("Makanan", "MK-SDW", "Chicken Sandwich", 42000, 16000, false, true, 20),
        ("Makanan", "MK-TOA", "Roti Bakar Cokelat Keju", 28000, 9000, false, false, 0),
        ("Makanan", "MK-FRI", "French Fries", 25000, 7000, false, false, 0),
        ("Makanan", "MK-PIS", "Pisang Goreng", 20000, 5000, false, false, 0),
        ("Makanan", "MK-CRP", "Croissant Ayam", 32000, 12000, false, true, 15),
        ("Makanan", "MK-SOP", "Sup Buntut", 55000, 25000, false, false, 0),
        ("Makanan", "MK-SAT", "Sate Ayam (10 tusuk)", 40000, 16000, false, false, 0),
        ("Makanan", "MK-GAD", "Gado-gado", 30000, 10000, false, false, 0),
        ("Kue", "KU-CHS", "Cheesecake", 35000, 13000, false, true, 12),
        ("Kue", "KU-BRW", "Brownies", 25000, 8000, false, true, 24),
        ("Kue", "KU-CRS", "Butter Croissant", 25000, 9000, false, true, 20),
        ("Kue", "KU-PDN", "Kue Lapis Pandan", 18000, 6000, false, true, 18),
        ("Kue", "KU-BNP", "Banana Bread", 22000, 7000, false, true, 15),
        ("Kue", "KU-TRM", "Tiramisu", 38000, 14000, false, true, 10),
        ("Kue", "KU-CKS", "Cookies (3 pcs)", 20000, 6000, false, true, 30),
        ("Kue", "KU-DON", "Donat Gula", 12000, 3500, false, true, 24),
        ("Kue", "KU-MLF", "Muffin Blueberry", 22000, 7500, false, true, 18),
        ("Kue", "KU-BOL", "Bolu Kukus", 10000, 3000, false, true, 30),
        ("Retail", "RT-BNS-250", "Biji Kopi Gayo 250 g", 95000, 60000, false, true, 20),
        ("Retail", "RT-BNS-1K", "Biji Kopi Toraja 1 kg", 320000, 210000, false, true, 8),
        ("Retail", "RT-DRP", "Drip Bag (10 pcs)", 75000, 40000, false, true, 25),
        ("Retail", "RT-TMB", "Tumbler Kopi Kasir", 150000, 70000, false, true, 12),
        ("Retail", "RT-MUG", "Mug Keramik", 85000, 35000, false, true, 10),
        ("Retail", "RT-TOT", "Tote Bag", 60000, 25000, false, true, 15),
        ("Retail", "RT-FLT", "Filter Kertas V60 (100)", 65000, 38000, false, true, 10),
        ("Retail", "RT-SYR", "Sirup Gula Aren 500 ml", 55000, 28000, false, true, 12),
        ("Retail", "RT-CLD", "Cold Brew Botol 250 ml", 35000, 14000, false, true, 24),
        ("Retail", "RT-GFT", "Voucher Hadiah 100 rb", 100000, 100000, false, false, 0),
    ];
    let mut moves = Vec::new();
    for (n, (category, sku, name, price, cost, sized, tracked, opening)) in items.iter().enumerate() {
        let id = new_id();
        let barcode = format!("899{:010}", 1_000_000 + n);
        let mut codes = vec![
            Code { kind: "sku", code: sku.to_string(), variant_id: None, field: "sku".into() },
            Code { kind: "barcode", code: barcode.clone(), variant_id: None, field: "barcodes[0]".into() },
        ];
        let variants: Vec<Variant> = if *sized {
            [("Regular", 0), ("Large", 6000)]
                .iter()
                .map(|(size, extra)| {
                    let variant = Variant {
                        id: new_id(),
                        name: size.to_string(),
                        sku: format!("{sku}-{}", &size[..1]),
                        barcodes: Vec::new(),
                        price: kasir_domain::money::add(*price, *extra).ok(),
                        cost: None,
                    };
                    codes.push(Code {
                        kind: "sku",
                        code: variant.sku.clone(),
                        variant_id: Some(variant.id.clone()),
                        field: "variants".into(),
                    });
                    variant
                })
                .collect()
        } else {
            Vec::new()
        };
        let drink = category_is_drink(category);
        let modifier_groups: Vec<String> = if drink { groups.clone() } else { Vec::new() };
        let values = [
            ("sku", Value::from(*sku)),
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(*name)),
            ("category_id", Value::Text(categories.get(category).cloned())),
            ("brand_id", Value::Text(None)),
            ("tax_id", Value::from(tax_id.clone())),
            ("price", Value::from(*price)),
            ("cost", Value::from(*cost)),
            ("unit", Value::from("pcs")),
            ("track_stock", Value::from(*tracked)),
            ("low_stock_threshold", Value::Int(tracked.then_some(5_000))),
            ("is_active", Value::from(true)),
            ("barcodes", Value::json(&[barcode])),
            ("modifier_group_ids", Value::json(&modifier_groups)),
            ("variants", Value::json(&variants)),
        ];
        let _: Product = crud::create(tx, &PRODUCTS, scope, &id, &values).await?;
        kasir_store::catalog::products::set_codes(tx, &scope.tenant_id, &id, &codes).await?;
        if *tracked && *opening > 0 {
            for warehouse_id in warehouses {
                moves.push(NewMovement {
                    kind: "adjustment",
                    warehouse_id: warehouse_id.clone(),
                    product_id: id.clone(),
                    variant_id: None,
                    delta: opening * 1000,
                    unit_cost: Some(*cost),
                    reference_type: "demo",
                    reference_id: scope.tenant_id.clone(),
                    note: Some("opening stock".into()),
                });
            }
        }
    }
    stock::apply(tx, scope, false, moves).await.map_err(|e| anyhow::anyhow!("opening stock: {e:?}"))?;
    Ok(categories)
}

/// (category, sku, name, price, cost, sized, tracks stock, opening stock per outlet)
type DemoItem = (&'static str, &'static str, &'static str, i64, i64, bool, bool, i64);

fn category_is_drink(category: &str) -> bool {
    matches!(category, "Kopi" | "Teh" | "Non-kopi")
}
