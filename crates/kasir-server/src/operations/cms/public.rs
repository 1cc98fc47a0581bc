//! `GET /public/{tenant_slug}/cms/...`: what a business published, readable without a login —
//! published posts and pages, ads showing today, open vacancies and active drop points. Drafts,
//! closed vacancies and ads outside their window are never shown; an unknown or inactive
//! business is 404.

use axum::{extract::State, response::Response};
use kasir_domain::operations::PublishStatus;
use kasir_store::{
    crud::{self, ListQuery, ResourceDef},
    operations::cms::{self as store, *},
    tenancy::tenants::Tenant,
    FromRow, Scope, Value,
};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    api::{
        ok, ok_page,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiPath, ApiQuery,
    },
    state::AppState,
};

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let list = |what: &str| {
        Op::new("cms", format!("Published {what} (no login)")).public().path_text("tenant_slug", "The business's slug")
    };
    let one = |what: &str| {
        Op::new("cms", format!("One published {what} by its slug (no login)"))
            .public()
            .path_text("tenant_slug", "The business's slug")
            .path_text("slug", "The record's slug")
    };
    let mut api = api
        .route(
            Method::Get,
            "/public/{tenant_slug}/cms/blog",
            blog,
            list("blog posts, newest first").query::<BlogQuery>().ok_list::<Post>(),
        )
        .route(Method::Get, "/public/{tenant_slug}/cms/blog/{slug}", post, one("blog post").ok::<Post>());
    // The three kinds of page, each a list and one by slug.
    for (kind, def, what) in [
        ("training", &TRAINING, "training"),
        ("careers", &CAREERS, "careers"),
        ("departments", &DEPARTMENTS, "department"),
    ] {
        let list_them = move |State(s): State<AppState>,
                              ApiPath(t): ApiPath<TenantPath>,
                              ApiQuery(p): ApiQuery<PageQuery>| async move {
            pages(&s, def, &t.tenant_slug, p).await
        };
        let one_of_them = move |State(s): State<AppState>, ApiPath(p): ApiPath<ItemPath>| async move {
            by_slug::<Page>(&s, def, &p, PublishStatus::Published.as_str()).await
        };
        api = api
            .route(
                Method::Get,
                &format!("/public/{{tenant_slug}}/cms/{kind}"),
                list_them,
                list(&format!("{what} pages")).query::<PageQuery>().ok_list::<Page>(),
            )
            .route(
                Method::Get,
                &format!("/public/{{tenant_slug}}/cms/{kind}/{{slug}}"),
                one_of_them,
                one(&format!("{what} page")).ok::<Page>(),
            );
    }
    api.route(
        Method::Get,
        "/public/{tenant_slug}/cms/ads",
        ads,
        list("ads showing today").query::<AdsQuery>().ok_list::<Ad>(),
    )
    .route(
        Method::Get,
        "/public/{tenant_slug}/cms/vacancies",
        vacancies,
        list("open vacancies").query::<PageQuery>().ok_list::<Vacancy>(),
    )
    .route(Method::Get, "/public/{tenant_slug}/cms/vacancies/{slug}", vacancy, one("open vacancy").ok::<Vacancy>())
    .route(
        Method::Get,
        "/public/{tenant_slug}/cms/drop-points",
        drop_points,
        list("drop points").query::<PageQuery>().ok_list::<DropPoint>(),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// From 1.
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    /// At most 100.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Words in the title or text.
    pub search: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BlogQuery {
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    pub search: Option<String>,
    /// Posts in this category.
    pub category: Option<String>,
    /// Posts with this tag.
    pub tag: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AdsQuery {
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
    /// Ads of this placement only.
    pub placement: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct TenantPath {
    tenant_slug: String,
}

#[derive(Debug, Deserialize)]
pub struct ItemPath {
    tenant_slug: String,
    slug: String,
}

/// The active business with this slug; 404 otherwise.
async fn business(s: &AppState, slug: &str) -> Result<Tenant, ApiError> {
    match kasir_store::tenancy::tenants::by_slug(&s.db, slug).await? {
        Some(t) if t.is_active.0 => Ok(t),
        _ => Err(ApiError::NotFound),
    }
}

/// A page query: 1 and 20 by default; 400 out of range.
fn paging(page: Option<i64>, per_page: Option<i64>, search: Option<String>) -> Result<ListQuery, ApiError> {
    let page = page.unwrap_or(1);
    let per_page = per_page.unwrap_or(20);
    if !(1..=1_000_000).contains(&page) {
        return Err(ApiError::field("page", "must be a number from 1"));
    }
    if !(1..=100).contains(&per_page) {
        return Err(ApiError::field("per_page", "must be from 1 to 100"));
    }
    Ok(ListQuery { page, per_page, search: search.map(|s| s.chars().take(200).collect()), ..Default::default() })
}

async fn page_of<R>(
    s: &AppState,
    def: &'static ResourceDef,
    tenant: &Tenant,
    q: ListQuery,
) -> Result<Response, ApiError>
where
    R: for<'r> FromRow<'r, kasir_store::AnyRow> + crud::Record + Send + Unpin,
{
    let page = crud::list::<R>(&s.db, def, &Scope::tenant(&tenant.id), &q).await?;
    Ok(ok_page(page, q.page, q.per_page))
}

fn published() -> (String, Value) {
    ("status".into(), Value::from(PublishStatus::Published.as_str()))
}

async fn blog(
    State(s): State<AppState>,
    ApiPath(t): ApiPath<TenantPath>,
    ApiQuery(b): ApiQuery<BlogQuery>,
) -> Result<Response, ApiError> {
    let tenant = business(&s, &t.tenant_slug).await?;
    let mut q = paging(b.page, b.per_page, b.search)?;
    q.filters.push(published());
    q.sort = Some(("published_at".into(), true));
    for (field, value) in [("categories", &b.category), ("tags", &b.tag)] {
        if let Some(value) = value {
            q.in_filters.push(("id".into(), store::posts_labelled(&s.db, &tenant.id, field, value).await?));
        }
    }
    page_of::<Post>(&s, &POSTS, &tenant, q).await
}

/// The one published record of `def` with `slug`; 404 otherwise.
async fn by_slug<R>(
    s: &AppState,
    def: &'static ResourceDef,
    path: &ItemPath,
    status: &str,
) -> Result<Response, ApiError>
where
    R: for<'r> FromRow<'r, kasir_store::AnyRow> + crud::Record + Send + Unpin,
{
    let tenant = business(s, &path.tenant_slug).await?;
    let q = ListQuery {
        per_page: 1,
        filters: vec![("slug".into(), Value::from(path.slug.clone())), ("status".into(), Value::from(status))],
        ..Default::default()
    };
    let page = crud::list::<R>(&s.db, def, &Scope::tenant(&tenant.id), &q).await?;
    page.items.into_iter().next().map(ok).ok_or(ApiError::NotFound)
}

async fn post(State(s): State<AppState>, ApiPath(p): ApiPath<ItemPath>) -> Result<Response, ApiError> {
    by_slug::<Post>(&s, &POSTS, &p, PublishStatus::Published.as_str()).await
}

async fn pages(s: &AppState, def: &'static ResourceDef, slug: &str, p: PageQuery) -> Result<Response, ApiError> {
    let tenant = business(s, slug).await?;
    let mut q = paging(p.page, p.per_page, p.search)?;
    q.filters.push(published());
    q.sort = Some(("title".into(), false));
    page_of::<Page>(s, def, &tenant, q).await
}

async fn ads(
    State(s): State<AppState>,
    ApiPath(t): ApiPath<TenantPath>,
    ApiQuery(a): ApiQuery<AdsQuery>,
) -> Result<Response, ApiError> {
    let tenant = business(&s, &t.tenant_slug).await?;
    let mut q = paging(a.page, a.per_page, None)?;
    if let Some(pl) = a.placement {
        q.filters.push(("placement".into(), Value::from(pl)));
    }
    let today = kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &tenant.timezone).date;
    q.in_filters.push(("id".into(), store::current_ads(&s.db, &tenant.id, &today).await?));
    q.sort = Some(("start_date".into(), true));
    page_of::<Ad>(&s, &ADS, &tenant, q).await
}

async fn vacancies(
    State(s): State<AppState>,
    ApiPath(t): ApiPath<TenantPath>,
    ApiQuery(p): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let tenant = business(&s, &t.tenant_slug).await?;
    let mut q = paging(p.page, p.per_page, p.search)?;
    let today = kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &tenant.timezone).date;
    q.in_filters.push(("id".into(), store::open_vacancies(&s.db, &tenant.id, &today).await?));
    q.sort = Some(("closing_date".into(), false));
    page_of::<Vacancy>(&s, &VACANCIES, &tenant, q).await
}

async fn vacancy(State(s): State<AppState>, ApiPath(p): ApiPath<ItemPath>) -> Result<Response, ApiError> {
    let tenant = business(&s, &p.tenant_slug).await?;
    let today = kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &tenant.timezone).date;
    let q = ListQuery {
        per_page: 1,
        filters: vec![("slug".into(), Value::from(p.slug.clone()))],
        in_filters: vec![("id".into(), store::open_vacancies(&s.db, &tenant.id, &today).await?)],
        ..Default::default()
    };
    let page = crud::list::<Vacancy>(&s.db, &VACANCIES, &Scope::tenant(&tenant.id), &q).await?;
    page.items.into_iter().next().map(ok).ok_or(ApiError::NotFound)
}

async fn drop_points(
    State(s): State<AppState>,
    ApiPath(t): ApiPath<TenantPath>,
    ApiQuery(p): ApiQuery<PageQuery>,
) -> Result<Response, ApiError> {
    let tenant = business(&s, &t.tenant_slug).await?;
    let mut q = paging(p.page, p.per_page, p.search)?;
    q.filters.push(("active".into(), Value::from(true)));
    q.sort = Some(("name".into(), false));
    page_of::<DropPoint>(&s, &DROP_POINTS, &tenant, q).await
}
