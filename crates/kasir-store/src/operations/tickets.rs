//! Tickets and their comments.

use serde::Serialize;
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    Flag, JsonText, Result, Tx,
};

pub static TICKETS: ResourceDef = def(
    "ticket",
    "tickets",
    &[
        Column::new("title", Text).sort().search(),
        Column::new("description", Text).search(),
        Column::new("priority", Text).filter().sort(),
        Column::new("category", Text).filter(),
        Column::new("status", Text).filter().sort(),
        Column::new("reporter_id", Text).filter(),
        Column::new("assigned_to", Text).filter(),
        Column::new("attachment_file_ids", Json),
        Column::new("resolution", Text),
        Column::new("satisfaction", Int),
        Column::new("resolved_at", Text),
        Column::new("closed_at", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Ticket {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub title: String,
    pub description: String,
    /// `low`, `medium`, `high` or `urgent`.
    pub priority: String,
    pub category: Option<String>,
    /// `open`, `in_progress`, `resolved` or `closed`.
    pub status: String,
    /// The user who opened it.
    #[schema(format = Uuid)]
    pub reporter_id: String,
    /// The user handling it.
    #[schema(format = Uuid)]
    pub assigned_to: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub attachment_file_ids: JsonText<Vec<String>>,
    /// How it was resolved (given when it is closed).
    pub resolution: Option<String>,
    /// The reporter's rating, 1–5, given when it is closed.
    pub satisfaction: Option<i64>,
    pub resolved_at: Option<String>,
    pub closed_at: Option<String>,
}
crate::impl_record!(Ticket);

pub static COMMENTS: ResourceDef = def(
    "ticket_comment",
    "ticket_comments",
    &[
        Column::new("ticket_id", Text).filter(),
        Column::new("author_id", Text).filter(),
        Column::new("comment", Text),
        Column::new("internal", Bool).filter(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Comment {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub ticket_id: String,
    #[schema(format = Uuid)]
    pub author_id: String,
    pub comment: String,
    /// An internal note: only those who handle tickets see it, never the reporter.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub internal: Flag,
}
crate::impl_record!(Comment);

/// Locks the ticket's row until the transaction ends (PostgreSQL; SQLite has one writer).
pub async fn lock(tx: &mut Tx, id: &str) -> Result<()> {
    super::lock_row(tx, "tickets", id).await
}

/// A ticket's comments, oldest first; internal notes only when `internal` is true.
#[tracing::instrument(skip_all)]
pub async fn comments(db: &crate::Db, ticket_id: &str, internal: bool) -> Result<Vec<Comment>> {
    let only_public = if internal { "" } else { " AND internal = 0" };
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM ticket_comments WHERE ticket_id = $1 AND deleted_at IS NULL{only_public} ORDER BY created_at, id",
        COMMENTS.select_list()
    ))
    .bind(ticket_id)
    .fetch_all(db.reader())
    .await?)
}
