//! Every `code` the API can answer with: one closed list, each with its HTTP status and what it
//! means (documented in `docs/error-codes.md`, which a test keeps in step with this list, and as
//! the `code` enum of the OpenAPI document's error body).

macro_rules! error_codes {
    ($($(#[$doc:meta])* $name:ident = $code:literal, $status:literal;)*) => {
        /// A machine-readable error code of the API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $name,)*
        }

        impl ErrorCode {
            /// Every code, in the order `docs/error-codes.md` lists them.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name),*];

            /// The code as clients see it, such as `insufficient_stock`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $code,)*
                }
            }

            /// The HTTP status it is answered with.
            pub const fn status(self) -> u16 {
                match self {
                    $(ErrorCode::$name => $status,)*
                }
            }
        }
    };
}

error_codes! {
    /// Malformed JSON or query, or a body that is not a JSON object.
    BadRequest = "bad_request", 400;
    /// Fields failed validation; `errors` names each.
    ValidationFailed = "validation_failed", 400;
    /// Missing, invalid or expired credentials.
    Unauthorized = "unauthorized", 401;
    /// Authenticated, but not permitted (or the wrong kind of principal).
    Forbidden = "forbidden", 403;
    /// The record does not exist for this caller (another tenant's included), or a referenced one does not.
    NotFound = "not_found", 404;
    /// The route exists but not with this method.
    MethodNotAllowed = "method_not_allowed", 405;
    /// The request body stopped arriving.
    RequestTimeout = "request_timeout", 408;
    /// A duplicate of a unique value (`errors` names the field).
    Conflict = "conflict", 409;
    /// The record changed since the version the request was based on.
    VersionConflict = "version_conflict", 409;
    /// A request with this Idempotency-Key is still running.
    IdempotencyInProgress = "idempotency_in_progress", 409;
    /// The sync cursor is older than the retained history: pull again from the start.
    ResyncRequired = "resync_required", 410;
    /// The request body is larger than the limit.
    PayloadTooLarge = "payload_too_large", 413;
    /// The uploaded file is of a type this endpoint does not take (judged by its content).
    UnsupportedMediaType = "unsupported_media_type", 415;
    /// This Idempotency-Key was used for a different request.
    IdempotencyKeyReused = "idempotency_key_reused", 422;
    /// An amount (a line, an order, a sum) would pass the money bound of 10^12 minor units.
    AmountTooLarge = "amount_too_large", 422;
    /// The record's status does not allow this action.
    InvalidTransition = "invalid_transition", 422;
    /// Selling needs an open shift of the caller at the outlet.
    ShiftNotOpen = "shift_not_open", 422;
    /// The caller already has an open shift at this outlet.
    ShiftAlreadyOpen = "shift_already_open", 422;
    /// The shift is closed and cannot change.
    ShiftClosed = "shift_closed", 422;
    /// Not enough stock, and the tenant does not allow negative stock.
    InsufficientStock = "insufficient_stock", 422;
    /// The payments do not cover the total.
    PaymentInsufficient = "payment_insufficient", 422;
    /// Non-cash payments come to more than the total (only cash gives change).
    PaymentExceedsTotal = "payment_exceeds_total", 422;
    /// A refund's payments do not add up to its total.
    RefundPaymentMismatch = "refund_payment_mismatch", 422;
    /// More would be refunded than was sold (or paid by a method).
    RefundExceedsSale = "refund_exceeds_sale", 422;
    /// The voucher does not exist, is inactive, expired or does not apply.
    VoucherInvalid = "voucher_invalid", 422;
    /// The voucher has no uses left.
    VoucherUsedUp = "voucher_used_up", 422;
    /// Refunds paid back in cash need an active cash payment method.
    NoCashMethod = "no_cash_method", 422;
    /// The outlet has no default warehouse to sell from.
    NoWarehouse = "no_warehouse", 422;
    /// A default warehouse cannot be deleted.
    DefaultWarehouse = "default_warehouse", 422;
    /// More would arrive than the transfer sent.
    ReceiveExceedsTransfer = "receive_exceeds_transfer", 422;
    /// More would arrive than the purchase ordered.
    ReceiveExceedsPurchase = "receive_exceeds_purchase", 422;
    /// More would go back than the purchase received.
    ReturnExceedsPurchase = "return_exceeds_purchase", 422;
    /// A category cannot become its own ancestor.
    CategoryCycle = "category_cycle", 422;
    /// A category with live children cannot be deleted.
    CategoryHasChildren = "category_has_children", 422;
    /// A role that users hold cannot be deleted.
    RoleInUse = "role_in_use", 422;
    /// Users cannot delete themselves.
    CannotDeleteSelf = "cannot_delete_self", 422;
    /// The order is paid (or voided) and cannot change.
    OrderPaid = "order_paid", 422;
    /// A payment of an order does not match how the order is being split.
    SplitMismatch = "split_mismatch", 422;
    /// The share of the order being paid comes to nothing.
    NothingToPay = "nothing_to_pay", 422;
    /// The table session is closed or expired.
    TableSessionClosed = "table_session_closed", 422;
    /// The table already has an open session.
    TableSessionOpen = "table_session_open", 422;
    /// The file is not a Kasir backup this server can load: its format, version, schema or
    /// content (the message says which); nothing was loaded.
    InvalidBackup = "invalid_backup", 422;
    /// The licence has more devices than it allows: deactivate one first.
    LicenseDeviceLimit = "license_device_limit", 422;
    /// The licence has expired.
    LicenseExpired = "license_expired", 422;
    /// The licence has been revoked.
    LicenseRevoked = "license_revoked", 422;
    /// The business requires a licence of every device that pushes; this one has none (or it lapsed).
    LicenseRequired = "license_required", 403;
    /// Too many attempts; `Retry-After` says when to try again.
    /// A customer account whose email or phone is not verified yet.
    AccountNotVerified = "account_not_verified", 403;
    /// A closed (deactivated) customer account.
    AccountDisabled = "account_disabled", 403;
    /// A verification code or link that is wrong, used, or past its time.
    CodeInvalid = "code_invalid", 422;
    /// A customer's wallet holds less than the payment or spend.
    InsufficientBalance = "insufficient_balance", 422;
    /// A customer has fewer points than they want to redeem.
    InsufficientPoints = "insufficient_points", 422;
    /// The payment is paid (or settled) and cannot be cancelled.
    PaymentAlreadyPaid = "payment_already_paid", 422;
    /// The business has no payment gateway set up (or the server has no `KASIR_SECRET_KEY` to
    /// keep its keys).
    GatewayNotConfigured = "gateway_not_configured", 422;
    /// The payment gateway refused the request (its code and message are in ours).
    GatewayRejected = "gateway_rejected", 422;
    /// The payment gateway did not answer, or answered with a fault of its own; try again.
    GatewayUnavailable = "gateway_unavailable", 502;
    /// The position is outside every attendance place's radius.
    OutsideGeofence = "outside_geofence", 422;
    /// The employee has an open check-in (or has checked in and out that day already).
    AlreadyCheckedIn = "already_checked_in", 422;
    /// A check-out without an open check-in.
    NotCheckedIn = "not_checked_in", 422;
    /// The leave takes more working days than are left of the year's balance.
    InsufficientLeaveBalance = "insufficient_leave_balance", 422;
    /// The leave overlaps a pending or approved leave of the employee.
    OverlappingLeave = "overlapping_leave", 422;
    /// The asset has a custodian already: return it first.
    AssetAlreadyAssigned = "asset_already_assigned", 422;
    /// A return of an asset nobody holds, or an assignment of a retired one.
    AssetNotAssignable = "asset_not_assignable", 422;
    /// The meeting room is booked for part of that time.
    RoomUnavailable = "room_unavailable", 409;
    RateLimited = "rate_limited", 429;
    /// The client speaks a version of the sync protocol (`X-Sync-Protocol`) this server does not.
    UpgradeRequired = "upgrade_required", 426;
    /// A fault of the server (logged with the request id; never a client's mistake).
    Internal = "internal", 500;
    /// The server is busy (no database connection came free in time, or logins are queued full).
    Unavailable = "unavailable", 503;
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_snake_case_and_have_error_statuses() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.as_str()), "{} twice", c.as_str());
            assert!(c.as_str().chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'), "{}", c.as_str());
            assert!((400..600).contains(&c.status()), "{}", c.as_str());
        }
        assert_eq!(ErrorCode::InsufficientStock.to_string(), "insufficient_stock");
    }
}

#[cfg(test)]
mod documented {
    use super::ErrorCode;

    /// `docs/error-codes.md` has a row `` | `code` | status | … `` for every code, and no others.
    #[test]
    fn every_code_is_documented_with_its_status() {
        let doc = include_str!("../../../docs/error-codes.md");
        let rows: Vec<(&str, &str)> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| {
                let (code, rest) = l.split_once("` | ")?;
                Some((code, rest.split(' ').next()?))
            })
            .collect();
        for c in ErrorCode::ALL {
            let status = c.status().to_string();
            assert!(
                rows.contains(&(c.as_str(), status.as_str())),
                "docs/error-codes.md lacks `{}` ({})",
                c.as_str(),
                c.status()
            );
        }
        for (code, _) in &rows {
            assert!(ErrorCode::ALL.iter().any(|c| c.as_str() == *code), "docs/error-codes.md lists unknown `{code}`");
        }
        assert_eq!(rows.len(), ErrorCode::ALL.len());
    }
}
