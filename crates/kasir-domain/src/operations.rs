//! Operations (issue 19): the statuses and kinds of assets, vehicles and drivers, tickets, meeting
//! bookings, branding approvals and CMS content, and the rules that move them.

use crate::status::status;

status! {
    /// An asset's condition of use.
    AssetStatus { Active = "active", Inactive = "inactive", Maintenance = "maintenance", Retired = "retired" }
}

status! {
    /// The kind of a vehicle (and the kind a driver is licensed to drive).
    VehicleType { Truck = "truck", Van = "van", Motorcycle = "motorcycle", Car = "car" }
}

status! {
    /// Whether a vehicle is on the road.
    VehicleStatus { Active = "active", Maintenance = "maintenance", Inactive = "inactive" }
}

status! {
    /// Whether a driver is working.
    DriverStatus { Active = "active", OnLeave = "on_leave", Inactive = "inactive" }
}

status! {
    /// How soon a ticket needs an answer.
    TicketPriority { Low = "low", Medium = "medium", High = "high", Urgent = "urgent" }
}

status! {
    /// A ticket: open, worked on, resolved by support, closed by its reporter (or support); a
    /// resolved or closed ticket may be reopened.
    TicketStatus { Open = "open", InProgress = "in_progress", Resolved = "resolved", Closed = "closed" }
}

impl TicketStatus {
    /// Whether a ticket may move from `self` to `to` by a status change (closing has its own call
    /// with a resolution and rating; reopening goes back to `open`).
    pub fn may_move(self, to: TicketStatus) -> bool {
        use TicketStatus::*;
        matches!(
            (self, to),
            (Open, InProgress)
                | (InProgress, Open)
                | (Open | InProgress, Resolved)
                | (Open | InProgress | Resolved, Closed)
                | (Resolved | Closed, Open)
        )
    }
}

status! {
    /// A meeting-room booking.
    BookingStatus { Booked = "booked", Cancelled = "cancelled" }
}

status! {
    /// What a branding request is about.
    BrandingCategory { Logo = "logo", Marketing = "marketing", SocialMedia = "social_media" }
}

status! {
    /// A branding request: `approved` when every approver approved, `rejected` when one rejected,
    /// `revision` when one asked for changes (until the requester revises it).
    ApprovalStatus { Pending = "pending", Approved = "approved", Rejected = "rejected", Revision = "revision" }
}

status! {
    /// One approver's review in the current round.
    ReviewDecision { Pending = "pending", Approved = "approved", Rejected = "rejected", RevisionRequested = "revision_requested" }
}

impl ApprovalStatus {
    /// The request's status from its approvers' decisions in the current round: a rejection wins,
    /// then a request for revision; approved only when every approver approved.
    pub fn of(decisions: &[ReviewDecision]) -> ApprovalStatus {
        if decisions.contains(&ReviewDecision::Rejected) {
            ApprovalStatus::Rejected
        } else if decisions.contains(&ReviewDecision::RevisionRequested) {
            ApprovalStatus::Revision
        } else if !decisions.is_empty() && decisions.iter().all(|d| *d == ReviewDecision::Approved) {
            ApprovalStatus::Approved
        } else {
            ApprovalStatus::Pending
        }
    }
}

status! {
    /// A blog post or page: only published ones are public.
    PublishStatus { Draft = "draft", Published = "published" }
}

status! {
    /// A vacancy: open ones (before their closing date) are public.
    VacancyStatus { Draft = "draft", Open = "open", Closed = "closed" }
}

status! {
    /// The kind of work a vacancy offers.
    VacancyType { FullTime = "full_time", PartTime = "part_time", Contract = "contract", Internship = "internship" }
}

status! {
    /// The CMS pages kept in one table.
    PageKind { Training = "training", Careers = "careers", Departments = "departments" }
}

/// A URL slug: 1–120 lower-case letters, digits and single hyphens, not at either end.
pub fn valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 120
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

/// A slug made from a title: lower-cased ASCII letters and digits, other runs as one hyphen.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut s: String = out.trim_end_matches('-').chars().take(120).collect();
    while s.ends_with('-') {
        s.pop();
    }
    s
}

/// Whether the periods `[a_start, a_end)` and `[b_start, b_end)` overlap; one that ends when the
/// other starts does not. Works on any ordered representation (`HH:MM` texts included).
pub fn overlaps<T: PartialOrd>(a_start: T, a_end: T, b_start: T, b_end: T) -> bool {
    a_start < b_end && b_start < a_end
}

/// A coordinate that may be unknown (a driver who never reported one): a number or `null` in JSON.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MaybeDegrees(pub Option<crate::workforce::Degrees>);

impl From<Option<i64>> for MaybeDegrees {
    fn from(v: Option<i64>) -> MaybeDegrees {
        MaybeDegrees(v.map(crate::workforce::Degrees))
    }
}

impl serde::Serialize for MaybeDegrees {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_flow_moves_forward_and_reopens() {
        use TicketStatus::*;
        assert!(Open.may_move(InProgress) && InProgress.may_move(Resolved) && Resolved.may_move(Closed));
        assert!(Resolved.may_move(Open) && Closed.may_move(Open));
        assert!(!Closed.may_move(InProgress) && !Closed.may_move(Resolved) && !Open.may_move(Open));
    }

    #[test]
    fn approval_status_follows_the_reviews() {
        use ReviewDecision::*;
        assert_eq!(ApprovalStatus::of(&[Approved, Approved]), ApprovalStatus::Approved);
        assert_eq!(ApprovalStatus::of(&[Approved, Pending]), ApprovalStatus::Pending);
        assert_eq!(ApprovalStatus::of(&[RevisionRequested, Approved]), ApprovalStatus::Revision);
        assert_eq!(ApprovalStatus::of(&[RevisionRequested, Rejected]), ApprovalStatus::Rejected);
        assert_eq!(ApprovalStatus::of(&[]), ApprovalStatus::Pending);
    }

    #[test]
    fn periods_touching_do_not_overlap() {
        assert!(!overlaps("09:00", "10:00", "10:00", "11:00"));
        assert!(overlaps("09:00", "10:01", "10:00", "11:00"));
        assert!(overlaps("09:00", "12:00", "10:00", "11:00"));
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Hello, World! 2026"), "hello-world-2026");
        assert!(valid_slug("a-b-1") && !valid_slug("A") && !valid_slug("a--b") && !valid_slug("-a"));
    }
}
