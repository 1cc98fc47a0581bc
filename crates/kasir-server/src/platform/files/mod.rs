//! Files: uploads (`POST /files`), reading them (`GET /files/{id}`, its thumbnail), temporary
//! downloads served once (`POST /files/temp`, `GET /temp/{name}`) and product images. The type
//! comes from the content; images are encoded afresh; names from clients are kept for display
//! and never used for paths. Areas keep file ids.

pub mod content;
mod routes;
pub mod store;
mod upload;

use kasir_domain::jobs::JobKind;
use kasir_store::platform::files;

pub use routes::{routes, store_file, FileInfo};
pub use store::FileStore;
pub(crate) use upload::receive;

use super::jobs::Jobs;

/// How long an unread temporary file is kept.
pub const TEMP_KEPT_HOURS: i64 = 24;

/// The job that deletes unread temporary files, every hour.
pub fn register_jobs(jobs: &Jobs, store: FileStore) {
    jobs.register(JobKind::DeleteTempFiles.as_str(), move |ctx| {
        let store = store.clone();
        async move {
            let keys = files::take_expired_temp(&ctx.db, &kasir_domain::time::now()).await?;
            for key in &keys {
                store.delete(key).await?;
            }
            tracing::info!(deleted = keys.len(), "unread temporary files removed");
            Ok(())
        }
    });
    jobs.schedule(super::jobs::Schedule::new(
        JobKind::DeleteTempFiles.as_str(),
        kasir_domain::jobs::Every::Minutes(60),
    ));
}
