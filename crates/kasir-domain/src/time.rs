//! Time is stored as UTC text with millisecond precision, a format that sorts lexically and reads
//! the same on SQLite and PostgreSQL.

use jiff::{tz::TimeZone, Timestamp};

/// Formats an instant the way the API and the database carry it: `2026-11-21T08:00:00.000Z`.
pub fn format_ts(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// The current instant in the stored format.
pub fn now() -> String {
    format_ts(Timestamp::now())
}

/// The instant `seconds` from now, in the stored format.
pub fn now_plus_seconds(seconds: i64) -> String {
    let ts = Timestamp::now().checked_add(jiff::SignedDuration::from_secs(seconds)).unwrap_or(Timestamp::MAX);
    format_ts(ts)
}

/// Parses an RFC 3339 instant with any offset and normalises it to the stored UTC format.
pub fn parse_ts(raw: &str) -> Option<String> {
    raw.parse::<Timestamp>().ok().map(format_ts)
}

/// True when `name` is an IANA time zone this machine knows, such as `Asia/Jakarta`.
pub fn is_valid_timezone(name: &str) -> bool {
    !name.is_empty() && TimeZone::get(name).is_ok()
}

/// An instant as an outlet sees it on its wall clock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Local {
    /// `2026-11-21`: the business date.
    pub date: String,
    /// 0 to 23.
    pub hour: i64,
    /// `2026-11-21T08:30:00`: compared with outlet-local validity windows.
    pub wall_time: String,
}

/// The time zone an outlet keeps: its own, else its tenant's, else UTC (a zone this machine does
/// not know counts as none). Every business date, receipt time and validity window is read on it.
pub fn outlet_zone<'a>(outlet_zone: &'a str, tenant_zone: &'a str) -> &'a str {
    [outlet_zone, tenant_zone].into_iter().find(|z| is_valid_timezone(z)).unwrap_or("UTC")
}

/// `ts` on the wall clock of an outlet that keeps `zone` (see [`outlet_zone`]); UTC when the zone is unknown.
pub fn outlet_clock(ts: Timestamp, zone: &str) -> Local {
    local(ts, zone).unwrap_or_else(|| {
        let zoned = ts.to_zoned(TimeZone::UTC);
        Local {
            date: zoned.date().to_string(),
            hour: i64::from(zoned.hour()),
            wall_time: zoned.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
        }
    })
}

/// `ts` on the wall clock of time zone `tz` (`None` for an unknown zone).
pub fn local(ts: Timestamp, tz: &str) -> Option<Local> {
    let zoned = ts.to_zoned(TimeZone::get(tz).ok()?);
    Some(Local {
        date: zoned.date().to_string(),
        hour: i64::from(zoned.hour()),
        wall_time: zoned.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
    })
}

/// Parses a date written `2026-11-21` (and nothing else: jiff would also read the date of a
/// date-time).
pub fn parse_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.len() != 10 {
        return None;
    }
    raw.parse::<jiff::civil::Date>().ok().map(|d| d.to_string())
}

/// Parses an outlet-local wall time (`2026-12-01T08:00`, with optional seconds) or a date
/// (`2026-12-01`, which means its first moment, or its last when `end` is set) into the stored
/// form `2026-12-01T08:00:00`.
pub fn parse_wall_time(raw: &str, end: bool) -> Option<String> {
    let raw = raw.trim();
    if raw.len() == 10 {
        let d = parse_date(raw)?;
        return Some(format!("{d}T{}", if end { "23:59:59" } else { "00:00:00" }));
    }
    let dt = raw.parse::<jiff::civil::DateTime>().ok()?;
    Some(dt.strftime("%Y-%m-%dT%H:%M:%S").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_format_has_millis_and_z() {
        let ts: Timestamp = "2026-11-21T08:00:00+07:00".parse().unwrap();
        assert_eq!(format_ts(ts), "2026-11-21T01:00:00.000Z");
    }

    #[test]
    fn parse_normalises_offsets() {
        assert_eq!(parse_ts("2026-11-21T08:00:00.5+07:00").as_deref(), Some("2026-11-21T01:00:00.500Z"));
        assert_eq!(parse_ts("yesterday"), None);
    }

    #[test]
    fn local_time_and_wall_times() {
        let ts: Timestamp = "2026-11-21T18:30:05Z".parse().unwrap();
        let l = local(ts, "Asia/Jakarta").unwrap();
        assert_eq!((l.date.as_str(), l.hour, l.wall_time.as_str()), ("2026-11-22", 1, "2026-11-22T01:30:05"));
        assert_eq!(parse_wall_time("2026-12-01", false).as_deref(), Some("2026-12-01T00:00:00"));
        assert_eq!(parse_wall_time("2026-12-01", true).as_deref(), Some("2026-12-01T23:59:59"));
        assert_eq!(parse_wall_time("2026-12-01T08:00", false).as_deref(), Some("2026-12-01T08:00:00"));
        assert_eq!(parse_wall_time("someday", false), None);
    }

    #[test]
    fn business_date_follows_outlet_zone() {
        let ts: Timestamp = "2026-11-21T18:30:00Z".parse().unwrap();
        assert_eq!(outlet_clock(ts, outlet_zone("Asia/Jakarta", "UTC")).date, "2026-11-22");
        assert_eq!(outlet_clock(ts, outlet_zone("", "Asia/Jakarta")).date, "2026-11-22");
        assert_eq!(outlet_clock(ts, outlet_zone("", "")).date, "2026-11-21");
        assert!(!is_valid_timezone("Mars/Olympus"));
        assert_eq!(outlet_zone("Mars/Olympus", "Asia/Makassar"), "Asia/Makassar");
        assert_eq!(outlet_clock(ts, "Mars/Olympus").wall_time, "2026-11-21T18:30:00");
    }
}
