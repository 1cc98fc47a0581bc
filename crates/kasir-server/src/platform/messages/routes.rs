//! `GET /messages`: the outbox, for tenant owners (their tenant's) and platform operators.

use axum::{extract::State, response::Response};
use kasir_domain::{
    messages::{Channel, MessageStatus},
    Permission, Violations,
};
use kasir_store::platform::messages::{self, Message, MessageFilter};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{
    api::{
        ok_list,
        openapi::{ApiRouter, Method, Op},
        ApiError, ApiQuery,
    },
    auth::Principal,
    state::AppState,
};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    /// `email`, `sms` or `push`.
    #[param(inline, value_type = Option<String>, pattern = "^(email|sms|push)$")]
    pub channel: Option<String>,
    /// `queued`, `sent`, `failed` or `not_configured`.
    #[param(inline, value_type = Option<String>, pattern = "^(queued|sent|failed|not_configured)$")]
    pub status: Option<String>,
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 200)]
    pub per_page: Option<i64>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/messages",
        list,
        Op::new("messages", "List outbound messages and their delivery").query::<MessageQuery>().ok_list::<Message>(),
    )
}

async fn list(
    State(s): State<AppState>,
    p: Principal,
    ApiQuery(q): ApiQuery<MessageQuery>,
) -> Result<Response, ApiError> {
    p.require(Permission::SettingsManage)?;
    let tenant_id = p.reading_tenant()?;
    let mut v = Violations::new();
    let (page, per_page) = crate::api::fields::paging_in(&mut v, q.page, q.per_page);
    let channel =
        q.channel.as_deref().and_then(|c| v.parsed("channel", Channel::parse(c).ok_or("must be email, sms or push")));
    let status = q.status.as_deref().and_then(|raw| {
        v.parsed("status", MessageStatus::parse(raw).ok_or("must be queued, sent, failed or not_configured"))
    });
    v.finish().map_err(ApiError::Validation)?;
    let (items, total) = messages::list(&s.db, &MessageFilter { tenant_id, channel, status }, page, per_page).await?;
    Ok(ok_list(items, page, per_page, total))
}
