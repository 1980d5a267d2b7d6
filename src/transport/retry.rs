//! Retry policy: which failures are retried, how long to wait, and the retry quota.
//!
//! The numbers follow the AWS SDKs' standard retry mode as botocore implements it in
//! `botocore/retries/standard.py` (commit 0719e79, standard mode version 2.0) and
//! `botocore/retries/quota.py`. A call makes at most 3 attempts, and waits a full-jitter
//! exponential backoff of `random(0, 1) * min(2^(attempt - 1) s, 20 s)` between them. A quota
//! of 500 tokens is shared by the session: a retry costs 5 (10 after a timeout), and a success
//! returns what its retries took, or 1.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::Error;

/// Attempts per call, the first one included, when nothing else is configured.
pub(crate) const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Cap of the first retry's backoff; each later retry doubles it.
pub(crate) const DEFAULT_INITIAL_BACKOFF: Duration = Duration::from_secs(1);
/// Cap of any backoff before jitter.
pub(crate) const MAX_BACKOFF: Duration = Duration::from_secs(20);
/// How much longer than the computed backoff an `x-amz-retry-after` header may make a wait.
/// botocore's standard mode version 2.1 uses the same bound (`_RETRY_AFTER_MAX_ADDITIONAL`).
pub(crate) const MAX_RETRY_AFTER_EXTRA: Duration = Duration::from_secs(5);

/// Tokens in a full retry quota.
pub(crate) const QUOTA_CAPACITY: u32 = 500;
/// Tokens a retry takes from the quota.
pub(crate) const RETRY_COST: u32 = 5;
/// Tokens a retry after a timeout takes from the quota.
pub(crate) const TIMEOUT_RETRY_COST: u32 = 10;
/// Tokens a call that succeeds at its first attempt returns to the quota.
pub(crate) const SUCCESS_WITHOUT_RETRY_REFUND: u32 = 1;

/// Strategy for retrying failed attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RetryMode {
    /// The AWS SDKs' standard mode: retries with exponential backoff and full jitter, limited
    /// by a retry quota shared by every client of the session.
    #[default]
    Standard,
    /// Standard mode plus client-side rate limiting: after the first throttling error, calls
    /// wait for a token from a bucket whose rate adapts to the throttling STS reports.
    Adaptive,
}

impl RetryMode {
    /// Parses a mode as `AWS_RETRY_MODE` and the profile's `retry_mode` spell it. `legacy`, a
    /// mode of older SDKs, is read as `standard`.
    pub(crate) fn parse(value: &str) -> Option<RetryMode> {
        match value.trim().to_ascii_lowercase().as_str() {
            "standard" | "legacy" => Some(RetryMode::Standard),
            "adaptive" => Some(RetryMode::Adaptive),
            _ => None,
        }
    }
}

impl fmt::Display for RetryMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RetryMode::Standard => "standard",
            RetryMode::Adaptive => "adaptive",
        })
    }
}

/// The retry settings of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RetryConfig {
    pub(crate) max_attempts: u32,
    pub(crate) mode: RetryMode,
    pub(crate) initial_backoff: Duration,
}

impl Default for RetryConfig {
    fn default() -> RetryConfig {
        RetryConfig {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            mode: RetryMode::Standard,
            initial_backoff: DEFAULT_INITIAL_BACKOFF,
        }
    }
}

/// Why a failed attempt may be retried; decides the quota cost and, in adaptive mode, whether
/// the sending rate drops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryReason {
    /// STS returned a throttling error code.
    Throttling,
    /// The connect or attempt timeout elapsed.
    Timeout,
    /// Any other retryable failure: HTTP 500, 502, 503 or 504, a transient error code, or a
    /// connection that failed or was reset.
    Transient,
}

impl RetryReason {
    /// Classifies `error` with [`Error::is_retryable`], which is the single list of what is
    /// retried; returns `None` for errors that are not.
    pub(crate) fn of(error: &Error) -> Option<RetryReason> {
        if !error.is_retryable() {
            return None;
        }
        Some(match error {
            Error::Timeout { .. } => RetryReason::Timeout,
            Error::Service(service) if service.is_throttling() => RetryReason::Throttling,
            _ => RetryReason::Transient,
        })
    }

    /// Returns the number of quota tokens a retry for this reason takes.
    pub(crate) fn quota_cost(self) -> u32 {
        match self {
            RetryReason::Timeout => TIMEOUT_RETRY_COST,
            RetryReason::Throttling | RetryReason::Transient => RETRY_COST,
        }
    }
}

/// Returns the full-jitter backoff after failed attempt number `attempt` (1 for the first):
/// `fraction * min(initial_backoff * 2^(attempt - 1), MAX_BACKOFF)`, where `fraction` is a
/// random number in `[0, 1)`.
pub(crate) fn backoff(attempt: u32, initial_backoff: Duration, fraction: f64) -> Duration {
    let exponent = attempt.saturating_sub(1).min(31);
    let ceiling = initial_backoff
        .saturating_mul(1u32 << exponent)
        .min(MAX_BACKOFF);
    ceiling.mul_f64(fraction.clamp(0.0, 1.0))
}

/// Parses an `x-amz-retry-after` header: a whole number of milliseconds.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // A value too large for u64 is still a request to wait as long as allowed.
    Some(Duration::from_millis(value.parse().unwrap_or(u64::MAX)))
}

/// Returns the wait before the next attempt: the backoff, moved towards the server's
/// `x-amz-retry-after` when there is one. The wait stays between the backoff and
/// [`MAX_RETRY_AFTER_EXTRA`] above it, so a server can neither cancel the backoff nor stall
/// the caller.
pub(crate) fn retry_delay(backoff: Duration, retry_after: Option<Duration>) -> Duration {
    match retry_after {
        None => backoff,
        Some(requested) => requested.clamp(backoff, backoff + MAX_RETRY_AFTER_EXTRA),
    }
}

/// Returns a pseudo-random number in `[0, 1)` for jitter.
///
/// Each call hashes a process-wide counter with a fresh [`RandomState`], whose keys the
/// standard library seeds from the operating system. That is unpredictable enough to spread
/// retries of many clients apart, and is not meant for anything secret.
pub(crate) fn jitter_fraction() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    // The top 53 bits fill an f64 mantissa exactly.
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// The retry quota: a token bucket shared by every call of a session, so that during an
/// outage retries stop once the quota is spent instead of multiplying the load.
#[derive(Debug)]
pub(crate) struct RetryQuota {
    available: Mutex<u32>,
}

impl Default for RetryQuota {
    fn default() -> RetryQuota {
        RetryQuota {
            available: Mutex::new(QUOTA_CAPACITY),
        }
    }
}

impl RetryQuota {
    /// Takes `cost` tokens and returns true, or returns false and takes nothing when fewer are
    /// left.
    pub(crate) fn try_acquire(&self, cost: u32) -> bool {
        let mut available = self
            .available
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if *available < cost {
            return false;
        }
        *available -= cost;
        true
    }

    /// Returns `amount` tokens, without going over [`QUOTA_CAPACITY`].
    pub(crate) fn release(&self, amount: u32) {
        let mut available = self
            .available
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *available = available.saturating_add(amount).min(QUOTA_CAPACITY);
    }

    /// Returns the number of tokens left.
    pub(crate) fn available(&self) -> u32 {
        *self
            .available
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Fault, ServiceError};

    fn service(code: &str, status: u16) -> Error {
        Error::Service(ServiceError {
            code: code.to_string(),
            message: String::new(),
            fault: Fault::Unspecified,
            request_id: None,
            status,
            attempts: 1,
        })
    }

    #[test]
    fn mode_parsing() {
        assert_eq!(RetryMode::parse("standard"), Some(RetryMode::Standard));
        assert_eq!(RetryMode::parse(" Adaptive "), Some(RetryMode::Adaptive));
        assert_eq!(RetryMode::parse("legacy"), Some(RetryMode::Standard));
        assert_eq!(RetryMode::parse("fast"), None);
        assert_eq!(RetryMode::parse(""), None);
    }

    #[test]
    fn reason_follows_is_retryable() {
        let throttling_codes = [
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestThrottledException",
            "TooManyRequestsException",
            "RequestLimitExceeded",
            "ProvisionedThroughputExceededException",
            "BandwidthLimitExceeded",
            "LimitExceededException",
            "RequestThrottled",
            "SlowDown",
            "PriorRequestNotComplete",
            "EC2ThrottledException",
        ];

        for code in throttling_codes {
            assert_eq!(
                RetryReason::of(&service(code, 400)),
                Some(RetryReason::Throttling),
                "{code}"
            );
        }

        for code in [
            "RequestTimeout",
            "RequestTimeoutException",
            "IDPCommunicationError",
        ] {
            assert_eq!(
                RetryReason::of(&service(code, 400)),
                Some(RetryReason::Transient),
                "{code}"
            );
        }

        for status in [500, 502, 503, 504] {
            assert_eq!(
                RetryReason::of(&service("InternalFailure", status)),
                Some(RetryReason::Transient),
                "{status}"
            );
            assert_eq!(
                RetryReason::of(&Error::invalid_response(status, "html page", None)),
                Some(RetryReason::Transient),
                "{status}"
            );
        }

        for code in [
            "AccessDenied",
            "ValidationError",
            "PackedPolicyTooLarge",
            "ExpiredTokenException",
            "SignatureDoesNotMatch",
        ] {
            assert_eq!(RetryReason::of(&service(code, 400)), None, "{code}");
        }
        assert_eq!(RetryReason::of(&service("Unknown", 501)), None);
        assert_eq!(RetryReason::of(&service("Unknown", 429)), None);

        let timeout = Error::Timeout {
            endpoint: "http://127.0.0.1:1/".into(),
            message: "m".into(),
            attempts: 1,
        };
        assert_eq!(RetryReason::of(&timeout), Some(RetryReason::Timeout));
        let reset = Error::Transport {
            endpoint: "http://127.0.0.1:1/".into(),
            message: "connection reset".into(),
            attempts: 1,
        };
        assert_eq!(RetryReason::of(&reset), Some(RetryReason::Transient));
        assert_eq!(
            RetryReason::of(&Error::invalid_response(200, "truncated", None)),
            None
        );
        assert_eq!(RetryReason::of(&Error::config("bad")), None);
    }

    #[test]
    fn quota_costs() {
        assert_eq!(RetryReason::Timeout.quota_cost(), 10);
        assert_eq!(RetryReason::Throttling.quota_cost(), 5);
        assert_eq!(RetryReason::Transient.quota_cost(), 5);
    }

    #[test]
    fn backoff_doubles_and_caps_at_twenty_seconds() {
        let initial = Duration::from_secs(1);
        assert_eq!(backoff(1, initial, 0.5), Duration::from_millis(500));
        assert_eq!(backoff(2, initial, 0.5), Duration::from_secs(1));
        assert_eq!(backoff(3, initial, 0.5), Duration::from_secs(2));
        assert_eq!(backoff(5, initial, 1.0), Duration::from_secs(16));
        assert_eq!(backoff(6, initial, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(1_000, initial, 1.0), MAX_BACKOFF);
        assert_eq!(backoff(3, initial, 0.0), Duration::ZERO);
        assert_eq!(
            backoff(2, Duration::from_millis(10), 1.0),
            Duration::from_millis(20)
        );
        assert_eq!(backoff(1, Duration::MAX, 1.0), MAX_BACKOFF);
    }

    #[test]
    fn jitter_is_spread_over_unit_interval() {
        let samples: Vec<f64> = (0..2_000).map(|_| jitter_fraction()).collect();
        assert!(samples.iter().all(|x| (0.0..1.0).contains(x)));
        let low = samples.iter().filter(|x| **x < 0.5).count();
        // For a fair source the count is 1000 with a standard deviation of about 22, so the
        // bounds are 4.5 standard deviations wide.
        assert!((900..1_100).contains(&low), "{low} of 2000 below 0.5");
    }

    #[test]
    fn retry_after_parsing() {
        assert_eq!(
            parse_retry_after("1500"),
            Some(Duration::from_millis(1_500))
        );
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("99999999999999999999999"),
            Some(Duration::from_millis(u64::MAX))
        );
        for bad in ["", "-5", "1.5", "abc", "Wed, 21 Oct 2015 07:28:00 GMT"] {
            assert_eq!(parse_retry_after(bad), None, "{bad}");
        }
    }

    #[test]
    fn retry_after_is_bounded_by_backoff() {
        let backoff = Duration::from_millis(300);
        assert_eq!(retry_delay(backoff, None), backoff);
        assert_eq!(
            retry_delay(backoff, Some(Duration::from_millis(2_000))),
            Duration::from_millis(2_000)
        );
        assert_eq!(retry_delay(backoff, Some(Duration::ZERO)), backoff);
        assert_eq!(
            retry_delay(backoff, Some(Duration::from_secs(3_600))),
            backoff + MAX_RETRY_AFTER_EXTRA
        );
    }

    #[test]
    fn quota_runs_out_and_refills() {
        let quota = RetryQuota::default();
        for _ in 0..QUOTA_CAPACITY / TIMEOUT_RETRY_COST {
            assert!(quota.try_acquire(TIMEOUT_RETRY_COST));
        }
        assert_eq!(quota.available(), 0);
        assert!(!quota.try_acquire(RETRY_COST));
        quota.release(RETRY_COST);
        assert!(quota.try_acquire(RETRY_COST));
        assert!(!quota.try_acquire(1));
        quota.release(10_000);
        assert_eq!(quota.available(), QUOTA_CAPACITY);
    }
}
