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

/// The date (`YYYY-MM-DD`) that `ts` falls on in the time zone `tz`.
pub fn business_date(ts: Timestamp, tz: &str) -> Option<String> {
    let zone = TimeZone::get(tz).ok()?;
    Some(ts.to_zoned(zone).date().to_string())
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
    fn business_date_follows_outlet_zone() {
        let ts: Timestamp = "2026-11-21T18:30:00Z".parse().unwrap();
        assert_eq!(business_date(ts, "Asia/Jakarta").as_deref(), Some("2026-11-22"));
        assert_eq!(business_date(ts, "UTC").as_deref(), Some("2026-11-21"));
        assert!(!is_valid_timezone("Mars/Olympus"));
    }
}
