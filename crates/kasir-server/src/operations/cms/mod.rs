//! The CMS (`cms.manage`): blog posts (unique slug, draft or published, categories, tags),
//! training, careers and departments pages, ads (placement and date window), vacancies and drop
//! points. What is published is readable without a login under `/public/{tenant_slug}/cms/`
//! ([`public`]); drafts never are.

mod articles;
mod listings;
pub mod public;

pub use articles::*;
pub use listings::*;

use kasir_domain::{
    operations::{slugify, valid_slug, PageKind, PublishStatus, VacancyStatus, VacancyType},
    workforce::Degrees,
    Permission, Violations,
};
use kasir_store::{crud, operations::cms::*, Scope, Tx, Value};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::{
        openapi::ApiRouter,
        resource::{self, expected_version, new_record_id, nullable, Resource},
        ApiError,
    },
    auth::Principal,
    state::AppState,
    workforce::resources::{date, finish},
};

pub fn routes(mut api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api = resource::routes::<Posts>(api);
    api = resource::routes::<Training>(api);
    api = resource::routes::<Careers>(api);
    api = resource::routes::<Departments>(api);
    api = resource::routes::<Ads>(api);
    api = resource::routes::<Vacancies>(api);
    api = resource::routes::<DropPoints>(api);
    public::routes(api)
}

/// A slug as given, or made from the title; 400 unless it is lower-case words and hyphens.
fn slug(v: &mut Violations, given: Option<&str>, title: &str) -> String {
    let s = given.map(str::to_string).unwrap_or_else(|| slugify(title));
    if !valid_slug(&s) {
        v.add("slug", "must be 1–120 lower-case letters, digits and single hyphens");
    }
    s
}

fn publish_status(v: &mut Violations, raw: &str) -> PublishStatus {
    PublishStatus::parse(raw).unwrap_or_else(|| {
        v.add("status", "must be draft or published");
        PublishStatus::Draft
    })
}

/// The status fields to write: `published_at` is set the first time a record is published.
fn publishing(status: PublishStatus, published_at: Option<&str>) -> Vec<(&'static str, Value)> {
    let mut values = vec![("status", Value::from(status.as_str()))];
    if status == PublishStatus::Published && published_at.is_none() {
        values.push(("published_at", Value::from(kasir_domain::time::now())));
    }
    values
}

fn labels(v: &mut Violations, field: &str, raw: &[String], max: usize) -> Vec<String> {
    if raw.len() > max {
        v.add(field, format!("must have at most {max} items"));
    }
    let mut out: Vec<String> = Vec::new();
    for (i, l) in raw.iter().enumerate() {
        let l = v.text(&format!("{field}[{i}]"), l, 1, 50);
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&l)) {
            out.push(l);
        }
    }
    out
}

/// An optional file of the tenant (a featured image).
async fn file(tx: &mut Tx, scope: &Scope, field: &str, raw: Option<&str>) -> Result<Option<String>, ApiError> {
    match raw {
        Some(r) => Ok(super::files(tx, scope, field, std::slice::from_ref(&r.to_string()), 1).await?.pop()),
        None => Ok(None),
    }
}
