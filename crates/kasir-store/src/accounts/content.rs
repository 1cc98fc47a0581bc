//! What the shop shows in its app: marketing offers (general, or for one customer account) and
//! frequently asked questions.

use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    crud::{ColType::*, Column, OutletScope, ResourceDef},
    Db, Flag, Result,
};

pub static OFFERS: ResourceDef = ResourceDef {
    entity: "marketing_offer",
    table: "marketing_offers",
    columns: &[
        Column::new("title", Text).sort().search(),
        Column::new("description", Text).search(),
        Column::new("image_file_id", Text),
        Column::new("valid_until", Text).sort(),
        Column::new("customer_id", Text).filter(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A marketing offer.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Offer {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub title: String,
    pub description: Option<String>,
    /// A file uploaded with `POST /files`; its picture is `/api/v1/files/{image_file_id}`.
    #[schema(format = Uuid)]
    pub image_file_id: Option<String>,
    /// RFC 3339; none: no end.
    pub valid_until: Option<String>,
    /// The customer account it is for; none: every customer.
    #[schema(format = Uuid)]
    pub customer_id: Option<String>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(Offer);

pub static FAQS: ResourceDef = ResourceDef {
    entity: "faq",
    table: "faqs",
    columns: &[
        Column::new("question", Text).sort().search(),
        Column::new("answer", Text).search(),
        Column::new("position", Int).sort(),
        Column::new("is_active", Bool).filter(),
    ],
    outlet_scope: OutletScope::None,
    base_filter: None,
    search_codes: false,
    counted: false,
};

/// A frequently asked question.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Faq {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub question: String,
    pub answer: String,
    /// Lower first.
    pub position: i64,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub is_active: Flag,
}
crate::impl_record!(Faq);

/// The offers a customer sees now: active, not past `valid_until`, general or theirs.
#[tracing::instrument(skip_all)]
pub async fn offers_for(db: &Db, tenant_id: &str, account_id: &str, now: &str) -> Result<Vec<Offer>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM marketing_offers WHERE tenant_id = $1 AND deleted_at IS NULL AND is_active = 1
           AND (valid_until IS NULL OR valid_until >= $2) AND (customer_id IS NULL OR customer_id = $3)
         ORDER BY created_at DESC, id DESC",
        OFFERS.select_list()
    ))
    .bind(tenant_id)
    .bind(now)
    .bind(account_id)
    .fetch_all(db.reader())
    .await?)
}

/// The shop's active questions, in their order.
#[tracing::instrument(skip_all)]
pub async fn faqs(db: &Db, tenant_id: &str) -> Result<Vec<Faq>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM faqs WHERE tenant_id = $1 AND deleted_at IS NULL AND is_active = 1 ORDER BY position, created_at, id",
        FAQS.select_list()
    ))
    .bind(tenant_id)
    .fetch_all(db.reader())
    .await?)
}

/// The live push tokens of some customer accounts of a tenant (all of them with `None`).
#[tracing::instrument(skip_all)]
pub async fn push_tokens(db: &Db, tenant_id: &str, accounts: Option<&[String]>) -> Result<Vec<(String, String)>> {
    let mut sql = crate::sql::Sql::new(
        "SELECT token, customer_id FROM push_tokens WHERE dead_at IS NULL AND customer_id IS NOT NULL AND tenant_id = ",
    );
    sql.bind(tenant_id);
    if let Some(ids) = accounts {
        sql.push(" AND customer_id IN (").bind_list(ids).push(")");
    }
    sql.push(" ORDER BY customer_id, token");
    Ok(sql.query_as().fetch_all(db.reader()).await?)
}

/// Registers a push token for an account (taking it over from whoever had it).
#[tracing::instrument(skip_all)]
pub async fn register_push_token(
    db: &Db,
    tenant_id: &str,
    account_id: &str,
    token: &str,
    device_type: &str,
) -> Result<()> {
    let mut tx = db.begin(crate::Actor::system()).await?;
    sqlx::query("DELETE FROM push_tokens WHERE token = $1").bind(token).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO push_tokens (token, tenant_id, customer_id, device_type, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token)
    .bind(tenant_id)
    .bind(account_id)
    .bind(device_type)
    .bind(kasir_domain::time::now())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes an account's push token; false when it had none such.
#[tracing::instrument(skip_all)]
pub async fn remove_push_token(db: &Db, account_id: &str, token: &str) -> Result<bool> {
    let r = sqlx::query("DELETE FROM push_tokens WHERE token = $1 AND customer_id = $2")
        .bind(token)
        .bind(account_id)
        .execute(db.writer())
        .await?;
    Ok(r.rows_affected() > 0)
}
