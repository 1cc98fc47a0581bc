//! Permissions are plain strings such as `sales.create`. Built-in roles map to fixed sets;
//! tenants may define their own roles from the same strings.

use std::collections::BTreeSet;

/// Every permission the server checks. `as_str` gives the string clients see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Permission {
    TenantsManage,
    LicensesManage,
    SettingsManage,
    OutletsRead,
    OutletsManage,
    UsersRead,
    UsersManage,
    RolesRead,
    RolesManage,
    ApiKeysManage,
    AuditRead,
    SyncPull,
    SyncPush,
    DevicesManage,
    CatalogRead,
    CatalogManage,
    StockRead,
    StockManage,
    SalesRead,
    SalesCreate,
    SalesVoid,
    SalesVoidClosed,
    SalesRefund,
    SalesOverridePrice,
    SalesDiscount,
    ShiftsRead,
    ShiftsManage,
    CustomersRead,
    CustomersManage,
    PromotionsManage,
    ExpensesManage,
    ReportsRead,
    OrdersRead,
    OrdersManage,
    OrdersUpdateStatus,
    OrdersVoid,
    TablesManage,
    HrManage,
    AssetsManage,
    FleetManage,
    TicketsManage,
    RoomsManage,
    BrandingManage,
    CmsManage,
}

use Permission::*;

/// All permissions, in the order `GET /permissions` lists them.
pub const ALL: &[Permission] = &[
    TenantsManage,
    LicensesManage,
    SettingsManage,
    OutletsRead,
    OutletsManage,
    UsersRead,
    UsersManage,
    RolesRead,
    RolesManage,
    ApiKeysManage,
    AuditRead,
    SyncPull,
    SyncPush,
    DevicesManage,
    CatalogRead,
    CatalogManage,
    StockRead,
    StockManage,
    SalesRead,
    SalesCreate,
    SalesVoid,
    SalesVoidClosed,
    SalesRefund,
    SalesOverridePrice,
    SalesDiscount,
    ShiftsRead,
    ShiftsManage,
    CustomersRead,
    CustomersManage,
    PromotionsManage,
    ExpensesManage,
    ReportsRead,
    OrdersRead,
    OrdersManage,
    OrdersUpdateStatus,
    OrdersVoid,
    TablesManage,
    HrManage,
    AssetsManage,
    FleetManage,
    TicketsManage,
    RoomsManage,
    BrandingManage,
    CmsManage,
];

/// Permissions that only the platform operator holds; a tenant role can never include them.
pub const PLATFORM_ONLY: &[Permission] = &[TenantsManage, LicensesManage];

impl Permission {
    pub fn as_str(self) -> &'static str {
        match self {
            TenantsManage => "tenants.manage",
            LicensesManage => "licenses.manage",
            SettingsManage => "settings.manage",
            OutletsRead => "outlets.read",
            OutletsManage => "outlets.manage",
            UsersRead => "users.read",
            UsersManage => "users.manage",
            RolesRead => "roles.read",
            RolesManage => "roles.manage",
            ApiKeysManage => "api_keys.manage",
            AuditRead => "audit.read",
            SyncPull => "sync.pull",
            SyncPush => "sync.push",
            DevicesManage => "devices.manage",
            CatalogRead => "catalog.read",
            CatalogManage => "catalog.manage",
            StockRead => "stock.read",
            StockManage => "stock.manage",
            SalesRead => "sales.read",
            SalesCreate => "sales.create",
            SalesVoid => "sales.void",
            SalesVoidClosed => "sales.void_closed",
            SalesRefund => "sales.refund",
            SalesOverridePrice => "sales.override_price",
            SalesDiscount => "sales.discount",
            ShiftsRead => "shifts.read",
            ShiftsManage => "shifts.manage",
            CustomersRead => "customers.read",
            CustomersManage => "customers.manage",
            PromotionsManage => "promotions.manage",
            ExpensesManage => "expenses.manage",
            ReportsRead => "reports.read",
            OrdersRead => "orders.read",
            OrdersManage => "orders.manage",
            OrdersUpdateStatus => "orders.update_status",
            OrdersVoid => "orders.void",
            TablesManage => "tables.manage",
            HrManage => "hr.manage",
            AssetsManage => "assets.manage",
            FleetManage => "fleet.manage",
            TicketsManage => "tickets.manage",
            RoomsManage => "rooms.manage",
            BrandingManage => "branding.manage",
            CmsManage => "cms.manage",
        }
    }

    pub fn parse(s: &str) -> Option<Permission> {
        ALL.iter().copied().find(|p| p.as_str() == s)
    }

    /// A one-line description for `GET /permissions`.
    pub fn description(self) -> &'static str {
        match self {
            TenantsManage => "Create and manage tenants (platform operator)",
            LicensesManage => "Issue device licences (platform operator)",
            SettingsManage => "Change the tenant's settings",
            OutletsRead => "See outlets",
            OutletsManage => "Create, change and delete outlets",
            UsersRead => "See users",
            UsersManage => "Create, change and deactivate users",
            RolesRead => "See roles",
            RolesManage => "Define custom roles",
            ApiKeysManage => "Create and revoke API keys",
            AuditRead => "Read the audit log",
            SyncPull => "Pull changes for offline devices",
            SyncPush => "Push changes from offline devices",
            DevicesManage => "See, name and deactivate the tenant's devices",
            CatalogRead => "See products, categories, brands, taxes",
            CatalogManage => "Change the catalog",
            StockRead => "See stock levels and movements",
            StockManage => "Adjust, transfer, purchase and count stock",
            SalesRead => "See sales",
            SalesCreate => "Ring up sales",
            SalesVoid => "Void sales in an open shift",
            SalesVoidClosed => "Void sales in a closed shift",
            SalesRefund => "Refund sales",
            SalesOverridePrice => "Sell at a price other than the catalog's",
            SalesDiscount => "Take a discount off a line or a whole sale",
            ShiftsRead => "See shifts and their reports",
            ShiftsManage => "Open and close shifts, move cash",
            CustomersRead => "See customers",
            CustomersManage => "Create and change customers",
            PromotionsManage => "Manage promotions and vouchers",
            ExpensesManage => "Record expenses",
            ReportsRead => "Read reports and the dashboard",
            OrdersRead => "See orders",
            OrdersManage => "Create and change orders",
            OrdersUpdateStatus => "Move orders through the kitchen flow",
            OrdersVoid => "Void orders",
            TablesManage => "Manage halls, tables and kitchen stations",
            HrManage => "Manage employees, rosters, attendance, leave and permits of everyone",
            AssetsManage => "Manage assets, their categories and custodians",
            FleetManage => "Manage vehicles and drivers and see where drivers are",
            TicketsManage => "See, assign and handle every ticket, with internal notes",
            RoomsManage => "Manage meeting rooms and cancel anyone's booking",
            BrandingManage => "See every branding approval request",
            CmsManage => "Write and publish the website's content",
        }
    }
}

/// The roles every installation has. Custom roles live per tenant in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BuiltinRole {
    MasterAdmin,
    SuperAdmin,
    Admin,
    Cashier,
    Kitchen,
    /// Staff who use Kasir for their own attendance, leave and permits (and their reports', as managers).
    Employee,
    /// A driver of the fleet, who reports their own location.
    Driver,
}

impl BuiltinRole {
    pub const ALL: [BuiltinRole; 7] = [
        BuiltinRole::MasterAdmin,
        BuiltinRole::SuperAdmin,
        BuiltinRole::Admin,
        BuiltinRole::Cashier,
        BuiltinRole::Kitchen,
        BuiltinRole::Employee,
        BuiltinRole::Driver,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BuiltinRole::MasterAdmin => "master_admin",
            BuiltinRole::SuperAdmin => "super_admin",
            BuiltinRole::Admin => "admin",
            BuiltinRole::Cashier => "cashier",
            BuiltinRole::Kitchen => "kitchen",
            BuiltinRole::Employee => "employee",
            BuiltinRole::Driver => "driver",
        }
    }

    /// Matches built-in role names case-insensitively, so no custom role can shadow one.
    pub fn parse(s: &str) -> Option<BuiltinRole> {
        Self::ALL.into_iter().find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
    }

    /// True when the role sees every outlet of its tenant; other roles see only their `outlet_ids`.
    pub fn sees_all_outlets(self) -> bool {
        matches!(self, BuiltinRole::MasterAdmin | BuiltinRole::SuperAdmin)
    }

    pub fn permissions(self) -> BTreeSet<Permission> {
        let all = ALL.iter().copied();
        match self {
            BuiltinRole::MasterAdmin => all.collect(),
            BuiltinRole::SuperAdmin => all.filter(|p| !PLATFORM_ONLY.contains(p)).collect(),
            BuiltinRole::Admin => all
                .filter(|p| {
                    !PLATFORM_ONLY.contains(p) && !matches!(p, SettingsManage | RolesManage | ApiKeysManage | AuditRead)
                })
                .collect(),
            BuiltinRole::Cashier => [
                OutletsRead,
                CatalogRead,
                StockRead,
                SalesRead,
                SalesCreate,
                SalesDiscount,
                ShiftsRead,
                ShiftsManage,
                CustomersRead,
                CustomersManage,
                OrdersRead,
                OrdersManage,
                OrdersUpdateStatus,
                SyncPull,
                SyncPush,
            ]
            .into_iter()
            .collect(),
            BuiltinRole::Kitchen => {
                [OutletsRead, CatalogRead, OrdersRead, OrdersUpdateStatus, SyncPull].into_iter().collect()
            }
            BuiltinRole::Employee | BuiltinRole::Driver => [OutletsRead].into_iter().collect(),
        }
    }
}

/// Parses a client's list of permission strings, reporting the first unknown or platform-only one.
pub fn parse_tenant_permissions(raw: &[String]) -> Result<BTreeSet<Permission>, String> {
    let mut set = BTreeSet::new();
    for s in raw {
        match Permission::parse(s) {
            Some(p) if PLATFORM_ONLY.contains(&p) => {
                return Err(format!("'{s}' is reserved for the platform operator"))
            }
            Some(p) => {
                set.insert(p);
            }
            None => return Err(format!("unknown permission '{s}'")),
        }
    }
    Ok(set)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_permission_round_trips() {
        for p in ALL {
            assert_eq!(Permission::parse(p.as_str()), Some(*p));
        }
        let unique: BTreeSet<_> = ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(unique.len(), ALL.len());
    }

    #[test]
    fn roles_are_nested() {
        let master = BuiltinRole::MasterAdmin.permissions();
        let owner = BuiltinRole::SuperAdmin.permissions();
        let admin = BuiltinRole::Admin.permissions();
        let cashier = BuiltinRole::Cashier.permissions();
        assert!(owner.is_subset(&master));
        assert!(admin.is_subset(&owner));
        assert!(cashier.is_subset(&admin));
        assert!(!owner.contains(&TenantsManage));
        assert!(!cashier.contains(&UsersManage));
    }

    #[test]
    fn tenant_roles_cannot_hold_platform_permissions() {
        assert!(parse_tenant_permissions(&["tenants.manage".into()]).is_err());
        assert!(parse_tenant_permissions(&["nope".into()]).is_err());
        assert_eq!(parse_tenant_permissions(&["sales.create".into()]).unwrap().len(), 1);
    }
}
