//! Branding approval requests and their approvers' reviews (one review per approver, reset on
//! each revision).

use serde::Serialize;
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    JsonText, Result, Tx,
};

pub static APPROVALS: ResourceDef = def(
    "branding_approval",
    "branding_approvals",
    &[
        Column::new("title", Text).sort().search(),
        Column::new("description", Text).search(),
        Column::new("category", Text).filter(),
        Column::new("file_ids", Json),
        Column::new("requester_id", Text).filter(),
        Column::new("approver_ids", Json),
        Column::new("status", Text).filter().sort(),
        Column::new("round", Int),
        Column::new("revision_notes", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct BrandingApproval {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub title: String,
    pub description: Option<String>,
    /// `logo`, `marketing` or `social_media`.
    pub category: String,
    /// The designs under review (files of purpose `branding`).
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub file_ids: JsonText<Vec<String>>,
    #[schema(format = Uuid)]
    pub requester_id: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub approver_ids: JsonText<Vec<String>>,
    /// `pending`, `approved`, `rejected` or `revision`.
    pub status: String,
    /// 1 for the first submission, one more for each revision.
    pub round: i64,
    /// What the requester said of the last revision.
    pub revision_notes: Option<String>,
}
crate::impl_record!(BrandingApproval);

pub static REVIEWS: ResourceDef = def(
    "branding_review",
    "branding_reviews",
    &[
        Column::new("approval_id", Text).filter(),
        Column::new("approver_id", Text).filter(),
        Column::new("round", Int),
        Column::new("decision", Text).filter(),
        Column::new("feedback", Text),
        Column::new("revision_notes", Text),
        Column::new("reviewed_at", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct BrandingReview {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub approval_id: String,
    #[schema(format = Uuid)]
    pub approver_id: String,
    /// The round of the request this review belongs to.
    pub round: i64,
    /// `pending`, `approved`, `rejected` or `revision_requested`.
    pub decision: String,
    pub feedback: Option<String>,
    /// What to change (a request for revision).
    pub revision_notes: Option<String>,
    pub reviewed_at: Option<String>,
}
crate::impl_record!(BrandingReview);

/// Locks the request's row until the transaction ends (PostgreSQL; SQLite has one writer).
pub async fn lock(tx: &mut Tx, id: &str) -> Result<()> {
    super::lock_row(tx, "branding_approvals", id).await
}

/// The reviews of a request, in the order its approvers were named (in a transaction or not).
#[tracing::instrument(skip_all)]
pub async fn reviews<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    e: E,
    approval_id: &str,
) -> Result<Vec<BrandingReview>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM branding_reviews WHERE approval_id = $1 AND deleted_at IS NULL ORDER BY created_at, id",
        REVIEWS.select_list()
    ))
    .bind(approval_id)
    .fetch_all(e)
    .await?)
}

/// Ids of the requests a user asked for or reviews.
#[tracing::instrument(skip_all)]
pub async fn involving(db: &crate::Db, tenant_id: &str, user_id: &str) -> Result<Vec<String>> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT id FROM branding_approvals WHERE tenant_id = $1 AND requester_id = $2 AND deleted_at IS NULL
         UNION SELECT approval_id FROM branding_reviews WHERE tenant_id = $1 AND approver_id = $2 AND deleted_at IS NULL",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(db.reader())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
