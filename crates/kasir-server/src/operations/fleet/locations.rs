//! Drivers' positions: reported by the driver (rate limited), read by time range.

use super::*;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPing {
    /// Degrees, −90 to 90.
    #[schema(value_type = f64, minimum = -90, maximum = 90)]
    pub latitude: Degrees,
    /// Degrees, −180 to 180.
    #[schema(value_type = f64, minimum = -180, maximum = 180)]
    pub longitude: Degrees,
    /// When the device took the position (RFC 3339); now when left out. At most 5 minutes ahead
    /// of the server's clock and not older than 90 days.
    pub at: Option<String>,
}

/// The driver named in the path, read for `p`: the driver themself, or `fleet.manage`.
async fn driver_for(s: &AppState, p: &Principal, id: &str, only_self: bool) -> Result<Driver, ApiError> {
    let scope = p.scope()?;
    let driver: Driver = crud::get(&s.db, &DRIVERS, &Scope::tenant(&scope.tenant_id), id).await?;
    let is_self = p.user_id() == Some(driver.user_id.as_str());
    if is_self || (!only_self && p.has(Permission::FleetManage)) {
        Ok(driver)
    } else if p.has(Permission::FleetManage) {
        Err(ApiError::Forbidden("only the driver reports their own position".into()))
    } else {
        // Other drivers and staff learn nothing of this driver.
        Err(ApiError::Forbidden("this needs the 'fleet.manage' permission".into()))
    }
}

pub(super) async fn ping(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<NewPing>,
) -> Result<Response, ApiError> {
    let driver = driver_for(&s, &p, &id, true).await?;
    let now = jiff::Timestamp::now();
    let mut v = Violations::new();
    if b.latitude.0.abs() > 90_000_000 {
        v.add("latitude", "must be from -90 to 90");
    }
    let at = match b.at.as_deref() {
        None => kasir_domain::time::format_ts(now),
        Some(raw) => match raw.parse::<jiff::Timestamp>() {
            Ok(t) if t > now + jiff::SignedDuration::from_mins(5) => {
                v.add("at", "must not be ahead of the server's clock");
                String::new()
            }
            Ok(t) if t < now - jiff::SignedDuration::from_hours(24 * crate::operations::PING_DAYS) => {
                v.add("at", "must be within the last 90 days");
                String::new()
            }
            Ok(t) => kasir_domain::time::format_ts(t),
            Err(_) => {
                v.add("at", "must be an RFC 3339 instant");
                String::new()
            }
        },
    };
    finish(v)?;
    if let Err(secs) = s.rate_limits.check(&format!("ping:{}", driver.id), PINGS_PER_MINUTE, 60, now.as_second()) {
        return Err(ApiError::RateLimited { retry_after_secs: secs });
    }
    let ping = Ping {
        id: kasir_domain::ids::new_id(),
        driver_id: driver.id,
        latitude: b.latitude,
        longitude: b.longitude,
        at,
        received_at: kasir_domain::time::format_ts(now),
    };
    let mut tx = s.db.begin(p.actor()).await?;
    store::add_ping(&mut tx, &driver.tenant_id, &ping).await?;
    tx.commit().await?;
    Ok(created(ping))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrackQuery {
    /// From this instant (RFC 3339); 24 hours before `to` when left out.
    pub from: Option<String>,
    /// Up to this instant; now when left out.
    pub to: Option<String>,
}

pub(super) async fn track(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiQuery(q): ApiQuery<TrackQuery>,
) -> Result<Response, ApiError> {
    let driver = driver_for(&s, &p, &id, false).await?;
    let mut v = Violations::new();
    let mut instant = |field: &str, raw: Option<&str>| -> Option<jiff::Timestamp> {
        raw.and_then(|r| {
            let t = r.parse::<jiff::Timestamp>().ok();
            if t.is_none() {
                v.add(field, "must be an RFC 3339 instant");
            }
            t
        })
    };
    let to = instant("to", q.to.as_deref()).unwrap_or_else(jiff::Timestamp::now);
    let from = instant("from", q.from.as_deref()).unwrap_or(to - jiff::SignedDuration::from_hours(24));
    if from > to {
        v.add("from", "must not be after to");
    }
    finish(v)?;
    let (from, to) = (kasir_domain::time::format_ts(from), kasir_domain::time::format_ts(to));
    Ok(ok(store::pings(&s.db, &driver.id, &from, &to, 5000).await?))
}
