//! How the process gives memory back to the system (issue 14: ≤ 40 MB idle, ≤ 120 MB under
//! load, on a 1 GB server).
//!
//! glibc's malloc serves a block above its mmap threshold (128 KiB at start) with a mapping of
//! its own, and raises the threshold to the size of any such block that is freed (up to 32
//! MiB), the trim threshold to twice that. One password hash is enough: argon2id's 19 MiB
//! block, freed after the first admin is made or a user signs in, moves the threshold to 19 MiB
//! and the trim threshold to 38 MiB (read from a running server with gdb, `print mp_`). From
//! then on every large buffer (a seeding batch, a rendered page, a .docx) comes from the heaps
//! and what is freed stays resident: 146–165 MB idle after `serve --demo`, 218–256 MB under
//! load. With the threshold held where it starts, the same server idles at 46 MB, 33 MB once
//! the start's garbage is trimmed, and peaks at about 60 MB under load.
//! Other C libraries (musl) and allocators have no such thresholds: there these are no-ops.

use std::time::Duration;

/// Holds glibc's mmap threshold at its starting value, so that large blocks keep going back to
/// the system when freed. A `MALLOC_MMAP_THRESHOLD_` in the environment (glibc's own knob) wins.
pub fn keep_returning_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets malloc's parameters; it is called from main before any
        // other thread exists. It returns 0 on a refused value, which only leaves glibc's default.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
        }
    }
}

/// The first trim waits this long: past the start's last garbage, which is made after the
/// listener is bound (building the router: the heap grows by about 16 MB in 20 ms, and what
/// is freed stays resident under the few blocks that stay live above it).
const FIRST_TRIM: Duration = Duration::from_secs(2);

/// Every `period` after that, what a burst of requests left free in the heaps goes back too,
/// instead of staying resident until the next burst. Runs until the process ends.
pub async fn trim_every(period: Duration) {
    let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + FIRST_TRIM, period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        // It walks every arena under its lock: off the request workers.
        let _ = tokio::task::spawn_blocking(release_free_memory).await;
    }
}

/// Gives the free pages of every malloc arena back to the system (glibc's `malloc_trim`, which
/// unlike the automatic trim also reaches free pages below the top of a heap).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes malloc's own locks; it is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
