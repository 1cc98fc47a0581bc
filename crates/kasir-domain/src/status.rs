//! The statuses of sales, shifts, orders and table sessions (purchases and transfers have their
//! state machines in [`crate::purchase`] and [`crate::transfer`]). Records keep a status as the
//! text [`as_str`](SaleStatus::as_str) gives; code compares and writes them only through these enums.

macro_rules! status {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $text:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
        }

        impl $name {
            /// Every status, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The status as stored and as clients see it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)*
                }
            }

            /// The status a stored or client-sent text names.
            pub fn parse(text: &str) -> Option<$name> {
                match text {
                    $($text => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// True when `text` names this status.
            pub fn is(self, text: &str) -> bool {
                self.as_str() == text
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use status;

status! {
    /// A sale: completed when rung up; voided once, never back.
    SaleStatus { Completed = "completed", Voided = "voided" }
}

status! {
    /// A cashier's shift: open from its float until it is closed with the cash counted.
    ShiftStatus { Open = "open", Closed = "closed" }
}

status! {
    /// A table session: open while guests order by its QR code.
    TableSessionStatus { Open = "open", Closed = "closed" }
}

status! {
    /// A device licence: active until revoked (or past its expiry).
    LicenseStatus { Active = "active", Revoked = "revoked" }
}

status! {
    /// A conflict between a device's pushed change and the server's record: open until someone decides.
    ConflictStatus { Open = "open", Resolved = "resolved" }
}

status! {
    /// An order through the kitchen: one step forward at a time, or voided before it is done.
    OrderStatus {
        New = "NEW",
        Accepted = "ACCEPTED",
        Cooking = "COOKING",
        Ready = "READY",
        Done = "DONE",
        Voided = "VOIDED",
    }
}

impl OrderStatus {
    /// Whether an order may move from `self` to `to`: one step forward, or to `VOIDED` before `DONE`.
    pub fn may_move(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        match (self, to) {
            (Done | Voided, _) => false,
            (_, Voided) => true,
            (New, Accepted) | (Accepted, Cooking) | (Cooking, Ready) | (Ready, Done) => true,
            _ => false,
        }
    }

    /// Done or voided: nothing more happens in the kitchen.
    pub fn is_finished(self) -> bool {
        matches!(self, OrderStatus::Done | OrderStatus::Voided)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_move_one_step_forward_or_void_before_done() {
        use OrderStatus::*;
        assert!(New.may_move(Accepted) && Ready.may_move(Done) && Cooking.may_move(Voided));
        assert!(!New.may_move(Cooking) && !Done.may_move(Voided) && !Voided.may_move(New) && !Ready.may_move(New));
        assert_eq!(OrderStatus::parse("COOKING"), Some(Cooking));
        assert_eq!(OrderStatus::parse("cooking"), None);
        assert_eq!(SaleStatus::Voided.as_str(), "voided");
        assert!(ShiftStatus::Open.is("open"));
    }
}
