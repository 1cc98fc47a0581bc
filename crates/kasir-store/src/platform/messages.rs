//! The outbox of emails, SMS and pushes. A message and the job that delivers it are written
//! together; the job records how delivery went here.

use kasir_domain::messages::{Channel, MessageStatus};
use serde::Serialize;
use sqlx::AnyConnection;

use crate::{
    platform::jobs::{self, NewJob},
    sql::Sql,
    Db, Result,
};

/// The job kind that delivers messages.
pub const DELIVER: &str = "deliver_message";

/// A message to send.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub tenant_id: Option<String>,
    pub channel: Channel,
    /// An email address, a phone number or a push token.
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// Push data (string values).
    pub data: Option<serde_json::Value>,
    pub template: Option<String>,
}

/// A message as `GET /messages` lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Message {
    #[schema(format = Uuid)]
    pub id: String,
    pub tenant_id: Option<String>,
    /// `email`, `sms` or `push`.
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Option<Object>)]
    pub data: crate::JsonText<serde_json::Value>,
    pub template: Option<String>,
    /// `queued`, `sent`, `failed` or `not_configured`.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub sent_at: Option<String>,
}

const COLUMNS: &str = "id, tenant_id, channel, recipient, subject, body, COALESCE(data, 'null') AS data, template, status, attempts, last_error, created_at, updated_at, sent_at";

/// Queues `m` and the job that delivers it, in one transaction; the message's id.
#[tracing::instrument(skip_all, fields(channel = m.channel.as_str()))]
pub async fn queue(db: &Db, m: &NewMessage) -> Result<String> {
    let mut tx = db.begin(crate::Actor::system()).await?;
    let id = insert(&mut tx, m).await?;
    tx.commit().await?;
    Ok(id)
}

/// Queues `m` and its delivery job in the caller's transaction: the message goes out only if
/// what it tells of commits.
#[tracing::instrument(skip_all, fields(channel = m.channel.as_str()))]
pub async fn queue_in(tx: &mut crate::Tx, m: &NewMessage) -> Result<String> {
    insert(tx, m).await
}

async fn insert(conn: &mut AnyConnection, m: &NewMessage) -> Result<String> {
    let id = kasir_domain::ids::new_id();
    let now = kasir_domain::time::now();
    sqlx::query(
        "INSERT INTO messages (id, tenant_id, channel, recipient, subject, body, data, template, status, attempts, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $10)",
    )
    .bind(&id)
    .bind(m.tenant_id.clone())
    .bind(m.channel.as_str())
    .bind(&m.recipient)
    .bind(m.subject.clone())
    .bind(&m.body)
    .bind(m.data.as_ref().map(|d| d.to_string()))
    .bind(m.template.clone())
    .bind(MessageStatus::Queued.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let job = NewJob {
        tenant_id: m.tenant_id.clone(),
        max_attempts: 5,
        ..NewJob::new(DELIVER, serde_json::json!({ "message_id": id }))
    };
    jobs::insert_on(conn, &job).await?;
    Ok(id)
}

/// One message.
#[tracing::instrument(skip_all)]
pub async fn get(db: &Db, id: &str) -> Result<Option<Message>> {
    Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM messages WHERE id = $1"))
        .bind(id)
        .fetch_optional(db.reader())
        .await?)
}

/// Records a delivery attempt: its outcome and, when it failed, why.
#[tracing::instrument(skip_all)]
pub async fn record(db: &Db, id: &str, status: MessageStatus, error: Option<&str>) -> Result<()> {
    let now = kasir_domain::time::now();
    let sent_at = (status == MessageStatus::Sent).then(|| now.clone());
    sqlx::query(
        "UPDATE messages SET status = $1, attempts = attempts + 1, last_error = COALESCE($2, last_error), updated_at = $3,
         sent_at = COALESCE($4, sent_at) WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(error.map(|e| e.chars().take(2000).collect::<String>()))
    .bind(now)
    .bind(sent_at)
    .bind(id)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Filters for `GET /messages`; `tenant_id: None` reads all.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    pub tenant_id: Option<String>,
    pub channel: Option<Channel>,
    pub status: Option<MessageStatus>,
}

/// A page of messages, newest first, and the total matching.
#[tracing::instrument(skip_all)]
pub async fn list(db: &Db, f: &MessageFilter, page: i64, per_page: i64) -> Result<(Vec<Message>, i64)> {
    let mut filter = Sql::new(" FROM messages WHERE 1 = 1");
    if let Some(t) = &f.tenant_id {
        filter.push(" AND tenant_id = ").bind(t.as_str());
    }
    if let Some(c) = f.channel {
        filter.push(" AND channel = ").bind(c.as_str());
    }
    if let Some(s) = f.status {
        filter.push(" AND status = ").bind(s.as_str());
    }
    filter.page(db, COLUMNS, "created_at DESC, id DESC", page, per_page).await
}

/// How many messages there are by channel and status (for `/metrics`).
#[tracing::instrument(skip_all)]
pub async fn counts(db: &Db) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT channel, status, COUNT(*) FROM messages GROUP BY channel, status ORDER BY channel, status",
    )
    .fetch_all(db.reader())
    .await?)
}

/// Marks a push token dead (the push service no longer knows it).
#[tracing::instrument(skip_all)]
pub async fn kill_push_token(db: &Db, token: &str) -> Result<()> {
    sqlx::query("UPDATE push_tokens SET dead_at = $1 WHERE token = $2 AND dead_at IS NULL")
        .bind(kasir_domain::time::now())
        .bind(token)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Whether a push token is dead; `None` for a token not registered here.
#[tracing::instrument(skip_all)]
pub async fn push_token_is_dead(db: &Db, token: &str) -> Result<Option<bool>> {
    let row: Option<(Option<String>,)> = sqlx::query_as("SELECT dead_at FROM push_tokens WHERE token = $1")
        .bind(token)
        .fetch_optional(db.reader())
        .await?;
    Ok(row.map(|(dead_at,)| dead_at.is_some()))
}
