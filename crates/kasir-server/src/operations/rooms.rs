//! Meeting rooms: `rooms.manage` keeps the rooms; every staff login sees them (filtered by
//! `capacity` — at least —, `floor` and `facilities` — all of them), books them and cancels its
//! own bookings. Two live bookings of a room never overlap: the room's row is locked while a
//! booking is checked and written (SQLite has one writer), so of concurrent requests for one
//! slot exactly one wins and the rest get 409 `room_unavailable`. Dates and times are the room's
//! wall clock; a booking ending at 10:00 and one starting at 10:00 do not overlap.

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use kasir_domain::{
    operations::{overlaps, BookingStatus},
    ErrorCode, Permission, Violations,
};
use kasir_store::{
    crud::{self, ListQuery},
    operations::rooms::{self as store, *},
    Db, Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    api::{
        created, ok, ok_page,
        openapi::{ApiRouter, Method, Op},
        resource::{self, expected_version, list_op, new_record_id, nullable, parse_list_query, Resource},
        ApiError, ApiJson, ApiQuery, IdPath,
    },
    auth::Principal,
    state::AppState,
    workforce::resources::{date, finish, time},
};

/// The end of a day, as a booking's end time.
const END_OF_DAY: &str = "24:00";

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    let api = api
        .route(
            Method::Get,
            "/meeting-rooms/bookings",
            bookings,
            list_op(&BOOKINGS, "operations", "List meeting-room bookings".into()).ok_list::<Booking>(),
        )
        .route(
            Method::Post,
            "/meeting-rooms/bookings",
            book,
            Op::new("operations", "Book a meeting room (409 room_unavailable when the time overlaps a booking)")
                .body::<NewBooking>()
                .created::<Booking>()
                .errors(&[404, 409]),
        )
        .route(
            Method::Get,
            "/meeting-rooms/bookings/{id}",
            booking,
            Op::new("operations", "Get a booking").path_id("id").ok::<Booking>(),
        )
        .route(
            Method::Delete,
            "/meeting-rooms/bookings/{id}",
            cancel,
            Op::new("operations", "Cancel a booking (its booker, or rooms.manage)")
                .path_id("id")
                .ok::<Booking>()
                .errors(&[404, 422]),
        )
        .route(
            Method::Get,
            "/meeting-rooms/{id}/availability",
            availability,
            Op::new("operations", "The free and booked periods of a room's day, in its time zone")
                .path_id("id")
                .query::<DayQuery>()
                .ok::<Availability>(),
        );
    resource::routes::<Rooms>(api)
}

// ---- Rooms --------------------------------------------------------------------------------

pub struct Rooms;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRoom {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[schema(minimum = 1, maximum = 1000)]
    pub capacity: i64,
    #[schema(max_length = 50)]
    pub floor: Option<String>,
    /// `projector`, `whiteboard`, `video_conference`, ... (at most 20).
    #[schema(max_items = 20)]
    pub facilities: Option<Vec<String>>,
    /// An IANA time zone; the tenant's when left out.
    pub timezone: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRoom {
    #[schema(min_length = 1, max_length = 100)]
    pub name: Option<String>,
    #[schema(minimum = 1, maximum = 1000)]
    pub capacity: Option<i64>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 50)]
    pub floor: Option<Option<String>>,
    #[schema(max_items = 20)]
    pub facilities: Option<Vec<String>>,
    pub timezone: Option<String>,
    pub version: Option<i64>,
}

fn facilities(v: &mut Violations, raw: &[String]) -> Vec<String> {
    if raw.len() > 20 {
        v.add("facilities", "must have at most 20 facilities");
    }
    let mut out: Vec<String> = Vec::new();
    for (i, f) in raw.iter().enumerate() {
        let f = v.text(&format!("facilities[{i}]"), f, 1, 50).to_lowercase();
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

fn zone(v: &mut Violations, raw: &str) -> String {
    if !kasir_domain::time::is_valid_timezone(raw) {
        v.add("timezone", "must be an IANA time zone such as Asia/Jakarta");
    }
    raw.to_string()
}

impl Resource for Rooms {
    type Record = Room;
    type Create = CreateRoom;
    type Update = UpdateRoom;
    const DEF: &'static crud::ResourceDef = &ROOMS;
    const PATH: &'static str = "/meeting-rooms";
    const TAG: &'static str = "operations";
    const READ: Permission = Permission::RoomsManage;
    const WRITE: Permission = Permission::RoomsManage;
    const READ_BY_STAFF: bool = true;

    async fn create(_p: &Principal, tx: &mut Tx, scope: &Scope, b: CreateRoom) -> Result<Room, ApiError> {
        let id = new_record_id(b.id.as_deref())?;
        let mut v = Violations::new();
        let name = v.text("name", &b.name, 1, 100);
        let mut values = vec![
            ("name_key", Value::from(name.to_lowercase())),
            ("name", Value::from(name)),
            ("capacity", Value::from(v.range("capacity", b.capacity, 1, 1000))),
            ("floor", Value::Text(v.opt_text("floor", b.floor.as_deref(), 50))),
            ("facilities", Value::json(&facilities(&mut v, b.facilities.as_deref().unwrap_or_default()))),
        ];
        let tz = match &b.timezone {
            Some(z) => zone(&mut v, z),
            None => tenant_zone(tx, &scope.tenant_id).await?,
        };
        values.push(("timezone", Value::from(tz)));
        finish(v)?;
        Ok(crud::create(tx, &ROOMS, scope, &id, &values).await?)
    }

    async fn update(
        _p: &Principal,
        tx: &mut Tx,
        scope: &Scope,
        current: Room,
        version: Option<i64>,
        b: UpdateRoom,
    ) -> Result<Room, ApiError> {
        let version = expected_version(version, b.version)?;
        let mut v = Violations::new();
        let mut values: Vec<(&str, Value)> = Vec::new();
        if let Some(n) = &b.name {
            let name = v.text("name", n, 1, 100);
            values.push(("name_key", Value::from(name.to_lowercase())));
            values.push(("name", Value::from(name)));
        }
        if let Some(c) = b.capacity {
            values.push(("capacity", Value::from(v.range("capacity", c, 1, 1000))));
        }
        if let Some(f) = &b.floor {
            values.push(("floor", Value::Text(v.opt_text("floor", f.as_deref(), 50))));
        }
        if let Some(f) = &b.facilities {
            values.push(("facilities", Value::json(&facilities(&mut v, f))));
        }
        if let Some(z) = &b.timezone {
            values.push(("timezone", Value::from(zone(&mut v, z))));
        }
        finish(v)?;
        Ok(crud::update(tx, &ROOMS, scope, &current.id, version, &values).await?)
    }

    /// `capacity` means "seats at least"; `facilities` (comma-separated) means "has all of these".
    async fn prepare_list(db: &Db, scope: &Scope, q: &mut ListQuery) -> Result<(), ApiError> {
        let mut capacity = None;
        let mut wanted: Option<Vec<String>> = None;
        q.filters.retain(|(name, value)| match (name.as_str(), value) {
            ("capacity", Value::Int(n)) => {
                capacity = *n;
                false
            }
            ("facilities", Value::Text(t)) => {
                let list = t.as_deref().unwrap_or("").split(',').map(|f| f.trim().to_lowercase());
                wanted = Some(list.filter(|f| !f.is_empty()).collect());
                false
            }
            _ => true,
        });
        if capacity.is_some() || wanted.is_some() {
            let ids = store::matching(db, &scope.tenant_id, capacity.unwrap_or(0), &wanted.unwrap_or_default()).await?;
            q.in_filters.push(("id".into(), ids));
        }
        Ok(())
    }
}

async fn tenant_zone(tx: &mut Tx, tenant_id: &str) -> Result<String, ApiError> {
    Ok(kasir_store::tenancy::tenants::get_in_tx(tx, tenant_id).await?.timezone)
}

// ---- Bookings -----------------------------------------------------------------------------

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewBooking {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(format = Uuid)]
    pub room_id: String,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// `YYYY-MM-DD` in the room's time zone; not in the past.
    pub date: String,
    /// `HH:MM`.
    pub start_time: String,
    /// `HH:MM` after the start, or `24:00`.
    pub end_time: String,
    /// Users invited (at most 100).
    #[schema(max_items = 100)]
    pub attendee_ids: Option<Vec<String>>,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
}

async fn book(State(s): State<AppState>, p: Principal, ApiJson(b): ApiJson<NewBooking>) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let id = new_record_id(b.id.as_deref())?;
    let mut v = Violations::new();
    let title = v.text("title", &b.title, 1, 200);
    let day = date(&mut v, "date", &b.date);
    let start = time(&mut v, "start_time", &b.start_time);
    let end = if b.end_time == END_OF_DAY { END_OF_DAY.to_string() } else { time(&mut v, "end_time", &b.end_time) };
    if !start.is_empty() && !end.is_empty() && end <= start {
        v.add("end_time", "must be after the start time");
    }
    let description = v.opt_text("description", b.description.as_deref(), 2000);
    finish(v)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let room: Room = resource::find_ref(&mut tx, &ROOMS, &scope, "room_id", &b.room_id, "meeting room").await?;
    let now = kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &room.timezone);
    if (day.as_str(), start.as_str()) < (now.date.as_str(), &now.wall_time[11..16]) {
        return Err(ApiError::field(
            "start_time",
            &format!("must not be in the past (it is {} there)", &now.wall_time[..16]),
        ));
    }
    let attendees =
        super::users(&mut tx, &scope, "attendee_ids", b.attendee_ids.as_deref().unwrap_or_default(), 100).await?;
    store::lock(&mut tx, &room.id).await?;
    if let Some(taken) = store::overlapping(&mut tx, &room.id, &day, &start, &end).await?.first() {
        debug_assert!(overlaps(taken.start_time.as_str(), taken.end_time.as_str(), start.as_str(), end.as_str()));
        return Err(ApiError::Conflict {
            code: ErrorCode::RoomUnavailable,
            message: format!(
                "{} is booked on {day} from {} to {} ({})",
                room.name, taken.start_time, taken.end_time, taken.title
            ),
            errors: Vec::new(),
        });
    }
    let values = [
        ("room_id", Value::from(room.id)),
        ("title", Value::from(title)),
        ("description", Value::Text(description)),
        ("date", Value::from(day)),
        ("start_time", Value::from(start)),
        ("end_time", Value::from(end)),
        ("attendee_ids", Value::json(&attendees)),
        ("booked_by", Value::from(me)),
        ("status", Value::from(BookingStatus::Booked.as_str())),
    ];
    let booking: Booking = crud::create(&mut tx, &BOOKINGS, &scope, &id, &values).await?;
    tx.commit().await?;
    Ok(created(booking))
}

async fn bookings(State(s): State<AppState>, p: Principal, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    p.staff_user()?;
    let scope = p.scope()?;
    let mut q = parse_list_query(&BOOKINGS, raw.as_deref().unwrap_or(""))?;
    if q.sort.is_none() {
        q.sort = Some(("date".into(), false));
    }
    let page = crud::list::<Booking>(&s.db, &BOOKINGS, &scope, &q).await?;
    Ok(ok_page(page, q.page, q.per_page))
}

async fn booking(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.staff_user()?;
    Ok(ok(crud::get::<Booking>(&s.db, &BOOKINGS, &p.scope()?, &id).await?))
}

async fn cancel(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let mut tx = s.db.begin(p.actor()).await?;
    let current: Booking = crud::get_in(&mut tx, &BOOKINGS, &scope, &id).await?;
    if current.booked_by != me {
        p.require(Permission::RoomsManage)?;
    }
    if BookingStatus::Cancelled.is(&current.status) {
        return Err(ApiError::Rule {
            code: ErrorCode::InvalidTransition,
            message: "the booking is cancelled already".into(),
        });
    }
    let values = [
        ("status", Value::from(BookingStatus::Cancelled.as_str())),
        ("cancelled_at", Value::from(kasir_domain::time::now())),
    ];
    let booking: Booking = crud::update(&mut tx, &BOOKINGS, &scope, &current.id, None, &values).await?;
    tx.commit().await?;
    Ok(ok(booking))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// `YYYY-MM-DD` in the room's time zone; today there when left out.
    pub date: Option<String>,
}

/// A period of a room's day.
#[derive(Debug, Serialize, ToSchema)]
pub struct Period {
    /// `HH:MM`.
    pub start_time: String,
    /// `HH:MM`, or `24:00` for the end of the day.
    pub end_time: String,
    /// The booking that takes it (booked periods only).
    #[schema(format = Uuid)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[schema(format = Uuid)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booked_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Availability {
    #[schema(format = Uuid)]
    pub room_id: String,
    pub date: String,
    pub timezone: String,
    pub free: Vec<Period>,
    pub booked: Vec<Period>,
}

async fn availability(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<DayQuery>,
) -> Result<Response, ApiError> {
    p.staff_user()?;
    let scope = p.scope()?;
    let room: Room = crud::get(&s.db, &ROOMS, &scope, &id).await?;
    let mut v = Violations::new();
    let day = match &q.date {
        Some(d) => date(&mut v, "date", d),
        None => kasir_domain::time::outlet_clock(jiff::Timestamp::now(), &room.timezone).date,
    };
    finish(v)?;
    let taken = store::of_day(&s.db, &room.id, &day).await?;
    let mut free = Vec::new();
    let mut at = "00:00".to_string();
    for b in &taken {
        if b.start_time > at {
            free.push(Period {
                start_time: at.clone(),
                end_time: b.start_time.clone(),
                booking_id: None,
                title: None,
                booked_by: None,
            });
        }
        if b.end_time > at {
            at = b.end_time.clone();
        }
    }
    if at.as_str() < END_OF_DAY {
        free.push(Period {
            start_time: at,
            end_time: END_OF_DAY.into(),
            booking_id: None,
            title: None,
            booked_by: None,
        });
    }
    let booked = taken
        .into_iter()
        .map(|b| Period {
            start_time: b.start_time,
            end_time: b.end_time,
            booking_id: Some(b.id),
            title: Some(b.title),
            booked_by: Some(b.booked_by),
        })
        .collect();
    Ok(ok(Availability { room_id: room.id, date: day, timezone: room.timezone, free, booked }))
}
