//! Branding approvals: any staff login asks named approvers to approve designs. A request is
//! `pending` until every approver approved (`approved`), one rejects (`rejected`, final) or one
//! asks for changes (`revision`); the requester then revises it, which starts a new round with
//! every review reset. Approvers review once a round. Each change sends `APPROVAL_UPDATED` to the
//! requester, the approvers and `branding.manage` (also on `/ws/branding-approval`).

use axum::{
    extract::{RawQuery, State},
    response::Response,
};
use kasir_domain::{
    operations::{ApprovalStatus, BrandingCategory, ReviewDecision},
    ErrorCode, Permission, Violations,
};
use kasir_store::{
    crud,
    events::{ApprovalEvent, EventBody},
    feed::{Audience, Event},
    operations::branding::{self as store, *},
    Scope, Tx, Value,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    api::{
        created, ok, ok_page,
        openapi::{ApiRouter, Method, Op},
        resource::{list_op, new_record_id, parse_list_query},
        ApiError, ApiJson, IdPath,
    },
    auth::Principal,
    state::AppState,
    workforce::resources::finish,
};

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/branding-approvals",
        list,
        list_op(
            &APPROVALS,
            "operations",
            "List branding requests (yours to ask or review, or all with branding.manage)".into(),
        )
        .ok_list::<BrandingApproval>(),
    )
    .route(
        Method::Post,
        "/branding-approvals",
        submit,
        Op::new("operations", "Ask approvers to approve designs")
            .body::<NewApproval>()
            .created::<ApprovalView>()
            .errors(&[404]),
    )
    .route(
        Method::Get,
        "/branding-approvals/{id}",
        get,
        Op::new("operations", "Get a branding request with its reviews").path_id("id").ok::<ApprovalView>(),
    )
    .route(
        Method::Post,
        "/branding-approvals/{id}/review",
        review,
        Op::new("operations", "Approve, reject or ask for a revision (the request's approvers only)")
            .path_id("id")
            .body::<NewReview>()
            .ok::<ApprovalView>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/branding-approvals/{id}/revise",
        revise,
        Op::new(
            "operations",
            "Send revised designs (the requester, after a request for revision); the reviews start again",
        )
        .path_id("id")
        .body::<Revision>()
        .ok::<ApprovalView>()
        .errors(&[404, 422]),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApproval {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// `logo`, `marketing` or `social_media`.
    pub category: String,
    /// The designs (files uploaded with purpose `branding`), 1 to 20.
    #[schema(min_items = 1, max_items = 20)]
    pub file_ids: Vec<String>,
    /// Users who must all approve, 1 to 10 (not the requester).
    #[schema(min_items = 1, max_items = 10)]
    pub approver_ids: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    /// `approve`, `reject` or `request_revision`.
    pub action: String,
    #[schema(max_length = 2000)]
    pub feedback: Option<String>,
    /// What to change; required with `request_revision`.
    #[schema(max_length = 2000)]
    pub revision_notes: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// The revised designs, 1 to 20.
    #[schema(min_items = 1, max_items = 20)]
    pub file_ids: Vec<String>,
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

/// A request and its approvers' reviews of the current round.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApprovalView {
    #[serde(flatten)]
    pub approval: BrandingApproval,
    pub reviews: Vec<BrandingReview>,
}

fn announce(tx: &mut Tx, a: &BrandingApproval, by: Option<&BrandingReview>) -> Result<(), ApiError> {
    let body = EventBody::ApprovalUpdated(ApprovalEvent {
        id: a.id.clone(),
        title: a.title.clone(),
        status: a.status.clone(),
        round: a.round,
        approver: by.map(|r| r.approver_id.clone()),
        decision: by.map(|r| r.decision.clone()),
        requester_id: a.requester_id.clone(),
        at: a.updated_at.clone(),
    });
    let mut user_ids = vec![a.requester_id.clone()];
    user_ids.extend(a.approver_ids.0.iter().cloned());
    let audience = Audience { permission: Some(Permission::BrandingManage.as_str().into()), user_ids };
    tx.record_event(Event::new(&a.tenant_id, None, body)?.to_audience(&audience)?);
    Ok(())
}

fn involved(p: &Principal, a: &BrandingApproval) -> bool {
    p.has(Permission::BrandingManage)
        || p.user_id().is_some_and(|u| u == a.requester_id || a.approver_ids.0.iter().any(|x| x == u))
}

/// The request for `p`, locked: 404 unless they asked for it, review it or hold `branding.manage`.
async fn visible(tx: &mut Tx, p: &Principal, scope: &Scope, id: &str) -> Result<BrandingApproval, ApiError> {
    store::lock(tx, id).await?;
    let a: BrandingApproval = crud::get_in(tx, &APPROVALS, scope, id).await?;
    if involved(p, &a) {
        Ok(a)
    } else {
        Err(ApiError::NotFound)
    }
}

async fn list(State(s): State<AppState>, p: Principal, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let mut q = parse_list_query(&APPROVALS, raw.as_deref().unwrap_or(""))?;
    if !p.has(Permission::BrandingManage) {
        q.in_filters.push(("id".into(), store::involving(&s.db, &scope.tenant_id, &me).await?));
    }
    if q.sort.is_none() {
        q.sort = Some(("created_at".into(), true));
    }
    let page = crud::list::<BrandingApproval>(&s.db, &APPROVALS, &scope, &q).await?;
    Ok(ok_page(page, q.page, q.per_page))
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.staff_user()?;
    let scope = p.scope()?;
    let a: BrandingApproval = crud::get(&s.db, &APPROVALS, &scope, &id).await?;
    if !involved(&p, &a) {
        return Err(ApiError::NotFound);
    }
    let reviews = store::reviews(s.db.reader(), &a.id).await?;
    Ok(ok(ApprovalView { approval: a, reviews }))
}

async fn submit(
    State(s): State<AppState>,
    p: Principal,
    ApiJson(b): ApiJson<NewApproval>,
) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let id = new_record_id(b.id.as_deref())?;
    let mut v = Violations::new();
    let title = v.text("title", &b.title, 1, 200);
    let description = v.opt_text("description", b.description.as_deref(), 2000);
    let category = BrandingCategory::parse(&b.category).unwrap_or_else(|| {
        v.add("category", "must be logo, marketing or social_media");
        BrandingCategory::Logo
    });
    if b.file_ids.is_empty() {
        v.add("file_ids", "must name at least one file");
    }
    if b.approver_ids.is_empty() {
        v.add("approver_ids", "must name at least one approver");
    }
    if b.approver_ids.iter().any(|a| a == &me) {
        v.add("approver_ids", "must not include yourself");
    }
    finish(v)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let files = super::files(&mut tx, &scope, "file_ids", &b.file_ids, 20).await?;
    let approvers = super::users(&mut tx, &scope, "approver_ids", &b.approver_ids, 10).await?;
    let values = [
        ("title", Value::from(title)),
        ("description", Value::Text(description)),
        ("category", Value::from(category.as_str())),
        ("file_ids", Value::json(&files)),
        ("requester_id", Value::from(me)),
        ("approver_ids", Value::json(&approvers)),
        ("status", Value::from(ApprovalStatus::Pending.as_str())),
        ("round", Value::from(1i64)),
    ];
    let a: BrandingApproval = crud::create(&mut tx, &APPROVALS, &scope, &id, &values).await?;
    let mut reviews = Vec::new();
    for approver in &approvers {
        let values = [
            ("approval_id", Value::from(a.id.clone())),
            ("approver_id", Value::from(approver.clone())),
            ("round", Value::from(1i64)),
            ("decision", Value::from(ReviewDecision::Pending.as_str())),
        ];
        reviews.push(crud::create(&mut tx, &REVIEWS, &scope, &kasir_domain::ids::new_id(), &values).await?);
    }
    announce(&mut tx, &a, None)?;
    tx.commit().await?;
    Ok(created(ApprovalView { approval: a, reviews }))
}

async fn review(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<NewReview>,
) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let mut v = Violations::new();
    let decision = match b.action.as_str() {
        "approve" => ReviewDecision::Approved,
        "reject" => ReviewDecision::Rejected,
        "request_revision" => ReviewDecision::RevisionRequested,
        _ => {
            v.add("action", "must be approve, reject or request_revision");
            ReviewDecision::Pending
        }
    };
    let feedback = v.opt_text("feedback", b.feedback.as_deref(), 2000);
    let notes = v.opt_text("revision_notes", b.revision_notes.as_deref(), 2000);
    if decision == ReviewDecision::RevisionRequested && notes.as_deref().is_none_or(|n| n.trim().is_empty()) {
        v.add("revision_notes", "is required when asking for a revision");
    }
    finish(v)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let a = visible(&mut tx, &p, &scope, &id).await?;
    let mut reviews = store::reviews(&mut *tx, &a.id).await?;
    let Some(mine) = reviews.iter().position(|r| r.approver_id == me) else {
        return Err(ApiError::Forbidden("only the request's approvers review it".into()));
    };
    if !ApprovalStatus::Pending.is(&a.status) {
        return Err(ApiError::Rule {
            code: ErrorCode::InvalidTransition,
            message: format!("the request is {} and takes no reviews now", a.status),
        });
    }
    if !ReviewDecision::Pending.is(&reviews[mine].decision) {
        return Err(ApiError::Rule {
            code: ErrorCode::InvalidTransition,
            message: format!("you reviewed round {} already", a.round),
        });
    }
    let values = [
        ("decision", Value::from(decision.as_str())),
        ("feedback", Value::Text(feedback)),
        ("revision_notes", Value::Text(notes)),
        ("reviewed_at", Value::from(kasir_domain::time::now())),
    ];
    let updated: BrandingReview = crud::update(&mut tx, &REVIEWS, &scope, &reviews[mine].id, None, &values).await?;
    reviews[mine] = updated;
    let decisions: Vec<ReviewDecision> = reviews.iter().filter_map(|r| ReviewDecision::parse(&r.decision)).collect();
    let status = ApprovalStatus::of(&decisions);
    let a: BrandingApproval =
        crud::update(&mut tx, &APPROVALS, &scope, &a.id, None, &[("status", Value::from(status.as_str()))]).await?;
    announce(&mut tx, &a, Some(&reviews[mine]))?;
    tx.commit().await?;
    Ok(ok(ApprovalView { approval: a, reviews }))
}

async fn revise(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<Revision>,
) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let mut v = Violations::new();
    if b.file_ids.is_empty() {
        v.add("file_ids", "must name at least one file");
    }
    let notes = v.opt_text("notes", b.notes.as_deref(), 2000);
    finish(v)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let files = super::files(&mut tx, &scope, "file_ids", &b.file_ids, 20).await?;
    let a = visible(&mut tx, &p, &scope, &id).await?;
    if a.requester_id != me {
        return Err(ApiError::Forbidden("only the requester revises a request".into()));
    }
    if !ApprovalStatus::Revision.is(&a.status) {
        return Err(ApiError::Rule {
            code: ErrorCode::InvalidTransition,
            message: format!("the request is {}: only one sent back for revision is revised", a.status),
        });
    }
    let round = a.round + 1;
    let values = [
        ("file_ids", Value::json(&files)),
        ("revision_notes", Value::Text(notes)),
        ("status", Value::from(ApprovalStatus::Pending.as_str())),
        ("round", Value::from(round)),
    ];
    let a: BrandingApproval = crud::update(&mut tx, &APPROVALS, &scope, &a.id, None, &values).await?;
    let mut reviews = Vec::new();
    for r in store::reviews(&mut *tx, &a.id).await? {
        let values = [
            ("round", Value::from(round)),
            ("decision", Value::from(ReviewDecision::Pending.as_str())),
            ("feedback", Value::Text(None)),
            ("revision_notes", Value::Text(None)),
            ("reviewed_at", Value::Text(None)),
        ];
        reviews.push(crud::update(&mut tx, &REVIEWS, &scope, &r.id, None, &values).await?);
    }
    announce(&mut tx, &a, None)?;
    tx.commit().await?;
    Ok(ok(ApprovalView { approval: a, reviews }))
}
