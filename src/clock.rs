//! The wall clock. Read only by the runtime and the demo server: the pure layers get the time
//! in messages (`tests/layers.rs` keeps them from importing this).

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
