//! Payments taken through a gateway (issue 17): what a payment is for, how it is paid, where it
//! is in its life and which changes of status count. The gateway's word is final but only moves
//! a payment forward: a stale `PENDING` after `PAID` changes nothing, and money the gateway says
//! arrived after a payment lapsed still counts (it was taken).

use crate::status::status;

status! {
    /// A payment at the gateway.
    PaymentStatus {
        /// Created; waiting for the payer.
        Pending = "PENDING",
        /// The payer paid.
        Paid = "PAID",
        /// The money reached the merchant's balance.
        Settled = "SETTLED",
        /// Lapsed or cancelled before it was paid.
        Expired = "EXPIRED",
        /// Refused by the gateway or the payer's provider.
        Failed = "FAILED",
    }
}

impl PaymentStatus {
    /// Paid or settled: the money was taken.
    pub fn is_paid(self) -> bool {
        matches!(self, PaymentStatus::Paid | PaymentStatus::Settled)
    }

    /// Whether a payment may move from `self` to `to` when the gateway reports `to`. Anything
    /// else (the same status again, an older one, another ending) changes nothing.
    pub fn may_move(self, to: PaymentStatus) -> bool {
        use PaymentStatus::*;
        match (self, to) {
            (Pending, Pending) => false,
            (Pending, _) => true,
            (Paid, Settled) => true,
            // Money taken after the payment lapsed or failed is still money taken.
            (Expired | Failed, Paid | Settled) => true,
            _ => false,
        }
    }
}

status! {
    /// A payout to a bank account.
    PayoutStatus { Pending = "PENDING", Completed = "COMPLETED", Failed = "FAILED" }
}

impl PayoutStatus {
    /// Only a pending payout moves, and only to an ending.
    pub fn may_move(self, to: PayoutStatus) -> bool {
        self == PayoutStatus::Pending && to != PayoutStatus::Pending
    }
}

status! {
    /// How the payer pays: a hosted invoice page, an e-wallet charge, or a QRIS code.
    GatewayMethod { Invoice = "invoice", Ewallet = "ewallet", Qris = "qris" }
}

status! {
    /// What a payment is for: money into the customer's wallet, an order (which becomes a sale
    /// when paid), or a service's own charge (nothing happens in Kasir but the record).
    PaymentPurpose { Topup = "topup", Order = "order", Charge = "charge" }
}

status! {
    /// The e-wallets a charge can go to.
    EwalletType { Ovo = "OVO", Dana = "DANA", Shopeepay = "SHOPEEPAY", Linkaja = "LINKAJA" }
}

status! {
    /// The gateways Kasir speaks to.
    GatewayProvider { Xendit = "xendit" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PaymentStatus::*;

    #[test]
    fn payments_only_move_forward() {
        assert!(Pending.may_move(Paid) && Pending.may_move(Expired) && Pending.may_move(Settled));
        assert!(Paid.may_move(Settled) && Expired.may_move(Paid) && Failed.may_move(Settled));
        assert!(!Paid.may_move(Pending) && !Paid.may_move(Paid) && !Settled.may_move(Paid));
        assert!(!Paid.may_move(Expired) && !Expired.may_move(Failed) && !Pending.may_move(Pending));
        assert!(Settled.is_paid() && !Expired.is_paid());
        assert!(PayoutStatus::Pending.may_move(PayoutStatus::Completed));
        assert!(!PayoutStatus::Completed.may_move(PayoutStatus::Failed));
    }
}
