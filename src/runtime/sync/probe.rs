//! While the stream waits to reconnect, a probe of a few bytes (`GET
//! /api/admin/system/version`) at a short, gently growing interval tells when an unreachable
//! server is back, so the stream reconnects at once instead of at the end of a backoff that
//! may have grown to 30 s. Only a server that could not be reached and then answers counts:
//! one that answers at once was up all along (the stream failed for another reason), and the
//! backoff stands.

use crate::runtime::api::ApiClient;
use std::time::Duration;

/// The first probe after this, then each interval a quarter longer, up to [`PROBE_MAX`].
pub const PROBE_FIRST: Duration = Duration::from_millis(400);
pub const PROBE_MAX: Duration = Duration::from_millis(1_500);
/// A probe that takes longer than this counts as unanswered.
const PROBE_TIMEOUT: Duration = Duration::from_millis(1_500);

/// The interval after `interval`.
pub fn next_interval(interval: Duration) -> Duration {
    (interval + interval / 4).min(PROBE_MAX)
}

/// Resolves once the server, unreachable at first, answers a probe; pends forever when it
/// answers the first one (then the caller's backoff decides).
pub async fn back_online(api: &ApiClient) {
    let mut interval = PROBE_FIRST;
    let mut was_down = false;
    loop {
        tokio::time::sleep(interval).await;
        let answered = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, api.version()).await,
            Ok(Ok(_))
        );
        match (answered, was_down) {
            (true, true) => return,
            (true, false) => std::future::pending::<()>().await,
            (false, _) => was_down = true,
        }
        interval = next_interval(interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_grows_gently_and_is_capped() {
        let mut i = PROBE_FIRST;
        let mut seen = vec![i];
        for _ in 0..10 {
            i = next_interval(i);
            seen.push(i);
        }
        assert_eq!(seen[1], Duration::from_millis(500));
        assert!(seen.windows(2).all(|w| w[1] >= w[0]));
        assert_eq!(*seen.last().unwrap(), PROBE_MAX);
    }
}
