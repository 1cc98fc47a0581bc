//! Workforce rules (issue 18): the statuses of attendance, leave and permits; the distance of a
//! check-in from a place (haversine); which day a check-in belongs to and whether it is late
//! (night shifts cross midnight); how many working days a leave takes (weekends and holidays
//! left out). Pure arithmetic: the server decides with its own clock.

use jiff::{
    civil::{Date, Time, Weekday},
    SignedDuration,
};

use crate::status::status;

status! {
    /// A day's attendance of an employee.
    AttendanceStatus { Present = "present", Late = "late", Absent = "absent", Leave = "leave" }
}

status! {
    /// A leave or permit request.
    RequestStatus { Pending = "pending", Approved = "approved", Rejected = "rejected", Cancelled = "cancelled" }
}

status! {
    /// What a leave type draws on.
    LeaveKind { Annual = "annual", Special = "special", Collective = "collective" }
}

status! {
    /// Why a permit (hours within a day) is asked.
    PermitType { Sick = "sick", Personal = "personal", Official = "official" }
}

status! {
    /// A freelancer's project.
    ProjectStatus { Open = "open", InProgress = "in_progress", Done = "done", Cancelled = "cancelled" }
}

/// Leave days of a balance: the year's allocation, what approved leave took and what pending
/// requests hold.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct LeaveDays {
    pub total: i64,
    pub used: i64,
    pub pending: i64,
    pub remaining: i64,
}

impl LeaveDays {
    pub fn new(total: i64, used: i64, pending: i64) -> LeaveDays {
        LeaveDays { total, used, pending, remaining: total - used - pending }
    }

    /// Both balances together.
    pub fn plus(self, other: LeaveDays) -> LeaveDays {
        LeaveDays::new(self.total + other.total, self.used + other.used, self.pending + other.pending)
    }
}

status! {
    /// An employee on the books or not.
    EmployeeStatus { Active = "active", Inactive = "inactive" }
}

/// A latitude or longitude in whole millionths of a degree (about 11 cm): stored as an integer,
/// written in JSON as a number of degrees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Degrees(pub i64);

impl Degrees {
    /// Degrees rounded to millionths; `None` for a number that is not finite or not within ±180.
    pub fn from_f64(v: f64) -> Option<Degrees> {
        (v.is_finite() && v.abs() <= 180.0).then(|| Degrees((v * 1e6).round() as i64))
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 1e6
    }
}

impl From<i64> for Degrees {
    fn from(v: i64) -> Degrees {
        Degrees(v)
    }
}

impl serde::Serialize for Degrees {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.as_f64())
    }
}

impl<'de> serde::Deserialize<'de> for Degrees {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        Degrees::from_f64(v).ok_or_else(|| serde::de::Error::custom("degrees must be a number from -180 to 180"))
    }
}

/// The mean radius of the Earth in metres (IUGG).
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The great-circle distance in metres between two points given in degrees (haversine).
pub fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

/// A latitude and longitude that name a point on Earth.
pub fn valid_coordinates(lat: f64, lon: f64) -> bool {
    lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)
}

/// Parses a wall-clock time `HH:MM` (or `HH:MM:SS`).
pub fn parse_time(raw: &str) -> Option<Time> {
    let raw = raw.trim();
    if !(raw.len() == 5 || raw.len() == 8) {
        return None;
    }
    raw.parse::<Time>().ok()
}

/// A work shift's hours: it crosses midnight when it ends at or before its start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShiftHours {
    pub start: Time,
    pub end: Time,
    pub grace_minutes: i64,
}

impl ShiftHours {
    pub fn crosses_midnight(&self) -> bool {
        self.end <= self.start
    }

    /// Minutes the shift lasts.
    pub fn minutes(&self) -> i64 {
        let of = |t: Time| i64::from(t.hour()) * 60 + i64::from(t.minute());
        let m = of(self.end) - of(self.start);
        if m <= 0 {
            m + 24 * 60
        } else {
            m
        }
    }

    /// When the shift rostered on `day` starts and ends, on the wall clock.
    pub fn window(&self, day: Date) -> (jiff::civil::DateTime, jiff::civil::DateTime) {
        let start = day.to_datetime(self.start);
        let end = start.checked_add(SignedDuration::from_mins(self.minutes())).unwrap_or(start);
        (start, end)
    }

    /// Late when `at` is after the start plus the grace minutes.
    pub fn is_late(&self, day: Date, at: jiff::civil::DateTime) -> bool {
        let (start, _) = self.window(day);
        at > start.checked_add(SignedDuration::from_mins(self.grace_minutes)).unwrap_or(start)
    }
}

/// How early before its start a check-in counts for a shift.
pub const EARLY_CHECK_IN_HOURS: i64 = 4;

/// The roster day a check-in at wall-clock time `at` belongs to, among the shifts rostered the
/// day before and on its own day: the one whose window (from `EARLY_CHECK_IN_HOURS` before its
/// start to its end) holds it, the earlier day first (a night shift's small hours are its own).
/// `None`: no rostered shift holds it (the day is `at`'s own date).
pub fn roster_day(at: jiff::civil::DateTime, rostered: &[(Date, ShiftHours)]) -> Option<(Date, ShiftHours)> {
    let mut candidates: Vec<&(Date, ShiftHours)> = rostered.iter().collect();
    candidates.sort_by_key(|(d, _)| *d);
    candidates.into_iter().copied().find(|(day, hours)| {
        let (start, end) = hours.window(*day);
        let open = start.checked_sub(SignedDuration::from_hours(EARLY_CHECK_IN_HOURS)).unwrap_or(start);
        at >= open && at < end
    })
}

/// The working days from `start` to `end` inclusive: weekends and `holidays` left out.
pub fn working_days(start: Date, end: Date, holidays: &[Date]) -> i64 {
    let mut n = 0;
    let mut d = start;
    while d <= end {
        if !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !holidays.contains(&d) {
            n += 1;
        }
        match d.tomorrow() {
            Ok(next) => d = next,
            Err(_) => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};

    #[test]
    fn distances_are_great_circle_metres() {
        // Monas to Bundaran HI, Jakarta: about 2.3 km.
        let d = distance_m(-6.175392, 106.827153, -6.194941, 106.823021);
        assert!((2200.0..2250.0).contains(&d), "{d}");
        assert_eq!(distance_m(-6.2, 106.8, -6.2, 106.8), 0.0);
        // A thousandth of a degree of latitude is about 111 m.
        let step = distance_m(0.0, 0.0, 0.001, 0.0);
        assert!((111.0..111.4).contains(&step), "{step}");
        assert!(valid_coordinates(-6.2, 106.8) && !valid_coordinates(91.0, 0.0) && !valid_coordinates(f64::NAN, 0.0));
        assert_eq!(Degrees::from_f64(-6.1753924), Some(Degrees(-6_175_392)));
        assert_eq!(serde_json::to_string(&Degrees(106_827_153)).unwrap(), "106.827153");
        assert!(serde_json::from_str::<Degrees>("181").is_err());
    }

    #[test]
    fn night_shifts_belong_to_the_day_they_start() {
        let night = ShiftHours { start: time(22, 0, 0, 0), end: time(6, 0, 0, 0), grace_minutes: 10 };
        let day = ShiftHours { start: time(9, 0, 0, 0), end: time(17, 0, 0, 0), grace_minutes: 5 };
        assert!(night.crosses_midnight() && !day.crosses_midnight());
        assert_eq!((night.minutes(), day.minutes()), (480, 480));
        let rostered = [(date(2026, 12, 1), night), (date(2026, 12, 2), day)];
        // 00:30 on the 2nd is the night shift of the 1st (late: after 22:10).
        let at = date(2026, 12, 2).at(0, 30, 0, 0);
        let (d, h) = roster_day(at, &rostered).unwrap();
        assert_eq!(d, date(2026, 12, 1));
        assert!(h.is_late(d, at));
        // 21:55 on the 1st: early for the night shift, not late.
        let early = date(2026, 12, 1).at(21, 55, 0, 0);
        assert_eq!(roster_day(early, &rostered).unwrap().0, date(2026, 12, 1));
        assert!(!night.is_late(date(2026, 12, 1), early));
        // 08:58 on the 2nd: the day shift of the 2nd, on time; 09:06 is late.
        let morning = date(2026, 12, 2).at(8, 58, 0, 0);
        assert_eq!(roster_day(morning, &rostered).unwrap().0, date(2026, 12, 2));
        assert!(!day.is_late(date(2026, 12, 2), morning));
        assert!(day.is_late(date(2026, 12, 2), date(2026, 12, 2).at(9, 6, 0, 0)));
        // 20:00 on the 2nd: no rostered shift holds it.
        assert!(roster_day(date(2026, 12, 2).at(20, 0, 0, 0), &rostered).is_none());
    }

    #[test]
    fn leave_counts_working_days() {
        // Mon 7 to Sun 13 December 2026 with Wednesday a holiday: 4 working days.
        let holidays = [date(2026, 12, 9)];
        assert_eq!(working_days(date(2026, 12, 7), date(2026, 12, 13), &holidays), 4);
        assert_eq!(working_days(date(2026, 12, 12), date(2026, 12, 13), &[]), 0);
        assert_eq!(working_days(date(2026, 12, 31), date(2027, 1, 1), &[]), 2);
        assert_eq!(working_days(date(2026, 12, 8), date(2026, 12, 7), &[]), 0);
        assert_eq!(parse_time("22:00"), Some(time(22, 0, 0, 0)));
        assert_eq!(parse_time("7:00"), None);
    }
}
