//! Tickets: any staff login opens one and follows the tickets it reported; `tickets.manage` sees,
//! assigns and works on all of them. Status `open → in_progress → resolved → closed`, and
//! reopen; comments, with internal notes the reporter never sees (not in lists, not in events);
//! close with a resolution and a 1–5 rating. Each change sends `TICKET_*` to those handling
//! tickets, the reporter and the assignee (also on `/ws/tickets`).

use axum::{
    extract::{RawQuery, State},
    http::HeaderMap,
    response::Response,
};
use kasir_domain::{
    operations::{TicketPriority, TicketStatus},
    ErrorCode, Permission, Violations,
};
use kasir_store::{
    crud,
    events::{EventBody, TicketEvent},
    feed::{Audience, Event},
    operations::tickets::{self as store, *},
    Scope, StoreError, Tx, Value,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    api::{
        created, ok, ok_page,
        openapi::{ApiRouter, Method, Op},
        parse_if_match,
        resource::{expected_version, list_op, nullable, parse_list_query},
        ApiError, ApiJson, IdPath,
    },
    auth::Principal,
    state::AppState,
    workforce::resources::finish,
};

pub fn routes(api: ApiRouter<AppState>) -> ApiRouter<AppState> {
    api.route(
        Method::Get,
        "/tickets",
        list,
        list_op(&TICKETS, "operations", "List tickets (those you reported, or all with tickets.manage)".into())
            .ok_list::<Ticket>(),
    )
    .route(
        Method::Post,
        "/tickets",
        open,
        Op::new("operations", "Open a ticket").body::<NewTicket>().created::<Ticket>().errors(&[404]),
    )
    .route(Method::Get, "/tickets/{id}", get, Op::new("operations", "Get a ticket").path_id("id").ok::<Ticket>())
    .route(
        Method::Patch,
        "/tickets/{id}",
        change,
        Op::new(
            "operations",
            "Change a ticket: its text (the reporter), or its priority, assignee and status (tickets.manage)",
        )
        .path_id("id")
        .if_match()
        .body::<TicketChange>()
        .ok::<Ticket>()
        .errors(&[404, 409, 422]),
    )
    .route(
        Method::Post,
        "/tickets/{id}/comments",
        comment,
        Op::new("operations", "Comment on a ticket (internal notes need tickets.manage)")
            .path_id("id")
            .body::<NewComment>()
            .created::<Comment>()
            .errors(&[404]),
    )
    .route(
        Method::Get,
        "/tickets/{id}/comments",
        comments,
        Op::new("operations", "A ticket's comments, oldest first (internal notes only for tickets.manage)")
            .path_id("id")
            .ok_array::<Comment>(),
    )
    .route(
        Method::Post,
        "/tickets/{id}/close",
        close,
        Op::new("operations", "Close a ticket with its resolution and the reporter's rating")
            .path_id("id")
            .body::<Close>()
            .ok::<Ticket>()
            .errors(&[404, 422]),
    )
    .route(
        Method::Post,
        "/tickets/{id}/reopen",
        reopen,
        Op::new("operations", "Reopen a resolved or closed ticket")
            .path_id("id")
            .body::<Reopen>()
            .ok::<Ticket>()
            .errors(&[404, 422]),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// `low`, `medium` (default), `high` or `urgent`.
    pub priority: Option<String>,
    #[schema(max_length = 100)]
    pub category: Option<String>,
    /// The user to handle it (tickets.manage only).
    #[schema(format = Uuid)]
    pub assigned_to: Option<String>,
    /// Files uploaded with purpose `ticket_attachment` (at most 10).
    #[schema(max_items = 10)]
    pub attachment_file_ids: Option<Vec<String>>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketChange {
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    #[schema(min_length = 1, max_length = 5000)]
    pub description: Option<String>,
    #[schema(max_items = 10)]
    pub attachment_file_ids: Option<Vec<String>>,
    pub priority: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, max_length = 100)]
    pub category: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub assigned_to: Option<Option<String>>,
    /// `open`, `in_progress` or `resolved` (closing and reopening have their own calls).
    pub status: Option<String>,
    pub version: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    #[schema(min_length = 1, max_length = 5000)]
    pub comment: String,
    /// An internal note, hidden from the reporter (tickets.manage only).
    #[serde(default)]
    pub internal: bool,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Close {
    #[schema(min_length = 1, max_length = 2000)]
    pub resolution: String,
    /// The reporter's rating, 1 (poor) to 5 (excellent).
    #[schema(minimum = 1, maximum = 5)]
    pub satisfaction: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reopen {
    /// Why it is not solved (kept as a comment).
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

fn priority(v: &mut Violations, raw: &str) -> &'static str {
    match TicketPriority::parse(raw) {
        Some(p) => p.as_str(),
        None => {
            v.add("priority", "must be low, medium, high or urgent");
            ""
        }
    }
}

/// Those who hear of a ticket: whoever handles tickets, its reporter and its assignee.
fn audience(t: &Ticket, internal: bool) -> Audience {
    let mut user_ids: Vec<String> = t.assigned_to.iter().cloned().collect();
    if !internal && !user_ids.contains(&t.reporter_id) {
        user_ids.push(t.reporter_id.clone());
    }
    Audience { permission: Some(Permission::TicketsManage.as_str().into()), user_ids }
}

fn announce(tx: &mut Tx, body: EventBody, t: &Ticket, internal: bool) -> Result<(), ApiError> {
    tx.record_event(Event::new(&t.tenant_id, None, body)?.to_audience(&audience(t, internal))?);
    Ok(())
}

fn event(ticket: &Ticket) -> TicketEvent {
    TicketEvent { ticket: ticket.clone(), from: None, comment: None }
}

/// The ticket for `p`: all of them for `tickets.manage`, the reporter's own otherwise (404 for
/// the rest, as if they did not exist).
async fn visible(tx: &mut Tx, p: &Principal, scope: &Scope, id: &str) -> Result<Ticket, ApiError> {
    store::lock(tx, id).await?;
    let t: Ticket = crud::get_in(tx, &TICKETS, scope, id).await?;
    if p.has(Permission::TicketsManage) || p.user_id() == Some(t.reporter_id.as_str()) {
        Ok(t)
    } else {
        Err(ApiError::NotFound)
    }
}

async fn list(State(s): State<AppState>, p: Principal, RawQuery(raw): RawQuery) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let mut q = parse_list_query(&TICKETS, raw.as_deref().unwrap_or(""))?;
    if !p.has(Permission::TicketsManage) {
        q.filters.retain(|(name, _)| name != "reporter_id");
        q.filters.push(("reporter_id".into(), Value::from(me)));
    }
    if q.sort.is_none() {
        q.sort = Some(("created_at".into(), true));
    }
    let page = crud::list::<Ticket>(&s.db, &TICKETS, &scope, &q).await?;
    Ok(ok_page(page, q.page, q.per_page))
}

async fn get(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.staff_user()?;
    let scope = p.scope()?;
    let t: Ticket = crud::get(&s.db, &TICKETS, &scope, &id).await?;
    if p.has(Permission::TicketsManage) || p.user_id() == Some(t.reporter_id.as_str()) {
        Ok(ok(t))
    } else {
        Err(ApiError::NotFound)
    }
}

async fn open(State(s): State<AppState>, p: Principal, ApiJson(b): ApiJson<NewTicket>) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let id = crate::api::resource::new_record_id(b.id.as_deref())?;
    let mut v = Violations::new();
    let title = v.text("title", &b.title, 1, 200);
    let description = v.text("description", &b.description, 1, 5000);
    let priority = priority(&mut v, b.priority.as_deref().unwrap_or(TicketPriority::Medium.as_str()));
    let category = v.opt_text("category", b.category.as_deref(), 100);
    finish(v)?;
    if b.assigned_to.is_some() {
        p.require(Permission::TicketsManage)?;
    }
    let mut tx = s.db.begin(p.actor()).await?;
    let files =
        super::files(&mut tx, &scope, "attachment_file_ids", b.attachment_file_ids.as_deref().unwrap_or_default(), 10)
            .await?;
    let assignee = match &b.assigned_to {
        Some(a) => super::users(&mut tx, &scope, "assigned_to", std::slice::from_ref(a), 1).await?.pop(),
        None => None,
    };
    let values = [
        ("title", Value::from(title)),
        ("description", Value::from(description)),
        ("priority", Value::from(priority)),
        ("category", Value::Text(category)),
        ("status", Value::from(TicketStatus::Open.as_str())),
        ("reporter_id", Value::from(me)),
        ("assigned_to", Value::Text(assignee)),
        ("attachment_file_ids", Value::json(&files)),
    ];
    let t: Ticket = crud::create(&mut tx, &TICKETS, &scope, &id, &values).await?;
    announce(&mut tx, EventBody::TicketCreated(event(&t)), &t, false)?;
    tx.commit().await?;
    Ok(created(t))
}

async fn change(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    headers: HeaderMap,
    ApiJson(b): ApiJson<TicketChange>,
) -> Result<Response, ApiError> {
    p.staff_user()?;
    let scope = p.scope()?;
    let version = expected_version(parse_if_match(&headers)?, b.version)?;
    let manage = p.has(Permission::TicketsManage);
    if !manage && (b.priority.is_some() || b.category.is_some() || b.assigned_to.is_some() || b.status.is_some()) {
        // The reporter may fix what they wrote; handling is for tickets.manage (checked again below
        // for a ticket that turns out not to be theirs).
        p.require(Permission::TicketsManage)?;
    }
    let mut v = Violations::new();
    let mut values: Vec<(&str, Value)> = Vec::new();
    if let Some(t) = &b.title {
        values.push(("title", Value::from(v.text("title", t, 1, 200))));
    }
    if let Some(d) = &b.description {
        values.push(("description", Value::from(v.text("description", d, 1, 5000))));
    }
    if let Some(pr) = &b.priority {
        values.push(("priority", Value::from(priority(&mut v, pr))));
    }
    if let Some(c) = &b.category {
        values.push(("category", Value::Text(v.opt_text("category", c.as_deref(), 100))));
    }
    let to = b.status.as_deref().map(|st| match TicketStatus::parse(st) {
        Some(TicketStatus::Closed) | None => {
            v.add("status", "must be open, in_progress or resolved (close with POST /tickets/{id}/close)");
            TicketStatus::Open
        }
        Some(t) => t,
    });
    finish(v)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let current = visible(&mut tx, &p, &scope, &id).await?;
    if let Some(files) = &b.attachment_file_ids {
        let files = super::files(&mut tx, &scope, "attachment_file_ids", files, 10).await?;
        values.push(("attachment_file_ids", Value::json(&files)));
    }
    if let Some(a) = &b.assigned_to {
        let assignee = match a {
            Some(a) => super::users(&mut tx, &scope, "assigned_to", std::slice::from_ref(a), 1).await?.pop(),
            None => None,
        };
        values.push(("assigned_to", Value::Text(assignee)));
    }
    let from = TicketStatus::parse(&current.status);
    if let (Some(to), Some(from)) = (to, from) {
        if to != from {
            if !from.may_move(to) {
                return Err(ApiError::Rule {
                    code: ErrorCode::InvalidTransition,
                    message: format!("a ticket cannot go from {from} to {to}"),
                });
            }
            values.push(("status", Value::from(to.as_str())));
            let resolved_at = (to == TicketStatus::Resolved).then(kasir_domain::time::now);
            values.push(("resolved_at", Value::Text(resolved_at)));
        }
    }
    let t: Ticket = crud::update(&mut tx, &TICKETS, &scope, &current.id, version, &values).await?;
    let changed = (t.status != current.status).then(|| current.status.clone());
    announce(&mut tx, EventBody::TicketUpdated(TicketEvent { from: changed, ..event(&t) }), &t, false)?;
    tx.commit().await?;
    Ok(ok(t))
}

async fn comment(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<NewComment>,
) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let mut v = Violations::new();
    let text = v.text("comment", &b.comment, 1, 5000);
    finish(v)?;
    if b.internal {
        p.require(Permission::TicketsManage)?;
    }
    let mut tx = s.db.begin(p.actor()).await?;
    let t = visible(&mut tx, &p, &scope, &id).await?;
    let c = add_comment(&mut tx, &scope, &t, &me, text, b.internal).await?;
    tx.commit().await?;
    Ok(created(c))
}

/// Writes a comment and tells those who may read it.
async fn add_comment(
    tx: &mut Tx,
    scope: &Scope,
    t: &Ticket,
    author: &str,
    text: String,
    internal: bool,
) -> Result<Comment, ApiError> {
    let values = [
        ("ticket_id", Value::from(t.id.clone())),
        ("author_id", Value::from(author.to_string())),
        ("comment", Value::from(text)),
        ("internal", Value::from(internal)),
    ];
    let c: Comment = crud::create(tx, &COMMENTS, scope, &kasir_domain::ids::new_id(), &values).await?;
    announce(tx, EventBody::TicketCommented(TicketEvent { comment: Some(c.clone()), ..event(t) }), t, internal)?;
    Ok(c)
}

async fn comments(State(s): State<AppState>, p: Principal, IdPath(id): IdPath) -> Result<Response, ApiError> {
    p.staff_user()?;
    let scope = p.scope()?;
    let t: Ticket = crud::get(&s.db, &TICKETS, &scope, &id).await?;
    let manage = p.has(Permission::TicketsManage);
    if !manage && p.user_id() != Some(t.reporter_id.as_str()) {
        return Err(ApiError::NotFound);
    }
    Ok(ok(store::comments(&s.db, &t.id, manage).await?))
}

async fn close(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<Close>,
) -> Result<Response, ApiError> {
    p.staff_user()?;
    let scope = p.scope()?;
    let mut v = Violations::new();
    let resolution = v.text("resolution", &b.resolution, 1, 2000);
    let rating = v.range("satisfaction", b.satisfaction, 1, 5);
    finish(v)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let current = visible(&mut tx, &p, &scope, &id).await?;
    let t = step(&mut tx, &scope, &current, TicketStatus::Closed, |values| {
        values.push(("resolution", Value::from(resolution)));
        values.push(("satisfaction", Value::from(rating)));
        values.push(("closed_at", Value::from(kasir_domain::time::now())));
    })
    .await?;
    tx.commit().await?;
    Ok(ok(t))
}

async fn reopen(
    State(s): State<AppState>,
    p: Principal,
    IdPath(id): IdPath,
    ApiJson(b): ApiJson<Reopen>,
) -> Result<Response, ApiError> {
    let me = p.staff_user()?.to_string();
    let scope = p.scope()?;
    let mut v = Violations::new();
    let reason = v.opt_text("reason", b.reason.as_deref(), 2000);
    finish(v)?;
    let mut tx = s.db.begin(p.actor()).await?;
    let current = visible(&mut tx, &p, &scope, &id).await?;
    let t = step(&mut tx, &scope, &current, TicketStatus::Open, |values| {
        for field in ["resolution", "resolved_at", "closed_at"] {
            values.push((field, Value::Text(None)));
        }
        values.push(("satisfaction", Value::Int(None)));
    })
    .await?;
    if let Some(reason) = reason {
        add_comment(&mut tx, &scope, &t, &me, format!("Reopened: {reason}"), false).await?;
    }
    tx.commit().await?;
    Ok(ok(t))
}

/// Moves a ticket to `to` (422 `invalid_transition` when it may not), with `more` fields, and
/// announces it.
async fn step(
    tx: &mut Tx,
    scope: &Scope,
    current: &Ticket,
    to: TicketStatus,
    more: impl FnOnce(&mut Vec<(&'static str, Value)>),
) -> Result<Ticket, ApiError> {
    let from = TicketStatus::parse(&current.status).ok_or_else(|| {
        ApiError::from(StoreError::Corrupt(format!("ticket {} has status {}", current.id, current.status)))
    })?;
    if !from.may_move(to) {
        return Err(ApiError::Rule {
            code: ErrorCode::InvalidTransition,
            message: format!("a {from} ticket cannot become {to}"),
        });
    }
    let mut values: Vec<(&'static str, Value)> = vec![("status", Value::from(to.as_str()))];
    more(&mut values);
    let t: Ticket = crud::update(tx, &TICKETS, scope, &current.id, None, &values).await?;
    announce(tx, EventBody::TicketUpdated(TicketEvent { from: Some(current.status.clone()), ..event(&t) }), &t, false)?;
    Ok(t)
}
