//! The per-session credentials cache: when to refresh, single-flight loading and backoff.
//!
//! Rules:
//! - Credentials without an expiration are loaded once and kept.
//! - Credentials are never handed out within [`EXPIRY_MARGIN`] of their expiration.
//! - A refresh is due once less than a quarter of the credentials' lifetime remains, and at
//!   most [`MAX_REFRESH_WINDOW`] before expiration. So 15-minute credentials are refreshed
//!   after about 11 minutes, and 1-hour credentials 15 minutes before they expire, which is
//!   also botocore's advisory refresh time (botocore 1.44.8, `credentials.py`).
//! - One thread loads at a time. While credentials are still usable, the other threads keep
//!   using them; when none are usable, they wait for the load in progress.
//! - A failed refresh keeps the usable credentials and schedules the next attempt with
//!   exponential backoff, always before they expire. Errors are never cached: without usable
//!   credentials, the next call tries again.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;

use crate::{Credentials, Error};

/// Credentials this close to their expiration are treated as expired, so a request signed
/// with them does not arrive after they lapse.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(10);
/// The latest point of refresh before expiration, however long the credentials last.
pub(crate) const MAX_REFRESH_WINDOW: Duration = Duration::from_secs(15 * 60);
/// The wait before the first retry of a failed refresh. It doubles with each failure.
const FIRST_BACKOFF: Duration = Duration::from_secs(5);
/// The maximum wait between refresh attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(5 * 60);

/// Credentials with the times at which they need refreshing and stop being usable.
#[derive(Clone)]
struct Entry {
    credentials: Credentials,
    /// `None` for credentials that never expire.
    refresh_at: Option<SystemTime>,
    usable_until: Option<SystemTime>,
}

impl Entry {
    fn new(credentials: Credentials, now: SystemTime) -> Entry {
        let Some(expiration) = credentials.expiration().and_then(expiration_time) else {
            return Entry {
                credentials,
                refresh_at: None,
                usable_until: None,
            };
        };
        let lifetime = expiration.duration_since(now).unwrap_or_default();
        let window = (lifetime / 4).min(MAX_REFRESH_WINDOW).max(EXPIRY_MARGIN);
        Entry {
            credentials,
            refresh_at: Some(expiration.checked_sub(window).unwrap_or(expiration)),
            usable_until: Some(expiration.checked_sub(EXPIRY_MARGIN).unwrap_or(expiration)),
        }
    }

    fn is_usable(&self, now: SystemTime) -> bool {
        self.usable_until.is_none_or(|until| now < until)
    }

    fn is_refresh_due(&self, now: SystemTime) -> bool {
        self.refresh_at.is_some_and(|at| now >= at)
    }
}

#[derive(Default)]
struct State {
    entry: Option<Entry>,
    /// Whether a thread is loading credentials now.
    loading: bool,
    /// Number of the latest load attempt, counted from 1.
    attempt: u64,
    /// The attempt number and error of the latest failed load, copied for the waiting threads.
    last_failure: Option<(u64, Error)>,
    /// Consecutive failed loads.
    failures: u32,
    /// Earliest time of the next refresh attempt after a failed one.
    retry_at: Option<SystemTime>,
}

/// Credentials shared by every clone of a session, with the rules in the module
/// documentation.
#[derive(Default)]
pub(crate) struct CredentialsCache {
    state: Mutex<State>,
    loaded: Condvar,
}

impl CredentialsCache {
    /// Returns usable credentials, calling `load` when there are none or a refresh is due.
    ///
    /// `now` is the session's clock. `load` is called by one thread at a time.
    pub(crate) fn get(
        &self,
        now: &dyn Fn() -> SystemTime,
        load: &mut dyn FnMut() -> Result<Credentials, Error>,
    ) -> Result<Credentials, Error> {
        let mut state = self.lock();
        loop {
            let time = now();
            let usable = state.entry.as_ref().filter(|entry| entry.is_usable(time));
            if let Some(entry) = usable {
                let backing_off = state.retry_at.is_some_and(|at| time < at);
                if !entry.is_refresh_due(time) || state.loading || backing_off {
                    return Ok(entry.credentials.clone());
                }
                return self.load(state, now, load);
            }

            if !state.loading {
                return self.load(state, now, load);
            }
            let awaited = state.attempt;
            state = self
                .loaded
                .wait_while(state, |state| state.loading && state.attempt == awaited)
                .unwrap_or_else(PoisonError::into_inner);
            if let Some((attempt, error)) = &state.last_failure {
                let still_unusable = state.entry.as_ref().is_none_or(|e| !e.is_usable(now()));
                if *attempt == awaited && still_unusable {
                    return Err(copy_error(error));
                }
            }
        }
    }

    /// Loads credentials as the one loading thread, then wakes the waiting ones.
    fn load(
        &self,
        mut state: MutexGuard<'_, State>,
        now: &dyn Fn() -> SystemTime,
        load: &mut dyn FnMut() -> Result<Credentials, Error>,
    ) -> Result<Credentials, Error> {
        state.loading = true;
        state.attempt += 1;
        let attempt = state.attempt;
        drop(state);

        let mut guard = LoadingGuard {
            cache: self,
            armed: true,
        };
        let result = load().and_then(|credentials| check_not_expired(credentials, now()));

        // Storing the result and clearing the flag in one critical section keeps a woken
        // waiter from starting a second load before it reads this one's result.
        let mut state = self.lock();
        state.loading = false;
        guard.armed = false;
        self.loaded.notify_all();
        let time = now();
        match result {
            Ok(credentials) => {
                state.entry = Some(Entry::new(credentials.clone(), time));
                state.failures = 0;
                state.retry_at = None;
                state.last_failure = None;
                Ok(credentials)
            }
            Err(error) => {
                state.failures = state.failures.saturating_add(1);
                state.last_failure = Some((attempt, copy_error(&error)));
                let usable = state.entry.clone().filter(|entry| entry.is_usable(time));
                let Some(entry) = usable else {
                    return Err(error);
                };
                let delay = backoff(state.failures, &entry, time);
                state.retry_at = time.checked_add(delay);
                log::warn!(
                    "refreshing credentials failed ({} in a row); using the current ones until \
                     the next attempt in {} s: {error}",
                    state.failures,
                    delay.as_secs()
                );
                Ok(entry.credentials)
            }
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Clears the loading flag and wakes the waiting threads if the load panics.
struct LoadingGuard<'a> {
    cache: &'a CredentialsCache,
    armed: bool,
}

impl Drop for LoadingGuard<'_> {
    fn drop(&mut self) {
        if self.armed {
            self.cache.lock().loading = false;
            self.cache.loaded.notify_all();
        }
    }
}

/// Rejects credentials that a source returned already expired, or within the expiry margin.
fn check_not_expired(credentials: Credentials, now: SystemTime) -> Result<Credentials, Error> {
    if let Some(expiration) = credentials.expiration() {
        let margin_end = now.checked_add(EXPIRY_MARGIN).unwrap_or(now);
        if expiration_time(expiration).is_some_and(|at| at <= margin_end) {
            return Err(Error::credentials(format!(
                "the credentials for access key {} expired at {expiration}, or expire within \
                 {} s; the credential source returned no fresh ones",
                credentials.access_key_id(),
                EXPIRY_MARGIN.as_secs()
            )));
        }
    }
    Ok(credentials)
}

/// Copies an error, which is not `Clone`, with its variant, fields and sources, so the threads
/// that waited on a failed load get its code, request id and status too.
fn copy_error(error: &Error) -> Error {
    match error {
        Error::Service(service) => Error::Service(service.clone()),
        Error::InvalidInput { field, message } => Error::InvalidInput {
            field: field.clone(),
            message: message.clone(),
        },
        Error::Credentials { message, source } => Error::Credentials {
            message: message.clone(),
            source: source.as_deref().map(|source| Box::new(copy_error(source))),
        },
        Error::Config { message } => Error::Config {
            message: message.clone(),
        },
        Error::Transport {
            endpoint,
            message,
            attempts,
        } => Error::Transport {
            endpoint: endpoint.clone(),
            message: message.clone(),
            attempts: *attempts,
        },
        Error::Timeout {
            endpoint,
            message,
            attempts,
        } => Error::Timeout {
            endpoint: endpoint.clone(),
            message: message.clone(),
            attempts: *attempts,
        },
        Error::InvalidResponse {
            status,
            message,
            request_id,
            attempts,
        } => Error::InvalidResponse {
            status: *status,
            message: message.clone(),
            request_id: request_id.clone(),
            attempts: *attempts,
        },
    }
}

/// Converts an expiration to `SystemTime` without the panic of `SystemTime::from`, because
/// `SystemTime` cannot hold every `OffsetDateTime` on every platform (Windows starts at 1601).
/// Returns `None` for an expiration later than `SystemTime` can hold, which callers treat as
/// never. Returns the Unix epoch for one earlier than `SystemTime` can hold, which is in the
/// past for every clock after 1970.
pub(crate) fn expiration_time(expiration: OffsetDateTime) -> Option<SystemTime> {
    let offset = expiration - OffsetDateTime::UNIX_EPOCH;
    if offset.is_negative() {
        let time = SystemTime::UNIX_EPOCH.checked_sub(offset.unsigned_abs());
        Some(time.unwrap_or(SystemTime::UNIX_EPOCH))
    } else {
        SystemTime::UNIX_EPOCH.checked_add(offset.unsigned_abs())
    }
}

/// The wait before the next refresh attempt: doubling from [`FIRST_BACKOFF`] up to
/// [`MAX_BACKOFF`], and at most half the time the current credentials stay usable, so the
/// next attempt comes before they expire.
fn backoff(failures: u32, entry: &Entry, now: SystemTime) -> Duration {
    let exponent = failures.saturating_sub(1).min(16);
    let doubled = FIRST_BACKOFF.saturating_mul(1 << exponent).min(MAX_BACKOFF);
    let remaining = entry
        .usable_until
        .and_then(|until| until.duration_since(now).ok())
        .unwrap_or(MAX_BACKOFF);
    doubled.min(remaining / 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};
    use time::OffsetDateTime;

    const START: u64 = 1_700_000_000;

    /// A clock that tests move by hand, in whole seconds since the Unix epoch.
    #[derive(Clone)]
    struct ManualClock(Arc<AtomicU64>);

    impl ManualClock {
        fn new() -> ManualClock {
            ManualClock(Arc::new(AtomicU64::new(START)))
        }
        fn now(&self) -> SystemTime {
            SystemTime::UNIX_EPOCH + Duration::from_secs(self.0.load(Ordering::SeqCst))
        }
        fn advance(&self, seconds: u64) {
            self.0.fetch_add(seconds, Ordering::SeqCst);
        }
    }

    fn expiring(key: &str, at: SystemTime) -> Credentials {
        Credentials::new(
            key,
            "secret",
            Some("token".into()),
            Some(OffsetDateTime::from(at)),
        )
    }

    #[test]
    fn static_credentials_load_once() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        let loads = AtomicUsize::new(0);
        let mut load = || {
            loads.fetch_add(1, Ordering::SeqCst);
            Ok(Credentials::new("AKID", "secret", None, None))
        };
        for _ in 0..3 {
            cache.get(&|| clock.now(), &mut load).unwrap();
            clock.advance(1_000_000);
        }
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn refresh_point_scales_with_lifetime() {
        for (lifetime, expected_refresh_after) in [(900, 675), (3_600, 2_700), (43_200, 42_300)] {
            let clock = ManualClock::new();
            let entry = Entry::new(
                expiring("A", clock.now() + Duration::from_secs(lifetime)),
                clock.now(),
            );
            let refresh_at = entry.refresh_at.unwrap();
            let after = refresh_at.duration_since(clock.now()).unwrap().as_secs();
            assert_eq!(after, expected_refresh_after, "lifetime {lifetime} s");
        }
    }

    #[test]
    fn fifteen_minute_credentials_are_reused() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        let loads = AtomicUsize::new(0);
        let mut load = || {
            let count = loads.fetch_add(1, Ordering::SeqCst);
            Ok(expiring(
                &format!("K{count}"),
                clock.now() + Duration::from_secs(900),
            ))
        };
        let first = cache.get(&|| clock.now(), &mut load).unwrap();
        clock.advance(600);
        let second = cache.get(&|| clock.now(), &mut load).unwrap();
        assert_eq!(first.access_key_id(), second.access_key_id());
        assert_eq!(loads.load(Ordering::SeqCst), 1);

        clock.advance(100);
        let third = cache.get(&|| clock.now(), &mut load).unwrap();
        assert_eq!(third.access_key_id(), "K1");
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn failed_refresh_keeps_usable_credentials_and_backs_off() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        let fail = std::sync::atomic::AtomicBool::new(false);
        let loads = AtomicUsize::new(0);
        let mut load = || {
            loads.fetch_add(1, Ordering::SeqCst);
            if fail.load(Ordering::SeqCst) {
                return Err(Error::credentials("STS is down"));
            }
            Ok(expiring("GOOD", clock.now() + Duration::from_secs(3_600)))
        };
        cache.get(&|| clock.now(), &mut load).unwrap();
        fail.store(true, Ordering::SeqCst);

        clock.advance(2_700);
        let kept = cache.get(&|| clock.now(), &mut load).unwrap();
        assert_eq!(kept.access_key_id(), "GOOD");
        assert_eq!(loads.load(Ordering::SeqCst), 2);

        clock.advance(1);
        cache.get(&|| clock.now(), &mut load).unwrap();
        assert_eq!(
            loads.load(Ordering::SeqCst),
            2,
            "no attempt during the backoff"
        );

        clock.advance(5);
        cache.get(&|| clock.now(), &mut load).unwrap();
        assert_eq!(
            loads.load(Ordering::SeqCst),
            3,
            "an attempt after the backoff"
        );
    }

    #[test]
    fn expired_credentials_are_never_returned() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        let fail = std::sync::atomic::AtomicBool::new(false);
        let mut load = || {
            if fail.load(Ordering::SeqCst) {
                return Err(Error::credentials("STS is down"));
            }
            Ok(expiring("OLD", clock.now() + Duration::from_secs(900)))
        };
        cache.get(&|| clock.now(), &mut load).unwrap();
        fail.store(true, Ordering::SeqCst);
        clock.advance(895);
        let error = cache.get(&|| clock.now(), &mut load).unwrap_err();
        assert_eq!(error.to_string(), "STS is down");
    }

    #[test]
    fn errors_are_not_cached() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        let loads = AtomicUsize::new(0);
        let mut load = || {
            if loads.fetch_add(1, Ordering::SeqCst) == 0 {
                return Err(Error::credentials("first attempt fails"));
            }
            Ok(Credentials::new("AKID", "secret", None, None))
        };
        assert!(cache.get(&|| clock.now(), &mut load).is_err());
        assert!(cache.get(&|| clock.now(), &mut load).is_ok());
    }

    #[test]
    fn already_expired_credentials_are_rejected() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        let mut load = || Ok(expiring("STALE", clock.now() - Duration::from_secs(1)));
        let error = cache.get(&|| clock.now(), &mut load).unwrap_err();
        assert!(error.to_string().contains("STALE"), "{error}");
    }

    #[test]
    fn far_future_expiration_is_kept() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        let loads = AtomicUsize::new(0);
        let mut load = || {
            loads.fetch_add(1, Ordering::SeqCst);
            let far = time::macros::datetime!(9999-12-31 23:59:59 UTC);
            Ok(Credentials::new("FAR", "secret", None, Some(far)))
        };
        cache.get(&|| clock.now(), &mut load).unwrap();
        clock.advance(100 * 365 * 24 * 3_600);
        let credentials = cache.get(&|| clock.now(), &mut load).unwrap();
        assert_eq!(credentials.access_key_id(), "FAR");
        assert_eq!(loads.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn far_past_expiration_is_rejected() {
        let cache = CredentialsCache::default();
        let clock = ManualClock::new();
        for (key, at) in [
            (
                "YEAR-9999-BC",
                time::macros::datetime!(-9999-01-01 00:00:00 UTC),
            ),
            ("YEAR-1", time::macros::datetime!(0001-01-01 00:00:00 UTC)),
        ] {
            let mut load = || Ok(Credentials::new(key, "secret", None, Some(at)));
            let error = cache.get(&|| clock.now(), &mut load).unwrap_err();
            assert!(error.to_string().contains(key), "{error}");
        }
    }

    #[test]
    fn expiration_time_of_extreme_dates() {
        let far_past = time::macros::datetime!(-9999-01-01 00:00:00 UTC);
        let past = expiration_time(far_past).unwrap();
        assert!(past <= SystemTime::UNIX_EPOCH);
        let far_future = time::macros::datetime!(9999-12-31 23:59:59 UTC);
        if let Some(future) = expiration_time(far_future) {
            assert!(future > SystemTime::UNIX_EPOCH);
        }
    }

    /// Starts `threads` threads at once that each call `get` with a load of 200 ms returning
    /// `result`, and returns the number of loads and each thread's result.
    fn race(
        threads: usize,
        result: fn() -> Result<Credentials, Error>,
    ) -> (usize, Vec<Result<Credentials, Error>>) {
        let cache = Arc::new(CredentialsCache::default());
        let loads = Arc::new(AtomicUsize::new(0));
        let barrier = Arc::new(Barrier::new(threads));
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let cache = Arc::clone(&cache);
                let loads = Arc::clone(&loads);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    let mut load = || {
                        loads.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(200));
                        result()
                    };
                    cache.get(&SystemTime::now, &mut load)
                })
            })
            .collect();
        let results = handles
            .into_iter()
            .map(|handle| handle.join().unwrap())
            .collect();
        (loads.load(Ordering::SeqCst), results)
    }

    #[test]
    fn concurrent_callers_share_one_load() {
        let (loads, results) = race(8, || {
            Ok(expiring(
                "SHARED",
                SystemTime::now() + Duration::from_secs(3_600),
            ))
        });
        assert_eq!(loads, 1);
        for result in results {
            assert_eq!(result.unwrap().access_key_id(), "SHARED");
        }
    }

    #[test]
    fn waiters_get_the_cause_of_the_failure() {
        let (loads, results) = race(4, || {
            let denied = crate::error::ServiceError {
                code: "AccessDenied".to_string(),
                message: "not authorized".to_string(),
                fault: crate::error::Fault::Sender,
                request_id: Some("request-1".to_string()),
                status: 403,
                attempts: 1,
            };
            Err(Error::credentials_caused_by(
                "assuming the role failed",
                Error::Service(denied),
            ))
        });
        assert_eq!(loads, 1);
        for result in results {
            let error = result.unwrap_err();
            assert_eq!(error.to_string(), "assuming the role failed");
            assert_eq!(error.code(), Some("AccessDenied"));
            assert_eq!(error.request_id(), Some("request-1"));
            assert_eq!(error.status(), Some(403));
            let source = std::error::Error::source(&error).map(ToString::to_string);
            assert_eq!(
                source.as_deref(),
                Some("STS returned AccessDenied (HTTP 403, request id request-1): not authorized")
            );
        }
    }

    #[test]
    fn waiters_get_the_error_variant() {
        let (_, results) = race(4, || {
            Err(Error::Timeout {
                endpoint: "http://127.0.0.1:9".to_string(),
                message: "attempt timeout of 1s elapsed".to_string(),
                attempts: 2,
            })
        });
        for result in results {
            let error = result.unwrap_err();
            assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
            assert!(error.is_retryable());
            assert_eq!(error.attempts(), 2);
        }
    }

    #[test]
    fn waiters_get_load_failure() {
        let (loads, results) = race(4, || Err(Error::credentials("the source failed")));
        assert_eq!(loads, 1);
        for result in results {
            assert_eq!(result.unwrap_err().to_string(), "the source failed");
        }
    }
}
