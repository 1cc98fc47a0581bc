//! Giving freed heap memory back to the system. glibc's allocator keeps what a burst of work
//! freed (start-up builds the router; a login hashes in a large buffer; a report collects rows)
//! for its next allocations, so an idle server would hold its busiest moment's memory. After
//! start-up, and once the server has been idle for a second after serving requests, the free
//! pages go back (`malloc_trim`): a few milliseconds, never while requests run.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

/// Requests finished since the process started (see [`served`]).
static SERVED: AtomicU64 = AtomicU64::new(0);

/// Counts a finished request, so that the idle trim knows there was work.
pub fn served() {
    SERVED.fetch_add(1, Ordering::Relaxed);
}

/// Returns the allocator's free pages to the system now.
pub fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases memory the allocator holds free; it takes the
    // allocator's own locks and touches no memory in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Trims after each second with no request that follows one with some.
pub fn start_idle_trim() {
    tokio::spawn(async {
        let (mut seen, mut trimmed) = (SERVED.load(Ordering::Relaxed), true);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let now = SERVED.load(Ordering::Relaxed);
            if now != seen {
                (seen, trimmed) = (now, false);
            } else if !trimmed {
                trimmed = true;
                let _ = tokio::task::spawn_blocking(trim).await;
            }
        }
    });
}
