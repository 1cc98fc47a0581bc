//! Meeting rooms and their bookings.

use serde::Serialize;
use utoipa::ToSchema;

use super::def;
use crate::{
    crud::{ColType::*, Column, ResourceDef},
    JsonText, Result, Tx,
};

pub static ROOMS: ResourceDef = def(
    "meeting_room",
    "meeting_rooms",
    &[
        Column::new("name", Text).sort().search(),
        Column::new("name_key", Text),
        Column::new("capacity", Int).filter().sort(),
        Column::new("floor", Text).filter().sort(),
        // JSON text; `?facilities=a,b` is read as "has all of these" (see the server's rooms).
        Column::new("facilities", Text).filter(),
        Column::new("timezone", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Room {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub name: String,
    #[serde(skip)]
    #[schema(ignore)]
    pub name_key: String,
    /// How many people it seats.
    pub capacity: i64,
    pub floor: Option<String>,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub facilities: JsonText<Vec<String>>,
    /// The IANA time zone its bookings' dates and times are in.
    pub timezone: String,
}
crate::impl_record!(Room);

pub static BOOKINGS: ResourceDef = def(
    "meeting_booking",
    "meeting_bookings",
    &[
        Column::new("room_id", Text).filter(),
        Column::new("title", Text).search(),
        Column::new("description", Text),
        Column::new("date", Text).filter().sort(),
        Column::new("start_time", Text).sort(),
        Column::new("end_time", Text),
        Column::new("attendee_ids", Json),
        Column::new("booked_by", Text).filter(),
        Column::new("status", Text).filter(),
        Column::new("cancelled_at", Text),
    ],
);

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Booking {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub tenant_id: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    #[schema(format = Uuid)]
    pub room_id: String,
    pub title: String,
    pub description: Option<String>,
    /// The day, in the room's time zone.
    pub date: String,
    /// `HH:MM`, the room's wall-clock time.
    pub start_time: String,
    /// `HH:MM` after the start (`24:00` for the end of the day).
    pub end_time: String,
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub attendee_ids: JsonText<Vec<String>>,
    /// The user who booked it.
    #[schema(format = Uuid)]
    pub booked_by: String,
    /// `booked` or `cancelled`.
    pub status: String,
    pub cancelled_at: Option<String>,
}
crate::impl_record!(Booking);

/// Locks the room's row until the transaction ends, so that two bookings of it are checked one
/// after the other (PostgreSQL; SQLite has one writer).
pub async fn lock(tx: &mut Tx, id: &str) -> Result<()> {
    super::lock_row(tx, "meeting_rooms", id).await
}

/// The room's live bookings of `date` that overlap `[start, end)`.
#[tracing::instrument(skip_all)]
pub async fn overlapping(tx: &mut Tx, room_id: &str, date: &str, start: &str, end: &str) -> Result<Vec<Booking>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM meeting_bookings WHERE room_id = $1 AND date = $2 AND status = $3 AND deleted_at IS NULL
         AND start_time < $4 AND $5 < end_time ORDER BY start_time",
        BOOKINGS.select_list()
    ))
    .bind(room_id)
    .bind(date)
    .bind(kasir_domain::operations::BookingStatus::Booked.as_str())
    .bind(end)
    .bind(start)
    .fetch_all(&mut **tx)
    .await?)
}

/// The room's live bookings of `date`, by start.
#[tracing::instrument(skip_all)]
pub async fn of_day(db: &crate::Db, room_id: &str, date: &str) -> Result<Vec<Booking>> {
    Ok(sqlx::query_as(&format!(
        "SELECT {} FROM meeting_bookings WHERE room_id = $1 AND date = $2 AND status = $3 AND deleted_at IS NULL ORDER BY start_time",
        BOOKINGS.select_list()
    ))
    .bind(room_id)
    .bind(date)
    .bind(kasir_domain::operations::BookingStatus::Booked.as_str())
    .fetch_all(db.reader())
    .await?)
}

/// Ids of the tenant's rooms that seat at least `capacity` and have every one of `facilities`.
#[tracing::instrument(skip_all)]
pub async fn matching(db: &crate::Db, tenant_id: &str, capacity: i64, facilities: &[String]) -> Result<Vec<String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT id, facilities FROM meeting_rooms WHERE tenant_id = $1 AND deleted_at IS NULL AND capacity >= $2",
    )
    .bind(tenant_id)
    .bind(capacity)
    .fetch_all(db.reader())
    .await?;
    let mut ids = Vec::new();
    for (id, json) in rows {
        let has: Vec<String> = serde_json::from_str(&json)
            .map_err(|e| crate::StoreError::Corrupt(format!("meeting room {id}'s facilities: {e}")))?;
        if facilities.iter().all(|f| has.iter().any(|h| h.eq_ignore_ascii_case(f))) {
            ids.push(id);
        }
    }
    Ok(ids)
}
