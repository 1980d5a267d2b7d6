//! Clock-skew correction against a fault server that rejects requests for their time and sends
//! a `Date` header, with the client's clock injected two hours slow.

mod reliability_common;
mod support;

use std::time::{Duration, SystemTime};

use aws_sts_blocking::{AwsSession, Environment, Error, StsClient};
use reliability_common::{error_response, fault_session, identity_response};
use support::fault::{FaultServer, RecordedRequest, Response, Step};
use time::macros::format_description;
use time::{OffsetDateTime, PrimitiveDateTime};

/// How far the injected client clock lags the real one.
const CLIENT_LAG: Duration = Duration::from_secs(2 * 60 * 60);

/// Returns an environment whose clock runs [`CLIENT_LAG`] behind the system clock.
fn slow_clock() -> Environment {
    Environment::empty().with_clock(|| SystemTime::now() - CLIENT_LAG)
}

/// Formats the system clock's time as an HTTP `Date` header.
fn http_date_now() -> String {
    let format = format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    OffsetDateTime::now_utc().format(format).unwrap()
}

/// Returns the time a request was signed for, from its `X-Amz-Date` header.
fn signed_at(request: &RecordedRequest) -> OffsetDateTime {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    let value = request.header("x-amz-date").expect("a signed request");
    PrimitiveDateTime::parse(value, format)
        .unwrap()
        .assume_utc()
}

/// Returns how far `time` is from the system clock, in seconds.
fn seconds_from_now(time: OffsetDateTime) -> i64 {
    (time - OffsetDateTime::now_utc()).whole_seconds()
}

fn skewed_rejection(code: &str) -> Response {
    error_response(403, code).header("Date", &http_date_now())
}

fn describe(session: &AwsSession) -> Result<(), Error> {
    let mut client = StsClient::new(None, None, Some(session.clone())).expect("client");
    client.describe_caller().map(|_| ())
}

#[test]
fn skewed_date_corrects_and_retries() {
    for code in [
        "RequestTimeTooSkewed",
        "RequestExpired",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
    ] {
        let server = FaultServer::start(vec![
            Step::Respond(skewed_rejection(code)),
            Step::Respond(identity_response()),
        ]);
        let session = fault_session(&server)
            .environment(slow_clock())
            .build()
            .unwrap();
        assert_eq!(session.clock_offset(), time::Duration::ZERO);

        let result = describe(&session);
        assert!(result.is_ok(), "{code}: {result:?}");
        assert_eq!(server.request_count(), 2, "{code}");

        let requests = server.requests();
        let first = seconds_from_now(signed_at(&requests[0]));
        let second = seconds_from_now(signed_at(&requests[1]));
        assert!(
            (first + 7_200).abs() < 60,
            "{code}: first signed {first} s from now"
        );
        assert!(
            second.abs() < 60,
            "{code}: second signed {second} s from now"
        );
        let offset = session.clock_offset().whole_seconds();
        assert!((offset - 7_200).abs() < 60, "{code}: offset {offset} s");
    }
}

#[test]
fn offset_kept_for_later_calls_and_clones() {
    let server = FaultServer::start(vec![
        Step::Respond(skewed_rejection("RequestTimeTooSkewed")),
        Step::Respond(identity_response()),
        Step::Respond(identity_response()),
    ]);
    let session = fault_session(&server)
        .environment(slow_clock())
        .build()
        .unwrap();
    describe(&session).unwrap();

    // A client on a clone signs with the corrected clock from its first attempt.
    let clone = session.clone();
    describe(&clone).unwrap();
    assert_eq!(server.request_count(), 3);
    let third = seconds_from_now(signed_at(&server.requests()[2]));
    assert!(third.abs() < 60, "third signed {third} s from now");
    assert_eq!(clone.clock_offset(), session.clock_offset());
}

#[test]
fn offset_stored_even_without_retries() {
    let server = FaultServer::start(vec![
        Step::Respond(skewed_rejection("RequestTimeTooSkewed")),
        Step::Respond(identity_response()),
    ]);
    let session = fault_session(&server)
        .environment(slow_clock())
        .max_attempts(1)
        .build()
        .unwrap();
    let error = describe(&session).unwrap_err();
    assert_eq!(error.code(), Some("RequestTimeTooSkewed"));
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.request_count(), 1);
    assert!((session.clock_offset().whole_seconds() - 7_200).abs() < 60);

    describe(&session).unwrap();
    let second = seconds_from_now(signed_at(&server.requests()[1]));
    assert!(second.abs() < 60, "second signed {second} s from now");
}

#[test]
fn unusable_date_never_changes_offset() {
    for date in [
        None,
        Some("yesterday"),
        Some("Mon, 32 Jan 2024 00:00:00 GMT"),
        Some(""),
    ] {
        let mut response = error_response(403, "RequestTimeTooSkewed");
        if let Some(date) = date {
            response = response.header("Date", date);
        }
        let server = FaultServer::start(vec![
            Step::Respond(response),
            Step::Respond(identity_response()),
        ]);
        let session = fault_session(&server)
            .environment(slow_clock())
            .build()
            .unwrap();
        let error = describe(&session).unwrap_err();
        assert_eq!(error.code(), Some("RequestTimeTooSkewed"), "{date:?}");
        assert_eq!(server.request_count(), 1, "{date:?}");
        assert_eq!(session.clock_offset(), time::Duration::ZERO, "{date:?}");
    }
}

#[test]
fn small_skew_is_a_real_signature_error() {
    // A Date within 4 minutes of the client's clock: the signature is wrong for another
    // reason, such as a wrong secret key, so nothing is retried.
    let server = FaultServer::start(vec![
        Step::Respond(skewed_rejection("SignatureDoesNotMatch")),
        Step::Respond(identity_response()),
    ]);
    let session = fault_session(&server)
        .environment(
            Environment::empty().with_clock(|| SystemTime::now() - Duration::from_secs(180)),
        )
        .build()
        .unwrap();
    let error = describe(&session).unwrap_err();
    assert_eq!(error.code(), Some("SignatureDoesNotMatch"));
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.request_count(), 1);
    assert_eq!(session.clock_offset(), time::Duration::ZERO);
}

#[test]
fn other_codes_ignore_the_date() {
    let server = FaultServer::start(vec![
        Step::Respond(skewed_rejection("AccessDenied")),
        Step::Respond(identity_response()),
    ]);
    let session = fault_session(&server)
        .environment(slow_clock())
        .build()
        .unwrap();
    let error = describe(&session).unwrap_err();
    assert_eq!(error.code(), Some("AccessDenied"));
    assert_eq!(server.request_count(), 1);
    assert_eq!(session.clock_offset(), time::Duration::ZERO);
}
