//! The life of a stock transfer between warehouses.
//!
//! `created` → `sent` (stock leaves the source) → `partially_received` → `received` (stock
//! arrives at the destination); `created` → `cancelled`. Once sent, a transfer cannot be
//! cancelled: the goods are on the road.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransferStatus {
    Created,
    Sent,
    PartiallyReceived,
    Received,
    Cancelled,
}

/// What can be done to a transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferAction {
    Send,
    Receive,
    Cancel,
}

impl TransferStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TransferStatus::Created => "created",
            TransferStatus::Sent => "sent",
            TransferStatus::PartiallyReceived => "partially_received",
            TransferStatus::Received => "received",
            TransferStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<TransferStatus> {
        [Self::Created, Self::Sent, Self::PartiallyReceived, Self::Received, Self::Cancelled]
            .into_iter()
            .find(|t| t.as_str() == s)
    }

    /// Whether `action` is allowed now. A receipt's resulting status depends on the quantities:
    /// see [`after_receipt`].
    pub fn allows(self, action: TransferAction) -> bool {
        matches!(
            (self, action),
            (TransferStatus::Created, TransferAction::Send)
                | (TransferStatus::Created, TransferAction::Cancel)
                | (TransferStatus::Sent, TransferAction::Receive)
                | (TransferStatus::PartiallyReceived, TransferAction::Receive)
        )
    }
}

/// The status after a receipt, from what was sent and what has now arrived in total per line.
pub fn after_receipt(sent: &[i64], received: &[i64]) -> TransferStatus {
    if sent.iter().zip(received).all(|(s, r)| r >= s) {
        TransferStatus::Received
    } else {
        TransferStatus::PartiallyReceived
    }
}

#[cfg(test)]
mod tests {
    use super::{TransferAction::*, TransferStatus::*, *};

    #[test]
    fn only_the_documented_transitions_are_allowed() {
        let all = [Created, Sent, PartiallyReceived, Received, Cancelled];
        let allowed: Vec<(TransferStatus, TransferAction)> = all
            .iter()
            .flat_map(|s| [Send, Receive, Cancel].into_iter().map(move |a| (*s, a)))
            .filter(|(s, a)| s.allows(*a))
            .collect();
        assert_eq!(allowed, vec![(Created, Send), (Created, Cancel), (Sent, Receive), (PartiallyReceived, Receive)]);
    }

    #[test]
    fn receipts_complete_only_when_every_line_arrived() {
        assert_eq!(after_receipt(&[5, 3], &[5, 3]), Received);
        assert_eq!(after_receipt(&[5, 3], &[5, 2]), PartiallyReceived);
        assert_eq!(after_receipt(&[5], &[0]), PartiallyReceived);
        for s in ["created", "sent", "partially_received", "received", "cancelled"] {
            assert_eq!(TransferStatus::parse(s).map(|t| t.as_str()), Some(s));
        }
    }
}
