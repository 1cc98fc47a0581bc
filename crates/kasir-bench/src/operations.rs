//! Issue 19's figures. Meeting-room bookings: `clients` clients book random slots of `rooms`
//! rooms (half-hour or hour slots over 30 days) through the API for `seconds`; printed are the
//! bookings made a second, the attempts refused with 409, and the overlapping pairs found in the
//! database afterwards (must be 0), beside the same booking transaction (lock the room, look for
//! an overlap, insert) run directly on the database with as many tasks. Then the public CMS:
//! `clients` readers of a business's published blog (list pages and single posts) without a
//! login, beside `GET /api/v1/ping` from as many clients.

use std::sync::{
    atomic::{AtomicU64, Ordering},
    Arc,
};

use anyhow::Context;
use kasir_store::{Backend, Db, DbOptions};
use serde_json::{json, Value};

use crate::{catalog::Pick, load, server};

pub struct Options {
    pub rooms: usize,
    pub clients: usize,
    pub seconds: u64,
    pub posts: usize,
}

pub async fn run(spec: &str, o: &Options) -> anyhow::Result<()> {
    server::on_fresh_database(spec, |url, label| async move { measure(&url, label, o).await }).await
}

/// Shared random picks.
type Dice = Arc<Pick>;

fn roll(d: &Pick, below: u64) -> u64 {
    d.next(below as usize) as u64
}

/// A random slot: a day of the 30 from 2027-01-01, a start on the half hour, 30 or 60 minutes.
fn slot(d: &Pick) -> (String, String, String) {
    let day = format!("2027-01-{:02}", 1 + roll(d, 30));
    let start = roll(d, 47);
    let len = 1 + roll(d, 2);
    let hm = |half: u64| format!("{:02}:{:02}", half / 2, (half % 2) * 30);
    (day, hm(start), hm((start + len).min(48)))
}

async fn measure(url: &str, label: &str, o: &Options) -> anyhow::Result<()> {
    let s = server::start(url, server::free_port()?).await?;
    let http = reqwest::Client::new();
    let (tenant_id, owner) = server::bench_tenant(&http, &s.base).await?;
    // The API books the first `rooms` rooms, the baseline as many others: both start empty.
    let mut rooms = Vec::new();
    for i in 0..o.rooms * 2 {
        let r: Value = http
            .post(format!("{}/api/v1/meeting-rooms", s.base))
            .bearer_auth(&owner)
            .json(&json!({"name": format!("Room {i}"), "capacity": 4 + i % 10, "floor": format!("{}", i % 4)}))
            .send()
            .await?
            .json()
            .await?;
        rooms.push(r["data"]["id"].as_str().with_context(|| format!("room: {r}"))?.to_string());
    }
    let direct_rooms = Arc::new(rooms.split_off(o.rooms));
    let rooms = Arc::new(rooms);

    // Through the API.
    let (made, refused) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let dice = Dice::default();
    let (base, token) = (s.base.clone(), owner.clone());
    let (m, r, rs, h, d) = (made.clone(), refused.clone(), rooms.clone(), http.clone(), dice.clone());
    let api = load::run(o.clients, o.seconds, move || {
        let (m, r, h, d) = (m.clone(), r.clone(), h.clone(), d.clone());
        let room = rs[roll(&d, rs.len() as u64) as usize].clone();
        let (base, token) = (base.clone(), token.clone());
        async move {
            let (date, start, end) = slot(&d);
            let body = json!({"room_id": room, "title": "Sync", "date": date, "start_time": start, "end_time": end});
            let Ok(res) =
                h.post(format!("{base}/api/v1/meeting-rooms/bookings")).bearer_auth(&token).json(&body).send().await
            else {
                return false;
            };
            match res.status().as_u16() {
                201 => m.fetch_add(1, Ordering::Relaxed),
                409 => r.fetch_add(1, Ordering::Relaxed),
                _ => return false,
            };
            true
        }
    })
    .await;
    let elapsed = api.ops as f64 / api.per_sec.max(f64::MIN_POSITIVE);
    let db = Db::connect(url, &DbOptions { max_connections: o.clients.min(32) as u32, ..Default::default() }).await?;
    let overlaps = overlapping_pairs(&db).await?;
    let booked = booked_count(&db).await?;
    println!(
        "bookings {label} rooms={} clients={} attempts={} booked_per_s={:.0} refused_409={} p50_ms={:.1} p99_ms={:.1} errors={} overlaps={overlaps} booked_rows={booked}",
        o.rooms,
        o.clients,
        api.ops,
        made.load(Ordering::Relaxed) as f64 / elapsed,
        refused.load(Ordering::Relaxed),
        api.p50_ms,
        api.p99_ms,
        api.errors,
    );
    anyhow::ensure!(overlaps == 0, "{overlaps} overlapping bookings");

    // The same transaction on the database directly: the baseline.
    let (made, refused) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let (m, r, rs, d, pool, tenant) =
        (made.clone(), refused.clone(), direct_rooms.clone(), dice.clone(), db.clone(), tenant_id.clone());
    let direct = load::run(o.clients, o.seconds, move || {
        let (m, r, d, pool, tenant) = (m.clone(), r.clone(), d.clone(), pool.clone(), tenant.clone());
        let room = rs[roll(&d, rs.len() as u64) as usize].clone();
        async move {
            match book_directly(&pool, &tenant, &room, slot(&d)).await {
                Ok(true) => m.fetch_add(1, Ordering::Relaxed),
                Ok(false) => r.fetch_add(1, Ordering::Relaxed),
                Err(_) => return false,
            };
            true
        }
    })
    .await;
    let elapsed = direct.ops as f64 / direct.per_sec.max(f64::MIN_POSITIVE);
    println!(
        "  | baseline direct_transaction attempts={} booked_per_s={:.0} refused={} p50_ms={:.1} p99_ms={:.1} errors={} overlaps={}",
        direct.ops,
        made.load(Ordering::Relaxed) as f64 / elapsed,
        refused.load(Ordering::Relaxed),
        direct.p50_ms,
        direct.p99_ms,
        direct.errors,
        overlapping_pairs(&db).await?,
    );

    // Public CMS reads.
    for i in 0..o.posts {
        let status = if i % 5 == 4 { "draft" } else { "published" };
        let body = json!({"title": format!("Post number {i}"), "content": "Lorem ipsum dolor sit amet. ".repeat(40),
                          "excerpt": "Lorem ipsum", "categories": ["News"], "tags": [format!("t{}", i % 7)], "status": status});
        let r = http.post(format!("{}/api/v1/cms/blog", s.base)).bearer_auth(&owner).json(&body).send().await?;
        anyhow::ensure!(r.status().as_u16() == 201, "post {i}: {}", r.status());
    }
    let published = o.posts - o.posts / 5;
    let (h, base, d) = (http.clone(), s.base.clone(), dice.clone());
    let reads = load::run(o.clients, o.seconds, move || {
        let (h, base, d) = (h.clone(), base.clone(), d.clone());
        async move {
            let n = roll(&d, published as u64) as usize;
            let url = if n.is_multiple_of(2) {
                format!("{base}/api/v1/public/bench/cms/blog?page={}&per_page=10", 1 + n % (published / 10).max(1))
            } else {
                // Published posts are those not numbered 4 mod 5.
                let i = n / 4 * 5 + n % 4;
                format!("{base}/api/v1/public/bench/cms/blog/post-number-{i}")
            };
            matches!(h.get(url).send().await, Ok(r) if r.status().as_u16() == 200)
        }
    })
    .await;
    let (h, base) = (http.clone(), s.base.clone());
    let ping = load::run(o.clients, o.seconds, move || {
        let (h, base) = (h.clone(), base.clone());
        async move { matches!(h.get(format!("{base}/api/v1/ping")).send().await, Ok(r) if r.status().as_u16() == 200) }
    })
    .await;
    println!(
        "public_cms_reads {label} posts={} clients={} reads_per_s={:.0} p50_ms={:.1} p99_ms={:.1} errors={} | baseline ping_per_s={:.0} p50_ms={:.1} p99_ms={:.1}",
        o.posts, o.clients, reads.per_sec, reads.p50_ms, reads.p99_ms, reads.errors, ping.per_sec, ping.p50_ms, ping.p99_ms
    );
    db.close().await;
    drop(s);
    Ok(())
}

/// Pairs of live bookings of one room and day whose times overlap.
async fn overlapping_pairs(db: &Db) -> anyhow::Result<i64> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM meeting_bookings a JOIN meeting_bookings b
           ON a.room_id = b.room_id AND a.date = b.date AND a.id < b.id
          WHERE a.status = 'booked' AND b.status = 'booked' AND a.start_time < b.end_time AND b.start_time < a.end_time",
    )
    .fetch_one(db.reader())
    .await?;
    Ok(n)
}

async fn booked_count(db: &Db) -> anyhow::Result<i64> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM meeting_bookings").fetch_one(db.reader()).await?;
    Ok(n)
}

/// The booking transaction without HTTP, the feed or the audit log: lock the room, look for an
/// overlap, insert. True when booked.
async fn book_directly(
    db: &Db,
    tenant_id: &str,
    room: &str,
    (date, start, end): (String, String, String),
) -> anyhow::Result<bool> {
    let mut tx = db.writer().begin().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT id FROM meeting_rooms WHERE id = $1 FOR UPDATE").bind(room).execute(&mut *tx).await?;
    }
    let clash: Option<(String,)> = sqlx::query_as(
        "SELECT id FROM meeting_bookings WHERE room_id = $1 AND date = $2 AND status = 'booked' AND deleted_at IS NULL
           AND start_time < $3 AND $4 < end_time LIMIT 1",
    )
    .bind(room)
    .bind(&date)
    .bind(&end)
    .bind(&start)
    .fetch_optional(&mut *tx)
    .await?;
    if clash.is_some() {
        tx.rollback().await?;
        return Ok(false);
    }
    let now = kasir_domain::time::now();
    sqlx::query(
        "INSERT INTO meeting_bookings (id, tenant_id, room_id, title, date, start_time, end_time, attendee_ids, booked_by, status, version, created_at, updated_at)
         SELECT $1, $2, $3, 'Direct', $4, $5, $6, '[]', id, 'booked', 1, $7, $7 FROM users WHERE username = 'bench-owner'",
    )
    .bind(kasir_domain::ids::new_id())
    .bind(tenant_id)
    .bind(room)
    .bind(&date)
    .bind(&start)
    .bind(&end)
    .bind(&now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(true)
}
