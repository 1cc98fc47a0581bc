//! Payment methods: the ways a tenant is paid (Cash, a card terminal, QRIS…).

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Flag, Result, Tx,
};

pub static PAYMENT_METHODS: ResourceDef = ResourceDef {
    entity: "payment_method",
    table: "payment_methods",
    columns: &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("type", Text).filter().sort(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// The kinds of payment a method may be.
pub const PAYMENT_TYPES: &[&str] = &["cash", "card", "qris", "ewallet", "transfer", "store_credit", "other"];

/// A way to pay (Cash, a card terminal, QRIS…).
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct PaymentMethod {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    /// `cash`, `card`, `qris`, `ewallet`, `transfer`, `store_credit` or `other`.
    #[serde(rename = "type")]
    #[sqlx(rename = "type")]
    pub kind: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(PaymentMethod);

/// Creates the Cash method of a new tenant (in the transaction that creates the tenant).
#[tracing::instrument(skip_all)]
pub(crate) async fn create_cash_method(tx: &mut Tx, tenant_id: &str) -> Result<()> {
    let scope = crate::Scope::tenant(tenant_id);
    let values = [
        ("name", crate::Value::from("Cash")),
        ("name_key", crate::Value::from("cash")),
        ("type", crate::Value::from("cash")),
        ("is_active", crate::Value::from(true)),
    ];
    let _: PaymentMethod =
        crate::crud::create(tx, &PAYMENT_METHODS, &scope, &kasir_domain::ids::new_id(), &values).await?;
    Ok(())
}

/// Gives every tenant without a payment method a Cash method (migration 12's data step).
#[tracing::instrument(skip_all)]
pub(crate) async fn create_missing_cash_methods(conn: &mut sqlx::AnyConnection) -> Result<()> {
    let tenants: Vec<(String,)> = sqlx::query_as(
        "SELECT t.id FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM payment_methods m WHERE m.tenant_id = t.id)",
    )
    .fetch_all(&mut *conn)
    .await?;
    let now = kasir_domain::time::now();
    let mut changes = Vec::new();
    for (tenant_id,) in tenants {
        let id = kasir_domain::ids::new_id();
        sqlx::query(
            "INSERT INTO payment_methods (id, tenant_id, name, name_key, type, is_active, version, created_at, updated_at)
             VALUES ($1, $2, 'Cash', 'cash', 'cash', 1, 1, $3, $3)",
        )
        .bind(&id)
        .bind(&tenant_id)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
        let data = serde_json::json!({
            "id": id, "tenant_id": tenant_id, "version": 1, "created_at": now, "updated_at": now,
            "name": "Cash", "type": "cash", "is_active": true,
        });
        changes.push(crate::feed::Change {
            tenant_id,
            entity: "payment_method",
            entity_id: id,
            op: "upsert",
            version: 1,
            outlet_id: None,
            data: data.to_string(),
            updated_at: now.clone(),
        });
    }
    crate::feed::append(conn, changes).await
}

/// Live payment methods of the tenant among `ids` (`conn`: a reader, or the transaction at hand:
/// a transaction must never wait for a second connection of the pool it holds one of).
#[tracing::instrument(skip_all)]
pub async fn payment_methods_by_ids(
    conn: &mut sqlx::AnyConnection,
    tenant_id: &str,
    ids: &[String],
) -> Result<Vec<PaymentMethod>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = crate::sql::Sql::new(format!("SELECT {} FROM payment_methods WHERE ", PAYMENT_METHODS.select_list()));
    sql.tenant_check("tenant_id", tenant_id).push(" AND deleted_at IS NULL AND id IN ").bind_list(ids);
    Ok(sql.query_as().fetch_all(conn).await?)
}

/// The tenant's first active cash method (refunds paid back without naming a method).
#[tracing::instrument(skip_all)]
pub async fn cash_method(conn: &mut sqlx::AnyConnection, tenant_id: &str) -> Result<Option<PaymentMethod>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM payment_methods WHERE tenant_id = $1 AND type = 'cash' AND is_active = 1 AND deleted_at IS NULL
         ORDER BY created_at, id LIMIT 1",
        PAYMENT_METHODS.select_list()
    ))
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?)
}

/// The tenant's live method called `name`, made (active, of type `kind`) when there is none: the
/// methods sales paid through the payment gateway are shown under.
#[tracing::instrument(skip_all)]
pub async fn ensure(
    db: &crate::Db,
    actor: crate::Actor,
    tenant_id: &str,
    name: &str,
    kind: &str,
) -> Result<PaymentMethod> {
    let key = name.to_lowercase();
    let find = || async {
        let found: Option<PaymentMethod> = sqlx::query_as(&format!(
            "SELECT {} FROM payment_methods WHERE tenant_id = $1 AND name_key = $2 AND deleted_at IS NULL",
            PAYMENT_METHODS.select_list()
        ))
        .bind(tenant_id)
        .bind(&key)
        .fetch_optional(db.reader())
        .await?;
        Ok::<_, crate::StoreError>(found)
    };
    if let Some(m) = find().await? {
        return Ok(m);
    }
    let scope = crate::Scope::tenant(tenant_id);
    let values = [
        ("name", crate::Value::from(name)),
        ("name_key", crate::Value::from(key.as_str())),
        ("type", crate::Value::from(kind)),
        ("is_active", crate::Value::from(true)),
    ];
    let mut tx = db.begin(actor).await?;
    let made: Result<PaymentMethod> =
        crate::crud::create(&mut tx, &PAYMENT_METHODS, &scope, &kasir_domain::ids::new_id(), &values).await;
    match made {
        Ok(m) => {
            tx.commit().await?;
            Ok(m)
        }
        // Made meanwhile by another payment.
        Err(crate::StoreError::Conflict { .. }) => {
            drop(tx);
            find().await?.ok_or(crate::StoreError::NotFound)
        }
        Err(e) => Err(e),
    }
}
