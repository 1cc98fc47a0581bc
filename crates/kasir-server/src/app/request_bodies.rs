//! Request bodies from slow and careless clients. A declared `Content-Length` over the route's
//! limit gets 413 before any of the body is read; a body that stops arriving for the body
//! timeout gets 408; and whatever a handler left unread is drained after the answer, so the
//! keep-alive connection stays usable. When it cannot stay usable, the answer says
//! `Connection: close` (hyper closes such a connection without saying so, and a client that
//! already sends its next request on it sees "connection closed").

use std::{
    future::Future,
    pin::Pin,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    task::{ready, Context, Poll},
    time::Duration,
};

use axum::{
    body::{Body, Bytes},
    extract::{MatchedPath, Request, State},
    http::{header, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
    BoxError,
};
use futures::StreamExt;
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

use super::BODY_LIMIT;
use crate::api::ApiError;

/// An unread remainder up to this size is read and discarded after the answer, and the
/// connection kept; a larger one closes it.
const DRAIN_LIMIT: u64 = 64 * 1024;

/// The body limit of each route and the body timeout: the state of [`guard`].
#[derive(Clone)]
pub struct BodyRules(Arc<Rules>);

struct Rules {
    /// `(method, route, limit)` of the routes that take uploads: [`UPLOAD_BODY_LIMIT`] unless the
    /// operation names its own.
    uploads: Vec<(Method, String, u64)>,
    /// The longest pause while a body arrives.
    timeout: Duration,
}

impl BodyRules {
    /// The routes that take uploads (`Op::upload`, which also gives them their larger body
    /// limit in the router, so that the two cannot disagree), and the body timeout.
    pub fn new(uploads: Vec<crate::api::openapi::Upload>, timeout: Duration) -> BodyRules {
        BodyRules(Arc::new(Rules { uploads, timeout }))
    }

    /// The largest body `method route` takes, and how the 413 message names it.
    fn limit(&self, method: &Method, route: Option<&str>) -> (u64, String) {
        let upload = route.and_then(|r| self.0.uploads.iter().find(|(m, p, _)| m == method && p == r));
        let limit = upload.map_or(BODY_LIMIT as u64, |(_, _, limit)| *limit);
        (limit, size_text(limit))
    }
}

/// A limit as a 413 message names it: whole MiB or GiB, rounded down (an upload limit carries
/// room for its form's other parts).
fn size_text(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    match bytes / MIB {
        mib if mib >= 1024 => format!("{} GiB", mib / 1024),
        mib => format!("{} MiB", mib.max(1)),
    }
}

/// The middleware: checks the declared length, times the body's reads, and settles what the
/// handler left unread.
pub async fn guard(State(rules): State<BodyRules>, req: Request, next: Next) -> Response {
    let (limit, label) = rules.limit(req.method(), req.extensions().get::<MatchedPath>().map(MatchedPath::as_str));
    let expects_continue =
        req.headers().get(header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let (parts, body) = req.into_parts();
    // hyper reports a declared Content-Length as the exact size; chunked bodies have none.
    if body.size_hint().exact().is_some_and(|declared| declared > limit) {
        let unread = Unread { body, polled: false, expects_continue };
        return unread.settle(ApiError::PayloadTooLarge(label.into()).into_response(), limit, rules.0.timeout);
    }
    let reading = Arc::new(Mutex::new(Reading::new(body, rules.0.timeout)));
    let res = next.run(Request::from_parts(parts, Body::new(TimedBody(reading.clone())))).await;
    let mut r = lock(&reading);
    if r.timed_out {
        // The client stalled mid-body: the rest of the connection cannot be trusted.
        return close(ApiError::RequestTimeout.into_response());
    }
    if r.ended {
        return res;
    }
    // Taken out (a handler still holding its body would now see it empty; none does).
    let body = std::mem::replace(&mut r.body, Body::empty());
    let unread = Unread { body, polled: r.polled, expects_continue };
    drop(r);
    unread.settle(res, limit, rules.0.timeout)
}

/// What is left of a request body once its answer is ready.
struct Unread {
    body: Body,
    /// Whether anyone asked for the body (which makes hyper send `100 Continue`).
    polled: bool,
    expects_continue: bool,
}

impl Unread {
    /// Lets `res` go, keeping the connection when the rest of the body is small enough to drain.
    fn settle(self, res: Response, limit: u64, timeout: Duration) -> Response {
        if self.body.is_end_stream() {
            return res;
        }
        // A client waiting for `100 Continue` has sent no body: closing reads nothing more.
        if self.expects_continue && !self.polled {
            return close(res);
        }
        let remaining = self.body.size_hint().exact();
        let res = if remaining.is_some_and(|n| n <= DRAIN_LIMIT) { res } else { close(res) };
        // Reading on while a client finishes sending lets it read the answer; closing with its
        // bytes unread would reset the connection under it. Past twice the limit, give up.
        let most = DRAIN_LIMIT.max(2 * limit);
        if remaining.is_none_or(|n| n <= most) {
            tokio::spawn(drain(self.body, most, timeout));
        }
        res
    }
}

/// Reads and discards up to `most` bytes of `body` within `timeout`. Dropping a body that is
/// still unfinished makes hyper close the connection.
async fn drain(body: Body, most: u64, timeout: Duration) {
    let mut chunks = body.into_data_stream();
    let mut read = 0;
    let finished = tokio::time::timeout(timeout, async {
        while let Some(chunk) = chunks.next().await {
            // An error means the client went away or broke the framing: nothing left to keep.
            let Ok(chunk) = chunk else { return false };
            read += chunk.len() as u64;
            if read > most {
                return false;
            }
        }
        true
    })
    .await;
    if finished != Ok(true) {
        tracing::debug!(read, "an unread request body did not finish; closing its connection");
    }
}

fn close(mut res: Response) -> Response {
    res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}

/// The request body as a handler sees it. The body itself stays in the shared [`Reading`], so
/// [`guard`] can still drain it after the handler has dropped this unread.
struct TimedBody(Arc<Mutex<Reading>>);

struct Reading {
    body: Body,
    timeout: Duration,
    /// Runs while a read waits for data; every frame disarms it.
    timer: Pin<Box<Sleep>>,
    armed: bool,
    polled: bool,
    ended: bool,
    timed_out: bool,
}

impl Reading {
    fn new(body: Body, timeout: Duration) -> Reading {
        Reading {
            body,
            timeout,
            timer: Box::pin(tokio::time::sleep(timeout)),
            armed: false,
            polled: false,
            ended: false,
            timed_out: false,
        }
    }
}

/// The body stopped arriving for longer than the body timeout.
#[derive(Debug, thiserror::Error)]
#[error("the request body stopped arriving")]
struct BodyTimedOut;

impl HttpBody for TimedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let mut guard = lock(&self.0);
        let r = &mut *guard;
        r.polled = true;
        if r.timed_out {
            return Poll::Ready(Some(Err(BodyTimedOut.into())));
        }
        if let Poll::Ready(frame) = Pin::new(&mut r.body).poll_frame(cx) {
            r.armed = false;
            r.ended = frame.is_none();
            return Poll::Ready(frame.map(|f| f.map_err(Into::into)));
        }
        if !r.armed {
            r.timer.as_mut().reset(Instant::now() + r.timeout);
            r.armed = true;
        }
        ready!(r.timer.as_mut().poll(cx));
        r.timed_out = true;
        Poll::Ready(Some(Err(BodyTimedOut.into())))
    }

    fn is_end_stream(&self) -> bool {
        let r = lock(&self.0);
        r.ended || r.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        lock(&self.0).body.size_hint()
    }
}

/// The lock is never held across a panic point that leaves `Reading` half-updated, so a
/// poisoned one is still consistent.
fn lock(reading: &Mutex<Reading>) -> MutexGuard<'_, Reading> {
    reading.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::UPLOAD_BODY_LIMIT;

    #[test]
    fn uploads_have_the_upload_limit_and_everything_else_the_json_limit() {
        let uploads = crate::app::routes::all().finish("test").uploads;
        let rules = BodyRules::new(uploads, Duration::from_secs(1));
        let import = rules.limit(&Method::POST, Some("/api/v1/products/import"));
        assert_eq!(import, (UPLOAD_BODY_LIMIT as u64, "20 MiB".to_string()));
        assert_eq!(rules.limit(&Method::POST, Some("/api/v1/outlets")), (BODY_LIMIT as u64, "1 MiB".into()));
        assert_eq!(rules.limit(&Method::PUT, Some("/api/v1/products/import")), (BODY_LIMIT as u64, "1 MiB".into()));
        assert_eq!(rules.limit(&Method::POST, None), (BODY_LIMIT as u64, "1 MiB".into()), "unrouted requests");
        // An upload with a limit of its own: a tenant's export.
        let tenant = rules.limit(&Method::POST, Some("/api/v1/tenants/import"));
        let own = (crate::platform::backup::IMPORT_LIMIT + 64 * 1024) as u64;
        assert_eq!(tenant, (own, "2 GiB".into()));
    }
}
