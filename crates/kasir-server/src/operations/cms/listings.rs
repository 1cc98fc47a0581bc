//! Ads (a placement and a date window), vacancies (open until they close) and drop points.

use super::*;

// ---- Ads ----------------------------------------------------------------------------------

pub struct Ads;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAd {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(format = Uuid)]
    pub image_file_id: Option<String>,
    /// Where it leads: an `https://` or `http://` address, or a path on the site (`/promo`).
    #[schema(max_length = 500)]
    pub link: Option<String>,
    /// Where it shows (`home_banner`, `sidebar`, ...).
    #[schema(min_length = 1, max_length = 50)]
    pub placement: String,
    /// `YYYY-MM-DD`, the first day it shows.
    pub start_date: String,
    /// `YYYY-MM-DD`, the last day it shows (not before the first).
    pub end_date: String,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAd {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub image_file_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub link: Option<Option<String>>,
    #[schema(min_length = 1, max_length = 50)]
    pub placement: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub active: Option<bool>,
    pub version: Option<i64>,
}

fn link(v: &mut Violations, raw: Option<&str>) -> Option<String> {
    let l = v.opt_text("link", raw, 500)?;
    let ok = l.starts_with("https://") || l.starts_with("http://") || (l.starts_with('/') && !l.starts_with("//"));
    if !ok {
        v.add("link", "must be an http(s):// address or a path starting with /");
    }
    Some(l)
}

fn window(v: &mut Violations, start: &str, end: &str) {
    if !start.is_empty() && !end.is_empty() && end < start {
        v.add("end_date", "must not be before start_date");
    }
}

impl Resource for Ads {
    type Record = Ad;
    type Create = CreateAd;
    type Update = UpdateAd;
    const DEF: &'static crud::ResourceDef = &ADS;
    const PATH: &'static str = "/cms/ads";
    const TAG: &'static str = "cms";
    const READ: Permission = Permission::CmsManage;
    const WRITE: Permission = Permission::CmsManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateAd) -> Result<Ad, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let (start, end) = (date(&mut v, "start_date", &b.start_date), date(&mut v, "end_date", &b.end_date));
        window(&mut v, &start, &end);
        let mut values = vec![
            ("title", Value::from(v.text("title", &b.title, 1, 200))),
            ("link", Value::Text(link(&mut v, b.link.as_deref()))),
            ("placement", Value::from(v.text("placement", &b.placement, 1, 50))),
            ("start_date", Value::from(start)),
            ("end_date", Value::from(end)),
            ("active", Value::from(b.active.unwrap_or(true))),
        ];
        finish(v)?;
        values
            .push(("image_file_id", Value::Text(file(tx, scope, "image_file_id", b.image_file_id.as_deref()).await?)));
        Ok(crud::create(tx, &ADS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Ad,
        version: Option<i64>,
        b: UpdateAd,
    ) -> Result<Ad, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(t) = &b.title {
            values.push(("title", Value::from(v.text("title", t, 1, 200))));
        }
        if let Some(l) = &b.link {
            values.push(("link", Value::Text(link(&mut v, l.as_deref()))));
        }
        if let Some(pl) = &b.placement {
            values.push(("placement", Value::from(v.text("placement", pl, 1, 50))));
        }
        let start = b.start_date.as_deref().map(|d| date(&mut v, "start_date", d));
        let end = b.end_date.as_deref().map(|d| date(&mut v, "end_date", d));
        window(&mut v, start.as_deref().unwrap_or(&current.start_date), end.as_deref().unwrap_or(&current.end_date));
        if let Some(s) = start {
            values.push(("start_date", Value::from(s)));
        }
        if let Some(e) = end {
            values.push(("end_date", Value::from(e)));
        }
        if let Some(a) = b.active {
            values.push(("active", Value::from(a)));
        }
        finish(v)?;
        if let Some(f) = &b.image_file_id {
            values.push(("image_file_id", Value::Text(file(tx, scope, "image_file_id", f.as_deref()).await?)));
        }
        Ok(crud::update(tx, &ADS, scope, &current.id, version, &values).await?)
    }
}

// ---- Vacancies ----------------------------------------------------------------------------

pub struct Vacancies;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVacancy {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// Made from the title when left out; unique in the tenant.
    #[schema(max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[schema(max_length = 100)]
    pub department: Option<String>,
    #[schema(max_length = 100)]
    pub location: Option<String>,
    /// `full_time` (default), `part_time`, `contract` or `internship`.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    #[schema(max_length = 20000)]
    pub requirements: Option<String>,
    /// A month's pay, in minor units.
    #[schema(minimum = 0)]
    pub salary: Option<i64>,
    /// `YYYY-MM-DD`, the last day to apply.
    pub closing_date: Option<String>,
    /// `draft` (default), `open` or `closed`.
    pub status: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVacancy {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(max_length = 120, pattern = "^[a-z0-9]+(-[a-z0-9]+)*$")]
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub department: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub location: Option<Option<String>>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    #[schema(min_length = 1, max_length = 20000)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub requirements: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>, minimum = 0)]
    pub salary: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub closing_date: Option<Option<String>>,
    pub status: Option<String>,
    pub version: Option<i64>,
}

fn vacancy_type(v: &mut Violations, raw: &str) -> &'static str {
    match VacancyType::parse(raw) {
        Some(t) => t.as_str(),
        None => {
            v.add("type", "must be full_time, part_time, contract or internship");
            ""
        }
    }
}

fn vacancy_status(v: &mut Violations, raw: &str) -> &'static str {
    match VacancyStatus::parse(raw) {
        Some(t) => t.as_str(),
        None => {
            v.add("status", "must be draft, open or closed");
            ""
        }
    }
}

impl Resource for Vacancies {
    type Record = Vacancy;
    type Create = CreateVacancy;
    type Update = UpdateVacancy;
    const DEF: &'static crud::ResourceDef = &VACANCIES;
    const PATH: &'static str = "/cms/vacancies";
    const TAG: &'static str = "cms";
    const READ: Permission = Permission::CmsManage;
    const WRITE: Permission = Permission::CmsManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateVacancy) -> Result<Vacancy, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let title = v.text("title", &b.title, 1, 200);
        let values = [
            ("slug", Value::from(slug(&mut v, b.slug.as_deref(), &title))),
            ("title", Value::from(title)),
            ("department", Value::Text(v.opt_text("department", b.department.as_deref(), 100))),
            ("location", Value::Text(v.opt_text("location", b.location.as_deref(), 100))),
            ("type", Value::from(vacancy_type(&mut v, b.kind.as_deref().unwrap_or(VacancyType::FullTime.as_str())))),
            ("description", Value::from(v.text("description", &b.description, 1, 20_000))),
            ("requirements", Value::Text(v.opt_text("requirements", b.requirements.as_deref(), 20_000))),
            ("salary", Value::Int(b.salary.map(|s| v.range("salary", s, 0, kasir_domain::MAX_MONEY)))),
            ("closing_date", Value::Text(b.closing_date.as_deref().map(|d| date(&mut v, "closing_date", d)))),
            (
                "status",
                Value::from(vacancy_status(&mut v, b.status.as_deref().unwrap_or(VacancyStatus::Draft.as_str()))),
            ),
        ];
        finish(v)?;
        Ok(crud::create(tx, &VACANCIES, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Vacancy,
        version: Option<i64>,
        b: UpdateVacancy,
    ) -> Result<Vacancy, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(t) = &b.title {
            values.push(("title", Value::from(v.text("title", t, 1, 200))));
        }
        if let Some(s) = &b.slug {
            values.push(("slug", Value::from(slug(&mut v, Some(s), ""))));
        }
        if let Some(d) = &b.department {
            values.push(("department", Value::Text(v.opt_text("department", d.as_deref(), 100))));
        }
        if let Some(l) = &b.location {
            values.push(("location", Value::Text(v.opt_text("location", l.as_deref(), 100))));
        }
        if let Some(k) = &b.kind {
            values.push(("type", Value::from(vacancy_type(&mut v, k))));
        }
        if let Some(d) = &b.description {
            values.push(("description", Value::from(v.text("description", d, 1, 20_000))));
        }
        if let Some(r) = &b.requirements {
            values.push(("requirements", Value::Text(v.opt_text("requirements", r.as_deref(), 20_000))));
        }
        if let Some(s) = &b.salary {
            values.push(("salary", Value::Int(s.map(|s| v.range("salary", s, 0, kasir_domain::MAX_MONEY)))));
        }
        if let Some(c) = &b.closing_date {
            values.push(("closing_date", Value::Text(c.as_deref().map(|d| date(&mut v, "closing_date", d)))));
        }
        if let Some(s) = &b.status {
            values.push(("status", Value::from(vacancy_status(&mut v, s))));
        }
        finish(v)?;
        Ok(crud::update(tx, &VACANCIES, scope, &current.id, version, &values).await?)
    }
}

// ---- Drop points --------------------------------------------------------------------------

pub struct DropPoints;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDropPoint {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(min_length = 1, max_length = 500)]
    pub address: String,
    #[schema(value_type = f64, minimum = -90, maximum = 90)]
    pub latitude: Degrees,
    #[schema(value_type = f64, minimum = -180, maximum = 180)]
    pub longitude: Degrees,
    /// Free text (`Mon–Sat 08:00–20:00`).
    #[schema(max_length = 200)]
    pub opening_hours: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDropPoint {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub address: Option<String>,
    #[schema(value_type = Option<f64>, minimum = -90, maximum = 90)]
    pub latitude: Option<Degrees>,
    #[schema(value_type = Option<f64>, minimum = -180, maximum = 180)]
    pub longitude: Option<Degrees>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub opening_hours: Option<Option<String>>,
    pub active: Option<bool>,
    pub version: Option<i64>,
}

fn latitude(v: &mut Violations, d: Degrees) -> i64 {
    if d.0.abs() > 90_000_000 {
        v.add("latitude", "must be from -90 to 90");
    }
    d.0
}

impl Resource for DropPoints {
    type Record = DropPoint;
    type Create = CreateDropPoint;
    type Update = UpdateDropPoint;
    const DEF: &'static crud::ResourceDef = &DROP_POINTS;
    const PATH: &'static str = "/cms/drop-points";
    const TAG: &'static str = "cms";
    const READ: Permission = Permission::CmsManage;
    const WRITE: Permission = Permission::CmsManage;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateDropPoint) -> Result<DropPoint, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let values = [
            ("name", Value::from(v.text("name", &b.name, 1, 200))),
            ("address", Value::from(v.text("address", &b.address, 1, 500))),
            ("latitude", Value::from(latitude(&mut v, b.latitude))),
            ("longitude", Value::from(b.longitude.0)),
            ("opening_hours", Value::Text(v.opt_text("opening_hours", b.opening_hours.as_deref(), 200))),
            ("active", Value::from(b.active.unwrap_or(true))),
        ];
        finish(v)?;
        Ok(crud::create(tx, &DROP_POINTS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: DropPoint,
        version: Option<i64>,
        b: UpdateDropPoint,
    ) -> Result<DropPoint, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            values.push(("name", Value::from(v.text("name", n, 1, 200))));
        }
        if let Some(a) = &b.address {
            values.push(("address", Value::from(v.text("address", a, 1, 500))));
        }
        if let Some(l) = b.latitude {
            values.push(("latitude", Value::from(latitude(&mut v, l))));
        }
        if let Some(l) = b.longitude {
            values.push(("longitude", Value::from(l.0)));
        }
        if let Some(o) = &b.opening_hours {
            values.push(("opening_hours", Value::Text(v.opt_text("opening_hours", o.as_deref(), 200))));
        }
        if let Some(a) = b.active {
            values.push(("active", Value::from(a)));
        }
        finish(v)?;
        Ok(crud::update(tx, &DROP_POINTS, scope, &current.id, version, &values).await?)
    }
}
