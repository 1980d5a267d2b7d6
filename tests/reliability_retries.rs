//! Retries against a scripted fault server: what is retried, how often, with what backoff, and
//! how the retry quota limits an outage. Every count is taken on the server side.

mod reliability_common;
mod support;

use std::time::{Duration, Instant};

use aws_sts_blocking::{Environment, Error, RetryMode, StsClient};
use reliability_common::{
    capture_logs, error_response, fault_session, identity_response, logs_of_this_thread,
    test_credentials,
};
use support::fault::{FaultServer, Response, Step};

fn describe(session: aws_sts_blocking::AwsSession) -> Result<String, Error> {
    let mut client = StsClient::new(None, None, Some(session)).expect("client");
    client
        .describe_caller()
        .map(|identity| identity.arn().to_string())
}

#[test]
fn throttling_then_success() {
    let server = FaultServer::start(vec![
        Step::Respond(error_response(400, "Throttling")),
        Step::Respond(error_response(400, "ThrottlingException")),
        Step::Respond(identity_response()),
    ]);
    let arn = describe(fault_session(&server).build().unwrap()).expect("third attempt succeeds");
    assert_eq!(arn, "arn:aws:iam::123456789012:user/alice");
    assert_eq!(server.request_count(), 3);
}

#[test]
fn every_retryable_code_is_retried() {
    let codes = [
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
        "RequestTimeout",
        "RequestTimeoutException",
        "IDPCommunicationError",
    ];
    for code in codes {
        let server = FaultServer::start(vec![
            Step::Respond(error_response(400, code)),
            Step::Respond(identity_response()),
        ]);
        let result = describe(fault_session(&server).build().unwrap());
        assert!(result.is_ok(), "{code}: {result:?}");
        assert_eq!(server.request_count(), 2, "{code}");
    }
}

#[test]
fn server_errors_retried_whatever_the_body() {
    for status in [500, 502, 503, 504] {
        let server = FaultServer::start(vec![
            Step::Respond(error_response(status, "InternalFailure")),
            Step::Respond(
                Response::new(status).body("<html><body>Service Unavailable</body></html>"),
            ),
            Step::Respond(identity_response()),
        ]);
        let result = describe(fault_session(&server).build().unwrap());
        assert!(result.is_ok(), "{status}: {result:?}");
        assert_eq!(server.request_count(), 3, "{status}");
    }
}

#[test]
fn other_client_errors_not_retried() {
    for (status, code) in [
        (403, "AccessDenied"),
        (400, "ValidationError"),
        (400, "PackedPolicyTooLarge"),
        (400, "MalformedPolicyDocument"),
        (403, "InvalidClientTokenId"),
        (400, "ExpiredTokenException"),
        (429, "SomethingElse"),
    ] {
        let server = FaultServer::start(vec![
            Step::Respond(error_response(status, code)),
            Step::Respond(identity_response()),
        ]);
        let error = describe(fault_session(&server).build().unwrap()).unwrap_err();
        assert_eq!(error.code(), Some(code));
        assert!(!error.is_retryable(), "{code}");
        assert_eq!(error.attempts(), 1, "{code}");
        assert_eq!(server.request_count(), 1, "{code}");
    }
}

#[test]
fn final_error_counts_attempts() {
    let server = FaultServer::start(vec![Step::Respond(error_response(
        503,
        "ServiceUnavailable",
    ))]);
    let error = describe(fault_session(&server).build().unwrap()).unwrap_err();
    assert_eq!(error.code(), Some("ServiceUnavailable"));
    assert!(error.is_retryable());
    assert_eq!(error.attempts(), 3);
    assert!(error.to_string().contains("after 3 attempts"), "{error}");
    assert_eq!(server.request_count(), 3);
}

#[test]
fn max_attempts_from_builder_and_environment() {
    let server = FaultServer::start(vec![Step::Respond(error_response(500, "InternalFailure"))]);
    let error = describe(fault_session(&server).max_attempts(1).build().unwrap()).unwrap_err();
    assert_eq!(error.attempts(), 1);
    assert_eq!(server.request_count(), 1);

    let server = FaultServer::start(vec![Step::Respond(error_response(500, "InternalFailure"))]);
    let session = fault_session(&server)
        .environment(Environment::empty().with_var("AWS_MAX_ATTEMPTS", "5"))
        .build()
        .unwrap();
    assert_eq!(session.max_attempts(), 5);
    let error = describe(session).unwrap_err();
    assert_eq!(error.attempts(), 5);
    assert_eq!(server.request_count(), 5);

    let server = FaultServer::start(vec![Step::Respond(error_response(500, "InternalFailure"))]);
    let session = fault_session(&server)
        .environment(Environment::empty().with_var("AWS_MAX_ATTEMPTS", "5"))
        .max_attempts(2)
        .build()
        .unwrap();
    let error = describe(session).unwrap_err();
    assert_eq!(error.attempts(), 2);
    assert_eq!(server.request_count(), 2);
}

#[test]
fn connection_failures_are_retried() {
    let server = FaultServer::start(vec![
        Step::Close,
        Step::CloseMidBody {
            response: identity_response(),
            sent_bytes: 20,
        },
        Step::Respond(identity_response()),
    ]);
    let result = describe(fault_session(&server).build().unwrap());
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(server.request_count(), 3);

    let server = FaultServer::start(vec![Step::Close]);
    let error = describe(fault_session(&server).build().unwrap()).unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.request_count(), 3);
}

#[test]
fn connection_refused_is_retried() {
    // Bind and drop a listener to find a port on which nothing listens.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let session = aws_sts_blocking::AwsSession::builder()
        .environment(Environment::empty())
        .credentials(test_credentials())
        .region("us-east-1")
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .initial_backoff(Duration::from_millis(5))
        .build()
        .unwrap();
    let error = describe(session).unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.attempts(), 3);
}

#[test]
fn retry_after_header_lengthens_wait() {
    let throttled = error_response(400, "Throttling").header("x-amz-retry-after", "400");
    let server = FaultServer::start(vec![
        Step::Respond(throttled.clone()),
        Step::Respond(throttled),
        Step::Respond(identity_response()),
    ]);
    let started = Instant::now();
    let result = describe(fault_session(&server).build().unwrap());
    let elapsed = started.elapsed();
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(server.request_count(), 3);
    // Two waits of at least 400 ms each, where the 5 ms backoff alone would wait at most 15 ms.
    assert!(elapsed >= Duration::from_millis(800), "{elapsed:?}");
}

#[test]
fn retry_after_header_is_capped() {
    let server = FaultServer::start(vec![
        Step::Respond(error_response(400, "Throttling").header("x-amz-retry-after", "3600000")),
        Step::Respond(identity_response()),
    ]);
    let started = Instant::now();
    let result = describe(fault_session(&server).build().unwrap());
    let elapsed = started.elapsed();
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(server.request_count(), 2);
    // The wait is at most the backoff (5 ms) plus 5 s, whatever the header requests.
    assert!(elapsed >= Duration::from_secs(5), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(15), "{elapsed:?}");
}

#[test]
fn backoff_grows_with_attempts() {
    // With a 200 ms initial backoff, the waits before attempts 2 to 5 are random fractions of
    // 200, 400, 800 and 1600 ms, so together they take at most 3 s.
    let server = FaultServer::start(vec![Step::Respond(error_response(
        503,
        "ServiceUnavailable",
    ))]);
    let session = fault_session(&server)
        .initial_backoff(Duration::from_millis(200))
        .max_attempts(5)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = describe(session).unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.attempts(), 5);
    assert_eq!(server.request_count(), 5);
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[test]
fn quota_stops_retries_during_outage() {
    // Each failing call takes 2 retries of 5 tokens from the quota of 500, so 50 calls use it
    // up, and later calls on the session or its clones make a single attempt.
    let server = FaultServer::start(vec![Step::Respond(error_response(
        503,
        "ServiceUnavailable",
    ))]);
    let session = fault_session(&server)
        .initial_backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    for call in 0..50 {
        let error = describe(session.clone()).unwrap_err();
        assert_eq!(error.attempts(), 3, "call {call}");
    }
    assert_eq!(server.request_count(), 150);

    for call in 0..10 {
        let error = describe(session.clone()).unwrap_err();
        assert_eq!(error.attempts(), 1, "call {}", 50 + call);
    }
    assert_eq!(server.request_count(), 160);
}

#[test]
fn quota_refills_on_success() {
    // 49 failing calls leave 10 tokens. A success after one retry returns that retry's 5
    // tokens, so the next failing call still gets both of its retries.
    let mut steps = vec![Step::Respond(error_response(503, "ServiceUnavailable")); 49 * 3];
    steps.push(Step::Respond(error_response(503, "ServiceUnavailable")));
    steps.push(Step::Respond(identity_response()));
    steps.push(Step::Respond(error_response(503, "ServiceUnavailable")));
    let server = FaultServer::start(steps);
    let session = fault_session(&server)
        .initial_backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    for _ in 0..49 {
        assert_eq!(describe(session.clone()).unwrap_err().attempts(), 3);
    }
    assert!(describe(session.clone()).is_ok());
    assert_eq!(server.request_count(), 149);

    let error = describe(session.clone()).unwrap_err();
    assert_eq!(error.attempts(), 3);
    assert_eq!(server.request_count(), 152);
}

#[test]
fn adaptive_mode_retries_throttling() {
    let server = FaultServer::start(vec![
        Step::Respond(error_response(400, "Throttling")),
        Step::Respond(error_response(400, "Throttling")),
        Step::Respond(identity_response()),
    ]);
    let session = fault_session(&server)
        .retry_mode(RetryMode::Adaptive)
        .build()
        .unwrap();
    assert_eq!(session.retry_mode(), RetryMode::Adaptive);
    let result = describe(session.clone());
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(server.request_count(), 3);

    // The rate limiter is now on. Later calls still succeed, at a limited rate.
    for _ in 0..3 {
        assert!(describe(session.clone()).is_ok());
    }
    assert_eq!(server.request_count(), 6);
}

#[test]
fn retry_mode_from_environment() {
    let server = FaultServer::start(vec![Step::Respond(identity_response())]);
    let session = fault_session(&server)
        .environment(Environment::empty().with_var("AWS_RETRY_MODE", "adaptive"))
        .build()
        .unwrap();
    assert_eq!(session.retry_mode(), RetryMode::Adaptive);

    let error = fault_session(&server)
        .environment(Environment::empty().with_var("AWS_RETRY_MODE", "aggressive"))
        .build()
        .unwrap_err();
    assert!(matches!(error, Error::Config { .. }), "{error:?}");
    assert!(error.to_string().contains("AWS_RETRY_MODE"), "{error}");
}

#[test]
fn retry_settings_from_profile() {
    let home = std::env::temp_dir().join(format!(
        "aws-sts-blocking-retry-profile-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(home.join(".aws")).unwrap();
    std::fs::write(
        home.join(".aws/config"),
        "[default]\nmax_attempts = 4\nretry_mode = adaptive\n",
    )
    .unwrap();

    let server = FaultServer::start(vec![Step::Respond(error_response(500, "InternalFailure"))]);
    let session = fault_session(&server)
        .environment(Environment::empty().with_home_dir(&home))
        .build()
        .unwrap();
    assert_eq!(session.max_attempts(), 4);
    assert_eq!(session.retry_mode(), RetryMode::Adaptive);
    let error = describe(session).unwrap_err();
    assert_eq!(error.attempts(), 4);
    assert_eq!(server.request_count(), 4);

    // The environment variable wins over the profile.
    let session = fault_session(&server)
        .environment(
            Environment::empty()
                .with_home_dir(&home)
                .with_var("AWS_MAX_ATTEMPTS", "2"),
        )
        .build()
        .unwrap();
    assert_eq!(session.max_attempts(), 2);
}

#[test]
fn each_retry_is_logged() {
    capture_logs();
    let server = FaultServer::start(vec![
        Step::Respond(error_response(400, "Throttling")),
        Step::Respond(error_response(503, "ServiceUnavailable")),
        Step::Respond(identity_response()),
    ]);
    describe(fault_session(&server).build().unwrap()).unwrap();

    let retries: Vec<String> = logs_of_this_thread()
        .into_iter()
        .filter(|record| record.level == log::Level::Debug)
        .map(|record| record.message)
        .filter(|message| message.starts_with("retrying"))
        .collect();
    assert_eq!(retries.len(), 2, "{retries:#?}");
    assert!(retries[0].contains("attempt 2 of 3"), "{}", retries[0]);
    assert!(retries[0].contains("reason: throttled"), "{}", retries[0]);
    assert!(retries[0].contains("Throttling"), "{}", retries[0]);
    assert!(retries[0].contains(" ms "), "{}", retries[0]);
    assert!(retries[1].contains("attempt 3 of 3"), "{}", retries[1]);
    assert!(
        retries[1].contains("reason: transient failure"),
        "{}",
        retries[1]
    );
    assert!(retries[1].contains("HTTP 503"), "{}", retries[1]);
}
