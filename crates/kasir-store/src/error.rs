use thiserror::Error;
use tracing_error::SpanTrace;

/// What can go wrong in the store, in terms the API layer maps to statuses.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("record not found")]
    NotFound,
    /// A unique key is taken; `field` names the client-visible field.
    #[error("{field} is already in use")]
    Conflict { field: String },
    #[error("the record has changed (now at version {current})")]
    VersionConflict { current: i64 },
    #[error("cursor is older than the retained history")]
    CursorExpired,
    /// No connection of the pool came free in time: the server is overloaded.
    #[error("no database connection came free in time")]
    Busy,
    /// A fault of the database or the connection, with the steps (instrumented operations and
    /// store calls) it happened in, so that the logged 500 names them.
    #[error("database error: {0}\n{1}")]
    Db(sqlx::Error, SpanTrace),
    #[error("stored data is not what we wrote: {0}")]
    Corrupt(String),
    /// A backup file that cannot be loaded (format, version, schema, content), or a database
    /// that cannot take it; nothing was loaded.
    #[error("{0}")]
    Backup(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict { field: unique_field(db.constraint(), db.message()) };
            }
        }
        if matches!(e, sqlx::Error::PoolTimedOut) {
            return StoreError::Busy;
        }
        StoreError::Db(e, SpanTrace::capture())
    }
}

/// Unique indexes are named `ux_<table>__<field>`. PostgreSQL reports the index name; SQLite reports
/// either `index 'ux_…'` or the columns (`UNIQUE constraint failed: outlets.tenant_id, outlets.code`).
fn unique_field(constraint: Option<&str>, message: &str) -> String {
    // PostgreSQL names a table's primary key `<table>_pkey`.
    if constraint.is_some_and(|c| c.ends_with("_pkey")) {
        return "id".into();
    }
    let from_index = |name: &str| name.split("__").nth(1).map(|f| f.trim_end_matches('\'').to_string());
    if let Some(field) = constraint.and_then(from_index) {
        return field;
    }
    if let Some(pos) = message.find("index '") {
        if let Some(field) = from_index(&message[pos + 7..]) {
            return field;
        }
    }
    message.rsplit(['.', ' ']).next().filter(|s| !s.is_empty()).unwrap_or("id").to_string()
}

#[cfg(test)]
mod tests {
    use super::{unique_field, StoreError};

    #[test]
    fn an_exhausted_pool_is_busy_not_a_fault() {
        assert!(matches!(StoreError::from(sqlx::Error::PoolTimedOut), StoreError::Busy));
        assert!(matches!(StoreError::from(sqlx::Error::RowNotFound), StoreError::Db(..)));
    }

    #[test]
    fn names_the_field_on_both_engines() {
        assert_eq!(unique_field(Some("ux_outlets__code"), "duplicate key"), "code");
        assert_eq!(unique_field(None, "UNIQUE constraint failed: outlets.tenant_id, outlets.code"), "code");
        assert_eq!(unique_field(None, "UNIQUE constraint failed: index 'ux_roles__name'"), "name");
        assert_eq!(unique_field(None, "UNIQUE constraint failed: outlets.id"), "id");
    }
}
