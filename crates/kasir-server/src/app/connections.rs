//! The HTTP/1 accept loop. `axum::serve` gives hyper no timer, so hyper's header read timeout
//! never fires there; here it does, and the rest is what `axum::serve` did: the peer's address
//! for handlers, upgrades for WebSockets, and a graceful stop.

use std::{convert::Infallible, future::Future, time::Duration};

use axum::{extract::ConnectInfo, serve::Listener, Router};
use hyper::{body::Incoming, server::conn::http1, Request};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::TcpListener,
    sync::{mpsc, watch},
};
use tower::ServiceExt;

/// Serves `router` until `shutdown` resolves, then stops accepting and waits until every open
/// connection has answered the request it is on. A connection that sends no complete request
/// head within `header_timeout` (a new one, or an idle keep-alive one) is closed. Upgraded
/// connections (WebSockets) leave hyper, and with it these timeouts, once upgraded.
pub async fn serve(
    router: Router,
    mut listener: TcpListener,
    header_timeout: Duration,
    shutdown: impl Future<Output = ()>,
) {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    let (stop_tx, stop_rx) = watch::channel(false);
    // Each connection task holds a sender; `recv` returns `None` once the last one has ended.
    let (open_tx, mut open_rx) = mpsc::channel::<Infallible>(1);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            // axum's `Listener` retries failed accepts (and pauses when out of file descriptors).
            accepted = Listener::accept(&mut listener) => accepted,
            () = &mut shutdown => break,
        };
        // Responses and WebSocket frames are small and written whole: send each at once rather
        // than holding it until the client acknowledges the previous one (Nagle's algorithm,
        // which with the client's delayed acknowledgements adds up to 40 ms to a frame).
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, %peer, "setting TCP_NODELAY");
        }
        let router = router.clone();
        let service = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            // What `into_make_service_with_connect_info` did: handlers can read the peer's address.
            req.extensions_mut().insert(ConnectInfo(peer));
            router.clone().oneshot(req)
        });
        let conn = http.serve_connection(TokioIo::new(stream), service).with_upgrades();
        let mut stop = stop_rx.clone();
        let open = open_tx.clone();
        tokio::spawn(async move {
            let mut conn = std::pin::pin!(conn);
            // Ends when told to stop, or when `serve` is gone (its sender dropped): stop either way.
            let stopping = async move { stop.wait_for(|stop| *stop).await.map(drop) };
            let ended = tokio::select! {
                ended = conn.as_mut() => ended,
                _ = stopping => {
                    // Finishes the request in flight, then closes; an idle connection closes now.
                    conn.as_mut().graceful_shutdown();
                    conn.await
                }
            };
            if let Err(e) = ended {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(open);
        });
    }
    drop(listener);
    stop_tx.send_replace(true);
    drop(open_tx);
    open_rx.recv().await;
}
