//! `/payment-gateways`: the business's gateway settings (tenant owners). The keys are sealed
//! with `KASIR_SECRET_KEY` and write-only.

use axum::{extract::State, response::Response};
use kasir_domain::{payments::GatewayProvider, ErrorCode, Permission, Violations};
use kasir_store::payments::{self, GatewayRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::gateway;
use crate::{
    api::{
        ok,
        openapi::{ApiRouter, Method, Op},
        rule, ApiError, ApiJson, IdPath,
    },
    auth::Principal,
    state::AppState,
};

/// A tenant's gateway as clients see it: the keys are write-only.
#[derive(Debug, Serialize, ToSchema)]
pub struct GatewayView {
    #[schema(format = Uuid)]
    pub id: String,
    /// `xendit`.
    pub provider: String,
    /// The gateway's API address (none: the provider's own).
    pub base_url: Option<String>,
    pub has_secret_key: bool,
    pub has_callback_token: bool,
    /// Where the gateway must send its callbacks.
    pub callback_path: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

impl GatewayView {
    fn of(g: GatewayRow) -> GatewayView {
        GatewayView {
            callback_path: format!("/api/v1/payments/callback/{}", g.provider),
            id: g.id,
            provider: g.provider,
            base_url: g.base_url,
            has_secret_key: !g.secret_key.is_empty(),
            has_callback_token: !g.callback_token.is_empty(),
            version: g.version,
            created_at: g.created_at,
            updated_at: g.updated_at,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProviderIn {
    Xendit,
}

/// The body of `POST /payment-gateways`: sets (or replaces) the provider's settings.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutGateway {
    pub provider: ProviderIn,
    /// The gateway's secret API key (write-only: never returned or logged).
    #[schema(min_length = 1, max_length = 500)]
    pub secret_key: String,
    /// The token the gateway sends with its callbacks (write-only).
    #[schema(min_length = 8, max_length = 500)]
    pub callback_token: String,
    /// The gateway's API address, `http(s)://…` (default: the provider's own).
    #[schema(max_length = 500)]
    pub base_url: Option<String>,
}

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/payment-gateways",
        list_gateways,
        Op::new("payments", "The business's payment gateways (keys are never shown)").ok_array::<GatewayView>(),
    )
    .route(
        Method::Post,
        "/payment-gateways",
        put_gateway,
        Op::new("payments", "Set up (or replace) the business's gateway of a provider; its keys are stored sealed")
            .body::<PutGateway>()
            .ok::<GatewayView>()
            .errors(&[422]),
    )
    .route(
        Method::Delete,
        "/payment-gateways/{id}",
        delete_gateway,
        Op::new("payments", "Remove a payment gateway").path_id("id").ok::<serde_json::Value>().errors(&[404]),
    )
}

/// The tenant of an owner (`settings.manage`).
pub(super) fn owner_tenant(p: &Principal) -> Result<String, ApiError> {
    p.require(Permission::SettingsManage)?;
    Ok(p.scope()?.tenant_id)
}

async fn list_gateways(State(s): State<AppState>, p: Principal) -> Result<Response, ApiError> {
    let tenant_id = owner_tenant(&p)?;
    let rows = payments::gateways(&s.db, &tenant_id).await?;
    Ok(ok(rows.into_iter().map(GatewayView::of).collect::<Vec<_>>()))
}

async fn put_gateway(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<PutGateway>,
) -> Result<Response, ApiError> {
    let tenant_id = owner_tenant(&p)?;
    let mut v = Violations::new();
    let secret_key = v.text("secret_key", &b.secret_key, 1, 500);
    let callback_token = v.text("callback_token", &b.callback_token, 8, 500);
    let base_url = b.base_url.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(|u| {
        let ok = (u.starts_with("https://") || u.starts_with("http://"))
            && u.len() <= 500
            && reqwest::Url::parse(u).is_ok_and(|url| url.host_str().is_some());
        if !ok {
            v.add("base_url", "must be an http(s):// address");
        }
        u.trim_end_matches('/').to_string()
    });
    v.finish().map_err(ApiError::Validation)?;
    let Some(sealer) = &s.sealer else {
        return Err(rule(
            ErrorCode::GatewayNotConfigured,
            "this server has no KASIR_SECRET_KEY: gateway keys cannot be stored".into(),
        ));
    };
    let provider = match b.provider {
        ProviderIn::Xendit => GatewayProvider::Xendit,
    };
    let now = kasir_domain::time::now();
    let row = GatewayRow {
        id: kasir_domain::ids::new_id(),
        tenant_id: tenant_id.clone(),
        provider: provider.as_str().into(),
        secret_key: sealer.seal(&gateway::secret_context(&tenant_id, "secret_key"), &secret_key),
        callback_token: sealer.seal(&gateway::secret_context(&tenant_id, "callback_token"), &callback_token),
        base_url,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    let mut tx = s.db.begin(p.actor()).await?;
    let (saved, created) = payments::put_gateway(&mut tx, &row).await?;
    tx.audit(
        Some(&tenant_id),
        if created { "payment_gateway.create" } else { "payment_gateway.update" },
        "payment_gateway",
        Some(&saved.id),
        serde_json::json!({"provider": saved.provider, "base_url": saved.base_url}),
    );
    tx.commit().await?;
    Ok(ok(GatewayView::of(saved)))
}

async fn delete_gateway(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    let tenant_id = owner_tenant(&p)?;
    let mut tx = s.db.begin(p.actor()).await?;
    if !payments::delete_gateway(&mut tx, &tenant_id, &id).await? {
        return Err(ApiError::NotFound);
    }
    tx.audit(Some(&tenant_id), "payment_gateway.delete", "payment_gateway", Some(&id), serde_json::json!({}));
    tx.commit().await?;
    Ok(ok(serde_json::json!({"id": id, "deleted": true})))
}
