//! Operations (issue 19): the CMS — unique slugs, drafts and publishing, categories, tags and
//! search, ads in their window, vacancies until they close, pages and drop points — read without
//! a login under `/public/{tenant_slug}/cms/`, drafts never; and the demo's operations records.

use serde_json::{json, Value};

use crate::{
    common::{Backend, Resp, TestServer, PASSWORD},
    ops_assets::data,
};

crate::backend_tests!(published_content_is_public_and_drafts_never, the_demo_has_a_few_of_everything,);

async fn public(s: &TestServer, path: &str) -> Resp {
    s.send(reqwest::Method::GET, &format!("/public/{path}"), None, None, &[]).await
}

fn titles(r: &Resp) -> Vec<String> {
    data(r, 200)
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().or(p["name"].as_str()).unwrap().to_string())
        .collect()
}

async fn published_content_is_public_and_drafts_never(b: Backend) {
    let s = TestServer::start(b).await;
    let t = s.tenant("acme").await;
    let post = |title: &str, status: &str, cats: &[&str], tags: &[&str]| json!({"title": title, "content": format!("All about {title}"), "excerpt": "x", "categories": cats, "tags": tags, "status": status});
    let first =
        data(&s.post("/cms/blog", &t.owner, post("Grand Opening!", "published", &["News"], &["opening"])).await, 201);
    assert_eq!((first["slug"].as_str(), first["status"].as_str()), (Some("grand-opening"), Some("published")));
    assert!(first["published_at"].is_string());
    let dup = s.post("/cms/blog", &t.owner, post("Grand opening", "draft", &[], &[])).await;
    assert_eq!((dup.status, dup.fields()), (409, vec!["slug".to_string()]));
    let bad = s
        .post("/cms/blog", &t.owner, json!({"title": "T", "slug": "Not A Slug", "content": "c", "status": "live"}))
        .await;
    assert_eq!((bad.status, bad.fields()), (400, vec!["slug".to_string(), "status".to_string()]));
    data(
        &s.post("/cms/blog", &t.owner, post("New Menu", "published", &["news", "Food"], &["menu", "coffee"])).await,
        201,
    );
    let draft = data(&s.post("/cms/blog", &t.owner, post("Secret Plans", "draft", &["News"], &["menu"])).await, 201);
    let draft_id = draft["id"].as_str().unwrap().to_string();

    // The public blog: published only, newest first; by category, tag and words; by slug.
    assert_eq!(titles(&public(&s, "acme/cms/blog").await), vec!["New Menu", "Grand Opening!"]);
    assert_eq!(titles(&public(&s, "acme/cms/blog?category=NEWS").await), vec!["New Menu", "Grand Opening!"]);
    assert_eq!(titles(&public(&s, "acme/cms/blog?tag=menu").await), vec!["New Menu"]);
    assert_eq!(titles(&public(&s, "acme/cms/blog?search=opening").await), vec!["Grand Opening!"]);
    let one = public(&s, "acme/cms/blog/new-menu").await;
    assert_eq!(data(&one, 200)["tags"], json!(["menu", "coffee"]));
    assert_eq!(public(&s, "acme/cms/blog/secret-plans").await.status, 404);
    assert_eq!(public(&s, "nobody/cms/blog").await.status, 404);
    let page = public(&s, "acme/cms/blog?per_page=1&page=2").await;
    assert_eq!(
        (titles(&page), page.body["pagination"]["total"].as_i64()),
        (vec!["Grand Opening!".to_string()], Some(2))
    );
    assert_eq!(public(&s, "acme/cms/blog?per_page=500").await.status, 400);

    // Publishing the draft makes it public (and stamps it once).
    let r = s.patch(&format!("/cms/blog/{draft_id}"), &t.owner, json!({"status": "published"})).await;
    let published = data(&r, 200);
    assert!(published["published_at"].is_string());
    assert_eq!(data(&public(&s, "acme/cms/blog/secret-plans").await, 200)["id"], draft_id.as_str());
    let r = s.patch(&format!("/cms/blog/{draft_id}"), &t.owner, json!({"status": "draft"})).await;
    assert_eq!(data(&r, 200)["published_at"], published["published_at"]);
    assert_eq!(public(&s, "acme/cms/blog/secret-plans").await.status, 404);

    // Ads show inside their window (the business's calendar), active ones only, by placement.
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date();
    let d = |days: i64| (today + jiff::ToSpan::days(days)).to_string();
    let ad = |title: &str, placement: &str, from: String, to: String, active: bool| json!({"title": title, "link": "https://acme.example/promo", "placement": placement, "start_date": from, "end_date": to, "active": active});
    s.post("/cms/ads", &t.owner, ad("Now", "home_banner", d(-1), d(1), true)).await;
    s.post("/cms/ads", &t.owner, ad("Today only", "sidebar", d(0), d(0), true)).await;
    s.post("/cms/ads", &t.owner, ad("Ended", "home_banner", d(-5), d(-1), true)).await;
    s.post("/cms/ads", &t.owner, ad("Soon", "home_banner", d(1), d(5), true)).await;
    s.post("/cms/ads", &t.owner, ad("Paused", "home_banner", d(-1), d(1), false)).await;
    let backwards = s.post("/cms/ads", &t.owner, ad("Backwards", "x", d(3), d(1), true)).await;
    assert_eq!((backwards.status, backwards.fields()), (400, vec!["end_date".to_string()]));
    let link = s.post("/cms/ads", &t.owner, json!({"title": "L", "link": "javascript:alert(1)", "placement": "x", "start_date": d(0), "end_date": d(0)})).await;
    assert_eq!((link.status, link.fields()), (400, vec!["link".to_string()]));
    let mut shown = titles(&public(&s, "acme/cms/ads").await);
    shown.sort();
    assert_eq!(shown, vec!["Now", "Today only"]);
    assert_eq!(titles(&public(&s, "acme/cms/ads?placement=home_banner").await), vec!["Now"]);

    // Vacancies: open ones until their closing date.
    let vacancy = |title: &str, status: &str, closing: String| json!({"title": title, "department": "Kitchen", "location": "Jakarta", "type": "full_time", "description": "Cook", "salary": 5_000_000, "closing_date": closing, "status": status});
    s.post("/cms/vacancies", &t.owner, vacancy("Head Cook", "open", d(10))).await;
    s.post("/cms/vacancies", &t.owner, vacancy("Barista", "open", d(-1))).await;
    s.post("/cms/vacancies", &t.owner, vacancy("Manager", "draft", d(10))).await;
    assert_eq!(titles(&public(&s, "acme/cms/vacancies").await), vec!["Head Cook"]);
    assert_eq!(data(&public(&s, "acme/cms/vacancies/head-cook").await, 200)["salary"], 5_000_000);
    assert_eq!(public(&s, "acme/cms/vacancies/barista").await.status, 404);

    // Pages of each kind keep to their own path; drop points when active.
    let page = |title: &str, status: &str| json!({"title": title, "content": "…", "status": status});
    s.post("/cms/training", &t.owner, page("Food Safety", "published")).await;
    s.post("/cms/training", &t.owner, page("Draft Course", "draft")).await;
    s.post("/cms/careers", &t.owner, page("Why Work Here", "published")).await;
    let dept = data(&s.post("/cms/departments", &t.owner, page("Kitchen", "published")).await, 201);
    assert_eq!(dept["kind"], "departments");
    // The same slug may be used by another kind of page.
    data(&s.post("/cms/careers", &t.owner, page("Kitchen", "published")).await, 201);
    assert_eq!(titles(&public(&s, "acme/cms/training").await), vec!["Food Safety"]);
    assert_eq!(titles(&public(&s, "acme/cms/careers").await), vec!["Kitchen", "Why Work Here"]);
    assert_eq!(data(&public(&s, "acme/cms/departments/kitchen").await, 200)["id"], dept["id"]);
    assert_eq!(public(&s, "acme/cms/training/draft-course").await.status, 404);
    let did = dept["id"].as_str().unwrap();
    assert_eq!(
        s.get(&format!("/cms/training/{did}"), &t.owner).await.status,
        404,
        "a department page is not a training page"
    );
    let point = |name: &str, active: bool| json!({"name": name, "address": "Jl. Sudirman 1", "latitude": -6.2, "longitude": 106.8166, "opening_hours": "08-20", "active": active});
    s.post("/cms/drop-points", &t.owner, point("Sudirman", true)).await;
    s.post("/cms/drop-points", &t.owner, point("Closed one", false)).await;
    let points = public(&s, "acme/cms/drop-points").await;
    assert_eq!(titles(&points), vec!["Sudirman"]);
    assert_eq!(points.data()[0]["latitude"], -6.2);

    // Writing needs cms.manage; another business's pages are its own.
    let outlet = s.outlet(&t.owner, "K01").await;
    s.user(&t.owner, "rina", "cashier", &[&outlet]).await;
    let rina = s.token("rina", PASSWORD).await;
    assert_eq!(s.post("/cms/blog", &rina, post("Mine", "published", &[], &[])).await.status, 403);
    assert_eq!(s.get("/cms/blog", &rina).await.status, 403);
    let other = s.tenant("other").await;
    data(&s.post("/cms/blog", &other.owner, post("Grand Opening!", "published", &[], &[])).await, 201);
    assert_eq!(titles(&public(&s, "other/cms/blog").await), vec!["Grand Opening!"]);
    assert_eq!(titles(&public(&s, "acme/cms/blog").await).len(), 2);
}

async fn the_demo_has_a_few_of_everything(b: Backend) {
    let s = TestServer::start(b).await;
    kasir_server::demo::seed(&s.state).await.expect("the demo");
    let owner = s.token("demo-owner", kasir_server::demo::DEMO_PASSWORD).await;
    let count = |v: Value| v.as_array().unwrap().len();
    for path in [
        "/asset-categories",
        "/assets",
        "/vehicles",
        "/drivers",
        "/tickets",
        "/meeting-rooms",
        "/meeting-rooms/bookings",
        "/branding-approvals",
        "/cms/blog",
        "/cms/ads",
        "/cms/training",
        "/cms/careers",
        "/cms/vacancies",
        "/cms/departments",
        "/cms/drop-points",
    ] {
        assert!(count(data(&s.get(path, &owner).await, 200)) >= 1, "the demo has no {path}");
    }
    let held = data(&s.get("/assets?status=active", &owner).await, 200);
    assert!(held.as_array().unwrap().iter().any(|a| a["assigned_to"].is_string()), "an asset has a custodian");
    let drivers = data(&s.get("/drivers", &owner).await, 200);
    assert!(drivers[0]["last_latitude"].is_number(), "a driver has a last known position");
    s.token("demo-driver", kasir_server::demo::DEMO_PASSWORD).await;
    let slug = data(&s.get("/auth/me", &owner).await, 200)["tenant"]["slug"].as_str().map(str::to_string);
    let slug = slug.unwrap_or_else(|| "demo".into());
    assert!(!titles(&public(&s, &format!("{slug}/cms/blog")).await).is_empty());
}
