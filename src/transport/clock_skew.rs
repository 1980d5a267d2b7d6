//! Clock-skew correction: when STS rejects a request for its time, the offset between the
//! server's `Date` header and the local clock is stored on the session and added to the time
//! of every later signature.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::SystemTime;

use time::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use crate::Error;

/// Smallest difference between the server's and the corrected local clock that is treated as
/// skew. SigV4 signatures are valid for 5 minutes either side of the server's time, so a
/// smaller difference cannot be why a request was rejected.
pub(crate) const SKEW_THRESHOLD: Duration = Duration::minutes(4);

/// Error codes with which STS, or AWS in general, may reject a request for its time.
/// `SignatureDoesNotMatch` and `InvalidSignatureException` have other causes too, so the
/// `Date` header decides.
const SKEW_CODES: &[&str] = &[
    "RequestTimeTooSkewed",
    "RequestExpired",
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
];

/// The offset added to the local clock when signing, shared by every clone of a session.
#[derive(Debug, Default)]
pub(crate) struct ClockOffset {
    milliseconds: AtomicI64,
}

impl ClockOffset {
    /// Returns the offset: positive when the server's clock is ahead of the local one.
    pub(crate) fn get(&self) -> Duration {
        Duration::milliseconds(self.milliseconds.load(Ordering::Relaxed))
    }

    pub(crate) fn set(&self, offset: Duration) {
        let milliseconds =
            i64::try_from(offset.whole_milliseconds()).unwrap_or(if offset.is_negative() {
                i64::MIN
            } else {
                i64::MAX
            });
        self.milliseconds.store(milliseconds, Ordering::Relaxed);
    }

    /// Returns `now` moved by the offset: the time to sign with.
    pub(crate) fn apply(&self, now: SystemTime) -> SystemTime {
        shift(now, self.get())
    }
}

/// Moves `time` by `offset`, saturating at the ends of the range `SystemTime` can hold.
fn shift(time: SystemTime, offset: Duration) -> SystemTime {
    let magnitude = offset.unsigned_abs();
    let shifted = if offset.is_negative() {
        time.checked_sub(magnitude)
    } else {
        time.checked_add(magnitude)
    };
    shifted.unwrap_or(time)
}

/// Returns the new clock offset when `error` rejects the request for its time and the server's
/// `Date` header is more than [`SKEW_THRESHOLD`] away from the corrected local clock. Returns
/// `None` otherwise, including when the header is missing or cannot be parsed.
///
/// `now` is the local clock, without any offset, when the response arrived.
pub(crate) fn corrected_offset(
    error: &Error,
    date_header: Option<&str>,
    now: SystemTime,
    current_offset: Duration,
) -> Option<Duration> {
    let code = error.code()?;
    if !SKEW_CODES.contains(&code) {
        return None;
    }
    let server_time = parse_http_date(date_header?)?;
    if !(MIN_SERVER_YEAR..=MAX_SERVER_YEAR).contains(&server_time.year()) {
        return None;
    }
    let local_time = signing_time(now)?;
    let skew = server_time - local_time.checked_add(current_offset)?;
    if skew.abs() <= SKEW_THRESHOLD {
        return None;
    }
    Some(server_time - local_time)
}

/// Range of server `Date` years that can change the offset. SigV4 dates have four-digit years,
/// so a server date near year 9999 would make every later signature impossible to format.
const MIN_SERVER_YEAR: i32 = 1970;
const MAX_SERVER_YEAR: i32 = 9000;

/// Converts `time` for date arithmetic, or returns `None` when `time` is before 1970 or after
/// year 9999, where SigV4 dates cannot be written.
pub(crate) fn signing_time(time: SystemTime) -> Option<OffsetDateTime> {
    let since_epoch = time.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    let seconds = i64::try_from(since_epoch.as_secs()).ok()?;
    let time = OffsetDateTime::from_unix_timestamp(seconds).ok()?;
    (time.year() <= 9999).then_some(time)
}

// These descriptions are parsed at run time, and only after a rejected request. The
// `format_description!` macro would parse them at compile time but add the `time-macros`
// procedural macro crate to every build.
const IMF_FIXDATE: &str =
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT";
const RFC_850_DATE: &str =
    "[weekday], [day]-[month repr:short]-[year] [hour]:[minute]:[second] GMT";
const ASCTIME_DATE: &str =
    "[weekday repr:short] [month repr:short] [day padding:space] [hour]:[minute]:[second] [year]";

/// Parses `value` with a format description. An invalid description gives `None` like a value
/// that does not match, and the tests below parse every description.
fn parse_with(value: &str, description: &str) -> Option<PrimitiveDateTime> {
    let format = format_description::parse_borrowed::<2>(description).ok()?;
    PrimitiveDateTime::parse(value, &format).ok()
}

/// Parses an HTTP `Date` header in any of the three forms RFC 9110 section 5.6.7 requires
/// recipients to accept: IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850
/// form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
pub(crate) fn parse_http_date(value: &str) -> Option<OffsetDateTime> {
    let value = value.trim();
    parse_with(value, IMF_FIXDATE)
        .or_else(|| parse_with(value, ASCTIME_DATE))
        .or_else(|| parse_rfc_850_date(value))
        .map(PrimitiveDateTime::assume_utc)
}

/// Parses the RFC 850 form, whose year has two digits. RFC 9110 reads a two-digit year that
/// would be more than 50 years in the future as one in the past century.
fn parse_rfc_850_date(value: &str) -> Option<PrimitiveDateTime> {
    let (weekday, rest) = value.split_once(", ")?;
    let (date, time_of_day) = rest.split_once(' ')?;
    let (day_and_month, short_year) = date.rsplit_once('-')?;
    if short_year.len() != 2 || !short_year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let short_year: i32 = short_year.parse().ok()?;
    let this_year = OffsetDateTime::now_utc().year();
    let mut year = this_year - this_year.rem_euclid(100) + short_year;
    if year > this_year + 50 {
        year -= 100;
    }
    let full = format!("{weekday}, {day_and_month}-{year} {time_of_day}");
    parse_with(&full, RFC_850_DATE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Fault, ServiceError};
    use time::macros::datetime;

    fn service(code: &str) -> Error {
        Error::Service(ServiceError {
            code: code.to_string(),
            message: String::new(),
            fault: Fault::Sender,
            request_id: None,
            status: 403,
            attempts: 1,
        })
    }

    fn at(time: OffsetDateTime) -> SystemTime {
        time.into()
    }

    #[test]
    fn date_near_year_9999_is_ignored() {
        let now = at(datetime!(2026-12-04 12:00:00 UTC));
        let error = service("SignatureDoesNotMatch");
        let far = corrected_offset(
            &error,
            Some("Fri, 31 Dec 9999 23:59:59 GMT"),
            now,
            Duration::ZERO,
        );
        assert_eq!(far, None);
        let early = corrected_offset(
            &error,
            Some("Mon, 01 Jan 1900 00:00:00 GMT"),
            now,
            Duration::ZERO,
        );
        assert_eq!(early, None);
    }

    #[test]
    fn huge_current_offset_does_not_panic() {
        let now = at(datetime!(2026-12-04 12:00:00 UTC));
        let error = service("RequestTimeTooSkewed");
        let offset = corrected_offset(
            &error,
            Some("Fri, 04 Dec 2026 13:00:00 GMT"),
            now,
            Duration::days(365 * 8000),
        );
        assert_eq!(offset, None);
    }

    #[test]
    fn http_date_forms() {
        let expected = datetime!(1994-11-06 08:49:37 UTC);
        assert_eq!(
            parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(expected)
        );
        assert_eq!(parse_http_date("Sun Nov  6 08:49:37 1994"), Some(expected));
        assert_eq!(
            parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"),
            Some(expected)
        );
        assert_eq!(
            parse_http_date("Thursday, 01-Jan-26 00:00:00 GMT"),
            Some(datetime!(2026-01-01 00:00:00 UTC))
        );
    }

    #[test]
    fn bad_http_dates() {
        for value in [
            "",
            "yesterday",
            "Sun, 06 Nov 1994 08:49:37 +0000",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 25:49:37 GMT",
            "1994-11-06T08:49:37Z",
        ] {
            assert_eq!(parse_http_date(value), None, "{value:?}");
        }
    }

    #[test]
    fn skewed_date_gives_offset() {
        let local = datetime!(2030-01-01 12:00:00 UTC);
        for code in SKEW_CODES {
            let offset = corrected_offset(
                &service(code),
                Some("Tue, 01 Jan 2030 12:10:00 GMT"),
                at(local),
                Duration::ZERO,
            );
            assert_eq!(offset, Some(Duration::minutes(10)), "{code}");
        }
        let behind = corrected_offset(
            &service("RequestExpired"),
            Some("Tue, 01 Jan 2030 10:00:00 GMT"),
            at(local),
            Duration::ZERO,
        );
        assert_eq!(behind, Some(Duration::hours(-2)));
    }

    #[test]
    fn no_correction_without_a_reason() {
        let local = at(datetime!(2030-01-01 12:00:00 UTC));
        let skewed = Some("Tue, 01 Jan 2030 12:10:00 GMT");

        // Not a time-related code.
        assert_eq!(
            corrected_offset(&service("AccessDenied"), skewed, local, Duration::ZERO),
            None
        );

        // Missing or unparsable Date.
        let error = service("SignatureDoesNotMatch");
        assert_eq!(corrected_offset(&error, None, local, Duration::ZERO), None);
        assert_eq!(
            corrected_offset(&error, Some("garbage"), local, Duration::ZERO),
            None
        );

        // Within the threshold: a wrong secret key, not a wrong clock.
        assert_eq!(
            corrected_offset(
                &error,
                Some("Tue, 01 Jan 2030 12:03:59 GMT"),
                local,
                Duration::ZERO
            ),
            None
        );

        // Already corrected by an earlier response.
        assert_eq!(
            corrected_offset(&error, skewed, local, Duration::minutes(10)),
            None
        );

        // Not a service error at all.
        let timeout = Error::Timeout {
            endpoint: "http://127.0.0.1:1/".into(),
            message: "m".into(),
            attempts: 1,
        };
        assert_eq!(
            corrected_offset(&timeout, skewed, local, Duration::ZERO),
            None
        );
    }

    #[test]
    fn offset_applies_both_ways() {
        let offset = ClockOffset::default();
        let now = at(datetime!(2030-01-01 12:00:00 UTC));
        assert_eq!(offset.apply(now), now);
        offset.set(Duration::minutes(-15));
        assert_eq!(offset.get(), Duration::minutes(-15));
        assert_eq!(offset.apply(now), at(datetime!(2030-01-01 11:45:00 UTC)));
        offset.set(Duration::seconds(90));
        assert_eq!(offset.apply(now), at(datetime!(2030-01-01 12:01:30 UTC)));
    }
}
