//! The website's content: blog posts, pages (training, careers, departments: one table told apart
//! by `kind`), ads, vacancies and drop points, and the reads of what is public.

use kasir_domain::workforce::Degrees;
use serde::Serialize;
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    Flag, JsonText, Result,
};

pub static POSTS: ResourceDef = def(
    "cms_post",
    "cms_posts",
    &[
        Column::new("title", Text).sort().search(),
        Column::new("slug", Text).filter().sort(),
        Column::new("content", Text).search(),
        Column::new("excerpt", Text),
        Column::new("featured_file_id", Text),
        Column::new("categories", Json),
        Column::new("tags", Json),
        Column::new("status", Text).filter().sort(),
        Column::new("published_at", Text).sort(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Post {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub title: String,
    /// Unique in the tenant: the post's address on the public site.
    pub slug: String,
    pub content: String,
    pub excerpt: Option<String>,
    #[schema(format = Uuid)]
    pub featured_file_id: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub categories: JsonText<Vec<String>>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub tags: JsonText<Vec<String>>,
    /// `draft` or `published`.
    pub status: String,
    /// When it was first published.
    pub published_at: Option<String>,
}
crate::impl_record!(Post);

const PAGE_COLUMNS: &[Column] = &[
    Column::new("kind", Text),
    Column::new("title", Text).sort().search(),
    Column::new("slug", Text).filter().sort(),
    Column::new("content", Text).search(),
    Column::new("excerpt", Text),
    Column::new("featured_file_id", Text),
    Column::new("status", Text).filter().sort(),
    Column::new("published_at", Text).sort(),
];

const fn pages(entity: &'static str, filter: &'static str) -> ResourceDef {
    let mut d = def(entity, "cms_pages", PAGE_COLUMNS);
    d.base_filter = Some(filter);
    d
}

pub static TRAINING: ResourceDef = pages("cms_training", "cms_pages.kind = 'training'");
pub static CAREERS: ResourceDef = pages("cms_career", "cms_pages.kind = 'careers'");
pub static DEPARTMENTS: ResourceDef = pages("cms_department", "cms_pages.kind = 'departments'");

/// A training, careers or departments page.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Page {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    /// `training`, `careers` or `departments`.
    pub kind: String,
    pub title: String,
    /// Unique among the tenant's pages of the kind.
    pub slug: String,
    pub content: String,
    pub excerpt: Option<String>,
    #[schema(format = Uuid)]
    pub featured_file_id: Option<String>,
    /// `draft` or `published`.
    pub status: String,
    pub published_at: Option<String>,
}
crate::impl_record!(Page);

pub static ADS: ResourceDef = def(
    "cms_ad",
    "cms_ads",
    &[
        Column::new("title", Text).sort().search(),
        Column::new("image_file_id", Text),
        Column::new("link", Text),
        Column::new("placement", Text).filter().sort(),
        Column::new("start_date", Text).sort(),
        Column::new("end_date", Text).sort(),
        Column::new("active", Bool).filter(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Ad {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub title: String,
    #[schema(format = Uuid)]
    pub image_file_id: Option<String>,
    pub link: Option<String>,
    /// Where on the site it shows (`home_banner`, `sidebar`, ...).
    pub placement: String,
    /// The first and last day it shows (`YYYY-MM-DD`, the tenant's calendar).
    pub start_date: String,
    pub end_date: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub active: Flag,
}
crate::impl_record!(Ad);

pub static VACANCIES: ResourceDef = def(
    "cms_vacancy",
    "cms_vacancies",
    &[
        Column::new("title", Text).sort().search(),
        Column::new("slug", Text).filter(),
        Column::new("department", Text).filter(),
        Column::new("location", Text).filter(),
        Column::new("type", Text).filter(),
        Column::new("description", Text).search(),
        Column::new("requirements", Text),
        Column::new("salary", Int),
        Column::new("closing_date", Text).sort(),
        Column::new("status", Text).filter().sort(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Vacancy {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub title: String,
    pub slug: String,
    pub department: Option<String>,
    pub location: Option<String>,
    /// `full_time`, `part_time`, `contract` or `internship`.
    #[sqlx(rename = "type")]
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    pub requirements: Option<String>,
    /// A month's pay offered, in the currency's minor unit (none when not said).
    pub salary: Option<i64>,
    /// The last day to apply.
    pub closing_date: Option<String>,
    /// `draft`, `open` or `closed`.
    pub status: String,
}
crate::impl_record!(Vacancy);

pub static DROP_POINTS: ResourceDef = def(
    "cms_drop_point",
    "cms_drop_points",
    &[
        Column::new("name", Text).sort().search(),
        Column::new("address", Text).search(),
        Column::new("latitude", Int),
        Column::new("longitude", Int),
        Column::new("opening_hours", Text),
        Column::new("active", Bool).filter(),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct DropPoint {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    pub address: String,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = f64)]
    pub latitude: Degrees,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = f64)]
    pub longitude: Degrees,
    /// Free text (`Mon–Sat 08:00–20:00`).
    pub opening_hours: Option<String>,
    #[sqlx(try_from = "i64")]
    #[schema(value_type = bool)]
    pub active: Flag,
}
crate::impl_record!(DropPoint);

/// Ids of the tenant's ads that show on `today` (active, and `today` within their dates).
#[tracing::instrument(skip_all)]
pub async fn current_ads(db: &crate::Db, tenant_id: &str, today: &str) -> Result<Vec<String>> {
    let sql = "SELECT id FROM cms_ads WHERE tenant_id = $1 AND deleted_at IS NULL AND active = 1 AND start_date <= $2 AND end_date >= $2";
    ids(db, sql, &[tenant_id, today]).await
}

/// Ids of the tenant's vacancies open on `today` (open, and not past their closing date).
#[tracing::instrument(skip_all)]
pub async fn open_vacancies(db: &crate::Db, tenant_id: &str, today: &str) -> Result<Vec<String>> {
    let sql = "SELECT id FROM cms_vacancies WHERE tenant_id = $1 AND deleted_at IS NULL AND status = $3 AND (closing_date IS NULL OR closing_date >= $2)";
    ids(db, sql, &[tenant_id, today, kasir_domain::operations::VacancyStatus::Open.as_str()]).await
}

async fn ids(db: &crate::Db, sql: &str, binds: &[&str]) -> Result<Vec<String>> {
    let mut q = sqlx::query_as::<_, (String,)>(sql);
    for b in binds {
        q = q.bind(*b);
    }
    Ok(q.fetch_all(db.reader()).await?.into_iter().map(|(id,)| id).collect())
}

/// Ids of the tenant's posts (published only when `published`) whose `field` (`categories` or
/// `tags`) holds `value`, compared without case.
#[tracing::instrument(skip_all)]
pub async fn posts_labelled(db: &crate::Db, tenant_id: &str, field: &str, value: &str) -> Result<Vec<String>> {
    let column = if field == "tags" { "tags" } else { "categories" };
    let rows: Vec<(String, String)> =
        sqlx::query_as(&format!("SELECT id, {column} FROM cms_posts WHERE tenant_id = $1 AND deleted_at IS NULL"))
            .bind(tenant_id)
            .fetch_all(db.reader())
            .await?;
    let mut ids = Vec::new();
    for (id, json) in rows {
        let labels: Vec<String> = serde_json::from_str(&json)
            .map_err(|e| crate::StoreError::Corrupt(format!("post {id}'s {column}: {e}")))?;
        if labels.iter().any(|l| l.eq_ignore_ascii_case(value)) {
            ids.push(id);
        }
    }
    Ok(ids)
}
