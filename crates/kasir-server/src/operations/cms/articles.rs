//! Blog posts, and the training, careers and departments pages: titled content with a slug,
//! published or draft.

use super::*;

// ---- Blog ---------------------------------------------------------------------------------

pub struct Posts;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePost {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Made from the title when left out; unique in the tenant.
    #[schema(max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[schema(min_length = 1, max_length = 100000)]
    pub content: String,
    #[schema(max_length = 500)]
    pub excerpt: Option<String>,
    #[schema(format = Uuid)]
    pub featured_file_id: Option<String>,
    #[schema(max_items = 10)]
    pub categories: Option<Vec<String>>,
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
    /// `draft` (default) or `published`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePost {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[schema(min_length = 1, max_length = 100000)]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub excerpt: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub featured_file_id: Option<Option<String>>,
    #[schema(max_items = 10)]
    pub categories: Option<Vec<String>>,
    #[schema(max_items = 20)]
    pub tags: Option<Vec<String>>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

impl Resource for Posts {
    type Record = Post;
    type Create = CreatePost;
    type Update = UpdatePost;
    const DEF: &'static crud::ResourceDef = &POSTS;
    const PATH: &'static str = "/cms/blog";
    const TAG: &'static str = "cms";
    const READ: Permission = Permission::CmsManage;
    const WRITE: Permission = Permission::CmsManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreatePost) -> Result<Post, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let title = v.text("title", &b.title, 1, 200);
        let slug = slug(&mut v, b.slug.as_deref(), &title);
        let status = publish_status(&mut v, b.status.as_deref().unwrap_or(PublishStatus::Draft.as_str()));
        let mut values = vec![
            ("title", Value::from(title)),
            ("slug", Value::from(slug)),
            ("content", Value::from(v.text("content", &b.content, 1, 100_000))),
            ("excerpt", Value::Text(v.opt_text("excerpt", b.excerpt.as_deref(), 500))),
            ("categories", Value::json(&labels(&mut v, "categories", b.categories.as_deref().unwrap_or_default(), 10))),
            ("tags", Value::json(&labels(&mut v, "tags", b.tags.as_deref().unwrap_or_default(), 20))),
        ];
        finish(v)?;
        values.push((
            "featured_file_id",
            Value::Text(file(tx, scope, "featured_file_id", b.featured_file_id.as_deref()).await?),
        ));
        values.extend(publishing(status, None));
        Ok(crud::create(tx, &POSTS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Post,
        version: Option<i64>,
        b: UpdatePost,
    ) -> Result<Post, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(t) = &b.title {
            values.push(("title", Value::from(v.text("title", t, 1, 200))));
        }
        if let Some(s) = &b.slug {
            values.push(("slug", Value::from(slug(&mut v, Some(s), ""))));
        }
        if let Some(c) = &b.content {
            values.push(("content", Value::from(v.text("content", c, 1, 100_000))));
        }
        if let Some(e) = &b.excerpt {
            values.push(("excerpt", Value::Text(v.opt_text("excerpt", e.as_deref(), 500))));
        }
        if let Some(c) = &b.categories {
            values.push(("categories", Value::json(&labels(&mut v, "categories", c, 10))));
        }
        if let Some(t) = &b.tags {
            values.push(("tags", Value::json(&labels(&mut v, "tags", t, 20))));
        }
        let status = b.status.as_deref().map(|s| publish_status(&mut v, s));
        finish(v)?;
        if let Some(f) = &b.featured_file_id {
            values.push(("featured_file_id", Value::Text(file(tx, scope, "featured_file_id", f.as_deref()).await?)));
        }
        if let Some(s) = status {
            values.extend(publishing(s, current.published_at.as_deref()));
        }
        Ok(crud::update(tx, &POSTS, scope, &current.id, version, &values).await?)
    }
}

// ---- Pages (training, careers, departments) -----------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePage {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Made from the title when left out; unique among the pages of its kind.
    #[schema(max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[schema(min_length = 1, max_length = 100000)]
    pub content: String,
    #[schema(max_length = 500)]
    pub excerpt: Option<String>,
    #[schema(format = Uuid)]
    pub featured_file_id: Option<String>,
    /// `draft` (default) or `published`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePage {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[schema(min_length = 1, max_length = 100000)]
    pub content: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub excerpt: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub featured_file_id: Option<Option<String>>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

async fn create_page(
    tx: &mut Tx,
    scope: &Scope,
    kind: PageKind,
    def: &'static crud::ResourceDef,
    b: CreatePage,
) -> Result<Page, ApiError> {
    let id = new_record_id(b.id.as_deref())?;
    let mut v = Violations::new();
    let title = v.text("title", &b.title, 1, 200);
    let slug = slug(&mut v, b.slug.as_deref(), &title);
    let status = publish_status(&mut v, b.status.as_deref().unwrap_or(PublishStatus::Draft.as_str()));
    let mut values = vec![
        ("kind", Value::from(kind.as_str())),
        ("title", Value::from(title)),
        ("slug", Value::from(slug)),
        ("content", Value::from(v.text("content", &b.content, 1, 100_000))),
        ("excerpt", Value::Text(v.opt_text("excerpt", b.excerpt.as_deref(), 500))),
    ];
    finish(v)?;
    values.push((
        "featured_file_id",
        Value::Text(file(tx, scope, "featured_file_id", b.featured_file_id.as_deref()).await?),
    ));
    values.extend(publishing(status, None));
    Ok(crud::create(tx, def, scope, &id, &values).await?)
}

async fn update_page(
    tx: &mut Tx,
    scope: &Scope,
    def: &'static crud::ResourceDef,
    current: Page,
    version: Option<i64>,
    b: UpdatePage,
) -> Result<Page, ApiError> {
    let version = expected_version(version, b.version)?;
    let mut v = Violations::new();
    let mut values: Vec<(&str, Value)> = Vec::new();
    if let Some(t) = &b.title {
        values.push(("title", Value::from(v.text("title", t, 1, 200))));
    }
    if let Some(s) = &b.slug {
        values.push(("slug", Value::from(slug(&mut v, Some(s), ""))));
    }
    if let Some(c) = &b.content {
        values.push(("content", Value::from(v.text("content", c, 1, 100_000))));
    }
    if let Some(e) = &b.excerpt {
        values.push(("excerpt", Value::Text(v.opt_text("excerpt", e.as_deref(), 500))));
    }
    let status = b.status.as_deref().map(|s| publish_status(&mut v, s));
    finish(v)?;
    if let Some(f) = &b.featured_file_id {
        values.push(("featured_file_id", Value::Text(file(tx, scope, "featured_file_id", f.as_deref()).await?)));
    }
    if let Some(s) = status {
        values.extend(publishing(s, current.published_at.as_deref()));
    }
    Ok(crud::update(tx, def, scope, &current.id, version, &values).await?)
}

macro_rules! pages {
    ($name:ident, $kind:expr, $def:expr, $path:literal) => {
        pub struct $name;

        impl Resource for $name {
            type Record = Page;
            type Create = CreatePage;
            type Update = UpdatePage;
            const DEF: &'static crud::ResourceDef = &$def;
            const PATH: &'static str = $path;
            const TAG: &'static str = "cms";
            const READ: Permission = Permission::CmsManage;
            const WRITE: Permission = Permission::CmsManage;

            async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreatePage) -> Result<Page, ApiError> {
                create_page(tx, scope, $kind, &$def, b).await
            }

            async fn update(
                _p: &Principal,
                tx: &mut Tx,
                scope: &Scope,
                current: Page,
                version: Option<i64>,
                b: UpdatePage,
            ) -> Result<Page, ApiError> {
                update_page(tx, scope, &$def, current, version, b).await
            }
        }
    };
}

pages!(Training, PageKind::Training, TRAINING, "/cms/training");
pages!(Careers, PageKind::Careers, CAREERS, "/cms/careers");
pages!(Departments, PageKind::Departments, DEPARTMENTS, "/cms/departments");
