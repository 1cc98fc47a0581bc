//! Outbound messages: their channels and statuses, and the templates areas send them with.

/// How a message travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    Email,
    Sms,
    Push,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Email, Channel::Sms, Channel::Push];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Push => "push",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Where a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageStatus {
    /// Waiting for delivery (or for its next try).
    Queued,
    Sent,
    /// Every try failed, or the recipient cannot receive it (a dead push token).
    Failed,
    /// Its channel has no settings on this server: recorded, not sent.
    NotConfigured,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 4] =
        [MessageStatus::Queued, MessageStatus::Sent, MessageStatus::Failed, MessageStatus::NotConfigured];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Queued => "queued",
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
            MessageStatus::NotConfigured => "not_configured",
        }
    }

    pub fn parse(s: &str) -> Option<MessageStatus> {
        MessageStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The messages the server sends, each with what it needs. `shop` is the tenant's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Template {
    /// A new customer account's email link (valid 24 hours).
    VerifyEmail { shop: String, link: String },
    /// A one-time code by SMS (valid 10 minutes).
    OtpCode { shop: String, code: String },
    /// A password reset link (valid 30 minutes).
    PasswordReset { shop: String, link: String },
    /// A payment changed status.
    PaymentStatus { shop: String, amount: String, status: String },
    /// An operator alert (`KASIR_ALERT_EMAIL`).
    Alert { kind: String, detail: String },
}

impl Template {
    /// Its name, kept with the message.
    pub fn name(&self) -> &'static str {
        match self {
            Template::VerifyEmail { .. } => "verify_email",
            Template::OtpCode { .. } => "otp_code",
            Template::PasswordReset { .. } => "password_reset",
            Template::PaymentStatus { .. } => "payment_status",
            Template::Alert { .. } => "alert",
        }
    }

    /// `(subject, body)`: the subject is an email's subject or a push's title (SMS has none).
    pub fn render(&self) -> (String, String) {
        match self {
            Template::VerifyEmail { shop, link } => (
                format!("{shop}: confirm your email"),
                format!("Welcome to {shop}.\n\nOpen this link within 24 hours to confirm your email:\n{link}\n\nIf you did not sign up, ignore this email."),
            ),
            Template::OtpCode { shop, code } => {
                (String::new(), format!("{code} is your {shop} code. It expires in 10 minutes. Do not share it."))
            }
            Template::PasswordReset { shop, link } => (
                format!("{shop}: reset your password"),
                format!("Open this link within 30 minutes to choose a new password:\n{link}\n\nIf you did not ask for this, ignore this email; your password stays as it is."),
            ),
            Template::PaymentStatus { shop, amount, status } => {
                (format!("{shop}: payment {status}"), format!("Your payment of {amount} is {status}."))
            }
            Template::Alert { kind, detail } => (format!("Kasir alert: {kind}"), detail.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vocabularies_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.as_str()), Some(c));
        }
        for s in MessageStatus::ALL {
            assert_eq!(MessageStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(Channel::parse("fax"), None);
    }

    #[test]
    fn templates_carry_what_they_are_given() {
        let (subject, body) = Template::OtpCode { shop: "Kopi Kita".into(), code: "482913".into() }.render();
        assert_eq!(subject, "");
        assert_eq!(body, "482913 is your Kopi Kita code. It expires in 10 minutes. Do not share it.");
        let (subject, body) =
            Template::VerifyEmail { shop: "Kopi Kita".into(), link: "https://k.example/v?token=abc".into() }.render();
        assert_eq!(subject, "Kopi Kita: confirm your email");
        assert!(body.contains("https://k.example/v?token=abc\n"));
    }
}
