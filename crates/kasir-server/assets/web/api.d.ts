// Generated from /api/v1/openapi.json by kasir_server::api::openapi::client: do not edit.
// `KASIR_WRITE_CLIENT=1 cargo nextest run -E 'test(generated_client)'` writes it again.

export interface Call<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  path?: P;
  query?: Q;
  body?: B;
  headers?: Record<string, string>;
}

export type Action = "approve" | "reject";
export type Activate = { "device_id": string; "device_name": string; "license_key": string };
/** A device's seat of a licence. */
export type Activation = { "activated_at": string; "deactivated_at"?: string | null; "device_id": string; "device_name": string; "id": string; "license_id": string; "verified_at": string };
export type Ad = { "active": boolean; "created_at": string; "end_date": string; "id": string; "image_file_id"?: string | null; "link"?: string | null; "placement": string; "start_date": string; "tenant_id": string; "title": string; "updated_at": string; "version": number };
export type AddItems = { "items": Array<ItemInput> };
/** An address as the API shows it (coordinates in degrees). */
export type Address = { "address": string; "created_at": string; "id": string; "is_default": boolean; "label": string; "latitude"?: number | null; "longitude"?: number | null; "phone_number": string; "recipient_name": string; "updated_at": string; "version": number };
export type AddressBody = { "address": string; "is_default"?: boolean | null; "label": string; "latitude"?: number | null; "longitude"?: number | null; "phone_number": string; "recipient_name": string; "version"?: number | null };
/** A recorded adjustment. */
export type Adjustment = { "created_at": string; "id": string; "lines": Array<AdjustmentLine>; "note"?: string | null; "reason": string; "warehouse_id": string };
/** A line as applied. */
export type AdjustmentLine = { "after": number; "before": number; "counted_quantity"?: number | null; "product_id": string; "quantity_delta": number; "variant_id"?: string | null };
/** One line of an adjustment: either a change or a counted quantity. */
export type AdjustmentLineInput = { "counted_quantity"?: number | null; "product_id": string; "quantity_delta"?: number | null; "variant_id"?: string | null };
export type Advance = { "amount": number; "created_at": string; "date": string; "employee_id": string; "id": string; "note"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
/** What `/auth/refresh` answers: a staff pair (with `user`) or a customer's (with `customer`). */
export type AnyPair = (TokenPair | CustomerPair);
/** An API key as listed (never its secret). */
export type ApiKey = { "created_at": string; "created_by"?: string | null; "id": string; "key_id": string; "name": string; "permissions": Array<string>; "tenant_id": string };
export type ApplyLeave = { "document_file_ids"?: Array<string> | null; "employee_id"?: string | null; "end_date": string; "leave_type_id": string; "reason": string; "start_date": string };
export type ApplyPermit = { "date": string; "employee_id"?: string | null; "end_time": string; "reason": string; "start_time": string; "type": string };
export type Approval = { "action": Action; "notes"?: string | null };
/** `APPROVAL_UPDATED`: a branding request's status after a review, a revision or its creation. */
export type ApprovalEvent = { "approver"?: string | null; "at": string; "decision"?: string | null; "id": string; "requester_id": string; "round": number; "status": string; "title": string };
/** A request and its approvers' reviews of the current round. */
export type ApprovalView = (BrandingApproval & { "reviews": Array<BrandingReview> });
export type Asset = { "asset_code": string; "assigned_since"?: string | null; "assigned_to"?: string | null; "category_id"?: string | null; "created_at": string; "id": string; "location"?: string | null; "name": string; "purchase_date"?: string | null; "serial_number"?: string | null; "status": string; "tenant_id": string; "updated_at": string; "value": number; "version": number };
export type AssetCategory = { "created_at": string; "description"?: string | null; "id": string; "name": string; "tenant_id": string; "updated_at": string; "version": number };
export type Assign = { "assign_date"?: string | null; "employee_id": string; "notes"?: string | null };
/** One custody of an asset: from its assignment to its return. */
export type Assignment = { "asset_id": string; "assign_date": string; "created_at": string; "employee_id": string; "id": string; "notes"?: string | null; "return_condition"?: string | null; "return_date"?: string | null; "return_notes"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
export type Attendance = { "check_in_at"?: string | null; "check_in_device_at"?: string | null; "check_in_latitude"?: number | null; "check_in_longitude"?: number | null; "check_out_at"?: string | null; "check_out_device_at"?: string | null; "check_out_latitude"?: number | null; "check_out_longitude"?: number | null; "created_at": string; "date": string; "distance_m"?: number | null; "employee_id": string; "id": string; "location_id"?: string | null; "photo_file_id"?: string | null; "status": string; "tenant_id": string; "updated_at": string; "version": number; "work_shift_id"?: string | null; "worked_minutes"?: number | null };
/** An audit entry as `GET /audit-logs` serves it. */
export type AuditLog = { "action": string; "actor_id"?: string | null; "actor_type": string; "created_at": string; "details"?: Record<string, unknown> | null; "entity": string; "entity_id"?: string | null; "id": string; "ip"?: string | null; "request_id"?: string | null; "tenant_id"?: string | null };
/** The signed-in user. */
export type AuthUser = { "email"?: string | null; "id": string; "name": string; "outlet_ids": Array<string>; "permissions": Array<string>; "role": string; "tenant_id"?: string | null; "timezone"?: string | null; "username": string };
export type Availability = { "booked": Array<Period>; "date": string; "free": Array<Period>; "room_id": string; "timezone": string };
export type BTreeMap = Record<string, { "pending": number; "remaining": number; "total": number; "used": number }>;
export type Balance = { "balance": number; "points": number };
/** A bank payouts can go to. */
export type Bank = { "can_disburse": boolean; "code": string; "name": string };
export type Booking = { "attendee_ids": Array<string>; "booked_by": string; "cancelled_at"?: string | null; "created_at": string; "date": string; "description"?: string | null; "end_time": string; "id": string; "room_id": string; "start_time": string; "status": string; "tenant_id": string; "title": string; "updated_at": string; "version": number };
export type Brand = { "created_at": string; "id": string; "name": string; "tenant_id": string; "updated_at": string; "version": number };
export type BrandingApproval = { "approver_ids": Array<string>; "category": string; "created_at": string; "description"?: string | null; "file_ids": Array<string>; "id": string; "requester_id": string; "revision_notes"?: string | null; "round": number; "status": string; "tenant_id": string; "title": string; "updated_at": string; "version": number };
export type BrandingReview = { "approval_id": string; "approver_id": string; "created_at": string; "decision": string; "feedback"?: string | null; "id": string; "reviewed_at"?: string | null; "revision_notes"?: string | null; "round": number; "tenant_id": string; "updated_at": string; "version": number };
export type BulkRostered = { "created": number; "rosters": Array<Roster>; "updated": number };
export type BulkRosters = { "items": Array<CreateRoster> };
export type CashDirection = "in" | "out";
/** Cash put into or taken out of a drawer during a shift. */
export type CashMovement = { "actor_id"?: string | null; "amount": number; "created_at": string; "id": string; "reason": string; "shift_id": string; "type": string };
/** The cash drawer of a shift. */
export type CashSummary = { "cash_expenses": number; "cash_in": number; "cash_out": number; "cash_refunds": number; "cash_sales": number; "change_given": number; "expected_cash": number; "start_cash": number };
/** A category; `parent_id` makes them a tree. */
export type Category = { "created_at": string; "id": string; "is_active": boolean; "name": string; "parent_id"?: string | null; "sort_order": number; "tenant_id": string; "updated_at": string; "version": number };
export type CheckEmail = { "email": string; "tenant": string };
export type Close = { "resolution": string; "satisfaction": number };
export type CloseShift = { "end_cash": number; "note"?: string | null; "shift_id": string };
/** Collective leave: applied to, and approved for, every active employee of the tenant. Those whose balance of the type is short, or who have leave on those days, are left out and named. */
export type Collective = { "applied": Array<LeaveRequest>; "skipped": Array<Skipped> };
export type CollectiveLeave = { "end_date": string; "leave_type_id": string; "reason": string; "start_date": string };
export type Comment = { "author_id": string; "comment": string; "created_at": string; "id": string; "internal": boolean; "tenant_id": string; "ticket_id": string; "updated_at": string; "version": number };
/** A pushed change that met a change made on the server since the device's `base_version`. */
export type Conflict = { "base_version": number; "client_change_id": string; "client_data"?: Record<string, unknown> | null; "created_at": string; "device_id": string; "entity": string; "fields": Array<string>; "id": string; "op": string; "record_id": string; "resolution"?: string | null; "resolved_at"?: string | null; "resolved_by"?: string | null; "server_data": Record<string, unknown>; "status": string; "tenant_id": string; "updated_at": string; "version": number };
export type CreateAd = { "active"?: boolean | null; "end_date": string; "id"?: string | null; "image_file_id"?: string | null; "link"?: string | null; "placement": string; "start_date": string; "title": string };
export type CreateAdjustment = { "lines": Array<AdjustmentLineInput>; "note"?: string | null; "reason": string; "warehouse_id": string };
export type CreateAdvance = { "amount": number; "date": string; "employee_id": string; "id"?: string | null; "note"?: string | null };
export type CreateApiKey = { "name": string; "permissions": Array<string> };
export type CreateAsset = { "asset_code": string; "category_id"?: string | null; "id"?: string | null; "location"?: string | null; "name": string; "purchase_date"?: string | null; "serial_number"?: string | null; "status"?: string | null; "value"?: number | null };
export type CreateAssetCategory = { "description"?: string | null; "id"?: string | null; "name": string };
export type CreateBrand = { "id"?: string | null; "name": string };
export type CreateCashMovement = { "amount": number; "reason": string; "type": CashDirection };
export type CreateCategory = { "id"?: string | null; "is_active"?: boolean | null; "name": string; "parent_id"?: string | null; "sort_order"?: number | null };
export type CreateCustomer = { "address"?: string | null; "email"?: string | null; "id"?: string | null; "name": string; "notes"?: string | null; "phone"?: string | null };
export type CreateDeduction = { "amount": number; "date": string; "employee_id": string; "id"?: string | null; "reason": string };
export type CreateDepartment = { "id"?: string | null; "name": string; "parent_id"?: string | null };
export type CreateDevice = { "app_version"?: string | null; "id"?: string | null; "is_active"?: boolean | null; "name": string; "outlet_id"?: string | null; "platform"?: string | null };
export type CreateDriver = { "id"?: string | null; "license_expiry"?: string | null; "license_number": string; "name": string; "password": string; "phone"?: string | null; "status"?: string | null; "username": string; "vehicle_id"?: string | null; "vehicle_type"?: string | null };
export type CreateDropPoint = { "active"?: boolean | null; "address": string; "id"?: string | null; "latitude": number; "longitude": number; "name": string; "opening_hours"?: string | null };
export type CreateEmployee = { "code": string; "department_id"?: string | null; "email"?: string | null; "id"?: string | null; "join_date"?: string | null; "manager_id"?: string | null; "name": string; "outlet_ids"?: Array<string> | null; "phone"?: string | null; "position_id"?: string | null; "status"?: string | null; "user_id"?: string | null };
export type CreateExpense = { "amount": number; "category_id"?: string | null; "id"?: string | null; "note"?: string | null; "outlet_id": string; "shift_id"?: string | null };
export type CreateExpenseCategory = { "id"?: string | null; "name": string };
export type CreateFaq = { "answer": string; "id"?: string | null; "is_active"?: boolean | null; "position"?: number | null; "question": string };
export type CreateFreelancer = { "email"?: string | null; "hourly_rate"?: number | null; "id"?: string | null; "name": string; "portfolio"?: string | null; "skills"?: Array<string> | null };
export type CreateHall = { "id"?: string | null; "name": string; "outlet_id": string };
export type CreateHoliday = { "date": string; "id"?: string | null; "name": string };
export type CreateLeaveType = { "days_per_year": number; "id"?: string | null; "kind": string; "name": string; "requires_document"?: boolean | null };
export type CreateLocation = { "id"?: string | null; "latitude": number; "longitude": number; "name": string; "radius_m": number };
export type CreateModifierGroup = { "id"?: string | null; "max_select"?: number | null; "min_select"?: number | null; "name": string; "options": Array<OptionInput> };
export type CreateOffer = { "customer_id"?: string | null; "description"?: string | null; "id"?: string | null; "image_file_id"?: string | null; "is_active"?: boolean | null; "title": string; "valid_until"?: string | null };
/** The body of `POST /orders`. */
export type CreateOrder = { "id"?: string | null; "items": Array<ItemInput>; "note"?: string | null; "outlet_id": string; "table_id"?: string | null; "table_session_id"?: string | null; "type": OrderKind };
/** A new outlet. */
export type CreateOutlet = { "address"?: string | null; "code": string; "id"?: string | null; "is_active"?: boolean | null; "name": string; "phone"?: string | null; "receipt_footer"?: string | null; "receipt_header"?: string | null; "timezone"?: string | null };
export type CreatePage = { "content": string; "excerpt"?: string | null; "featured_file_id"?: string | null; "id"?: string | null; "slug"?: string | null; "status"?: string | null; "title": string };
export type CreatePaymentMethod = { "id"?: string | null; "is_active"?: boolean | null; "name": string; "type": string };
/** The body of `POST /payouts`. */
export type CreatePayout = { "account_holder_name": string; "account_number": string; "amount": number; "bank_code": string; "description": string };
export type CreatePosition = { "department_id"?: string | null; "id"?: string | null; "name": string };
export type CreatePost = { "categories"?: Array<string> | null; "content": string; "excerpt"?: string | null; "featured_file_id"?: string | null; "id"?: string | null; "slug"?: string | null; "status"?: string | null; "tags"?: Array<string> | null; "title": string };
/** A new product. */
export type CreateProduct = { "barcodes"?: Array<string>; "brand_id"?: string | null; "category_id"?: string | null; "cost"?: number | null; "id"?: string | null; "is_active"?: boolean | null; "low_stock_threshold"?: number | null; "modifier_group_ids"?: Array<string>; "name": string; "price": number; "sku": string; "tax_id"?: string | null; "track_stock"?: boolean | null; "unit"?: string | null; "variants"?: Array<VariantInput> };
export type CreatePromotion = { "auto_apply"?: boolean | null; "category_ids"?: Array<string> | null; "ends_at"?: string | null; "id"?: string | null; "is_active"?: boolean | null; "max_discount"?: number | null; "min_purchase"?: number | null; "name": string; "product_ids"?: Array<string> | null; "starts_at"?: string | null; "type": DiscountKind; "usage_limit"?: number | null; "value": number };
export type CreatePurchase = { "id"?: string | null; "lines": Array<PurchaseLineInput>; "note"?: string | null; "supplier_id": string; "warehouse_id": string };
/** The body of `POST /sales/{id}/refunds`. */
export type CreateRefund = { "items": Array<RefundItemInput>; "payments"?: Array<PaymentInput> | null; "reason": string; "restock"?: boolean | null };
/** Goods sent back to a supplier: from a purchase (never more than received minus returned), or on their own with a supplier and a warehouse. */
export type CreateReturn = { "id"?: string | null; "lines": Array<ReturnLineInput>; "purchase_id"?: string | null; "reason": string; "supplier_id"?: string | null; "warehouse_id"?: string | null };
/** A new custom role. */
export type CreateRole = { "description"?: string | null; "id"?: string | null; "name": string; "permissions": Array<string> };
export type CreateRoom = { "capacity": number; "facilities"?: Array<string> | null; "floor"?: string | null; "id"?: string | null; "name": string; "timezone"?: string | null };
export type CreateRoster = { "date": string; "employee_id": string; "id"?: string | null; "work_shift_id": string };
/** The body of `POST /sales`. */
export type CreateSale = { "customer_id"?: string | null; "discount"?: (null | DiscountInput); "id"?: string | null; "items": Array<ItemInput>; "note"?: string | null; "outlet_id": string; "payments": Array<PaymentInput>; "voucher_code"?: string | null };
export type CreateStation = { "category_ids": Array<string>; "id"?: string | null; "name": string; "outlet_id"?: string | null };
export type CreateSupplier = { "address"?: string | null; "contact_name"?: string | null; "email"?: string | null; "id"?: string | null; "is_active"?: boolean | null; "name": string; "notes"?: string | null; "phone"?: string | null };
export type CreateTable = { "hall_id"?: string | null; "id"?: string | null; "name": string; "outlet_id": string; "seats"?: number | null; "status"?: string | null };
export type CreateTableSession = { "expires_in_minutes"?: number | null; "table_id": string };
export type CreateTax = { "id"?: string | null; "inclusive"?: boolean | null; "is_active"?: boolean | null; "name": string; "rate_bps": number };
/** A new tenant. */
export type CreateTenant = { "allow_negative_stock"?: boolean | null; "cash_rounding"?: number | null; "currency"?: string | null; "id"?: string | null; "name": string; "owner": NewOwner; "prices_include_tax"?: boolean | null; "slug": string; "timezone"?: string | null };
export type CreateTransfer = { "from_warehouse_id": string; "id"?: string | null; "lines": Array<TransferLineInput>; "note"?: string | null; "to_warehouse_id": string };
/** A new user. */
export type CreateUser = { "email"?: string | null; "id"?: string | null; "is_active"?: boolean | null; "name": string; "outlet_ids"?: Array<string>; "password": string; "role": string; "username": string };
export type CreateVacancy = { "closing_date"?: string | null; "department"?: string | null; "description": string; "id"?: string | null; "location"?: string | null; "requirements"?: string | null; "salary"?: number | null; "slug"?: string | null; "status"?: string | null; "title": string; "type"?: string | null };
export type CreateVehicle = { "capacity"?: number | null; "id"?: string | null; "plate": string; "status"?: string | null; "type": string };
export type CreateVoucher = { "active"?: boolean | null; "code": string; "description"?: string | null; "discount_type": DiscountKind; "discount_value": number; "id"?: string | null; "max_discount"?: number | null; "min_purchase"?: number | null; "per_customer_limit"?: number | null; "usage_limit"?: number | null; "valid_from"?: string | null; "valid_until"?: string | null };
export type CreateWarehouse = { "id"?: string | null; "is_active"?: boolean | null; "name": string; "outlet_id"?: string | null };
export type CreateWorkShift = { "end_time": string; "grace_minutes"?: number | null; "id"?: string | null; "name": string; "start_time": string };
/** A new key. The secret is shown only here. */
export type CreatedApiKey = { "id": string; "key_id": string; "name": string; "permissions": Array<string>; "secret": string };
/** A customer of the tenant (shared by its outlets). */
export type Customer = { "address"?: string | null; "created_at": string; "email"?: string | null; "id": string; "name": string; "notes"?: string | null; "phone"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
/** The body of `POST /payments/checkout`. */
export type CustomerCheckout = { "amount"?: number | null; "description": string; "ewallet_type"?: (null | EwalletIn); "method": MethodIn; "order_id"?: string | null; "purpose": PurposeIn };
export type CustomerLogin = { "email"?: string | null; "password": string; "tenant": string; "username"?: string | null };
/** A customer's tokens. */
export type CustomerPair = { "access_token": string; "customer": Profile; "expires_in": number; "refresh_token": string; "token_type": string };
export type Deactivate = { "reason": string };
export type Deactivated = { "deactivated": boolean };
export type Decrease = { "amount": number; "description": string };
export type Deduction = { "amount": number; "created_at": string; "date": string; "employee_id": string; "id": string; "reason": string; "tenant_id": string; "updated_at": string; "version": number };
export type Deleted = { "deleted": boolean };
export type Department = { "created_at": string; "id": string; "name": string; "parent_id"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
/** A device of the tenant. */
export type Device = { "app_version"?: string | null; "created_at": string; "id": string; "is_active": boolean; "last_push_at"?: string | null; "last_seen_at"?: string | null; "license_id"?: string | null; "name": string; "outlet_id"?: string | null; "platform"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
export type DeviceKey = { "device_id": string; "license_key": string };
/** A discount as a client states it. */
export type DiscountInput = { "type": DiscountKind; "value": number };
export type DiscountKind = "percent" | "amount";
export type Driver = { "created_at": string; "id": string; "last_latitude"?: number | null; "last_location_at"?: string | null; "last_longitude"?: number | null; "license_expiry"?: string | null; "license_number": string; "name": string; "phone"?: string | null; "status": string; "tenant_id": string; "updated_at": string; "user_id": string; "vehicle_id"?: string | null; "vehicle_type"?: string | null; "version": number };
export type DropPoint = { "active": boolean; "address": string; "created_at": string; "id": string; "latitude": number; "longitude": number; "name": string; "opening_hours"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
export type EmailRegistered = { "registered": boolean };
export type Employee = { "code": string; "created_at": string; "department_id"?: string | null; "email"?: string | null; "id": string; "join_date"?: string | null; "manager_id"?: string | null; "name": string; "outlet_ids": Array<string>; "phone"?: string | null; "position_id"?: string | null; "status": string; "tenant_id": string; "updated_at": string; "user_id"?: string | null; "version": number };
/** A ledger row (`GET /customer/points`, `GET /customer/balance/history`). */
export type Entry = { "amount": number; "balance_after": number; "created_at": string; "description": string; "id": string; "reference_id"?: string | null; "reference_type"?: string | null; "type": string };
/** The error envelope. */
export type ErrorBody = { "code": "bad_request" | "validation_failed" | "unauthorized" | "forbidden" | "not_found" | "method_not_allowed" | "request_timeout" | "conflict" | "version_conflict" | "idempotency_in_progress" | "resync_required" | "payload_too_large" | "unsupported_media_type" | "idempotency_key_reused" | "amount_too_large" | "invalid_transition" | "shift_not_open" | "shift_already_open" | "shift_closed" | "insufficient_stock" | "payment_insufficient" | "payment_exceeds_total" | "refund_payment_mismatch" | "refund_exceeds_sale" | "voucher_invalid" | "voucher_used_up" | "no_cash_method" | "no_warehouse" | "default_warehouse" | "receive_exceeds_transfer" | "receive_exceeds_purchase" | "return_exceeds_purchase" | "category_cycle" | "category_has_children" | "role_in_use" | "cannot_delete_self" | "order_paid" | "split_mismatch" | "nothing_to_pay" | "table_session_closed" | "table_session_open" | "invalid_backup" | "license_device_limit" | "license_expired" | "license_revoked" | "license_required" | "account_not_verified" | "account_disabled" | "code_invalid" | "insufficient_balance" | "insufficient_points" | "payment_already_paid" | "gateway_not_configured" | "gateway_rejected" | "gateway_unavailable" | "outside_geofence" | "already_checked_in" | "not_checked_in" | "insufficient_leave_balance" | "overlapping_leave" | "asset_already_assigned" | "asset_not_assignable" | "room_unavailable" | "rate_limited" | "upgrade_required" | "internal" | "unavailable"; "errors"?: Array<FieldError>; "message": string; "success": boolean };
export type EwalletIn = "OVO" | "DANA" | "SHOPEEPAY" | "LINKAJA";
/** Money spent at an outlet; with a shift, paid from that shift's cash drawer. */
export type Expense = { "amount": number; "business_date": string; "category_id"?: string | null; "created_at": string; "id": string; "note"?: string | null; "outlet_id": string; "shift_id"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
/** What an expense was for (supplies, cleaning, transport…). */
export type ExpenseCategory = { "created_at": string; "id": string; "name": string; "tenant_id": string; "updated_at": string; "version": number };
/** A frequently asked question. */
export type Faq = { "answer": string; "created_at": string; "id": string; "is_active": boolean; "position": number; "question": string; "tenant_id": string; "updated_at": string; "version": number };
/** One field's problem. */
export type FieldError = { "field": string; "message": string; "row"?: number | null };
/** A stored file, as an upload answers. */
export type FileInfo = { "content_type": string; "id": string; "name": string; "purpose": string; "size": number; "thumbnail_url"?: string | null; "url": string };
export type Freelancer = { "created_at": string; "email"?: string | null; "hourly_rate": number; "id": string; "name": string; "portfolio"?: string | null; "skills": Array<string>; "tenant_id": string; "updated_at": string; "version": number };
/** A tenant's gateway as clients see it: the keys are write-only. */
export type GatewayView = { "base_url"?: string | null; "callback_path": string; "created_at": string; "has_callback_token": boolean; "has_secret_key": boolean; "id": string; "provider": string; "updated_at": string; "version": number };
export type GenerateLicense = { "expires_at"?: string | null; "max_devices": number; "plan": string; "tenant_id": string };
/** A new licence and its key, shown this once (only its hash is kept). */
export type Generated = (License & { "license_key": string });
/** What a device keeps to run offline. */
export type Grant = { "expires_at"?: string | null; "grace_until": string; "license_token": string; "next_verify_at": string };
export type GuestItem = { "modifiers"?: Array<string> | null; "note"?: string | null; "product_id": string; "quantity": number; "variant_id"?: string | null };
/** What a guest orders: items (no price overrides or discounts) and a note. */
export type GuestOrder = { "items": Array<GuestItem>; "note"?: string | null };
/** The body of `POST /guest/orders/{id}/pay-online`. */
export type GuestPay = { "ewallet_type"?: (null | EwalletIn); "method": MethodIn };
/** The table as a guest sees it. */
export type GuestTable = { "id": string; "name": string; "seats": number };
/** A room or area of an outlet (terrace, first floor). */
export type Hall = { "created_at": string; "id": string; "name": string; "outlet_id": string; "tenant_id": string; "updated_at": string; "version": number };
/** A status a payment went through, and what told us. */
export type HistoryEntry = { "created_at": string; "source": string; "status": string };
export type Holiday = { "created_at": string; "date": string; "id": string; "name": string; "tenant_id": string; "updated_at": string; "version": number };
/** Sales in one outlet-local hour of the day. */
export type HourAmount = { "hour": number; "sales_count": number; "total": number };
/** What an import did (or, in a dry run, would do). */
export type ImportReport = { "brands_created": number; "categories_created": number; "created": number; "dry_run": boolean; "error_count": number; "errors": Array<FieldError>; "unchanged": number; "updated": number };
/** What an import loaded. */
export type Imported = { "rows": number; "tables": number; "tenant_id": string };
/** One item a client wants to sell (or order). */
export type ItemInput = { "discount"?: (null | DiscountInput); "modifiers"?: Array<string> | null; "note"?: string | null; "product_id": string; "quantity": number; "unit_price"?: number | null; "variant_id"?: string | null };
/** A job as `GET /jobs` lists it. */
export type Job = { "attempts": number; "created_at": string; "finished_at"?: string | null; "id": string; "kind": string; "last_error"?: string | null; "max_attempts": number; "payload": Record<string, unknown>; "run_at": string; "status": string; "tenant_id"?: string | null; "updated_at": string };
export type LeaveRequest = { "created_at": string; "created_by"?: string | null; "days": number; "decided_at"?: string | null; "decided_by"?: string | null; "document_file_ids": Array<string>; "employee_id": string; "end_date": string; "id": string; "kind": string; "leave_type_id": string; "notes"?: string | null; "reason": string; "start_date": string; "status": string; "tenant_id": string; "updated_at": string; "version": number };
export type LeaveType = { "created_at": string; "days_per_year": number; "id": string; "kind": string; "name": string; "requires_document": boolean; "tenant_id": string; "updated_at": string; "version": number };
/** A licence as the platform operator and the tenant see it (never its key). */
export type License = { "active_devices": number; "created_at": string; "expires_at"?: string | null; "id": string; "key_hint": string; "max_devices": number; "plan": string; "revoked_at"?: string | null; "status": string; "tenant_id": string; "updated_at": string; "version": number };
/** A licence with its devices. */
export type LicenseDetail = (License & { "activations": Array<Activation> });
export type Location = { "created_at": string; "id": string; "latitude": number; "longitude": number; "name": string; "radius_m": number; "tenant_id": string; "updated_at": string; "version": number };
export type LoginRequest = { "password": string; "username": string };
export type LogoutResult = { "logged_out": boolean };
/** `GET /guest/menu`: the table, its outlet, the categories, and a page of active products. */
export type Menu = { "categories": Array<MenuCategory>; "currency": string; "outlet_id": string; "outlet_name": string; "page": number; "pay_online": boolean; "per_page": number; "products": Array<MenuItem>; "table": GuestTable; "total": number };
export type MenuCategory = { "id": string; "name": string; "parent_id"?: string | null };
/** A product on the guests' menu: what they may choose, at what price (no costs, no stock). */
export type MenuItem = { "category_id"?: string | null; "id": string; "image_url"?: string | null; "modifier_groups": Array<MenuModifierGroup>; "name": string; "price": number; "unit": string; "variants": Array<MenuVariant> };
export type MenuModifierGroup = { "id": string; "max_select": number; "min_select": number; "name": string; "options": Array<ModifierOption> };
export type MenuVariant = { "id": string; "name": string; "price": number };
export type MergeOrder = { "into_order_id": string };
/** A message as `GET /messages` lists it. */
export type Message = { "attempts": number; "body": string; "channel": string; "created_at": string; "data"?: Record<string, unknown> | null; "id": string; "last_error"?: string | null; "recipient": string; "sent_at"?: string | null; "status": string; "subject"?: string | null; "template"?: string | null; "tenant_id"?: string | null; "updated_at": string };
export type MethodIn = "invoice" | "ewallet" | "qris";
/** Takings of one payment method in a shift. */
export type MethodTotal = { "change": number; "name": string; "net": number; "payment_method_id": string; "refunds": number; "sales": number; "type": string };
/** A set of options a customer picks from, between `min_select` and `max_select` of them. */
export type ModifierGroup = { "created_at": string; "id": string; "max_select": number; "min_select": number; "name": string; "options": Array<ModifierOption>; "tenant_id": string; "updated_at": string; "version": number };
/** One choice in a modifier group (extra shot, oat milk). */
export type ModifierOption = { "id": string; "name": string; "price": number };
export type MoveOrder = { "table_id": string };
export type NewApproval = { "approver_ids": Array<string>; "category": string; "description"?: string | null; "file_ids": Array<string>; "id"?: string | null; "title": string };
export type NewBooking = { "attendee_ids"?: Array<string> | null; "date": string; "description"?: string | null; "end_time": string; "id"?: string | null; "room_id": string; "start_time": string; "title": string };
export type NewComment = { "comment": string; "internal"?: boolean };
/** The owner created with a tenant (role `super_admin`). */
export type NewOwner = { "email"?: string | null; "name": string; "password": string; "username": string };
export type NewPing = { "at"?: string | null; "latitude": number; "longitude": number };
export type NewProject = { "budget"?: number | null; "deadline"?: string | null; "description"?: string | null; "project_name": string };
export type NewReview = { "action": string; "feedback"?: string | null; "revision_notes"?: string | null };
export type NewTicket = { "assigned_to"?: string | null; "attachment_file_ids"?: Array<string> | null; "category"?: string | null; "description": string; "id"?: string | null; "priority"?: string | null; "title": string };
/** A marketing offer. */
export type Offer = { "created_at": string; "customer_id"?: string | null; "description"?: string | null; "id": string; "image_file_id"?: string | null; "is_active": boolean; "tenant_id": string; "title": string; "updated_at": string; "valid_until"?: string | null; "version": number };
export type OpenShift = { "note"?: string | null; "outlet_id": string; "start_cash": number };
/** An option as a client sends it; a new option may omit its id. */
export type OptionInput = { "id"?: string | null; "name": string; "price": number };
/** An order as the API serves it. */
export type Order = { "business_date": string; "created_at": string; "created_by"?: string | null; "id": string; "items": Array<OrderItem>; "note"?: string | null; "number": string; "outlet_id": string; "paid": boolean; "parts_paid": number; "source": string; "split_parts": number; "status": string; "table_id"?: string | null; "table_session_id"?: string | null; "tenant_id": string; "total_amount": number; "type": string; "updated_at": string; "version": number; "void_reason"?: string | null };
/** An order event: the order as `GET /orders/{id}` shows it, and what changed. */
export type OrderEvent = (Order & { "added"?: Array<OrderItem> | null; "from"?: string | null; "merged"?: string | null; "merged_into"?: string | null; "moved_from"?: string | null; "to"?: string | null });
/** One line of an order. */
export type OrderItem = { "created_at": string; "id": string; "modifiers": Array<SoldModifier>; "name": string; "note"?: string | null; "paid_quantity": number; "product_id": string; "quantity": number; "station_id"?: string | null; "total": number; "unit_price": number; "variant_id"?: string | null };
export type OrderKind = "dine_in" | "takeaway" | "delivery";
/** An outlet as the API serves it. */
export type Outlet = { "address"?: string | null; "code": string; "created_at": string; "id": string; "is_active": boolean; "name": string; "phone"?: string | null; "receipt_footer"?: string | null; "receipt_header"?: string | null; "tenant_id": string; "timezone": string; "updated_at": string; "version": number };
/** Stock at one outlet's default warehouse. */
export type OutletStock = { "outlet_id": string; "quantity": number; "warehouse_id": string };
/** A training, careers or departments page. */
export type Page = { "content": string; "created_at": string; "excerpt"?: string | null; "featured_file_id"?: string | null; "id": string; "kind": string; "published_at"?: string | null; "slug": string; "status": string; "tenant_id": string; "title": string; "updated_at": string; "version": number };
/** Where a list page is. Numbered pages (`?page=`) give `page`, `total` and `total_pages`; keyset pages (`?cursor=`) give `next_cursor` and `has_more` instead. */
export type Pagination = { "has_more"?: boolean | null; "next_cursor"?: string | null; "page"?: number | null; "per_page": number; "total"?: number | null; "total_exact"?: boolean | null; "total_pages"?: number | null };
export type PasswordChange = { "current_password": string; "new_password": string };
export type PasswordChanged = { "revoked_sessions": number };
export type PasswordReset = { "logins_ended": number; "reset": boolean };
/** The body of `POST /orders/{id}/pay`: a sale's payments (and its optional customer, discount, voucher and note), and what of the order it pays. */
export type PayOrder = { "customer_id"?: string | null; "discount"?: (null | DiscountInput); "id"?: string | null; "note"?: string | null; "payments": Array<PaymentInput>; "split"?: (null | Split); "voucher_code"?: string | null };
/** A payment through a gateway. */
export type Payment = { "amount": number; "attention"?: string | null; "checkout_url"?: string | null; "created_at": string; "customer_id"?: string | null; "description": string; "ewallet_type"?: string | null; "expires_at": string; "external_id": string; "gateway_ref"?: string | null; "id": string; "invoice_url"?: string | null; "method": string; "order_id"?: string | null; "outlet_id"?: string | null; "paid_at"?: string | null; "provider": string; "purpose": string; "qr_string"?: string | null; "sale_id"?: string | null; "status": string; "table_session_id"?: string | null; "updated_at": string; "version": number };
/** A payment with its status history. */
export type PaymentDetail = (Payment & { "history": Array<HistoryEntry> });
/** `PAYMENT_STATUS_CHANGED`: a gateway payment moved to `status`. */
export type PaymentEvent = { "amount": number; "id": string; "method": string; "order_id"?: string | null; "outlet_id"?: string | null; "paid_at"?: string | null; "purpose": string; "sale_id"?: string | null; "status": string };
/** A payment as a client states it. */
export type PaymentInput = { "amount": number; "payment_method_id": string; "reference"?: string | null };
/** A way to pay (Cash, a card terminal, QRIS…). */
export type PaymentMethod = { "created_at": string; "id": string; "is_active": boolean; "name": string; "tenant_id": string; "type": string; "updated_at": string; "version": number };
export type Payout = { "account_holder_name": string; "account_number": string; "amount": number; "bank_code": string; "created_at": string; "created_by"?: string | null; "description": string; "external_id": string; "failure_code"?: string | null; "gateway_ref"?: string | null; "id": string; "provider": string; "status": string; "updated_at": string; "version": number };
/** A period of a room's day. */
export type Period = { "booked_by"?: string | null; "booking_id"?: string | null; "end_time": string; "start_time": string; "title"?: string | null };
/** One permission string and what it allows. */
export type PermissionInfo = { "builtin_roles": Array<string>; "description": string; "name": string };
export type Permit = { "created_at": string; "created_by"?: string | null; "date": string; "decided_at"?: string | null; "decided_by"?: string | null; "employee_id": string; "end_time": string; "id": string; "notes"?: string | null; "reason": string; "start_time": string; "status": string; "tenant_id": string; "type": string; "updated_at": string; "version": number };
/** One position a driver's device reported. */
export type Ping = { "at": string; "driver_id": string; "id": string; "latitude": number; "longitude": number; "received_at": string };
export type Pong = { "pong": boolean };
export type Position = { "created_at": string; "department_id"?: string | null; "id": string; "name": string; "tenant_id": string; "updated_at": string; "version": number };
export type Post = { "categories": Array<string>; "content": string; "created_at": string; "excerpt"?: string | null; "featured_file_id"?: string | null; "id": string; "published_at"?: string | null; "slug": string; "status": string; "tags": Array<string>; "tenant_id": string; "title": string; "updated_at": string; "version": number };
/** A product as the API serves it. */
export type Product = { "barcodes": Array<string>; "brand_id"?: string | null; "category_id"?: string | null; "cost": number; "created_at": string; "id": string; "image_url"?: string | null; "is_active": boolean; "low_stock_threshold"?: number | null; "modifier_group_ids": Array<string>; "name": string; "price": number; "sku": string; "tax_id"?: string | null; "tenant_id": string; "track_stock": boolean; "unit": string; "updated_at": string; "variants": Array<Variant>; "version": number };
/** A best-selling product. */
export type ProductAmount = { "name": string; "product_id": string; "quantity": number; "total": number };
/** A product found by a scanned code. */
export type ProductLookup = (Product & { "stock"?: (null | OutletStock); "variant"?: (null | Variant); "variant_id"?: string | null });
/** The account as the app shows it (`GET /customer/profile`). */
export type Profile = { "balance": number; "created_at": string; "email": string; "full_name": string; "id": string; "phone_number"?: string | null; "points": number; "profile_image_url"?: string | null; "referral_code": string; "status": string; "username": string };
export type ProfilePatch = { "email"?: string | null; "full_name"?: string | null; "phone_number"?: string | null };
export type Project = { "budget": number; "created_at": string; "deadline"?: string | null; "description"?: string | null; "freelancer_id": string; "id": string; "project_name": string; "status": string; "tenant_id": string; "updated_at": string; "version": number };
/** A discount that applies by itself to sales that qualify. */
export type Promotion = { "auto_apply": boolean; "category_ids": Array<string>; "created_at": string; "ends_at"?: string | null; "id": string; "is_active": boolean; "max_discount"?: number | null; "min_purchase": number; "name": string; "product_ids": Array<string>; "starts_at"?: string | null; "tenant_id": string; "type": string; "updated_at": string; "usage_count": number; "usage_limit"?: number | null; "value": number; "version": number };
export type ProviderIn = "xendit";
export type PublicKey = { "alg": string; "jwk": Record<string, unknown>; "kid": string; "public_key_pem": string };
export type PullResult = { "changes": Array<SyncChange>; "cursor": string; "has_more": boolean };
/** The body of `POST /attendance/check-in` and `/attendance/check-out`. */
export type PunchBody = { "at"?: string | null; "employee_id"?: string | null; "latitude": number; "longitude": number; "photo_file_id"?: string | null };
export type Purchase = { "created_at": string; "id": string; "lines": Array<PurchaseLine>; "note"?: string | null; "ordered_at"?: string | null; "outlet_id"?: string | null; "received_at"?: string | null; "status": string; "supplier_id": string; "tenant_id": string; "total_cost": number; "updated_at": string; "version": number; "warehouse_id": string };
/** Order or cancel. */
export type PurchaseAct = { "version"?: number | null };
/** One line of a purchase. */
export type PurchaseLine = { "product_id": string; "quantity": number; "received_quantity": number; "returned_quantity": number; "unit_cost": number; "variant_id"?: string | null };
export type PurchaseLineInput = { "product_id": string; "quantity": number; "unit_cost": number; "variant_id"?: string | null };
export type PurchaseReturn = { "created_at": string; "id": string; "lines": Array<ReturnLine>; "outlet_id"?: string | null; "purchase_id"?: string | null; "reason": string; "supplier_id": string; "tenant_id": string; "total_cost": number; "updated_at": string; "version": number; "warehouse_id": string };
export type PurposeIn = "topup" | "order";
/** The body of `POST /sync/push`. */
export type PushBody = { "changes": Array<PushChange>; "device_id": string };
/** One change a device made. */
export type PushChange = { "base_version"?: number | null; "client_change_id": string; "data"?: Record<string, unknown> | null; "entity": string; "id": string; "op": PushOp };
/** Why a change was rejected, as the online endpoint's error body would say. */
export type PushError = { "code": string; "errors": Array<FieldError>; "message": string };
export type PushOp = "create" | "update" | "delete";
export type PushQueued = { "customers": number; "queued": number };
export type PushResponse = { "results": Array<PushResult> };
export type PushResult = { "client_change_id": string; "conflict_id"?: string | null; "error"?: (null | PushError); "server_data"?: Record<string, unknown> | null; "status": PushStatus; "version"?: number | null };
export type PushSend = { "all"?: boolean | null; "body": string; "customer_ids"?: Array<string> | null; "data"?: Record<string, unknown> | null; "title": string };
/** What became of a change. Every status is an acknowledgement: do not send the change again. */
export type PushStatus = "applied" | "duplicate" | "conflict" | "rejected";
export type PushToken = { "device_type": string; "token": string };
export type PushTokenSaved = { "registered": boolean };
/** The body of `POST /payment-gateways`: sets (or replaces) the provider's settings. */
export type PutGateway = { "base_url"?: string | null; "callback_token": string; "provider": ProviderIn; "secret_key": string };
/** What arrived of one product/variant, in a receipt of a transfer or a purchase. */
export type ReceiptLine = { "product_id": string; "quantity": number; "variant_id"?: string | null };
/** A receipt. Without `lines`, everything still outstanding arrives. */
export type ReceivePurchase = { "lines"?: Array<ReceiptLine> | null; "version"?: number | null };
/** A receipt: what arrived. Without `lines`, everything still outstanding arrives. */
export type ReceiveTransfer = { "lines"?: Array<ReceiptLine> | null; "version"?: number | null };
/** What a callback did. */
export type Received = { "id": string; "kind": string; "received": boolean; "status": string };
export type Redeem = { "points": number };
export type RedeemVoucher = { "code": string };
export type Redeemed = { "balance": number; "credited": number; "points": number };
/** A voucher as the customer used it. */
export type Redemption = { "code": string; "discount_type": string; "discount_value": number; "redeemed": boolean; "redemptions": number; "remaining"?: number | null; "voucher_id": string };
/** A referral as its referrer sees it. */
export type Referral = { "completed_at"?: string | null; "created_at": string; "id": string; "referee_username": string; "reward_points": number; "status": string };
export type ReferralStats = { "completed_referrals": number; "pending_referrals": number; "referral_code": string; "total_earned_points": number; "total_referrals": number };
export type RefreshRequest = { "refresh_token": string };
/** A refund as the API serves it. */
export type Refund = { "business_date": string; "cashier_id"?: string | null; "created_at": string; "discount_total": number; "gross": number; "id": string; "items": Array<RefundItem>; "outlet_id": string; "payments": Array<RefundPayment>; "reason": string; "restock": boolean; "rounding": number; "sale_id": string; "shift_id"?: string | null; "tax_total": number; "tenant_id": string; "total": number; "updated_at": string; "version": number };
/** An item of a refund. */
export type RefundItem = { "discount_total": number; "gross": number; "id": string; "product_id": string; "quantity": number; "sale_item_id": string; "tax_total": number; "total": number; "variant_id"?: string | null };
/** One item and quantity to refund. */
export type RefundItemInput = { "quantity": number; "sale_item_id": string };
/** Money paid back for a refund. */
export type RefundPayment = { "amount": number; "id": string; "name": string; "payment_method_id": string; "reference"?: string | null; "type": string };
export type Reopen = { "reason"?: string | null };
/** The monthly report. */
export type Report = { "from": string; "month": number; "rows": Array<ReportRow>; "to": string; "year": number };
/** One employee's month in the report. */
export type ReportRow = { "absent_days": number; "code": string; "department_id"?: string | null; "employee_id": string; "late_days": number; "leave_days": number; "name": string; "present_days": number; "worked_minutes": number };
export type ResendRequest = { "verification_token": string };
export type ResetPassword = { "new_password": string; "token": string };
export type ResetRequest = { "email": string; "tenant": string };
/** The answer to a reset request, the same whether or not the email has an account. */
export type ResetRequested = { "requested": boolean };
export type Resolution = "server" | "client" | "merge";
/** The body of `POST /sync/conflicts/{id}/resolve`. */
export type Resolve = { "data"?: Record<string, unknown> | null; "resolution": Resolution };
/** A conflict after its resolution, with the record as written. */
export type Resolved = (Conflict & { "record"?: Record<string, unknown> | null });
export type Return = { "condition"?: string | null; "date"?: string | null; "notes"?: string | null };
/** One line of a purchase return. */
export type ReturnLine = { "product_id": string; "quantity": number; "unit_cost": number; "variant_id"?: string | null };
export type ReturnLineInput = { "product_id": string; "quantity": number; "unit_cost"?: number | null; "variant_id"?: string | null };
export type Revision = { "file_ids": Array<string>; "notes"?: string | null };
/** A custom role. */
export type Role = { "created_at": string; "description"?: string | null; "id": string; "name": string; "permissions": Array<string>; "tenant_id": string; "updated_at": string; "version": number };
export type Room = { "capacity": number; "created_at": string; "facilities": Array<string>; "floor"?: string | null; "id": string; "name": string; "tenant_id": string; "timezone": string; "updated_at": string; "version": number };
export type Roster = { "created_at": string; "date": string; "employee_id": string; "id": string; "tenant_id": string; "updated_at": string; "version": number; "work_shift_id": string };
/** A sale as the API serves it. */
export type Sale = { "business_date": string; "cashier_id": string; "change": number; "created_at": string; "customer_id"?: string | null; "discount_total": number; "discounts": Array<SaleDiscount>; "id": string; "items": Array<SaleItem>; "note"?: string | null; "number": string; "offline": boolean; "order_id"?: string | null; "outlet_id": string; "paid": number; "payments": Array<SalePayment>; "refunded_total": number; "rounding": number; "shift_id": string; "status": string; "stock_negative": boolean; "subtotal": number; "tax_total": number; "tenant_id": string; "total": number; "updated_at": string; "version": number; "void_reason"?: string | null; "voided_at"?: string | null; "voided_by"?: string | null; "voucher_code"?: string | null };
/** An order-level discount as applied: a promotion, the order discount or a voucher. */
export type SaleDiscount = { "amount": number; "name": string; "source": string; "source_id"?: string | null };
/** A sale event: the sale's id, number and totals, and what the event adds. */
export type SaleEvent = { "business_date"?: string | null; "cashier_id"?: string | null; "id": string; "number": string; "reason"?: string | null; "refund_id"?: string | null; "refund_total"?: number | null; "refunded_total": number; "sale_id": string; "shift_id"?: string | null; "status": string; "total": number };
/** One line of a sale. */
export type SaleItem = { "discount_total": number; "gross": number; "id": string; "modifiers": Array<SoldModifier>; "name": string; "note"?: string | null; "product_id": string; "quantity": number; "refunded_quantity": number; "sku": string; "tax_inclusive": boolean; "tax_rate_bps": number; "tax_total": number; "total": number; "unit_price": number; "variant_id"?: string | null };
/** A payment towards a sale. */
export type SalePayment = { "amount": number; "id": string; "name": string; "payment_method_id": string; "reference"?: string | null; "type": string };
/** The body of `POST /sys/payments/checkout`: a payment for a customer account, named by id or username. */
export type ServiceCheckout = { "amount": number; "customer_id"?: string | null; "description": string; "ewallet_type"?: (null | EwalletIn); "method"?: (null | MethodIn); "purpose"?: (null | ServicePurposeIn); "username"?: string | null };
export type ServicePurposeIn = "topup" | "charge";
export type ServiceRedeem = { "code": string; "customer_id"?: string | null; "username"?: string | null };
/** What `POST /table-sessions/validate` tells a guest's device. */
export type SessionValidity = { "expires_at"?: string | null; "outlet_id"?: string | null; "session_id"?: string | null; "table"?: (null | GuestTable); "valid": boolean };
export type SetStatus = { "reason"?: string | null; "status": string };
/** A cashier's shift at an outlet. */
export type Shift = { "business_date": string; "cash_difference"?: number | null; "closed_at"?: string | null; "closed_by"?: string | null; "created_at": string; "end_cash"?: number | null; "expected_cash"?: number | null; "id": string; "note"?: string | null; "opened_at": string; "outlet_id": string; "report"?: (null | ShiftReport); "start_cash": number; "status": string; "tenant_id": string; "updated_at": string; "user_id": string; "version": number };
/** A shift event. */
export type ShiftEvent = { "cash_difference"?: number | null; "expected_cash"?: number | null; "id": string; "shift_id": string; "status": string; "user_id": string };
/** A shift's figures: `GET /shifts/{id}/report`, and frozen into the shift when it closes. */
export type ShiftReport = { "by_payment_method": Array<MethodTotal>; "cash": CashSummary; "cash_difference"?: number | null; "discount_total": number; "end_cash"?: number | null; "expected_cash": number; "expense_total": number; "gross_sales": number; "net_sales": number; "refund_count": number; "refund_total": number; "rounding_total": number; "sales_count": number; "sales_total": number; "shift_id": string; "status": string; "tax_total": number; "void_count": number; "void_total": number };
export type SignupRequest = { "email": string; "full_name": string; "mode": string; "password": string; "phone_number"?: string | null; "referral_code"?: string | null; "tenant": string; "username": string };
export type Skipped = { "employee_id": string; "reason": string };
/** A modifier option as sold with an item. */
export type SoldModifier = { "group_id": string; "id": string; "name": string; "price": number };
/** A split bill: this sale pays some items, or the next of `parts` equal parts. Give one of the two. */
export type Split = { "items"?: Array<SplitItem> | null; "parts"?: number | null };
export type SplitItem = { "order_item_id": string; "quantity": number };
/** A kitchen station (bar, grill): it prepares the items of its categories. */
export type Station = { "category_ids": Array<string>; "created_at": string; "id": string; "name": string; "outlet_id"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
/** A stock level as `GET /stock` serves it. */
export type StockLevel = { "low_stock_threshold"?: number | null; "product_id": string; "quantity": number; "updated_at": string; "variant_id"?: string | null; "warehouse_id": string };
/** `STOCK_LOW`: a level fell below its product's threshold. */
export type StockLowEvent = { "id": string; "low_stock_threshold": number; "name": string; "product_id": string; "quantity": number; "variant_id"?: string | null; "warehouse_id": string };
/** A movement as `GET /stock/movements` serves it. */
export type StockMovement = { "actor_id"?: string | null; "created_at": string; "id": string; "note"?: string | null; "product_id": string; "quantity_delta": number; "reference_id"?: string | null; "reference_type"?: string | null; "type": string; "unit_cost"?: number | null; "variant_id"?: string | null; "warehouse_id": string };
/** `STOCK_NEGATIVE`: a sale (an offline one, or at an outlet that allows it) took a level below zero. */
export type StockNegativeEvent = { "id": string; "product_id": string; "quantity": number; "variant_id"?: string | null; "warehouse_id": string };
/** A transfer. */
export type StockTransfer = { "created_at": string; "from_outlet_id"?: string | null; "from_warehouse_id": string; "id": string; "lines": Array<TransferLine>; "note"?: string | null; "received_at"?: string | null; "sent_at"?: string | null; "status": string; "tenant_id": string; "to_outlet_id"?: string | null; "to_warehouse_id": string; "updated_at": string; "version": number };
/** `GET /dashboard/summary`. */
export type Summary = { "average_sale": number; "by_hour": Array<HourAmount>; "by_payment_method": Array<MethodTotal>; "discount_total": number; "from": string; "gross_sales": number; "net_sales": number; "refund_count": number; "refund_total": number; "sales_count": number; "tax_total": number; "to": string; "top_products": Array<ProductAmount>; "void_count": number; "void_total": number };
export type Supplier = { "address"?: string | null; "contact_name"?: string | null; "created_at": string; "email"?: string | null; "id": string; "is_active": boolean; "name": string; "notes"?: string | null; "phone"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
/** One change. */
export type SyncChange = { "data": unknown; "entity": string; "id": string; "op": string; "updated_at": string; "version": number };
/** `SYNC_CHANGES`: the change feed has grown; pull from your cursor (this one is the newest). */
export type SyncChangesEvent = { "cursor": string };
/** A table guests sit at. */
export type Table = { "created_at": string; "hall_id"?: string | null; "id": string; "name": string; "outlet_id": string; "seats": number; "status": string; "tenant_id": string; "updated_at": string; "version": number };
/** `TABLE_UPDATED`: a table's status changed. */
export type TableEvent = { "id": string; "name": string; "status": string; "table_id": string };
/** A table's ordering session: its token, in the table's QR code, lets guests order there. */
export type TableSession = { "closed_at"?: string | null; "created_at": string; "expires_at": string; "id": string; "opened_by"?: string | null; "outlet_id": string; "status": string; "table_id": string; "tenant_id": string; "token": string; "updated_at": string; "version": number };
/** A tax rate. */
export type Tax = { "created_at": string; "id": string; "inclusive": boolean; "is_active": boolean; "name": string; "rate_bps": number; "tenant_id": string; "updated_at": string; "version": number };
/** A temporary file: served once at `url`, deleted then or at `expires_at`. */
export type TempInfo = { "expires_at": string; "name": string; "url": string };
/** A tenant and its settings. */
export type Tenant = { "allow_negative_stock": boolean; "attendance_photo_required": boolean; "cash_rounding": number; "created_at": string; "currency": string; "id": string; "is_active": boolean; "name": string; "points_earn_per": number; "points_redeem_rate": number; "prices_include_tax": boolean; "referral_reward_points": number; "require_license": boolean; "slug": string; "timezone": string; "updated_at": string; "version": number };
/** A created tenant and its owner. */
export type TenantCreated = (Tenant & { "owner": User });
export type Ticket = { "assigned_to"?: string | null; "attachment_file_ids": Array<string>; "category"?: string | null; "closed_at"?: string | null; "created_at": string; "description": string; "id": string; "priority": string; "reporter_id": string; "resolution"?: string | null; "resolved_at"?: string | null; "satisfaction"?: number | null; "status": string; "tenant_id": string; "title": string; "updated_at": string; "version": number };
export type TicketChange = { "assigned_to"?: string | null; "attachment_file_ids"?: Array<string> | null; "category"?: string | null; "description"?: string | null; "priority"?: string | null; "status"?: string | null; "title"?: string | null; "version"?: number | null };
/** `TICKET_CREATED`, `TICKET_UPDATED`, `TICKET_COMMENTED`: the ticket as `GET /tickets/{id}` shows it, and the comment just added. */
export type TicketEvent = (Ticket & { "comment"?: (null | Comment); "from"?: string | null });
/** A token pair. */
export type TokenPair = { "access_token": string; "expires_in": number; "refresh_token": string; "token_type": string; "user": AuthUser };
/** Send or cancel. */
export type TransferAct = { "version"?: number | null };
/** One product line of a transfer. */
export type TransferLine = { "product_id": string; "quantity": number; "received_quantity": number; "variant_id"?: string | null };
export type TransferLineInput = { "product_id": string; "quantity": number; "variant_id"?: string | null };
export type UpdateAd = { "active"?: boolean | null; "end_date"?: string | null; "image_file_id"?: string | null; "link"?: string | null; "placement"?: string | null; "start_date"?: string | null; "title"?: string | null; "version"?: number | null };
export type UpdateAdvance = { "amount"?: number | null; "date"?: string | null; "note"?: string | null; "version"?: number | null };
export type UpdateAsset = { "asset_code"?: string | null; "category_id"?: string | null; "location"?: string | null; "name"?: string | null; "purchase_date"?: string | null; "serial_number"?: string | null; "status"?: string | null; "value"?: number | null; "version"?: number | null };
export type UpdateAssetCategory = { "description"?: string | null; "name"?: string | null; "version"?: number | null };
export type UpdateBrand = { "name"?: string | null; "version"?: number | null };
export type UpdateCategory = { "is_active"?: boolean | null; "name"?: string | null; "parent_id"?: string | null; "sort_order"?: number | null; "version"?: number | null };
export type UpdateCustomer = { "address"?: string | null; "email"?: string | null; "name"?: string | null; "notes"?: string | null; "phone"?: string | null; "version"?: number | null };
export type UpdateDeduction = { "amount"?: number | null; "date"?: string | null; "reason"?: string | null; "version"?: number | null };
export type UpdateDepartment = { "name"?: string | null; "parent_id"?: string | null; "version"?: number | null };
export type UpdateDevice = { "app_version"?: string | null; "is_active"?: boolean | null; "name"?: string | null; "outlet_id"?: string | null; "platform"?: string | null; "version"?: number | null };
export type UpdateDriver = { "license_expiry"?: string | null; "license_number"?: string | null; "name"?: string | null; "password"?: string | null; "phone"?: string | null; "status"?: string | null; "vehicle_id"?: string | null; "vehicle_type"?: string | null; "version"?: number | null };
export type UpdateDropPoint = { "active"?: boolean | null; "address"?: string | null; "latitude"?: number | null; "longitude"?: number | null; "name"?: string | null; "opening_hours"?: string | null; "version"?: number | null };
export type UpdateEmployee = { "code"?: string | null; "department_id"?: string | null; "email"?: string | null; "join_date"?: string | null; "manager_id"?: string | null; "name"?: string | null; "outlet_ids"?: Array<string> | null; "phone"?: string | null; "position_id"?: string | null; "status"?: string | null; "user_id"?: string | null; "version"?: number | null };
export type UpdateExpense = { "amount"?: number | null; "category_id"?: string | null; "note"?: string | null; "version"?: number | null };
export type UpdateExpenseCategory = { "name"?: string | null; "version"?: number | null };
export type UpdateFaq = { "answer"?: string | null; "is_active"?: boolean | null; "position"?: number | null; "question"?: string | null; "version"?: number | null };
export type UpdateFreelancer = { "email"?: string | null; "hourly_rate"?: number | null; "name"?: string | null; "portfolio"?: string | null; "skills"?: Array<string> | null; "version"?: number | null };
export type UpdateHall = { "name"?: string | null; "version"?: number | null };
export type UpdateHoliday = { "date"?: string | null; "name"?: string | null; "version"?: number | null };
export type UpdateLeaveType = { "days_per_year"?: number | null; "name"?: string | null; "requires_document"?: boolean | null; "version"?: number | null };
export type UpdateLocation = { "latitude"?: number | null; "longitude"?: number | null; "name"?: string | null; "radius_m"?: number | null; "version"?: number | null };
export type UpdateModifierGroup = { "max_select"?: number | null; "min_select"?: number | null; "name"?: string | null; "options"?: Array<OptionInput> | null; "version"?: number | null };
export type UpdateOffer = { "customer_id"?: string | null; "description"?: string | null; "image_file_id"?: string | null; "is_active"?: boolean | null; "title"?: string | null; "valid_until"?: string | null; "version"?: number | null };
/** Changes to an outlet; absent fields stay as they are, `null` clears optional ones. */
export type UpdateOutlet = { "address"?: string | null; "code"?: string | null; "is_active"?: boolean | null; "name"?: string | null; "phone"?: string | null; "receipt_footer"?: string | null; "receipt_header"?: string | null; "timezone"?: string | null; "version"?: number | null };
export type UpdatePage = { "content"?: string | null; "excerpt"?: string | null; "featured_file_id"?: string | null; "slug"?: string | null; "status"?: string | null; "title"?: string | null; "version"?: number | null };
export type UpdatePaymentMethod = { "is_active"?: boolean | null; "name"?: string | null; "type"?: string | null; "version"?: number | null };
export type UpdatePosition = { "department_id"?: string | null; "name"?: string | null; "version"?: number | null };
export type UpdatePost = { "categories"?: Array<string> | null; "content"?: string | null; "excerpt"?: string | null; "featured_file_id"?: string | null; "slug"?: string | null; "status"?: string | null; "tags"?: Array<string> | null; "title"?: string | null; "version"?: number | null };
/** Changes to a product. `variants`, `barcodes` and `modifier_group_ids` replace the lists. */
export type UpdateProduct = { "barcodes"?: Array<string> | null; "brand_id"?: string | null; "category_id"?: string | null; "cost"?: number | null; "is_active"?: boolean | null; "low_stock_threshold"?: number | null; "modifier_group_ids"?: Array<string> | null; "name"?: string | null; "price"?: number | null; "sku"?: string | null; "tax_id"?: string | null; "track_stock"?: boolean | null; "unit"?: string | null; "variants"?: Array<VariantInput> | null; "version"?: number | null };
export type UpdatePromotion = { "auto_apply"?: boolean | null; "category_ids"?: Array<string> | null; "ends_at"?: string | null; "is_active"?: boolean | null; "max_discount"?: number | null; "min_purchase"?: number | null; "name"?: string | null; "product_ids"?: Array<string> | null; "starts_at"?: string | null; "type"?: (null | DiscountKind); "usage_limit"?: number | null; "value"?: number | null; "version"?: number | null };
/** Changes to a draft purchase. */
export type UpdatePurchase = { "lines"?: Array<PurchaseLineInput> | null; "note"?: string | null; "supplier_id"?: string | null; "version"?: number | null; "warehouse_id"?: string | null };
/** Changes to a custom role. */
export type UpdateRole = { "description"?: string | null; "name"?: string | null; "permissions"?: Array<string> | null; "version"?: number | null };
export type UpdateRoom = { "capacity"?: number | null; "facilities"?: Array<string> | null; "floor"?: string | null; "name"?: string | null; "timezone"?: string | null; "version"?: number | null };
export type UpdateRoster = { "version"?: number | null; "work_shift_id"?: string | null };
export type UpdateStation = { "category_ids"?: Array<string> | null; "name"?: string | null; "version"?: number | null };
export type UpdateSupplier = { "address"?: string | null; "contact_name"?: string | null; "email"?: string | null; "is_active"?: boolean | null; "name"?: string | null; "notes"?: string | null; "phone"?: string | null; "version"?: number | null };
export type UpdateTable = { "hall_id"?: string | null; "name"?: string | null; "seats"?: number | null; "status"?: string | null; "version"?: number | null };
export type UpdateTax = { "inclusive"?: boolean | null; "is_active"?: boolean | null; "name"?: string | null; "rate_bps"?: number | null; "version"?: number | null };
/** Changes to a tenant's settings. `is_active` is for the platform operator only. */
export type UpdateTenant = { "allow_negative_stock"?: boolean | null; "attendance_photo_required"?: boolean | null; "cash_rounding"?: number | null; "currency"?: string | null; "is_active"?: boolean | null; "name"?: string | null; "points_earn_per"?: number | null; "points_redeem_rate"?: number | null; "prices_include_tax"?: boolean | null; "referral_reward_points"?: number | null; "require_license"?: boolean | null; "timezone"?: string | null; "version"?: number | null };
/** Changes to a user. */
export type UpdateUser = { "email"?: string | null; "is_active"?: boolean | null; "name"?: string | null; "outlet_ids"?: Array<string> | null; "password"?: string | null; "role"?: string | null; "username"?: string | null; "version"?: number | null };
export type UpdateVacancy = { "closing_date"?: string | null; "department"?: string | null; "description"?: string | null; "location"?: string | null; "requirements"?: string | null; "salary"?: number | null; "slug"?: string | null; "status"?: string | null; "title"?: string | null; "type"?: string | null; "version"?: number | null };
export type UpdateVehicle = { "capacity"?: number | null; "plate"?: string | null; "status"?: string | null; "type"?: string | null; "version"?: number | null };
export type UpdateVoucher = { "active"?: boolean | null; "description"?: string | null; "discount_type"?: (null | DiscountKind); "discount_value"?: number | null; "max_discount"?: number | null; "min_purchase"?: number | null; "per_customer_limit"?: number | null; "usage_limit"?: number | null; "valid_from"?: string | null; "valid_until"?: string | null; "version"?: number | null };
export type UpdateWarehouse = { "is_active"?: boolean | null; "name"?: string | null; "version"?: number | null };
export type UpdateWorkShift = { "end_time"?: string | null; "grace_minutes"?: number | null; "name"?: string | null; "start_time"?: string | null; "version"?: number | null };
/** A user as the API serves it: never the password hash. */
export type User = { "created_at": string; "email"?: string | null; "id": string; "is_active": boolean; "name": string; "outlet_ids": Array<string>; "role": string; "tenant_id"?: string | null; "updated_at": string; "username": string; "version": number };
export type Vacancy = { "closing_date"?: string | null; "created_at": string; "department"?: string | null; "description": string; "id": string; "location"?: string | null; "requirements"?: string | null; "salary"?: number | null; "slug": string; "status": string; "tenant_id": string; "title": string; "type": string; "updated_at": string; "version": number };
export type ValidateSession = { "token": string };
export type ValidateVoucher = { "code": string; "order_amount": number; "outlet_id"?: string | null };
export type Value = unknown;
/** A variant of a product (a size, a colour). Price and cost fall back to the product's. */
export type Variant = { "barcodes": Array<string>; "cost"?: number | null; "id": string; "name": string; "price"?: number | null; "sku": string };
/** A variant as a client sends it; a new variant may omit its id. */
export type VariantInput = { "barcodes"?: Array<string>; "cost"?: number | null; "id"?: string | null; "name": string; "price"?: number | null; "sku": string };
export type Vec = Array<{ "discount_total": number; "gross_sales": number; "key"?: string | null; "label": string; "net_sales": number; "quantity"?: number | null; "refund_total": number; "sales_count": number; "tax_total": number; "total": number }>;
export type Vehicle = { "capacity": number; "created_at": string; "id": string; "plate": string; "status": string; "tenant_id": string; "type": string; "updated_at": string; "version": number };
/** How the new account is to be verified. */
export type Verification = { "customer_id": string; "verification": string; "verification_token": string };
export type Verified = { "verified": boolean };
export type VerifyRequest = { "otp": string; "verification_token": string };
/** What `/auth/verify` answers: `user` for staff, `customer` for a customer of the shop's app. */
export type VerifyResult = ({ "user": AuthUser; "valid": boolean } | { "customer": Profile; "valid": boolean });
/** The body of `POST /sales/{id}/void`. */
export type VoidSale = { "reason": string };
/** A code a customer presents for a discount. */
export type Voucher = { "active": boolean; "code": string; "created_at": string; "description"?: string | null; "discount_type": string; "discount_value": number; "id": string; "max_discount"?: number | null; "min_purchase": number; "per_customer_limit"?: number | null; "tenant_id": string; "updated_at": string; "usage_count": number; "usage_limit"?: number | null; "valid_from"?: string | null; "valid_until"?: string | null; "version": number };
/** Whether a voucher would apply, and what it would take off. */
export type VoucherCheck = { "discount": number; "final_amount": number; "message": string; "valid": boolean };
/** A warehouse. */
export type Warehouse = { "created_at": string; "id": string; "is_active": boolean; "is_default": boolean; "name": string; "outlet_id"?: string | null; "tenant_id": string; "updated_at": string; "version": number };
export type WorkShift = { "created_at": string; "end_time": string; "grace_minutes": number; "id": string; "name": string; "start_time": string; "tenant_id": string; "updated_at": string; "version": number };

/** List API keys */
export declare function getApiKeys(o?: Call<{  }, {  }, never>): Promise<Array<ApiKey>>;

/** Create an API key (the secret is shown once) */
export declare function postApiKeys(o?: Call<{  }, {  }, CreateApiKey>): Promise<CreatedApiKey>;

/** Revoke an API key */
export declare function deleteApiKeysId(o: Call<{ "id": string }, {  }, never>): Promise<Deleted>;

/** List asset_categorys */
export declare function getAssetCategories(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" }, never>): Promise<Array<AssetCategory>>;

/** Create a asset_category */
export declare function postAssetCategories(o?: Call<{  }, {  }, CreateAssetCategory>): Promise<AssetCategory>;

/** Delete a asset_category */
export declare function deleteAssetCategoriesId(o: Call<{ "id": string }, {  }, never>): Promise<AssetCategory>;

/** Get a asset_category */
export declare function getAssetCategoriesId(o: Call<{ "id": string }, {  }, never>): Promise<AssetCategory>;

/** Change a asset_category */
export declare function patchAssetCategoriesId(o: Call<{ "id": string }, {  }, UpdateAssetCategory>): Promise<AssetCategory>;

/** List assets */
export declare function getAssets(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "asset_code" | "-asset_code" | "name" | "-name" | "purchase_date" | "-purchase_date" | "value" | "-value" | "status" | "-status"; "category_id"?: string; "status"?: string; "location"?: string; "assigned_to"?: string }, never>): Promise<Array<Asset>>;

/** Create a asset */
export declare function postAssets(o?: Call<{  }, {  }, CreateAsset>): Promise<Asset>;

/** Delete a asset */
export declare function deleteAssetsId(o: Call<{ "id": string }, {  }, never>): Promise<Asset>;

/** Get a asset */
export declare function getAssetsId(o: Call<{ "id": string }, {  }, never>): Promise<Asset>;

/** Change a asset */
export declare function patchAssetsId(o: Call<{ "id": string }, {  }, UpdateAsset>): Promise<Asset>;

/** Give an asset to an employee (422 asset_already_assigned when someone holds it) */
export declare function postAssetsIdAssign(o: Call<{ "id": string }, {  }, Assign>): Promise<Asset>;

/** Who held an asset when, newest first */
export declare function getAssetsIdHistory(o: Call<{ "id": string }, {  }, never>): Promise<Array<Assignment>>;

/** Take an asset back from its custodian */
export declare function postAssetsIdReturn(o: Call<{ "id": string }, {  }, Return>): Promise<Asset>;

/** Attendance, newest day first (yours and your reports'; everyone's with hr.manage) */
export declare function getAttendance(o?: Call<{  }, { "employee_id"?: string | null; "from"?: string | null; "to"?: string | null; "status"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Attendance>>;

/** List attendance_locations */
export declare function getAttendanceLocations(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" }, never>): Promise<Array<Location>>;

/** Create a attendance_location */
export declare function postAttendanceLocations(o?: Call<{  }, {  }, CreateLocation>): Promise<Location>;

/** Delete a attendance_location */
export declare function deleteAttendanceLocationsId(o: Call<{ "id": string }, {  }, never>): Promise<Location>;

/** Get a attendance_location */
export declare function getAttendanceLocationsId(o: Call<{ "id": string }, {  }, never>): Promise<Location>;

/** Change a attendance_location */
export declare function patchAttendanceLocationsId(o: Call<{ "id": string }, {  }, UpdateLocation>): Promise<Location>;

/** Check in at an attendance place (the server's clock decides the day and lateness) */
export declare function postAttendanceCheckIn(o?: Call<{  }, {  }, PunchBody>): Promise<Attendance>;

/** Check out of the open check-in */
export declare function postAttendanceCheckOut(o?: Call<{  }, {  }, PunchBody>): Promise<Attendance>;

/** A month's present, late, absent and leave days and worked hours per employee */
export declare function getAttendanceReport(o?: Call<{  }, { "month": number; "year": number; "department_id"?: string | null; "format"?: string | null }, never>): Promise<Report>;

/** Read the audit log */
export declare function getAuditLogs(o?: Call<{  }, { "actor_id"?: string | null; "entity"?: string | null; "action"?: string | null; "from"?: string | null; "to"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<AuditLog>>;

/** Log in with username and password */
export declare function postAuthLogin(o?: Call<{  }, {  }, LoginRequest>): Promise<TokenPair>;

/** End the login a refresh token belongs to */
export declare function postAuthLogout(o?: Call<{  }, {  }, RefreshRequest>): Promise<LogoutResult>;

/** The signed-in user */
export declare function getAuthMe(o?: Call<{  }, {  }, never>): Promise<AuthUser>;

/** Change your password (ends your other logins) */
export declare function postAuthPassword(o?: Call<{  }, {  }, PasswordChange>): Promise<PasswordChanged>;

/** Trade a refresh token for a new pair (the old one stops working) */
export declare function postAuthRefresh(o?: Call<{  }, {  }, RefreshRequest>): Promise<AnyPair>;

/** Check an access token */
export declare function getAuthVerify(o?: Call<{  }, {  }, never>): Promise<VerifyResult>;

/** The banks payouts can go to */
export declare function getBanks(o?: Call<{  }, {  }, never>): Promise<Array<Bank>>;

/** List branding requests (yours to ask or review, or all with branding.manage) */
export declare function getBrandingApprovals(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "status" | "-status"; "category"?: string; "requester_id"?: string; "status"?: string }, never>): Promise<Array<BrandingApproval>>;

/** Ask approvers to approve designs */
export declare function postBrandingApprovals(o?: Call<{  }, {  }, NewApproval>): Promise<ApprovalView>;

/** Get a branding request with its reviews */
export declare function getBrandingApprovalsId(o: Call<{ "id": string }, {  }, never>): Promise<ApprovalView>;

/** Approve, reject or ask for a revision (the request's approvers only) */
export declare function postBrandingApprovalsIdReview(o: Call<{ "id": string }, {  }, NewReview>): Promise<ApprovalView>;

/** Send revised designs (the requester, after a request for revision); the reviews start again */
export declare function postBrandingApprovalsIdRevise(o: Call<{ "id": string }, {  }, Revision>): Promise<ApprovalView>;

/** List brands */
export declare function getBrands(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" }, never>): Promise<Array<Brand>>;

/** Create a brand */
export declare function postBrands(o?: Call<{  }, {  }, CreateBrand>): Promise<Brand>;

/** Delete a brand */
export declare function deleteBrandsId(o: Call<{ "id": string }, {  }, never>): Promise<Brand>;

/** Get a brand */
export declare function getBrandsId(o: Call<{ "id": string }, {  }, never>): Promise<Brand>;

/** Change a brand */
export declare function patchBrandsId(o: Call<{ "id": string }, {  }, UpdateBrand>): Promise<Brand>;

/** List categorys */
export declare function getCategories(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "sort_order" | "-sort_order"; "parent_id"?: string; "sort_order"?: number; "is_active"?: boolean }, never>): Promise<Array<Category>>;

/** Create a category */
export declare function postCategories(o?: Call<{  }, {  }, CreateCategory>): Promise<Category>;

/** Delete a category */
export declare function deleteCategoriesId(o: Call<{ "id": string }, {  }, never>): Promise<Category>;

/** Get a category */
export declare function getCategoriesId(o: Call<{ "id": string }, {  }, never>): Promise<Category>;

/** Change a category */
export declare function patchCategoriesId(o: Call<{ "id": string }, {  }, UpdateCategory>): Promise<Category>;

/** List cms_ads */
export declare function getCmsAds(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "placement" | "-placement" | "start_date" | "-start_date" | "end_date" | "-end_date"; "placement"?: string; "active"?: boolean }, never>): Promise<Array<Ad>>;

/** Create a cms_ad */
export declare function postCmsAds(o?: Call<{  }, {  }, CreateAd>): Promise<Ad>;

/** Delete a cms_ad */
export declare function deleteCmsAdsId(o: Call<{ "id": string }, {  }, never>): Promise<Ad>;

/** Get a cms_ad */
export declare function getCmsAdsId(o: Call<{ "id": string }, {  }, never>): Promise<Ad>;

/** Change a cms_ad */
export declare function patchCmsAdsId(o: Call<{ "id": string }, {  }, UpdateAd>): Promise<Ad>;

/** List cms_posts */
export declare function getCmsBlog(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "slug" | "-slug" | "status" | "-status" | "published_at" | "-published_at"; "slug"?: string; "status"?: string }, never>): Promise<Array<Post>>;

/** Create a cms_post */
export declare function postCmsBlog(o?: Call<{  }, {  }, CreatePost>): Promise<Post>;

/** Delete a cms_post */
export declare function deleteCmsBlogId(o: Call<{ "id": string }, {  }, never>): Promise<Post>;

/** Get a cms_post */
export declare function getCmsBlogId(o: Call<{ "id": string }, {  }, never>): Promise<Post>;

/** Change a cms_post */
export declare function patchCmsBlogId(o: Call<{ "id": string }, {  }, UpdatePost>): Promise<Post>;

/** List cms_careers */
export declare function getCmsCareers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "slug" | "-slug" | "status" | "-status" | "published_at" | "-published_at"; "slug"?: string; "status"?: string }, never>): Promise<Array<Page>>;

/** Create a cms_career */
export declare function postCmsCareers(o?: Call<{  }, {  }, CreatePage>): Promise<Page>;

/** Delete a cms_career */
export declare function deleteCmsCareersId(o: Call<{ "id": string }, {  }, never>): Promise<Page>;

/** Get a cms_career */
export declare function getCmsCareersId(o: Call<{ "id": string }, {  }, never>): Promise<Page>;

/** Change a cms_career */
export declare function patchCmsCareersId(o: Call<{ "id": string }, {  }, UpdatePage>): Promise<Page>;

/** List cms_departments */
export declare function getCmsDepartments(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "slug" | "-slug" | "status" | "-status" | "published_at" | "-published_at"; "slug"?: string; "status"?: string }, never>): Promise<Array<Page>>;

/** Create a cms_department */
export declare function postCmsDepartments(o?: Call<{  }, {  }, CreatePage>): Promise<Page>;

/** Delete a cms_department */
export declare function deleteCmsDepartmentsId(o: Call<{ "id": string }, {  }, never>): Promise<Page>;

/** Get a cms_department */
export declare function getCmsDepartmentsId(o: Call<{ "id": string }, {  }, never>): Promise<Page>;

/** Change a cms_department */
export declare function patchCmsDepartmentsId(o: Call<{ "id": string }, {  }, UpdatePage>): Promise<Page>;

/** List cms_drop_points */
export declare function getCmsDropPoints(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "active"?: boolean }, never>): Promise<Array<DropPoint>>;

/** Create a cms_drop_point */
export declare function postCmsDropPoints(o?: Call<{  }, {  }, CreateDropPoint>): Promise<DropPoint>;

/** Delete a cms_drop_point */
export declare function deleteCmsDropPointsId(o: Call<{ "id": string }, {  }, never>): Promise<DropPoint>;

/** Get a cms_drop_point */
export declare function getCmsDropPointsId(o: Call<{ "id": string }, {  }, never>): Promise<DropPoint>;

/** Change a cms_drop_point */
export declare function patchCmsDropPointsId(o: Call<{ "id": string }, {  }, UpdateDropPoint>): Promise<DropPoint>;

/** List cms_trainings */
export declare function getCmsTraining(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "slug" | "-slug" | "status" | "-status" | "published_at" | "-published_at"; "slug"?: string; "status"?: string }, never>): Promise<Array<Page>>;

/** Create a cms_training */
export declare function postCmsTraining(o?: Call<{  }, {  }, CreatePage>): Promise<Page>;

/** Delete a cms_training */
export declare function deleteCmsTrainingId(o: Call<{ "id": string }, {  }, never>): Promise<Page>;

/** Get a cms_training */
export declare function getCmsTrainingId(o: Call<{ "id": string }, {  }, never>): Promise<Page>;

/** Change a cms_training */
export declare function patchCmsTrainingId(o: Call<{ "id": string }, {  }, UpdatePage>): Promise<Page>;

/** List cms_vacancys */
export declare function getCmsVacancies(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "closing_date" | "-closing_date" | "status" | "-status"; "slug"?: string; "department"?: string; "location"?: string; "type"?: string; "status"?: string }, never>): Promise<Array<Vacancy>>;

/** Create a cms_vacancy */
export declare function postCmsVacancies(o?: Call<{  }, {  }, CreateVacancy>): Promise<Vacancy>;

/** Delete a cms_vacancy */
export declare function deleteCmsVacanciesId(o: Call<{ "id": string }, {  }, never>): Promise<Vacancy>;

/** Get a cms_vacancy */
export declare function getCmsVacanciesId(o: Call<{ "id": string }, {  }, never>): Promise<Vacancy>;

/** Change a cms_vacancy */
export declare function patchCmsVacanciesId(o: Call<{ "id": string }, {  }, UpdateVacancy>): Promise<Vacancy>;

/** Your addresses, the default first */
export declare function getCustomerAddresses(o?: Call<{  }, {  }, never>): Promise<Array<Address>>;

/** Add an address */
export declare function postCustomerAddresses(o?: Call<{  }, {  }, AddressBody>): Promise<Address>;

/** Delete an address (the newest other one becomes the default) */
export declare function deleteCustomerAddressesId(o: Call<{ "id": string }, {  }, never>): Promise<Deleted>;

/** One of your addresses */
export declare function getCustomerAddressesId(o: Call<{ "id": string }, {  }, never>): Promise<Address>;

/** Change an address */
export declare function patchCustomerAddressesId(o: Call<{ "id": string }, {  }, AddressBody>): Promise<Address>;

/** Make an address the default */
export declare function postCustomerAddressesIdDefault(o: Call<{ "id": string }, {  }, never>): Promise<Address>;

/** Your wallet and points */
export declare function getCustomerBalance(o?: Call<{  }, {  }, never>): Promise<Balance>;

/** Spend from your wallet */
export declare function postCustomerBalanceDecrease(o?: Call<{  }, {  }, Decrease>): Promise<Balance>;

/** Your wallet ledger, newest first */
export declare function getCustomerBalanceHistory(o?: Call<{  }, { "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Entry>>;

/** Whether an email has an account at the shop */
export declare function postCustomerCheckEmail(o?: Call<{  }, {  }, CheckEmail>): Promise<EmailRegistered>;

/** Close your account (your logins end) */
export declare function postCustomerDeactivate(o?: Call<{  }, {  }, Deactivate>): Promise<Deactivated>;

/** The shop's questions and answers */
export declare function getCustomerFaqs(o?: Call<{  }, {  }, never>): Promise<Array<Faq>>;

/** Log in to the shop's app with username or email */
export declare function postCustomerLogin(o?: Call<{  }, {  }, CustomerLogin>): Promise<CustomerPair>;

/** The shop's current offers for you */
export declare function getCustomerOffers(o?: Call<{  }, {  }, never>): Promise<Array<Offer>>;

/** Choose a new password with the emailed link's token */
export declare function postCustomerPasswordReset(o?: Call<{  }, {  }, ResetPassword>): Promise<PasswordReset>;

/** Email a password-reset link (202 whatever the email) */
export declare function postCustomerPasswordResetRequest(o?: Call<{  }, {  }, ResetRequest>): Promise<unknown>;

/** Your points ledger, newest first */
export declare function getCustomerPoints(o?: Call<{  }, { "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Entry>>;

/** Turn points into wallet balance */
export declare function postCustomerPointsRedeem(o?: Call<{  }, {  }, Redeem>): Promise<Redeemed>;

/** Your profile */
export declare function getCustomerProfile(o?: Call<{  }, {  }, never>): Promise<Profile>;

/** Change your name, email or phone number */
export declare function patchCustomerProfile(o?: Call<{  }, {  }, ProfilePatch>): Promise<Profile>;

/** Upload your profile picture (multipart field `file`) */
export declare function postCustomerProfileImage(o?: Call<{  }, {  }, never>): Promise<Profile>;

/** Register this device for push notifications */
export declare function postCustomerPushTokens(o?: Call<{  }, {  }, PushToken>): Promise<PushTokenSaved>;

/** Stop push notifications to this device */
export declare function deleteCustomerPushTokensToken(o: Call<{ "token": string }, {  }, never>): Promise<PushTokenSaved>;

/** Your referral code and how your invitations went */
export declare function getCustomerReferral(o?: Call<{  }, {  }, never>): Promise<ReferralStats>;

/** The friends you invited */
export declare function getCustomerReferralHistory(o?: Call<{  }, {  }, never>): Promise<Array<Referral>>;

/** Sign up for the shop's app (an email link or an SMS code follows) */
export declare function postCustomerSignup(o?: Call<{  }, {  }, SignupRequest>): Promise<Verification>;

/** Verify a new account with its emailed link */
export declare function getCustomerVerify(o?: Call<{  }, { "token": string }, never>): Promise<Verified>;

/** Verify a new account with its SMS code */
export declare function postCustomerVerify(o?: Call<{  }, {  }, VerifyRequest>): Promise<Verified>;

/** Send a new verification link or code (once a minute) */
export declare function postCustomerVerifyResend(o?: Call<{  }, {  }, ResendRequest>): Promise<Verification>;

/** Whether you have used a voucher */
export declare function getCustomerVouchersCheck(o?: Call<{  }, { "code": string }, never>): Promise<Redemption>;

/** Use a voucher */
export declare function postCustomerVouchersRedeem(o?: Call<{  }, {  }, RedeemVoucher>): Promise<Redemption>;

/** List customers */
export declare function getCustomers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "phone"?: string; "email"?: string }, never>): Promise<Array<Customer>>;

/** Create a customer */
export declare function postCustomers(o?: Call<{  }, {  }, CreateCustomer>): Promise<Customer>;

/** Delete a customer */
export declare function deleteCustomersId(o: Call<{ "id": string }, {  }, never>): Promise<Customer>;

/** Get a customer */
export declare function getCustomersId(o: Call<{ "id": string }, {  }, never>): Promise<Customer>;

/** Change a customer */
export declare function patchCustomersId(o: Call<{ "id": string }, {  }, UpdateCustomer>): Promise<Customer>;

/** A customer's sales, newest first */
export declare function getCustomersIdSales(o: Call<{ "id": string }, { "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Sale>>;

/** Sales, refunds, payments, best sellers and hours for a period */
export declare function getDashboardSummary(o?: Call<{  }, { "outlet_id"?: string | null; "from"?: string | null; "to"?: string | null }, never>): Promise<Summary>;

/** List departments */
export declare function getDepartments(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "parent_id"?: string }, never>): Promise<Array<Department>>;

/** Create a department */
export declare function postDepartments(o?: Call<{  }, {  }, CreateDepartment>): Promise<Department>;

/** Delete a department */
export declare function deleteDepartmentsId(o: Call<{ "id": string }, {  }, never>): Promise<Department>;

/** Get a department */
export declare function getDepartmentsId(o: Call<{ "id": string }, {  }, never>): Promise<Department>;

/** Change a department */
export declare function patchDepartmentsId(o: Call<{ "id": string }, {  }, UpdateDepartment>): Promise<Department>;

/** List devices */
export declare function getDevices(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "last_seen_at" | "-last_seen_at" | "last_push_at" | "-last_push_at"; "outlet_id"?: string; "platform"?: string; "license_id"?: string; "is_active"?: boolean }, never>): Promise<Array<Device>>;

/** Create a device */
export declare function postDevices(o?: Call<{  }, {  }, CreateDevice>): Promise<Device>;

/** Delete a device */
export declare function deleteDevicesId(o: Call<{ "id": string }, {  }, never>): Promise<Device>;

/** Get a device */
export declare function getDevicesId(o: Call<{ "id": string }, {  }, never>): Promise<Device>;

/** Change a device */
export declare function patchDevicesId(o: Call<{ "id": string }, {  }, UpdateDevice>): Promise<Device>;

/** List drivers */
export declare function getDrivers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "license_expiry" | "-license_expiry" | "status" | "-status" | "last_location_at" | "-last_location_at"; "user_id"?: string; "vehicle_type"?: string; "vehicle_id"?: string; "status"?: string }, never>): Promise<Array<Driver>>;

/** Create a driver */
export declare function postDrivers(o?: Call<{  }, {  }, CreateDriver>): Promise<Driver>;

/** Delete a driver */
export declare function deleteDriversId(o: Call<{ "id": string }, {  }, never>): Promise<Driver>;

/** Get a driver */
export declare function getDriversId(o: Call<{ "id": string }, {  }, never>): Promise<Driver>;

/** Change a driver */
export declare function patchDriversId(o: Call<{ "id": string }, {  }, UpdateDriver>): Promise<Driver>;

/** Report the driver's own position (the driver's login only; rate limited) */
export declare function postDriversIdLocation(o: Call<{ "id": string }, {  }, NewPing>): Promise<Ping>;

/** A driver's positions in a time range, oldest first (at most 5,000) */
export declare function getDriversIdLocations(o: Call<{ "id": string }, { "from"?: string; "to"?: string }, never>): Promise<Array<Ping>>;

/** List employee_advances */
export declare function getEmployeeAdvances(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "amount" | "-amount" | "date" | "-date"; "employee_id"?: string; "date"?: string }, never>): Promise<Array<Advance>>;

/** Create a employee_advance */
export declare function postEmployeeAdvances(o?: Call<{  }, {  }, CreateAdvance>): Promise<Advance>;

/** Delete a employee_advance */
export declare function deleteEmployeeAdvancesId(o: Call<{ "id": string }, {  }, never>): Promise<Advance>;

/** Get a employee_advance */
export declare function getEmployeeAdvancesId(o: Call<{ "id": string }, {  }, never>): Promise<Advance>;

/** Change a employee_advance */
export declare function patchEmployeeAdvancesId(o: Call<{ "id": string }, {  }, UpdateAdvance>): Promise<Advance>;

/** List employee_deductions */
export declare function getEmployeeDeductions(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "amount" | "-amount" | "date" | "-date"; "employee_id"?: string; "date"?: string }, never>): Promise<Array<Deduction>>;

/** Create a employee_deduction */
export declare function postEmployeeDeductions(o?: Call<{  }, {  }, CreateDeduction>): Promise<Deduction>;

/** Delete a employee_deduction */
export declare function deleteEmployeeDeductionsId(o: Call<{ "id": string }, {  }, never>): Promise<Deduction>;

/** Get a employee_deduction */
export declare function getEmployeeDeductionsId(o: Call<{ "id": string }, {  }, never>): Promise<Deduction>;

/** Change a employee_deduction */
export declare function patchEmployeeDeductionsId(o: Call<{ "id": string }, {  }, UpdateDeduction>): Promise<Deduction>;

/** List employees */
export declare function getEmployees(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "code" | "-code" | "name" | "-name" | "join_date" | "-join_date" | "status" | "-status"; "user_id"?: string; "department_id"?: string; "position_id"?: string; "manager_id"?: string; "status"?: string }, never>): Promise<Array<Employee>>;

/** Create a employee */
export declare function postEmployees(o?: Call<{  }, {  }, CreateEmployee>): Promise<Employee>;

/** Delete a employee */
export declare function deleteEmployeesId(o: Call<{ "id": string }, {  }, never>): Promise<Employee>;

/** Get a employee */
export declare function getEmployeesId(o: Call<{ "id": string }, {  }, never>): Promise<Employee>;

/** Change a employee */
export declare function patchEmployeesId(o: Call<{ "id": string }, {  }, UpdateEmployee>): Promise<Employee>;

/** List expense_categorys */
export declare function getExpenseCategories(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" }, never>): Promise<Array<ExpenseCategory>>;

/** Create a expense_category */
export declare function postExpenseCategories(o?: Call<{  }, {  }, CreateExpenseCategory>): Promise<ExpenseCategory>;

/** Delete a expense_category */
export declare function deleteExpenseCategoriesId(o: Call<{ "id": string }, {  }, never>): Promise<ExpenseCategory>;

/** Get a expense_category */
export declare function getExpenseCategoriesId(o: Call<{ "id": string }, {  }, never>): Promise<ExpenseCategory>;

/** Change a expense_category */
export declare function patchExpenseCategoriesId(o: Call<{ "id": string }, {  }, UpdateExpenseCategory>): Promise<ExpenseCategory>;

/** List expenses */
export declare function getExpenses(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "amount" | "-amount" | "business_date" | "-business_date"; "outlet_id"?: string; "shift_id"?: string; "category_id"?: string; "business_date"?: string }, never>): Promise<Array<Expense>>;

/** Create a expense */
export declare function postExpenses(o?: Call<{  }, {  }, CreateExpense>): Promise<Expense>;

/** Delete a expense */
export declare function deleteExpensesId(o: Call<{ "id": string }, {  }, never>): Promise<Expense>;

/** Get a expense */
export declare function getExpensesId(o: Call<{ "id": string }, {  }, never>): Promise<Expense>;

/** Change a expense */
export declare function patchExpensesId(o: Call<{ "id": string }, {  }, UpdateExpense>): Promise<Expense>;

/** List faqs */
export declare function getFaqs(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "question" | "-question" | "position" | "-position"; "is_active"?: boolean }, never>): Promise<Array<Faq>>;

/** Create a faq */
export declare function postFaqs(o?: Call<{  }, {  }, CreateFaq>): Promise<Faq>;

/** Delete a faq */
export declare function deleteFaqsId(o: Call<{ "id": string }, {  }, never>): Promise<Faq>;

/** Get a faq */
export declare function getFaqsId(o: Call<{ "id": string }, {  }, never>): Promise<Faq>;

/** Change a faq */
export declare function patchFaqsId(o: Call<{ "id": string }, {  }, UpdateFaq>): Promise<Faq>;

/** Upload a file (its type is judged from its content; images are encoded afresh) */
export declare function postFiles(o?: Call<{  }, {  }, never>): Promise<FileInfo>;

/** Upload a temporary file, served once within 24 hours */
export declare function postFilesTemp(o?: Call<{  }, {  }, never>): Promise<TempInfo>;

/** A file's content (product and CMS images need no login) */
export declare function getFilesId(o: Call<{ "id": string }, {  }, never>): Promise<unknown>;

/** An image's thumbnail */
export declare function getFilesIdThumbnail(o: Call<{ "id": string }, {  }, never>): Promise<unknown>;

/** List freelancers */
export declare function getFreelancers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "hourly_rate" | "-hourly_rate" }, never>): Promise<Array<Freelancer>>;

/** Create a freelancer */
export declare function postFreelancers(o?: Call<{  }, {  }, CreateFreelancer>): Promise<Freelancer>;

/** Delete a freelancer */
export declare function deleteFreelancersId(o: Call<{ "id": string }, {  }, never>): Promise<Freelancer>;

/** Get a freelancer */
export declare function getFreelancersId(o: Call<{ "id": string }, {  }, never>): Promise<Freelancer>;

/** Change a freelancer */
export declare function patchFreelancersId(o: Call<{ "id": string }, {  }, UpdateFreelancer>): Promise<Freelancer>;

/** A freelancer's projects */
export declare function getFreelancersIdProjects(o: Call<{ "id": string }, {  }, never>): Promise<Array<Project>>;

/** Give a freelancer a project */
export declare function postFreelancersIdProjects(o: Call<{ "id": string }, {  }, NewProject>): Promise<Project>;

/** The menu for a table session's guests */
export declare function getGuestMenu(o?: Call<{  }, { "category_id"?: string | null; "search"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Menu>;

/** The orders of this table session, oldest first */
export declare function getGuestOrders(o?: Call<{  }, {  }, never>): Promise<Array<Order>>;

/** Order at the table (limited per session and minute) */
export declare function postGuestOrders(o?: Call<{  }, {  }, GuestOrder>): Promise<Order>;

/** One order of this table session */
export declare function getGuestOrdersId(o: Call<{ "id": string }, {  }, never>): Promise<Order>;

/** Pay this table's order by QRIS, e-wallet or invoice */
export declare function postGuestOrdersIdPayOnline(o: Call<{ "id": string }, {  }, GuestPay>): Promise<Payment>;

/** The QRIS code of this table's payment, to scan with a banking or e-wallet app */
export declare function getGuestPaymentsIdQrSvg(o: Call<{ "id": string }, {  }, never>): Promise<unknown>;

/** List halls */
export declare function getHalls(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "outlet_id"?: string }, never>): Promise<Array<Hall>>;

/** Create a hall */
export declare function postHalls(o?: Call<{  }, {  }, CreateHall>): Promise<Hall>;

/** Delete a hall */
export declare function deleteHallsId(o: Call<{ "id": string }, {  }, never>): Promise<Hall>;

/** Get a hall */
export declare function getHallsId(o: Call<{ "id": string }, {  }, never>): Promise<Hall>;

/** Change a hall */
export declare function patchHallsId(o: Call<{ "id": string }, {  }, UpdateHall>): Promise<Hall>;

/** List holidays */
export declare function getHolidays(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "date" | "-date"; "date"?: string }, never>): Promise<Array<Holiday>>;

/** Create a holiday */
export declare function postHolidays(o?: Call<{  }, {  }, CreateHoliday>): Promise<Holiday>;

/** Delete a holiday */
export declare function deleteHolidaysId(o: Call<{ "id": string }, {  }, never>): Promise<Holiday>;

/** Get a holiday */
export declare function getHolidaysId(o: Call<{ "id": string }, {  }, never>): Promise<Holiday>;

/** Change a holiday */
export declare function patchHolidaysId(o: Call<{ "id": string }, {  }, UpdateHoliday>): Promise<Holiday>;

/** List background jobs */
export declare function getJobs(o?: Call<{  }, { "status"?: string | null; "kind"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Job>>;

/** Leave requests (yours and your reports'; everyone's with hr.manage) */
export declare function getLeave(o?: Call<{  }, { "status"?: string | null; "employee_id"?: string | null; "from"?: string | null; "to"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<LeaveRequest>>;

/** List leave_types */
export declare function getLeaveTypes(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "kind"?: string }, never>): Promise<Array<LeaveType>>;

/** Create a leave_type */
export declare function postLeaveTypes(o?: Call<{  }, {  }, CreateLeaveType>): Promise<LeaveType>;

/** Delete a leave_type */
export declare function deleteLeaveTypesId(o: Call<{ "id": string }, {  }, never>): Promise<LeaveType>;

/** Get a leave_type */
export declare function getLeaveTypesId(o: Call<{ "id": string }, {  }, never>): Promise<LeaveType>;

/** Change a leave_type */
export declare function patchLeaveTypesId(o: Call<{ "id": string }, {  }, UpdateLeaveType>): Promise<LeaveType>;

/** Apply for leave (working days held against the year's balance) */
export declare function postLeaveApply(o?: Call<{  }, {  }, ApplyLeave>): Promise<LeaveRequest>;

/** An employee's leave balance by kind: total, used, pending, remaining */
export declare function getLeaveBalanceEmployeeId(o: Call<{ "employee_id": string }, { "year"?: number | null }, never>): Promise<BTreeMap>;

/** Collective leave: applied to and approved for every active employee (hr.manage) */
export declare function postLeaveCollective(o?: Call<{  }, {  }, CollectiveLeave>): Promise<Collective>;

/** An employee's leave requests, latest first */
export declare function getLeaveHistoryEmployeeId(o: Call<{ "employee_id": string }, {  }, never>): Promise<Array<LeaveRequest>>;

/** Approve or reject a leave request (the employee's manager, or hr.manage) */
export declare function postLeaveIdApproval(o: Call<{ "id": string }, {  }, Approval>): Promise<LeaveRequest>;

/** Cancel a pending or approved leave (its days go back) */
export declare function postLeaveIdCancel(o: Call<{ "id": string }, {  }, never>): Promise<LeaveRequest>;

/** Licences: all (platform operator) or the tenant's */
export declare function getLicenses(o?: Call<{  }, { "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<License>>;

/** A device takes a seat of a licence */
export declare function postLicensesActivate(o?: Call<{  }, {  }, Activate>): Promise<Grant>;

/** A device gives its seat back */
export declare function postLicensesDeactivate(o?: Call<{  }, {  }, DeviceKey>): Promise<Deactivated>;

/** Issue a licence to a tenant (platform operator) */
export declare function postLicensesGenerate(o?: Call<{  }, {  }, GenerateLicense>): Promise<Generated>;

/** The key licence tokens are signed with */
export declare function getLicensesPublicKey(o?: Call<{  }, {  }, never>): Promise<PublicKey>;

/** A device renews its licence token */
export declare function postLicensesVerify(o?: Call<{  }, {  }, DeviceKey>): Promise<Grant>;

/** A licence with its activations */
export declare function getLicensesId(o: Call<{ "id": string }, {  }, never>): Promise<LicenseDetail>;

/** Revoke a licence (platform operator) */
export declare function postLicensesIdRevoke(o: Call<{ "id": string }, {  }, never>): Promise<License>;

/** List marketing_offers */
export declare function getMarketingOffers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "valid_until" | "-valid_until"; "customer_id"?: string; "is_active"?: boolean }, never>): Promise<Array<Offer>>;

/** Create a marketing_offer */
export declare function postMarketingOffers(o?: Call<{  }, {  }, CreateOffer>): Promise<Offer>;

/** Delete a marketing_offer */
export declare function deleteMarketingOffersId(o: Call<{ "id": string }, {  }, never>): Promise<Offer>;

/** Get a marketing_offer */
export declare function getMarketingOffersId(o: Call<{ "id": string }, {  }, never>): Promise<Offer>;

/** Change a marketing_offer */
export declare function patchMarketingOffersId(o: Call<{ "id": string }, {  }, UpdateOffer>): Promise<Offer>;

/** List meeting_rooms */
export declare function getMeetingRooms(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "capacity" | "-capacity" | "floor" | "-floor"; "capacity"?: number; "floor"?: string; "facilities"?: string }, never>): Promise<Array<Room>>;

/** Create a meeting_room */
export declare function postMeetingRooms(o?: Call<{  }, {  }, CreateRoom>): Promise<Room>;

/** List meeting-room bookings */
export declare function getMeetingRoomsBookings(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "date" | "-date" | "start_time" | "-start_time"; "room_id"?: string; "date"?: string; "booked_by"?: string; "status"?: string }, never>): Promise<Array<Booking>>;

/** Book a meeting room (409 room_unavailable when the time overlaps a booking) */
export declare function postMeetingRoomsBookings(o?: Call<{  }, {  }, NewBooking>): Promise<Booking>;

/** Cancel a booking (its booker, or rooms.manage) */
export declare function deleteMeetingRoomsBookingsId(o: Call<{ "id": string }, {  }, never>): Promise<Booking>;

/** Get a booking */
export declare function getMeetingRoomsBookingsId(o: Call<{ "id": string }, {  }, never>): Promise<Booking>;

/** Delete a meeting_room */
export declare function deleteMeetingRoomsId(o: Call<{ "id": string }, {  }, never>): Promise<Room>;

/** Get a meeting_room */
export declare function getMeetingRoomsId(o: Call<{ "id": string }, {  }, never>): Promise<Room>;

/** Change a meeting_room */
export declare function patchMeetingRoomsId(o: Call<{ "id": string }, {  }, UpdateRoom>): Promise<Room>;

/** The free and booked periods of a room's day, in its time zone */
export declare function getMeetingRoomsIdAvailability(o: Call<{ "id": string }, { "date"?: string }, never>): Promise<Availability>;

/** List outbound messages and their delivery */
export declare function getMessages(o?: Call<{  }, { "channel"?: string | null; "status"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Message>>;

/** List modifier_groups */
export declare function getModifierGroups(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" }, never>): Promise<Array<ModifierGroup>>;

/** Create a modifier_group */
export declare function postModifierGroups(o?: Call<{  }, {  }, CreateModifierGroup>): Promise<ModifierGroup>;

/** Delete a modifier_group */
export declare function deleteModifierGroupsId(o: Call<{ "id": string }, {  }, never>): Promise<ModifierGroup>;

/** Get a modifier_group */
export declare function getModifierGroupsId(o: Call<{ "id": string }, {  }, never>): Promise<ModifierGroup>;

/** Change a modifier_group */
export declare function patchModifierGroupsId(o: Call<{ "id": string }, {  }, UpdateModifierGroup>): Promise<ModifierGroup>;

/** This OpenAPI document */
export declare function getOpenapiJson(o?: Call<{  }, {  }, never>): Promise<Record<string, unknown>>;

/** Orders, oldest first (a kitchen display works through them in order) */
export declare function getOrders(o?: Call<{  }, { "outlet_id"?: string | null; "status"?: string | null; "station"?: string | null; "table_id"?: string | null; "table_session_id"?: string | null; "business_date"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Order>>;

/** Take an order */
export declare function postOrders(o?: Call<{  }, {  }, CreateOrder>): Promise<Order>;

/** One order */
export declare function getOrdersId(o: Call<{ "id": string }, {  }, never>): Promise<Order>;

/** Add items to an order */
export declare function postOrdersIdItems(o: Call<{ "id": string }, {  }, AddItems>): Promise<Order>;

/** Merge an order into another (its items move; it is voided) */
export declare function postOrdersIdMerge(o: Call<{ "id": string }, {  }, MergeOrder>): Promise<Order>;

/** Move an order to another table */
export declare function postOrdersIdMove(o: Call<{ "id": string }, {  }, MoveOrder>): Promise<Order>;

/** Pay an order (or a split of it) with a sale made by checkout */
export declare function postOrdersIdPay(o: Call<{ "id": string }, {  }, PayOrder>): Promise<Sale>;

/** Move an order along NEW → ACCEPTED → COOKING → READY → DONE, or void it */
export declare function patchOrdersIdStatus(o: Call<{ "id": string }, {  }, SetStatus>): Promise<Order>;

/** An order's kitchen ticket as text or ESC/POS */
export declare function getOrdersIdTicket(o: Call<{ "id": string }, { "format"?: string | null; "station"?: string | null; "width"?: number | null }, never>): Promise<unknown>;

/** List outlets */
export declare function getOutlets(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "code" | "-code" | "is_active" | "-is_active"; "name"?: string; "code"?: string; "phone"?: string; "timezone"?: string; "is_active"?: boolean }, never>): Promise<Array<Outlet>>;

/** Create a outlet */
export declare function postOutlets(o?: Call<{  }, {  }, CreateOutlet>): Promise<Outlet>;

/** Delete a outlet */
export declare function deleteOutletsId(o: Call<{ "id": string }, {  }, never>): Promise<Outlet>;

/** Get a outlet */
export declare function getOutletsId(o: Call<{ "id": string }, {  }, never>): Promise<Outlet>;

/** Change a outlet */
export declare function patchOutletsId(o: Call<{ "id": string }, {  }, UpdateOutlet>): Promise<Outlet>;

/** The business's payment gateways (keys are never shown) */
export declare function getPaymentGateways(o?: Call<{  }, {  }, never>): Promise<Array<GatewayView>>;

/** Set up (or replace) the business's gateway of a provider; its keys are stored sealed */
export declare function postPaymentGateways(o?: Call<{  }, {  }, PutGateway>): Promise<GatewayView>;

/** Remove a payment gateway */
export declare function deletePaymentGatewaysId(o: Call<{ "id": string }, {  }, never>): Promise<Value>;

/** List payment_methods */
export declare function getPaymentMethods(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "type" | "-type"; "type"?: string; "is_active"?: boolean }, never>): Promise<Array<PaymentMethod>>;

/** Create a payment_method */
export declare function postPaymentMethods(o?: Call<{  }, {  }, CreatePaymentMethod>): Promise<PaymentMethod>;

/** Delete a payment_method */
export declare function deletePaymentMethodsId(o: Call<{ "id": string }, {  }, never>): Promise<PaymentMethod>;

/** Get a payment_method */
export declare function getPaymentMethodsId(o: Call<{ "id": string }, {  }, never>): Promise<PaymentMethod>;

/** Change a payment_method */
export declare function patchPaymentMethodsId(o: Call<{ "id": string }, {  }, UpdatePaymentMethod>): Promise<PaymentMethod>;

/** Gateway payments, newest first (a customer sees its own) */
export declare function getPayments(o?: Call<{  }, { "status"?: string | null; "purpose"?: string | null; "order_id"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Payment>>;

/** The gateway's callback (verified by its token, then re-read from the gateway) */
export declare function postPaymentsCallbackXendit(o?: Call<{  }, {  }, Value>): Promise<Received>;

/** Pay through the gateway: a wallet top-up or an order (customers) */
export declare function postPaymentsCheckout(o?: Call<{  }, {  }, CustomerCheckout>): Promise<Payment>;

/** A gateway payment with its status history */
export declare function getPaymentsId(o: Call<{ "id": string }, {  }, never>): Promise<PaymentDetail>;

/** Cancel a pending payment (expired at the gateway) */
export declare function postPaymentsIdCancel(o: Call<{ "id": string }, {  }, never>): Promise<Payment>;

/** Payouts, newest first */
export declare function getPayouts(o?: Call<{  }, { "status"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Payout>>;

/** Pay out to a bank account (an Idempotency-Key is required) */
export declare function postPayouts(o?: Call<{  }, {  }, CreatePayout>): Promise<Payout>;

/** List every permission string */
export declare function getPermissions(o?: Call<{  }, {  }, never>): Promise<Array<PermissionInfo>>;

/** Permits (yours and your reports'; everyone's with hr.manage) */
export declare function getPermits(o?: Call<{  }, { "status"?: string | null; "employee_id"?: string | null; "from"?: string | null; "to"?: string | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<Permit>>;

/** Ask for a permit (hours within a day) */
export declare function postPermitsApply(o?: Call<{  }, {  }, ApplyPermit>): Promise<Permit>;

/** Approve or reject a permit */
export declare function postPermitsIdApproval(o: Call<{ "id": string }, {  }, Approval>): Promise<Permit>;

/** Cancel a permit */
export declare function postPermitsIdCancel(o: Call<{ "id": string }, {  }, never>): Promise<Permit>;

/** Liveness check */
export declare function getPing(o?: Call<{  }, {  }, never>): Promise<Pong>;

/** List positions */
export declare function getPositions(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "department_id"?: string }, never>): Promise<Array<Position>>;

/** Create a position */
export declare function postPositions(o?: Call<{  }, {  }, CreatePosition>): Promise<Position>;

/** Delete a position */
export declare function deletePositionsId(o: Call<{ "id": string }, {  }, never>): Promise<Position>;

/** Get a position */
export declare function getPositionsId(o: Call<{ "id": string }, {  }, never>): Promise<Position>;

/** Change a position */
export declare function patchPositionsId(o: Call<{ "id": string }, {  }, UpdatePosition>): Promise<Position>;

/** List products */
export declare function getProducts(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "sku" | "-sku" | "name" | "-name" | "price" | "-price" | "cost" | "-cost"; "cursor"?: string; "sku"?: string; "category_id"?: string; "brand_id"?: string; "tax_id"?: string; "price"?: number; "unit"?: string; "track_stock"?: boolean; "is_active"?: boolean }, never>): Promise<Array<Product>>;

/** Create a product */
export declare function postProducts(o?: Call<{  }, {  }, CreateProduct>): Promise<Product>;

/** Find a product by barcode (or SKU), with stock at the caller's outlet */
export declare function getProductsBarcodeCode(o: Call<{ "code": string }, { "outlet_id"?: string | null }, never>): Promise<ProductLookup>;

/** Export the catalog as CSV or XLSX (one row per variant), streamed */
export declare function getProductsExport(o?: Call<{  }, { "format"?: string | null }, never>): Promise<unknown>;

/** Import products from CSV or XLSX: upsert by SKU, all or nothing */
export declare function postProductsImport(o?: Call<{  }, { "dry_run"?: boolean | null }, never>): Promise<ImportReport>;

/** Delete a product */
export declare function deleteProductsId(o: Call<{ "id": string }, {  }, never>): Promise<Product>;

/** Get a product */
export declare function getProductsId(o: Call<{ "id": string }, {  }, never>): Promise<Product>;

/** Change a product */
export declare function patchProductsId(o: Call<{ "id": string }, {  }, UpdateProduct>): Promise<Product>;

/** Set a product's image (shown on the guest menu) */
export declare function postProductsIdImage(o: Call<{ "id": string }, {  }, never>): Promise<Product>;

/** List promotions */
export declare function getPromotions(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "starts_at" | "-starts_at" | "ends_at" | "-ends_at"; "type"?: string; "auto_apply"?: boolean; "is_active"?: boolean }, never>): Promise<Array<Promotion>>;

/** Create a promotion */
export declare function postPromotions(o?: Call<{  }, {  }, CreatePromotion>): Promise<Promotion>;

/** Delete a promotion */
export declare function deletePromotionsId(o: Call<{ "id": string }, {  }, never>): Promise<Promotion>;

/** Get a promotion */
export declare function getPromotionsId(o: Call<{ "id": string }, {  }, never>): Promise<Promotion>;

/** Change a promotion */
export declare function patchPromotionsId(o: Call<{ "id": string }, {  }, UpdatePromotion>): Promise<Promotion>;

/** Published ads showing today (no login) */
export declare function getPublicTenantSlugCmsAds(o: Call<{ "tenant_slug": string }, { "page"?: number; "per_page"?: number; "placement"?: string }, never>): Promise<Array<Ad>>;

/** Published blog posts, newest first (no login) */
export declare function getPublicTenantSlugCmsBlog(o: Call<{ "tenant_slug": string }, { "page"?: number; "per_page"?: number; "search"?: string; "category"?: string; "tag"?: string }, never>): Promise<Array<Post>>;

/** One published blog post by its slug (no login) */
export declare function getPublicTenantSlugCmsBlogSlug(o: Call<{ "tenant_slug": string; "slug": string }, {  }, never>): Promise<Post>;

/** Published careers pages (no login) */
export declare function getPublicTenantSlugCmsCareers(o: Call<{ "tenant_slug": string }, { "page"?: number; "per_page"?: number; "search"?: string }, never>): Promise<Array<Page>>;

/** One published careers page by its slug (no login) */
export declare function getPublicTenantSlugCmsCareersSlug(o: Call<{ "tenant_slug": string; "slug": string }, {  }, never>): Promise<Page>;

/** Published department pages (no login) */
export declare function getPublicTenantSlugCmsDepartments(o: Call<{ "tenant_slug": string }, { "page"?: number; "per_page"?: number; "search"?: string }, never>): Promise<Array<Page>>;

/** One published department page by its slug (no login) */
export declare function getPublicTenantSlugCmsDepartmentsSlug(o: Call<{ "tenant_slug": string; "slug": string }, {  }, never>): Promise<Page>;

/** Published drop points (no login) */
export declare function getPublicTenantSlugCmsDropPoints(o: Call<{ "tenant_slug": string }, { "page"?: number; "per_page"?: number; "search"?: string }, never>): Promise<Array<DropPoint>>;

/** Published training pages (no login) */
export declare function getPublicTenantSlugCmsTraining(o: Call<{ "tenant_slug": string }, { "page"?: number; "per_page"?: number; "search"?: string }, never>): Promise<Array<Page>>;

/** One published training page by its slug (no login) */
export declare function getPublicTenantSlugCmsTrainingSlug(o: Call<{ "tenant_slug": string; "slug": string }, {  }, never>): Promise<Page>;

/** Published open vacancies (no login) */
export declare function getPublicTenantSlugCmsVacancies(o: Call<{ "tenant_slug": string }, { "page"?: number; "per_page"?: number; "search"?: string }, never>): Promise<Array<Vacancy>>;

/** One published open vacancy by its slug (no login) */
export declare function getPublicTenantSlugCmsVacanciesSlug(o: Call<{ "tenant_slug": string; "slug": string }, {  }, never>): Promise<Vacancy>;

/** List purchase_returns */
export declare function getPurchaseReturns(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "total_cost" | "-total_cost"; "purchase_id"?: string; "supplier_id"?: string; "warehouse_id"?: string; "outlet_id"?: string }, never>): Promise<Array<PurchaseReturn>>;

/** Create a purchase_return */
export declare function postPurchaseReturns(o?: Call<{  }, {  }, CreateReturn>): Promise<PurchaseReturn>;

/** Get a purchase_return */
export declare function getPurchaseReturnsId(o: Call<{ "id": string }, {  }, never>): Promise<PurchaseReturn>;

/** List purchases */
export declare function getPurchases(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "status" | "-status" | "total_cost" | "-total_cost" | "ordered_at" | "-ordered_at" | "received_at" | "-received_at"; "supplier_id"?: string; "warehouse_id"?: string; "outlet_id"?: string; "status"?: string }, never>): Promise<Array<Purchase>>;

/** Create a purchase */
export declare function postPurchases(o?: Call<{  }, {  }, CreatePurchase>): Promise<Purchase>;

/** Delete a purchase */
export declare function deletePurchasesId(o: Call<{ "id": string }, {  }, never>): Promise<Purchase>;

/** Get a purchase */
export declare function getPurchasesId(o: Call<{ "id": string }, {  }, never>): Promise<Purchase>;

/** Change a purchase */
export declare function patchPurchasesId(o: Call<{ "id": string }, {  }, UpdatePurchase>): Promise<Purchase>;

/** Cancel a purchase before any of it arrives */
export declare function postPurchasesIdCancel(o: Call<{ "id": string }, {  }, PurchaseAct>): Promise<Purchase>;

/** Place a draft purchase with the supplier */
export declare function postPurchasesIdOrder(o: Call<{ "id": string }, {  }, PurchaseAct>): Promise<Purchase>;

/** Receive all or part of a draft or ordered purchase: stock arrives at unit cost */
export declare function postPurchasesIdReceive(o: Call<{ "id": string }, {  }, ReceivePurchase>): Promise<Purchase>;

/** Send a push notification to chosen customers or all (customers.manage) */
export declare function postPushSend(o?: Call<{  }, {  }, PushSend>): Promise<PushQueued>;

/** Sales grouped by day, outlet, cashier, product or category */
export declare function getReportsSales(o?: Call<{  }, { "group_by"?: string | null; "outlet_id"?: string | null; "from"?: string | null; "to"?: string | null; "format"?: string | null }, never>): Promise<Vec>;

/** List roles */
export declare function getRoles(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" }, never>): Promise<Array<Role>>;

/** Create a role */
export declare function postRoles(o?: Call<{  }, {  }, CreateRole>): Promise<Role>;

/** Delete a role */
export declare function deleteRolesId(o: Call<{ "id": string }, {  }, never>): Promise<Role>;

/** Get a role */
export declare function getRolesId(o: Call<{ "id": string }, {  }, never>): Promise<Role>;

/** Change a role */
export declare function patchRolesId(o: Call<{ "id": string }, {  }, UpdateRole>): Promise<Role>;

/** List rosters */
export declare function getRosters(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "date" | "-date"; "employee_id"?: string; "date"?: string; "work_shift_id"?: string }, never>): Promise<Array<Roster>>;

/** Create a roster */
export declare function postRosters(o?: Call<{  }, {  }, CreateRoster>): Promise<Roster>;

/** Roster many shifts at once (a day already rostered gets the new shift) */
export declare function postRostersBulk(o?: Call<{  }, {  }, BulkRosters>): Promise<BulkRostered>;

/** Delete a roster */
export declare function deleteRostersId(o: Call<{ "id": string }, {  }, never>): Promise<Roster>;

/** Get a roster */
export declare function getRostersId(o: Call<{ "id": string }, {  }, never>): Promise<Roster>;

/** Change a roster */
export declare function patchRostersId(o: Call<{ "id": string }, {  }, UpdateRoster>): Promise<Roster>;

/** Sales, newest first */
export declare function getSales(o?: Call<{  }, { "outlet_id"?: string | null; "from"?: string | null; "to"?: string | null; "status"?: string | null; "customer_id"?: string | null; "shift_id"?: string | null; "page"?: number | null; "per_page"?: number | null; "cursor"?: string | null }, never>): Promise<Array<Sale>>;

/** Ring up a sale (checkout) */
export declare function postSales(o?: Call<{  }, {  }, CreateSale>): Promise<Sale>;

/** One sale */
export declare function getSalesId(o: Call<{ "id": string }, {  }, never>): Promise<Sale>;

/** A sale's invoice as an A4 PDF */
export declare function getSalesIdInvoice(o: Call<{ "id": string }, {  }, never>): Promise<unknown>;

/** A sale's receipt as PDF, text or ESC/POS */
export declare function getSalesIdReceipt(o: Call<{ "id": string }, { "format"?: string | null; "width"?: number | null }, never>): Promise<unknown>;

/** A sale's refunds, oldest first */
export declare function getSalesIdRefunds(o: Call<{ "id": string }, {  }, never>): Promise<Array<Refund>>;

/** Refund items of a sale */
export declare function postSalesIdRefunds(o: Call<{ "id": string }, {  }, CreateRefund>): Promise<Refund>;

/** Void a sale: its stock comes back and its payments are paid back */
export declare function postSalesIdVoid(o: Call<{ "id": string }, {  }, VoidSale>): Promise<Sale>;

/** Shifts, oldest first (sort=-opened_at for newest) */
export declare function getShifts(o?: Call<{  }, { "outlet_id"?: string; "user_id"?: string; "status"?: string; "business_date"?: string; "sort"?: string; "page"?: number; "per_page"?: number }, never>): Promise<Array<Shift>>;

/** Close a shift with the cash counted */
export declare function postShiftsClose(o?: Call<{  }, {  }, CloseShift>): Promise<Shift>;

/** The caller's open shift at an outlet (404 when none) */
export declare function getShiftsCurrent(o?: Call<{  }, { "outlet_id"?: string | null }, never>): Promise<Shift>;

/** Open a shift at an outlet */
export declare function postShiftsOpen(o?: Call<{  }, {  }, OpenShift>): Promise<Shift>;

/** One shift */
export declare function getShiftsId(o: Call<{ "id": string }, {  }, never>): Promise<Shift>;

/** A shift's cash movements */
export declare function getShiftsIdCashMovements(o: Call<{ "id": string }, {  }, never>): Promise<Array<CashMovement>>;

/** Put cash into or take cash out of the drawer */
export declare function postShiftsIdCashMovements(o: Call<{ "id": string }, {  }, CreateCashMovement>): Promise<CashMovement>;

/** A shift's figures (running while it is open) */
export declare function getShiftsIdReport(o: Call<{ "id": string }, {  }, never>): Promise<ShiftReport>;

/** List stations */
export declare function getStations(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "outlet_id"?: string }, never>): Promise<Array<Station>>;

/** Create a station */
export declare function postStations(o?: Call<{  }, {  }, CreateStation>): Promise<Station>;

/** Delete a station */
export declare function deleteStationsId(o: Call<{ "id": string }, {  }, never>): Promise<Station>;

/** Get a station */
export declare function getStationsId(o: Call<{ "id": string }, {  }, never>): Promise<Station>;

/** Change a station */
export declare function patchStationsId(o: Call<{ "id": string }, {  }, UpdateStation>): Promise<Station>;

/** Stock levels */
export declare function getStock(o?: Call<{  }, { "warehouse_id"?: string | null; "product_id"?: string | null; "low_only"?: boolean | null; "page"?: number | null; "per_page"?: number | null }, never>): Promise<Array<StockLevel>>;

/** Adjust stock by a change or a counted quantity */
export declare function postStockAdjustments(o?: Call<{  }, {  }, CreateAdjustment>): Promise<Adjustment>;

/** Export stock levels as CSV or XLSX, streamed */
export declare function getStockExport(o?: Call<{  }, { "format"?: string | null; "warehouse_id"?: string | null; "low_only"?: boolean | null }, never>): Promise<unknown>;

/** The stock ledger, newest first */
export declare function getStockMovements(o?: Call<{  }, { "warehouse_id"?: string | null; "product_id"?: string | null; "page"?: number | null; "per_page"?: number | null; "cursor"?: string | null }, never>): Promise<Array<StockMovement>>;

/** List stock_transfers */
export declare function getStockTransfers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "status" | "-status" | "sent_at" | "-sent_at" | "received_at" | "-received_at"; "from_warehouse_id"?: string; "to_warehouse_id"?: string; "from_outlet_id"?: string; "to_outlet_id"?: string; "status"?: string }, never>): Promise<Array<StockTransfer>>;

/** Create a stock_transfer */
export declare function postStockTransfers(o?: Call<{  }, {  }, CreateTransfer>): Promise<StockTransfer>;

/** Get a stock_transfer */
export declare function getStockTransfersId(o: Call<{ "id": string }, {  }, never>): Promise<StockTransfer>;

/** Cancel a transfer that was not sent */
export declare function postStockTransfersIdCancel(o: Call<{ "id": string }, {  }, TransferAct>): Promise<StockTransfer>;

/** Receive all or part of a sent transfer: stock arrives at the destination */
export declare function postStockTransfersIdReceive(o: Call<{ "id": string }, {  }, ReceiveTransfer>): Promise<StockTransfer>;

/** Send a transfer: stock leaves the source */
export declare function postStockTransfersIdSend(o: Call<{ "id": string }, {  }, TransferAct>): Promise<StockTransfer>;

/** List suppliers */
export declare function getSuppliers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name"; "phone"?: string; "email"?: string; "is_active"?: boolean }, never>): Promise<Array<Supplier>>;

/** Create a supplier */
export declare function postSuppliers(o?: Call<{  }, {  }, CreateSupplier>): Promise<Supplier>;

/** Delete a supplier */
export declare function deleteSuppliersId(o: Call<{ "id": string }, {  }, never>): Promise<Supplier>;

/** Get a supplier */
export declare function getSuppliersId(o: Call<{ "id": string }, {  }, never>): Promise<Supplier>;

/** Change a supplier */
export declare function patchSuppliersId(o: Call<{ "id": string }, {  }, UpdateSupplier>): Promise<Supplier>;

/** Conflicts between devices' changes and the server's */
export declare function getSyncConflicts(o?: Call<{  }, { "status"?: string; "entity"?: string; "record_id"?: string; "device_id"?: string; "sort"?: string; "page"?: number; "per_page"?: number }, never>): Promise<Array<Conflict>>;

/** One conflict */
export declare function getSyncConflictsId(o: Call<{ "id": string }, {  }, never>): Promise<Conflict>;

/** Resolve a conflict: the chosen values become a new version of the record */
export declare function postSyncConflictsIdResolve(o: Call<{ "id": string }, {  }, Resolve>): Promise<Resolved>;

/** Pull changes since a cursor */
export declare function getSyncPull(o?: Call<{  }, { "cursor"?: string | null; "limit"?: number | null; "entities"?: string | null }, never>): Promise<PullResult>;

/** Push a device's offline changes (at most 50, applied in order) */
export declare function postSyncPush(o?: Call<{  }, {  }, PushBody>): Promise<PushResponse>;

/** Make a gateway payment for a customer account (services with an API key) */
export declare function postSysPaymentsCheckout(o?: Call<{  }, {  }, ServiceCheckout>): Promise<Payment>;

/** Use a voucher for a customer (API key with promotions.manage) */
export declare function postSysVouchersRedeem(o?: Call<{  }, {  }, ServiceRedeem>): Promise<Redemption>;

/** List table_sessions */
export declare function getTableSessions(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "expires_at" | "-expires_at"; "outlet_id"?: string; "table_id"?: string; "status"?: string }, never>): Promise<Array<TableSession>>;

/** Create a table_session */
export declare function postTableSessions(o?: Call<{  }, {  }, CreateTableSession>): Promise<TableSession>;

/** Check a table session's token (no login: the token is the credential) */
export declare function postTableSessionsValidate(o?: Call<{  }, {  }, ValidateSession>): Promise<SessionValidity>;

/** Get a table_session */
export declare function getTableSessionsId(o: Call<{ "id": string }, {  }, never>): Promise<TableSession>;

/** Close a table session: its token orders nothing more */
export declare function postTableSessionsIdClose(o: Call<{ "id": string }, {  }, never>): Promise<TableSession>;

/** The session's QR code (PNG) */
export declare function getTableSessionsIdQrPng(o: Call<{ "id": string }, {  }, never>): Promise<unknown>;

/** The session's QR code (SVG), linking to KASIR_PUBLIC_URL with its token */
export declare function getTableSessionsIdQrSvg(o: Call<{ "id": string }, {  }, never>): Promise<unknown>;

/** List tables */
export declare function getTables(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "seats" | "-seats"; "outlet_id"?: string; "hall_id"?: string; "seats"?: number; "status"?: string }, never>): Promise<Array<Table>>;

/** Create a table */
export declare function postTables(o?: Call<{  }, {  }, CreateTable>): Promise<Table>;

/** Delete a table */
export declare function deleteTablesId(o: Call<{ "id": string }, {  }, never>): Promise<Table>;

/** Get a table */
export declare function getTablesId(o: Call<{ "id": string }, {  }, never>): Promise<Table>;

/** Change a table */
export declare function patchTablesId(o: Call<{ "id": string }, {  }, UpdateTable>): Promise<Table>;

/** List taxs */
export declare function getTaxes(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "rate_bps" | "-rate_bps"; "rate_bps"?: number; "inclusive"?: boolean; "is_active"?: boolean }, never>): Promise<Array<Tax>>;

/** Create a tax */
export declare function postTaxes(o?: Call<{  }, {  }, CreateTax>): Promise<Tax>;

/** Delete a tax */
export declare function deleteTaxesId(o: Call<{ "id": string }, {  }, never>): Promise<Tax>;

/** Get a tax */
export declare function getTaxesId(o: Call<{ "id": string }, {  }, never>): Promise<Tax>;

/** Change a tax */
export declare function patchTaxesId(o: Call<{ "id": string }, {  }, UpdateTax>): Promise<Tax>;

/** A temporary file, once (then it is deleted) */
export declare function getTempName(o: Call<{ "name": string }, { "s"?: string | null }, never>): Promise<unknown>;

/** List tenants */
export declare function getTenants(o?: Call<{  }, { "page"?: number | null; "per_page"?: number | null; "search"?: string | null }, never>): Promise<Array<Tenant>>;

/** Create a tenant and its owner (platform operator) */
export declare function postTenants(o?: Call<{  }, {  }, CreateTenant>): Promise<TenantCreated>;

/** Import a tenant's export into this server, ids kept (platform operator) */
export declare function postTenantsImport(o?: Call<{  }, {  }, never>): Promise<Imported>;

/** Get a tenant */
export declare function getTenantsId(o: Call<{ "id": string }, {  }, never>): Promise<Tenant>;

/** Change a tenant's settings */
export declare function patchTenantsId(o: Call<{ "id": string }, {  }, UpdateTenant>): Promise<Tenant>;

/** Export a tenant's data in the backup format (tenant owner) */
export declare function getTenantsIdExport(o: Call<{ "id": string }, {  }, never>): Promise<unknown>;

/** List tickets (those you reported, or all with tickets.manage) */
export declare function getTickets(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "title" | "-title" | "priority" | "-priority" | "status" | "-status"; "priority"?: string; "category"?: string; "status"?: string; "reporter_id"?: string; "assigned_to"?: string }, never>): Promise<Array<Ticket>>;

/** Open a ticket */
export declare function postTickets(o?: Call<{  }, {  }, NewTicket>): Promise<Ticket>;

/** Get a ticket */
export declare function getTicketsId(o: Call<{ "id": string }, {  }, never>): Promise<Ticket>;

/** Change a ticket: its text (the reporter), or its priority, assignee and status (tickets.manage) */
export declare function patchTicketsId(o: Call<{ "id": string }, {  }, TicketChange>): Promise<Ticket>;

/** Close a ticket with its resolution and the reporter's rating */
export declare function postTicketsIdClose(o: Call<{ "id": string }, {  }, Close>): Promise<Ticket>;

/** A ticket's comments, oldest first (internal notes only for tickets.manage) */
export declare function getTicketsIdComments(o: Call<{ "id": string }, {  }, never>): Promise<Array<Comment>>;

/** Comment on a ticket (internal notes need tickets.manage) */
export declare function postTicketsIdComments(o: Call<{ "id": string }, {  }, NewComment>): Promise<Comment>;

/** Reopen a resolved or closed ticket */
export declare function postTicketsIdReopen(o: Call<{ "id": string }, {  }, Reopen>): Promise<Ticket>;

/** List users */
export declare function getUsers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "username" | "-username" | "name" | "-name" | "role" | "-role" | "is_active" | "-is_active"; "username"?: string; "email"?: string; "role"?: string; "is_active"?: boolean }, never>): Promise<Array<User>>;

/** Create a user */
export declare function postUsers(o?: Call<{  }, {  }, CreateUser>): Promise<User>;

/** Delete a user */
export declare function deleteUsersId(o: Call<{ "id": string }, {  }, never>): Promise<User>;

/** Get a user */
export declare function getUsersId(o: Call<{ "id": string }, {  }, never>): Promise<User>;

/** Change a user */
export declare function patchUsersId(o: Call<{ "id": string }, {  }, UpdateUser>): Promise<User>;

/** List vehicles */
export declare function getVehicles(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "plate" | "-plate" | "type" | "-type" | "capacity" | "-capacity" | "status" | "-status"; "type"?: string; "status"?: string }, never>): Promise<Array<Vehicle>>;

/** Create a vehicle */
export declare function postVehicles(o?: Call<{  }, {  }, CreateVehicle>): Promise<Vehicle>;

/** Delete a vehicle */
export declare function deleteVehiclesId(o: Call<{ "id": string }, {  }, never>): Promise<Vehicle>;

/** Get a vehicle */
export declare function getVehiclesId(o: Call<{ "id": string }, {  }, never>): Promise<Vehicle>;

/** Change a vehicle */
export declare function patchVehiclesId(o: Call<{ "id": string }, {  }, UpdateVehicle>): Promise<Vehicle>;

/** List vouchers */
export declare function getVouchers(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "code" | "-code" | "valid_from" | "-valid_from" | "valid_until" | "-valid_until"; "discount_type"?: string; "active"?: boolean }, never>): Promise<Array<Voucher>>;

/** Create a voucher */
export declare function postVouchers(o?: Call<{  }, {  }, CreateVoucher>): Promise<Voucher>;

/** Check a voucher code against an order amount */
export declare function postVouchersValidate(o?: Call<{  }, {  }, ValidateVoucher>): Promise<VoucherCheck>;

/** Delete a voucher */
export declare function deleteVouchersId(o: Call<{ "id": string }, {  }, never>): Promise<Voucher>;

/** Get a voucher */
export declare function getVouchersId(o: Call<{ "id": string }, {  }, never>): Promise<Voucher>;

/** Change a voucher */
export declare function patchVouchersId(o: Call<{ "id": string }, {  }, UpdateVoucher>): Promise<Voucher>;

/** List warehouses */
export declare function getWarehouses(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "is_active" | "-is_active"; "outlet_id"?: string; "is_default"?: boolean; "is_active"?: boolean }, never>): Promise<Array<Warehouse>>;

/** Create a warehouse */
export declare function postWarehouses(o?: Call<{  }, {  }, CreateWarehouse>): Promise<Warehouse>;

/** Delete a warehouse */
export declare function deleteWarehousesId(o: Call<{ "id": string }, {  }, never>): Promise<Warehouse>;

/** Get a warehouse */
export declare function getWarehousesId(o: Call<{ "id": string }, {  }, never>): Promise<Warehouse>;

/** Change a warehouse */
export declare function patchWarehousesId(o: Call<{ "id": string }, {  }, UpdateWarehouse>): Promise<Warehouse>;

/** List work_shifts */
export declare function getWorkShifts(o?: Call<{  }, { "page"?: number; "per_page"?: number; "search"?: string; "sort"?: "created_at" | "-created_at" | "updated_at" | "-updated_at" | "name" | "-name" | "start_time" | "-start_time" }, never>): Promise<Array<WorkShift>>;

/** Create a work_shift */
export declare function postWorkShifts(o?: Call<{  }, {  }, CreateWorkShift>): Promise<WorkShift>;

/** Delete a work_shift */
export declare function deleteWorkShiftsId(o: Call<{ "id": string }, {  }, never>): Promise<WorkShift>;

/** Get a work_shift */
export declare function getWorkShiftsId(o: Call<{ "id": string }, {  }, never>): Promise<WorkShift>;

/** Change a work_shift */
export declare function patchWorkShiftsId(o: Call<{ "id": string }, {  }, UpdateWorkShift>): Promise<WorkShift>;

/** Open the realtime WebSocket (events of the caller's tenant and outlets) */
export declare function getWs(o?: Call<{  }, { "token"?: string | null }, never>): Promise<unknown>;

/** Open a WebSocket of branding approval events only */
export declare function getWsBrandingApproval(o?: Call<{  }, { "token"?: string | null }, never>): Promise<unknown>;

/** Open a WebSocket of ticket events only */
export declare function getWsTickets(o?: Call<{  }, { "token"?: string | null }, never>): Promise<unknown>;
