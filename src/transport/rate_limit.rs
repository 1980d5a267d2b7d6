//! Client-side rate limiting for the adaptive retry mode.
//!
//! The design is the AWS SDKs' adaptive mode as botocore implements it in
//! `botocore/retries/adaptive.py`, `bucket.py` and `throttling.py` (commit 40454ea). The
//! limiter stays off until STS first throttles a call. From then on every attempt takes a
//! token from a bucket whose fill rate follows a CUBIC curve: it drops to 70 % of the measured
//! sending rate at each throttling error and grows back between them.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Lowest fill rate of the token bucket, in tokens per second.
const MIN_FILL_RATE: f64 = 0.5;
/// CUBIC scaling constant `C`.
const CUBIC_SCALE: f64 = 0.4;
/// CUBIC multiplicative decrease `beta`: the rate after a throttling error is this fraction of
/// the rate before it.
const CUBIC_BETA: f64 = 0.7;
/// Weight of the newest measurement in the smoothed sending rate.
const RATE_SMOOTHING: f64 = 0.8;
/// Width of the time buckets in which sends are counted, in seconds.
const RATE_BUCKET_SECONDS: f64 = 0.5;
/// The fill rate never exceeds this multiple of the measured sending rate.
const MAX_RATE_GROWTH: f64 = 2.0;

/// The adaptive rate limiter shared by every client of a session.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    origin: Instant,
    state: Mutex<LimiterState>,
}

impl Default for RateLimiter {
    fn default() -> RateLimiter {
        RateLimiter {
            origin: Instant::now(),
            state: Mutex::new(LimiterState::new(0.0)),
        }
    }
}

impl RateLimiter {
    /// Takes a token before an attempt, sleeping until one is available. Returns at once while
    /// the limiter is off, which it is until the first throttling error.
    pub(crate) fn acquire(&self) {
        let wait = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.reserve_token(self.seconds())
        };
        if !wait.is_zero() {
            log::debug!(
                "adaptive retry mode: waiting {} ms for the client-side rate limit",
                wait.as_millis()
            );
            std::thread::sleep(wait);
        }
    }

    /// Updates the rate after an attempt: `throttled` is true when STS returned a throttling
    /// error code.
    pub(crate) fn record_response(&self, throttled: bool) {
        let now = self.seconds();
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.record_response(now, throttled);
    }

    fn seconds(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }
}

/// The limiter's state, driven by explicit timestamps (seconds since the limiter started) so
/// tests can step time.
#[derive(Debug)]
struct LimiterState {
    enabled: bool,
    bucket: TokenBucket,
    cubic: Cubic,
    measured: MeasuredRate,
}

impl LimiterState {
    fn new(now: f64) -> LimiterState {
        LimiterState {
            enabled: false,
            bucket: TokenBucket::new(now),
            cubic: Cubic::new(now),
            measured: MeasuredRate::new(now),
        }
    }

    fn reserve_token(&mut self, now: f64) -> Duration {
        if !self.enabled {
            return Duration::ZERO;
        }
        self.bucket.reserve(now)
    }

    fn record_response(&mut self, now: f64, throttled: bool) {
        let measured = self.measured.record(now);
        let new_rate = if throttled {
            let rate_before = if self.enabled {
                measured.min(self.bucket.fill_rate)
            } else {
                measured
            };
            self.enabled = true;
            self.cubic.throttled(rate_before, now)
        } else {
            self.cubic.succeeded(now)
        };
        self.bucket
            .set_rate(new_rate.min(MAX_RATE_GROWTH * measured), now);
    }
}

/// A token bucket that lets callers reserve a token ahead of time: the balance may go below
/// zero, and each caller sleeps until its own token has been filled in.
#[derive(Debug)]
struct TokenBucket {
    fill_rate: f64,
    capacity: f64,
    balance: f64,
    refilled_at: f64,
}

impl TokenBucket {
    fn new(now: f64) -> TokenBucket {
        TokenBucket {
            fill_rate: 1.0,
            capacity: 1.0,
            balance: 0.0,
            refilled_at: now,
        }
    }

    fn refill(&mut self, now: f64) {
        let elapsed = (now - self.refilled_at).max(0.0);
        self.balance = (self.balance + elapsed * self.fill_rate).min(self.capacity);
        self.refilled_at = now;
    }

    /// Takes one token and returns how long to wait until it exists.
    fn reserve(&mut self, now: f64) -> Duration {
        self.refill(now);
        self.balance -= 1.0;
        if self.balance >= 0.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64(-self.balance / self.fill_rate)
        }
    }

    fn set_rate(&mut self, rate: f64, now: f64) {
        // Tokens earned so far are counted at the old rate.
        self.refill(now);
        let rate = if rate.is_finite() {
            rate
        } else {
            MIN_FILL_RATE
        };
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.capacity = rate.max(1.0);
        self.balance = self.balance.min(self.capacity);
    }
}

/// The CUBIC rate curve: `C * (t - last_throttle - k)^3 + w_max`, where `w_max` is the rate
/// at the last throttling error and `k` the time the curve takes to climb back to it.
#[derive(Debug)]
struct Cubic {
    w_max: f64,
    k: f64,
    last_throttle: f64,
}

impl Cubic {
    fn new(now: f64) -> Cubic {
        Cubic {
            w_max: 0.0,
            k: 0.0,
            last_throttle: now,
        }
    }

    fn succeeded(&self, now: f64) -> f64 {
        CUBIC_SCALE * (now - self.last_throttle - self.k).powi(3) + self.w_max
    }

    fn throttled(&mut self, rate_before: f64, now: f64) -> f64 {
        self.w_max = rate_before;
        self.k = (self.w_max * (1.0 - CUBIC_BETA) / CUBIC_SCALE).cbrt();
        self.last_throttle = now;
        rate_before * CUBIC_BETA
    }
}

/// The sending rate, counted in half-second buckets and exponentially smoothed.
#[derive(Debug)]
struct MeasuredRate {
    rate: f64,
    count: u64,
    bucket_start: f64,
}

impl MeasuredRate {
    fn new(now: f64) -> MeasuredRate {
        MeasuredRate {
            rate: 0.0,
            count: 0,
            bucket_start: Self::bucket_of(now),
        }
    }

    fn bucket_of(time: f64) -> f64 {
        (time / RATE_BUCKET_SECONDS).floor() * RATE_BUCKET_SECONDS
    }

    fn record(&mut self, now: f64) -> f64 {
        self.count += 1;
        let bucket = Self::bucket_of(now);
        if bucket > self.bucket_start {
            let current = self.count as f64 / (bucket - self.bucket_start);
            self.rate = current * RATE_SMOOTHING + self.rate * (1.0 - RATE_SMOOTHING);
            self.count = 0;
            self.bucket_start = bucket;
        }
        self.rate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_until_first_throttle() {
        let mut state = LimiterState::new(0.0);
        for step in 0..100 {
            let now = f64::from(step) * 0.01;
            assert_eq!(state.reserve_token(now), Duration::ZERO);
            state.record_response(now, false);
        }
        assert!(!state.enabled);
    }

    #[test]
    fn throttling_slows_sending() {
        let mut state = LimiterState::new(0.0);
        // Ten sends per second for three seconds, then a throttling error.
        let mut now = 0.0;
        for _ in 0..30 {
            state.record_response(now, false);
            now += 0.1;
        }
        state.record_response(now, true);
        assert!(state.enabled);
        let rate = state.bucket.fill_rate;
        assert!(
            (MIN_FILL_RATE..10.0).contains(&rate),
            "rate after throttling: {rate}"
        );

        // Once the tokens saved up before the error are spent, back-to-back requests wait
        // 1 / rate seconds more each.
        let mut waits = Vec::new();
        for _ in 0..20 {
            waits.push(state.reserve_token(now));
        }
        let first_wait = waits.iter().position(|wait| !wait.is_zero()).unwrap();
        assert!(first_wait <= rate.ceil() as usize, "{waits:?}");
        for pair in waits[first_wait..].windows(2) {
            let gap = (pair[1] - pair[0]).as_secs_f64();
            assert!((gap - 1.0 / rate).abs() < 1e-6, "gap {gap}, rate {rate}");
        }
    }

    #[test]
    fn rate_recovers_after_throttling() {
        let mut state = LimiterState::new(0.0);
        let mut now = 0.0;
        for _ in 0..20 {
            state.record_response(now, false);
            now += 0.1;
        }
        state.record_response(now, true);
        let after_throttle = state.bucket.fill_rate;
        // Keep sending successfully at the permitted rate for a while.
        for _ in 0..100 {
            now += 1.0 / state.bucket.fill_rate;
            state.record_response(now, false);
        }
        assert!(
            state.bucket.fill_rate > after_throttle,
            "{} after {after_throttle}",
            state.bucket.fill_rate
        );
    }

    #[test]
    fn fill_rate_has_a_floor() {
        let mut bucket = TokenBucket::new(0.0);
        bucket.set_rate(0.0, 0.0);
        assert_eq!(bucket.fill_rate, MIN_FILL_RATE);
        bucket.set_rate(f64::NAN, 0.0);
        assert_eq!(bucket.fill_rate, MIN_FILL_RATE);
        assert_eq!(bucket.reserve(0.0), Duration::from_secs(2));
    }

    #[test]
    fn cubic_climbs_back_to_previous_rate() {
        let mut cubic = Cubic::new(0.0);
        assert!((cubic.throttled(10.0, 5.0) - 7.0).abs() < 1e-9);
        // After k seconds the curve is back at w_max.
        let k = cubic.k;
        assert!((cubic.succeeded(5.0 + k) - 10.0).abs() < 1e-9);
        assert!(cubic.succeeded(5.0 + k + 1.0) > 10.0);
    }

    #[test]
    fn shared_limiter_is_off_by_default() {
        let limiter = RateLimiter::default();
        let started = Instant::now();
        limiter.acquire();
        limiter.record_response(false);
        limiter.acquire();
        assert!(started.elapsed() < Duration::from_millis(100));
    }
}
