//! Operations records (issue 19): assets ([`assets`]), the fleet ([`fleet`]), tickets
//! ([`tickets`]), meeting rooms ([`rooms`]), branding approvals ([`branding`]) and the CMS
//! ([`cms`]). Each is written through the generic mechanism, so that every change is in the
//! change feed and the audit log; drivers' location pings are telemetry kept beside them.

pub mod assets;
pub mod branding;
pub mod cms;
pub mod fleet;
pub mod rooms;
pub mod tickets;

use crate::crud::{Column, OutletScope, ResourceDef};

const fn def(entity: &'static str, table: &'static str, columns: &'static [Column]) -> ResourceDef {
    ResourceDef {
        entity,
        table,
        columns,
        outlet_scope: OutletScope::None,
        base_filter: None,
        search_codes: false,
        counted: false,
    }
}

/// Locks a row of one of these tables until the transaction ends, so that checks made after it
/// (an overlap, a custodian, a review) hold until the commit (PostgreSQL; SQLite has one writer).
#[tracing::instrument(skip_all)]
pub(crate) async fn lock_row(tx: &mut crate::Tx, table: &'static str, id: &str) -> crate::Result<()> {
    if tx.backend() == crate::Backend::Postgres {
        sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE")).bind(id).execute(&mut **tx).await?;
    }
    Ok(())
}
