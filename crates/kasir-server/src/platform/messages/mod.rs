//! Delivering the outbox: one job per message, through its channel's own protocol (SMTP, a
//! signed webhook for SMS, FCM HTTP v1 for push). A channel without settings records its
//! messages `not_configured`.
//! A refusal that retrying cannot change (a bad address, a 4xx) fails the message at once;
//! anything else is retried by the job runner with back-off, then `failed`.

pub mod email;
pub mod push;
mod routes;
pub mod sms;

use std::sync::Arc;

use anyhow::Context;
use kasir_domain::messages::{Channel, MessageStatus};
use kasir_store::platform::messages::{self, Message};

pub use routes::routes;

use super::jobs::{JobContext, Jobs};
use crate::config::Config;

/// Why a message did not go.
#[derive(Debug)]
pub enum Undelivered {
    /// The other side refused it for good.
    Refused(String),
    /// It may go on another try.
    Failed(String),
    /// The push token is no longer registered: the message fails and the token is dead.
    Unregistered(String),
}

/// The channels this server has settings for.
#[derive(Default)]
pub struct Channels {
    pub email: Option<email::Mailer>,
    pub sms: Option<sms::Webhook>,
    pub push: Option<push::Fcm>,
}

impl Channels {
    /// The channels `config` sets up.
    pub fn from_config(config: &Config) -> anyhow::Result<Channels> {
        let email = match &config.smtp_url {
            Some(url) => Some(email::Mailer::new(url, &config.smtp_from).context("KASIR_SMTP_URL")?),
            None => None,
        };
        let sms = match (&config.sms_webhook_url, &config.sms_webhook_secret) {
            (Some(url), Some(secret)) => Some(sms::Webhook::new(url, secret)?),
            _ => None,
        };
        let push = match &config.fcm_credentials {
            Some(path) => Some(push::Fcm::from_file(path, &config.fcm_url).context("KASIR_FCM_CREDENTIALS")?),
            None => None,
        };
        Ok(Channels { email, sms, push })
    }
}

/// Registers the delivery job.
pub fn register_jobs(jobs: &Jobs, channels: Arc<Channels>) {
    jobs.register(messages::DELIVER, move |ctx| {
        let channels = channels.clone();
        async move { deliver(&ctx, &channels).await }
    });
}

async fn deliver(ctx: &JobContext, channels: &Channels) -> anyhow::Result<()> {
    let id = ctx.payload["message_id"].as_str().context("the job names no message")?;
    let Some(m) = messages::get(&ctx.db, id).await? else { return Ok(()) };
    if m.status != MessageStatus::Queued.as_str() {
        return Ok(()); // delivered by an earlier attempt whose job did not record it
    }
    let span = tracing::info_span!("message", id = %m.id, channel = %m.channel);
    let _entered = span.enter();
    let outcome = match Channel::parse(&m.channel) {
        Some(Channel::Email) => match &channels.email {
            Some(mailer) => Some(mailer.send(&m).await),
            None => None,
        },
        Some(Channel::Sms) => match &channels.sms {
            Some(hook) => Some(hook.send(&m).await),
            None => None,
        },
        Some(Channel::Push) => match &channels.push {
            Some(fcm) => Some(fcm.send(&m).await),
            None => None,
        },
        None => None,
    };
    match outcome {
        None => {
            messages::record(&ctx.db, &m.id, MessageStatus::NotConfigured, Some("this channel is not configured"))
                .await?;
            Ok(())
        }
        Some(Ok(())) => {
            messages::record(&ctx.db, &m.id, MessageStatus::Sent, None).await?;
            Ok(())
        }
        Some(Err(Undelivered::Refused(e))) => {
            tracing::warn!(error = %e, "message refused");
            messages::record(&ctx.db, &m.id, MessageStatus::Failed, Some(&e)).await?;
            Ok(())
        }
        Some(Err(Undelivered::Unregistered(e))) => {
            tracing::info!("a push token is no longer registered");
            messages::kill_push_token(&ctx.db, &m.recipient).await?;
            messages::record(&ctx.db, &m.id, MessageStatus::Failed, Some(&e)).await?;
            Ok(())
        }
        Some(Err(Undelivered::Failed(e))) => {
            let last = ctx.attempt >= ctx.max_attempts;
            let status = if last { MessageStatus::Failed } else { MessageStatus::Queued };
            messages::record(&ctx.db, &m.id, status, Some(&e)).await?;
            anyhow::bail!("{e}")
        }
    }
}

/// What a message says, for the channels: its subject (or none) and body.
pub(crate) fn parts(m: &Message) -> (&str, &str) {
    (m.subject.as_deref().unwrap_or(""), &m.body)
}
