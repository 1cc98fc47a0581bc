-- Customer accounts for the shop's own app (issue 16): the account, tied to the tenant's
-- customer record; its one-time links and codes (stored hashed); its logins, kept like staff
-- logins in tables of their own (a customer token can never load a staff principal); and its
-- addresses, at most one of them the default.

CREATE TABLE customer_accounts (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    customer_id TEXT NOT NULL REFERENCES customers (id),
    username TEXT NOT NULL,
    username_key TEXT NOT NULL,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL,
    full_name TEXT NOT NULL,
    phone_number TEXT,
    password_hash TEXT NOT NULL,
    -- unverified, active or disabled
    status TEXT NOT NULL,
    verified_at TEXT,
    deactivated_at TEXT,
    deactivation_reason TEXT,
    profile_image_url TEXT,
    referral_code TEXT NOT NULL,
    -- The referrer's account (no foreign key: a restore loads accounts in id order, and an
    -- account that took over an older customer record has an older id than its referrer).
    referred_by TEXT,
    balance BIGINT NOT NULL DEFAULT 0,
    points BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_customer_accounts__username ON customer_accounts (tenant_id, username_key);
CREATE UNIQUE INDEX ux_customer_accounts__email ON customer_accounts (tenant_id, email_key);
CREATE UNIQUE INDEX ux_customer_accounts__referral_code ON customer_accounts (tenant_id, referral_code);
CREATE UNIQUE INDEX ux_customer_accounts__customer_id ON customer_accounts (customer_id);

-- An email link, an SMS code or a password-reset link. `handle_hash` is the SHA-256 of the
-- verification token the app holds; `secret_hash` the SHA-256 of the token in a link, or of an SMS
-- code salted with the row's id.
CREATE TABLE customer_codes (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    account_id TEXT NOT NULL REFERENCES customer_accounts (id),
    -- verify_email, verify_sms or password_reset
    purpose TEXT NOT NULL,
    handle_hash TEXT NOT NULL,
    secret_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_customer_codes__handle ON customer_codes (handle_hash);
CREATE UNIQUE INDEX ux_customer_codes__secret ON customer_codes (secret_hash);
CREATE INDEX ix_customer_codes_account ON customer_codes (account_id, purpose, created_at);

CREATE TABLE customer_sessions (
    id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES customer_accounts (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT,
    revoked_reason TEXT,
    ip TEXT,
    user_agent TEXT
);
CREATE INDEX ix_customer_sessions_account ON customer_sessions (account_id);

CREATE TABLE customer_refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES customer_sessions (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX ix_customer_refresh_tokens_session ON customer_refresh_tokens (session_id);

CREATE TABLE customer_addresses (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    account_id TEXT NOT NULL REFERENCES customer_accounts (id),
    label TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    phone_number TEXT NOT NULL,
    address TEXT NOT NULL,
    -- Degrees × 10^7 (about 1 cm), so that no float is stored.
    latitude_e7 BIGINT,
    longitude_e7 BIGINT,
    is_default BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_customer_addresses_account ON customer_addresses (account_id, deleted_at);
-- At most one default per account, whatever calls race.
CREATE UNIQUE INDEX ux_customer_addresses__is_default ON customer_addresses (account_id) WHERE is_default = 1 AND deleted_at IS NULL;

-- The shop's loyalty settings: a completed sale earns floor(total / points_earn_per) points
-- (0: no points); a point redeems into points_redeem_rate minor units of wallet; a completed
-- referral gives the referrer referral_reward_points.
ALTER TABLE tenants ADD COLUMN points_earn_per BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN points_redeem_rate BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN referral_reward_points BIGINT NOT NULL DEFAULT 0;

-- Points and wallet ledgers: every change of an account's points or balance, with what caused
-- it. The account row holds the running figures; each ledger row is written in the same
-- transaction as the change it records.
CREATE TABLE customer_points (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    account_id TEXT NOT NULL REFERENCES customer_accounts (id),
    -- CREDIT or DEBIT
    type TEXT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    description TEXT NOT NULL,
    reference_type TEXT,
    reference_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_customer_points_account ON customer_points (account_id, created_at);
CREATE INDEX ix_customer_points_reference ON customer_points (reference_type, reference_id);

CREATE TABLE customer_wallet (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    account_id TEXT NOT NULL REFERENCES customer_accounts (id),
    type TEXT NOT NULL,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL,
    description TEXT NOT NULL,
    reference_type TEXT,
    reference_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_customer_wallet_account ON customer_wallet (account_id, created_at);

-- A referral: made at the referee's signup, completed by the referee's first completed
-- purchase or payment (once: the referee is unique).
CREATE TABLE customer_referrals (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    referrer_id TEXT NOT NULL REFERENCES customer_accounts (id),
    referee_id TEXT NOT NULL REFERENCES customer_accounts (id),
    -- pending or completed
    status TEXT NOT NULL,
    reward_points BIGINT NOT NULL DEFAULT 0,
    completed_at TEXT,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX ux_customer_referrals__referee ON customer_referrals (referee_id);
CREATE INDEX ix_customer_referrals_referrer ON customer_referrals (referrer_id, created_at);

-- A voucher may be used at most this many times by one customer account (null: no limit);
-- each use by an account is a redemption.
ALTER TABLE vouchers ADD COLUMN per_customer_limit BIGINT;
CREATE TABLE voucher_redemptions (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    voucher_id TEXT NOT NULL REFERENCES vouchers (id),
    account_id TEXT NOT NULL REFERENCES customer_accounts (id),
    -- app (redeemed in the app or by a service) or sale (used at the till)
    source TEXT NOT NULL,
    reference_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ix_voucher_redemptions_account ON voucher_redemptions (account_id, voucher_id);

-- Marketing offers shown in the app: general (no customer) or for one customer account.
CREATE TABLE marketing_offers (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    title TEXT NOT NULL,
    description TEXT,
    image_file_id TEXT,
    valid_until TEXT,
    customer_id TEXT,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_marketing_offers_tenant ON marketing_offers (tenant_id, deleted_at, is_active);

CREATE TABLE faqs (
    id TEXT PRIMARY KEY,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    is_active BIGINT NOT NULL DEFAULT 1,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    deleted_at TEXT
);
CREATE INDEX ix_faqs_tenant ON faqs (tenant_id, deleted_at);
