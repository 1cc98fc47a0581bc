//! Email over SMTP (`KASIR_SMTP_URL`: `smtps://` for TLS, `smtp://` for a local relay or tests).

use kasir_store::platform::messages::Message;
use lettre::{
    message::{header::ContentType, Mailbox},
    AsyncSmtpTransport, AsyncTransport, Tokio1Executor,
};

use super::Undelivered;

/// An SMTP relay and the sender it writes as.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build();
        let from: Mailbox = from.parse().map_err(|e| anyhow::anyhow!("KASIR_SMTP_FROM: {e}"))?;
        Ok(Mailer { transport, from })
    }

    pub async fn send(&self, m: &Message) -> Result<(), Undelivered> {
        let to: Mailbox =
            m.recipient.parse().map_err(|e| Undelivered::Refused(format!("not an email address: {e}")))?;
        let (subject, body) = super::parts(m);
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| Undelivered::Refused(format!("the email could not be made: {e}")))?;
        match self.transport.send(email).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Undelivered::Refused(format!("the mail server refused it: {e}"))),
            Err(e) => Err(Undelivered::Failed(format!("sending by SMTP failed: {e}"))),
        }
    }
}
