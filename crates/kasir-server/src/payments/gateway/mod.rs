//! Payment gateways behind one small trait ([`Gateway`]): create a charge (a hosted invoice, an
//! e-wallet charge or a QRIS code), find one by our external id, read it again, expire it, list
//! banks, make and read payouts. The first gateway speaks Xendit's protocol ([`xendit`]); its
//! base URL comes from the tenant's settings, so tests point it at a local server of the same
//! protocol. A tenant's settings are opened here ([`for_tenant`]): their keys never leave this
//! module but in the `Authorization` header.

pub mod xendit;

use futures::future::BoxFuture;
use kasir_domain::{
    payments::{EwalletType, GatewayMethod, GatewayProvider, PaymentStatus, PayoutStatus},
    ErrorCode,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    api::{rule, ApiError},
    state::AppState,
};

/// A tenant's gateway, opened: its keys in plain text (kept in memory only for the call).
#[derive(Clone)]
pub struct Settings {
    pub provider: GatewayProvider,
    pub secret_key: String,
    pub callback_token: String,
    pub base_url: String,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings").field("provider", &self.provider).field("base_url", &self.base_url).finish()
    }
}

/// What to charge.
#[derive(Debug, Clone)]
pub struct NewCharge {
    pub external_id: String,
    pub amount: i64,
    pub description: String,
    pub method: GatewayMethod,
    pub ewallet_type: Option<EwalletType>,
    /// Seconds until the charge lapses.
    pub expires_in: i64,
    /// Where the payer goes back to after paying, when known.
    pub return_url: Option<String>,
    pub payer_email: Option<String>,
}

/// A charge as the gateway reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct Charge {
    pub gateway_ref: String,
    pub status: PaymentStatus,
    pub amount: i64,
    pub paid_at: Option<String>,
    pub invoice_url: Option<String>,
    pub qr_string: Option<String>,
    pub checkout_url: Option<String>,
    /// When it lapses (RFC 3339), when the gateway says.
    pub expires_at: Option<String>,
}

impl Charge {
    /// A charge that ended here without the gateway's word (refused, or lapsed with no way to
    /// expire it there).
    pub fn ended(gateway_ref: Option<String>, status: PaymentStatus, amount: i64) -> Charge {
        Charge {
            gateway_ref: gateway_ref.unwrap_or_default(),
            status,
            amount,
            paid_at: None,
            invoice_url: None,
            qr_string: None,
            checkout_url: None,
            expires_at: None,
        }
    }
}

/// A bank payouts can go to.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Bank {
    pub code: String,
    pub name: String,
    pub can_disburse: bool,
}

#[derive(Debug, Clone)]
pub struct NewPayout {
    pub external_id: String,
    /// Sent as the gateway's idempotency key: the same payout asked twice is made once.
    pub idempotency_key: String,
    pub bank_code: String,
    pub account_number: String,
    pub account_holder_name: String,
    pub amount: i64,
    pub description: String,
}

/// A payout as the gateway reports it.
#[derive(Debug, Clone, PartialEq)]
pub struct PayoutState {
    pub gateway_ref: String,
    pub status: PayoutStatus,
    pub amount: i64,
    pub failure_code: Option<String>,
}

/// Why a gateway call did not give an answer we can use.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The gateway refused the request: its HTTP status, error code and message.
    #[error("the gateway refused the request ({status} {code}): {message}")]
    Rejected { status: u16, code: String, message: String },
    /// It has no such record.
    #[error("the gateway has no such record")]
    NotFound,
    /// No answer in time, no connection, or a fault of the gateway's: the outcome is unknown.
    #[error("the gateway did not answer usefully: {0}")]
    Unavailable(String),
}

impl GatewayError {
    /// True when the request may have been done although we have no answer.
    pub fn unknown_outcome(&self) -> bool {
        matches!(self, GatewayError::Unavailable(_))
    }
}

impl From<GatewayError> for ApiError {
    fn from(e: GatewayError) -> ApiError {
        match e {
            GatewayError::Rejected { status: 401 | 403, code, .. } => rule(
                ErrorCode::GatewayRejected,
                format!("the payment gateway refused the business's key ({code}); the tenant owner should check its settings"),
            ),
            GatewayError::Rejected { code, message, .. } => {
                rule(ErrorCode::GatewayRejected, format!("the payment gateway refused: {code}: {message}"))
            }
            GatewayError::NotFound => {
                rule(ErrorCode::GatewayRejected, "the payment gateway does not know this payment".into())
            }
            GatewayError::Unavailable(why) => {
                tracing::warn!(error = %why, "payment gateway unavailable");
                ApiError::Rule {
                    code: ErrorCode::GatewayUnavailable,
                    message: "the payment gateway did not answer; try again".into(),
                }
            }
        }
    }
}

/// A payment gateway.
pub trait Gateway: Send + Sync {
    /// Creates a charge under our `external_id`.
    fn create<'a>(&'a self, c: &'a NewCharge) -> BoxFuture<'a, Result<Charge, GatewayError>>;
    /// The charge made under `external_id`, if the gateway can look one up that way (a create
    /// whose answer was lost is looked up before it is made again).
    fn find<'a>(
        &'a self,
        method: GatewayMethod,
        external_id: &'a str,
    ) -> BoxFuture<'a, Result<Option<Charge>, GatewayError>>;
    /// The charge as the gateway holds it now.
    fn get<'a>(&'a self, method: GatewayMethod, gateway_ref: &'a str) -> BoxFuture<'a, Result<Charge, GatewayError>>;
    /// Ends a charge that is still open; `None` when the method has no such call (the charge
    /// lapses on its own).
    fn expire<'a>(
        &'a self,
        method: GatewayMethod,
        gateway_ref: &'a str,
    ) -> BoxFuture<'a, Result<Option<Charge>, GatewayError>>;
    fn banks(&self) -> BoxFuture<'_, Result<Vec<Bank>, GatewayError>>;
    fn payout<'a>(&'a self, p: &'a NewPayout) -> BoxFuture<'a, Result<PayoutState, GatewayError>>;
    fn get_payout<'a>(&'a self, gateway_ref: &'a str) -> BoxFuture<'a, Result<PayoutState, GatewayError>>;
}

/// The gateway of these settings.
pub fn connect(client: &reqwest::Client, settings: &Settings) -> Box<dyn Gateway> {
    match settings.provider {
        GatewayProvider::Xendit => Box::new(xendit::Xendit::new(client.clone(), settings)),
    }
}

/// The tenant's gateway for `provider`, opened; 422 `gateway_not_configured` when it has none
/// (or the server cannot open it).
pub async fn for_tenant(
    s: &AppState,
    tenant_id: &str,
    provider: GatewayProvider,
) -> Result<(Box<dyn Gateway>, Settings), ApiError> {
    let not_set = |m: &str| rule(ErrorCode::GatewayNotConfigured, m.into());
    let Some(row) = kasir_store::payments::gateway(&s.db, tenant_id, provider.as_str()).await? else {
        return Err(not_set("this business has no payment gateway set up"));
    };
    let Some(sealer) = &s.sealer else {
        return Err(not_set("this server has no KASIR_SECRET_KEY to open the gateway's keys"));
    };
    let open = |field: &str, sealed: &str| {
        sealer.open(&secret_context(tenant_id, field), sealed).map_err(|e| {
            tracing::error!(tenant_id, error = %e, "a gateway secret does not open");
            not_set("the gateway's keys cannot be opened with this server's KASIR_SECRET_KEY; set them again")
        })
    };
    let settings = Settings {
        provider,
        secret_key: open("secret_key", &row.secret_key)?,
        callback_token: open("callback_token", &row.callback_token)?,
        base_url: row.base_url.clone().unwrap_or_else(|| xendit::DEFAULT_BASE_URL.to_string()),
    };
    Ok((connect(&s.gateway_client, &settings), settings))
}

/// Where a sealed secret of a tenant's gateway settings is kept (bound into its seal).
pub fn secret_context(tenant_id: &str, field: &str) -> String {
    format!("payment_gateways:{tenant_id}:{field}")
}
