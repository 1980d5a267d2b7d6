//! Timeouts against servers that accept a request and then send nothing, or send the body one
//! byte at a time. The bounds asserted here have generous slack: they check behaviour, not
//! speed.

mod reliability_common;
mod support;

use std::time::{Duration, Instant};

use aws_sts_blocking::{Error, StsClient};
use reliability_common::{fault_session, identity_response, IDENTITY_BODY};
use support::fault::{FaultServer, Step};

const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(700);
/// Time allowed beyond the configured bound for scheduling and connection setup.
const SLACK: Duration = Duration::from_secs(2);

/// Returns a session for `server` with [`ATTEMPT_TIMEOUT`] and `max_attempts`.
fn timeout_session(server: &FaultServer, max_attempts: u32) -> aws_sts_blocking::AwsSession {
    fault_session(server)
        .attempt_timeout(ATTEMPT_TIMEOUT)
        .max_attempts(max_attempts)
        .build()
        .unwrap()
}

fn describe(session: aws_sts_blocking::AwsSession) -> Result<(), Error> {
    let mut client = StsClient::new(None, None, Some(session)).expect("client");
    client.describe_caller().map(|_| ())
}

#[test]
fn stalled_server_times_out() {
    let server = FaultServer::start(vec![Step::Stall(Duration::from_secs(30))]);
    let session = timeout_session(&server, 1);
    let started = Instant::now();
    let error = describe(session).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.is_retryable());
    assert!(elapsed >= ATTEMPT_TIMEOUT, "{elapsed:?}");
    assert!(elapsed < ATTEMPT_TIMEOUT + SLACK, "{elapsed:?}");
    assert_eq!(server.request_count(), 1);
}

#[test]
fn dripping_body_times_out() {
    // The headers arrive at once, then one byte every 50 ms: the whole body takes over 10 s,
    // so only a timeout that covers reading the body ends the attempt in time.
    let server = FaultServer::start(vec![Step::Drip {
        response: identity_response(),
        interval: Duration::from_millis(50),
    }]);
    assert!(IDENTITY_BODY.len() > 200, "{}", IDENTITY_BODY.len());
    let session = timeout_session(&server, 1);
    let started = Instant::now();
    let error = describe(session).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(elapsed < ATTEMPT_TIMEOUT + SLACK, "{elapsed:?}");
    assert_eq!(server.request_count(), 1);
}

#[test]
fn each_attempt_gets_its_own_timeout() {
    let server = FaultServer::start(vec![
        Step::Stall(Duration::from_secs(30)),
        Step::Stall(Duration::from_secs(30)),
        Step::Respond(identity_response()),
    ]);
    let session = timeout_session(&server, 3);
    let started = Instant::now();
    let result = describe(session);
    let elapsed = started.elapsed();
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(server.request_count(), 3);
    assert!(elapsed >= ATTEMPT_TIMEOUT * 2, "{elapsed:?}");
    assert!(elapsed < ATTEMPT_TIMEOUT * 2 + SLACK, "{elapsed:?}");
}

#[test]
fn timeout_error_counts_attempts() {
    let server = FaultServer::start(vec![Step::Stall(Duration::from_secs(30))]);
    let session = timeout_session(&server, 2);
    let started = Instant::now();
    let error = describe(session).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert_eq!(error.attempts(), 2);
    assert!(error.to_string().contains("after 2 attempts"), "{error}");
    assert!(error.to_string().contains("timed out"), "{error}");
    assert_eq!(server.request_count(), 2);
    assert!(elapsed < ATTEMPT_TIMEOUT * 2 + SLACK, "{elapsed:?}");
}

#[test]
fn full_accept_queue_hits_connect_timeout() {
    // A listener that never accepts: once its accept queue is full, Linux drops further SYNs,
    // so a new connection attempt hangs until the client's connect timeout.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..1_000 {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(_) => break,
        }
    }
    assert!(queued.len() < 1_000, "the accept queue never filled");

    let session = aws_sts_blocking::AwsSession::builder()
        .environment(aws_sts_blocking::Environment::empty())
        .credentials(reliability_common::test_credentials())
        .region("us-east-1")
        .endpoint_url(format!("http://{address}"))
        .connect_timeout(Duration::from_millis(300))
        .max_attempts(1)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = describe(session).unwrap_err();
    let elapsed = started.elapsed();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(error.to_string().contains("connect timeout"), "{error}");
    assert!(elapsed < Duration::from_millis(300) + SLACK, "{elapsed:?}");
    drop(listener);
}
