//! Everything that touches the network: HTTP, request signing, retries, clock-skew
//! correction, proxies and TLS roots.

pub(crate) mod clock_skew;
pub(crate) mod http;
pub(crate) mod proxy;
pub(crate) mod rate_limit;
pub(crate) mod retry;
pub(crate) mod settings;
pub(crate) mod signing;
pub(crate) mod tls;

use clock_skew::ClockOffset;
use rate_limit::RateLimiter;
use retry::{RetryConfig, RetryMode, RetryQuota};

/// The retry settings of a session and the state its clones share: the retry quota, the
/// adaptive mode's rate limiter and the clock offset.
#[derive(Debug)]
pub(crate) struct Reliability {
    pub(crate) retry: RetryConfig,
    pub(crate) quota: RetryQuota,
    /// Present in [`RetryMode::Adaptive`] only.
    pub(crate) rate_limiter: Option<RateLimiter>,
    pub(crate) clock_offset: ClockOffset,
}

impl Reliability {
    pub(crate) fn new(retry: RetryConfig) -> Reliability {
        Reliability {
            retry,
            quota: RetryQuota::default(),
            rate_limiter: (retry.mode == RetryMode::Adaptive).then(RateLimiter::default),
            clock_offset: ClockOffset::default(),
        }
    }
}
